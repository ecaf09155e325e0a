"""The campaign service: the one object adapters and jobs call. It holds no platform code."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass, replace
from typing import Any

from bot.audit.trail import SELF
from bot.audit.trail import record as audit_record
from bot.cadence.channel_retry import retry_unreachable
from bot.cadence.pause import is_paused, set_paused
from bot.cadence.reminders import set_reminders
from bot.cadence.status import CampaignStatus, campaign_status
from bot.document import Document
from bot.domain import Identity, PositionResult, ScaleOption, StatementState, StatementView
from bot.insight.baseline_shift import BaselineShift, baseline_shift
from bot.insight.digest import build_digest
from bot.insight.digest_context import DigestContext
from bot.insight.exports import ExportRequest, export_campaign
from bot.insight.live_tally import statement_tally
from bot.insight.momentum import compute_momentum, save_snapshot
from bot.insight.participation import participation_by_week
from bot.insight.release import Release, release_campaign
from bot.insight.report_data import ReportData, assemble_report
from bot.labels import layer_label, option_label
from bot.people.erasure import Erasure, forget, positions_held
from bot.people.layer_questions import claim_layer_question
from bot.people.participants import set_layer
from bot.people.private_chats import forget_private_chat, private_chat_of, remember_private_chat
from bot.ports import ChatGateway, Check, Clock, Metrics, NoMetrics
from bot.positions.own import OwnPosition, own_positions
from bot.positions.record import Vote
from bot.positions.tally import TallyView, short_tally, tally_line
from bot.positions.writer import PositionWriter
from bot.publishing.channels import (
    ChannelState,
    channel_states,
    find_channel,
    mark_reached,
    mark_unreachable,
)
from bot.publishing.digest_delivery import DigestReport, post_digest
from bot.publishing.lease import ProcessLease
from bot.publishing.lifecycle import check_close, check_open, posted_before, reopen_posts
from bot.publishing.posts import PollPost, find_poll, statement_posted_at
from bot.publishing.selection import keys_to_open
from bot.publishing.statement_views import open_statement_keys, statement_id, statement_view
from bot.publishing.statements import (
    DeliveryReport,
    close_statement,
    open_statement,
)
from bot.publishing.tally_refresh import TallyRefresher
from bot.settings.config import Settings
from bot.store.db import Database
from bot.texts import Texts, texts_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DigestDraft:
    document: Document
    snapshot: dict[str, Any]  # saved once the digest is posted, for the next one's momentum
    release: Release  # for the chart: the same figures, no second aggregation or release
    shift: BaselineShift | None = None  # since the workshop, for the chart


class CampaignService:
    def __init__(self, *, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.campaign_id = settings.campaign.id
        self.scale: tuple[ScaleOption, ...] = settings.campaign.scale_options()
        self._option_keys = frozenset(o.key for o in self.scale)
        self.gateways: dict[str, ChatGateway] = {}
        self.metrics: Metrics = NoMetrics()  # the composition root sets Prometheus's
        self.writer = PositionWriter(db=db, campaign_id=self.campaign_id,
                                     option_keys=self._option_keys, now=clock.now)
        self.lease = ProcessLease(db=db)  # this process as owner of the outbox rows it sends
        # Adapters enable their platform (with its edit interval) when live tallies are on.
        self.tallies = TallyRefresher(db=db, campaign_id=self.campaign_id,
                                      gateways=self.gateways, statement_view=self.statement_view,
                                      lease=self.lease)

    # -- texts and labels -------------------------------------------------------------
    def texts(self, language: str | None = None) -> Texts:
        wanted = language if language in ("nl", "en") else self.settings.campaign.language
        return texts_for(wanted)

    def layer_choices(self, texts: Texts) -> list[tuple[str, str]]:
        return [(key, layer_label(key, self.settings.campaign, texts))
                for key in self.settings.campaign.layer_keys]

    def layer_name(self, layer: str, texts: Texts) -> str:
        return layer_label(layer, self.settings.campaign, texts)

    def option_name(self, option_key: str, texts: Texts) -> str:
        option = next((o for o in self.scale if o.key == option_key), None)
        return option_key if option is None else option_label(option, texts)

    # -- statements ---------------------------------------------------------------------
    async def statement_view(self, key: str) -> StatementView:
        return await statement_view(self.db, self.campaign_id, key, self.scale)

    async def open_statement_keys(self) -> list[str]:
        return await open_statement_keys(self.db, self.campaign_id)

    async def open(self, key: str) -> DeliveryReport:
        """Open a draft, resend what is pending, or reopen a closed statement (its earlier
        messages get their buttons back). Raises TransitionRefused for a retired one."""
        current = await self.statement_view(key)
        check_open(key, current.state)
        view = replace(current, state=StatementState.OPEN)
        earlier = (await posted_before(self.db, await self._statement_id(key))
                   if current.state is StatementState.CLOSED else [])
        report = await open_statement(self.db, self.gateways, lease=self.lease,
                                      campaign_id=self.campaign_id, key=key, view=view,
                                      now=self.clock.now())
        if earlier:
            reopened = await reopen_posts(self.db, self.gateways, post_ids=earlier, view=view,
                                          now=self.clock.now())
            report = replace(report, reopened=reopened)
        return report

    async def keys_to_open(self, *, theme: str | None) -> list[str]:
        """A theme's statements that are not closed, or (no theme) every draft."""
        return await keys_to_open(self.db, self.campaign_id, theme=theme)

    async def close(self, key: str) -> int:
        """Close for answers; refused for a statement that was never opened."""
        current = await self.statement_view(key)
        check_close(key, current.state)
        view = replace(current, state=StatementState.CLOSED)
        return await close_statement(self.db, self.gateways, campaign_id=self.campaign_id,
                                     key=key, view=view, now=self.clock.now())

    async def _statement_id(self, key: str) -> int:
        return await statement_id(self.db, self.campaign_id, key)

    # -- positions and layers -----------------------------------------------------------
    async def aclose(self) -> None:
        """Stop background work (tally edits, the position writer, the outbox heartbeat); the
        database stays open."""
        self.tallies.cancel()
        await self.writer.close()
        await self.lease.release()

    async def record(self, vote: Vote) -> PositionResult:
        result = await self.writer.record(vote)
        self.metrics.position(vote.who.platform, result.outcome)
        return result

    async def choose_layer(self, who: Identity, layer: str) -> str:
        return await set_layer(self.db, who, layer, known_layers=self.settings.campaign.layer_keys,
                               now=self.clock.now())

    async def tally(self, key: str, *, answered: bool = False) -> TallyView:
        """How many answered, and counts per option as the release step and
        campaign.results let them out (`answered`: for the person who just answered)."""
        campaign = self.settings.campaign
        return await statement_tally(self.db, self.campaign_id, key, scale=self.scale,
                                     k=campaign.privacy_threshold, now=self.clock.now(),
                                     results=campaign.results, answered=answered)

    async def tally_text(self, key: str, texts: Texts, *, answered: bool = False) -> str:
        campaign = self.settings.campaign
        return tally_line(await self.tally(key, answered=answered), self.scale, texts,
                          campaign.privacy_threshold,
                          per_option=campaign.tally_detail == "options")

    async def private_tally(self, key: str, texts: Texts, *, short: bool = False) -> str | None:
        """The tally for the confirmation of a person who just answered, when only they may
        see it (campaign.results = "after_vote"); None otherwise (the channel shows it, or
        nobody may see it yet). `short`: for a reply with a length limit."""
        campaign = self.settings.campaign
        if campaign.results != "after_vote":
            return None
        view = await self.tally(key, answered=True)
        if short:
            return short_tally(view, self.scale, texts, campaign.privacy_threshold)
        return tally_line(view, self.scale, texts, campaign.privacy_threshold,
                          per_option=campaign.tally_detail == "options")

    def option_choices(self, texts: Texts) -> list[tuple[str, str]]:
        return [(o.key, option_label(o, texts)) for o in self.scale]

    async def own_positions(self, who: Identity, texts: Texts) -> list[OwnPosition]:
        """A person's own positions: shown to that person only."""
        return [replace(p, option_label=self.option_name(p.option_label, texts))
                for p in await own_positions(self.db, self.campaign_id, who)]

    async def claim_group_layer_question(self, platform: str, channel_id: str,
                                         statement_key: str) -> bool:
        """Whether to ask this group which layers its answerers work for (once ever per
        statement, whichever process gets there first)."""
        return await claim_layer_question(self.db, self.campaign_id, platform=platform,
                                          channel_external_id=channel_id,
                                          statement_key=statement_key, now=self.clock.now())

    async def erasure_preview(self, who: Identity) -> Erasure:
        return await positions_held(self.db, who)

    async def forget(self, who: Identity, *, actor: str = SELF, via: str | None = None
                     ) -> Erasure:
        """Erase everything positie holds about this person (they asked, or an admin did),
        and say so in the audit trail (without their id)."""
        erasure = await forget(self.db, who)
        outcome = (f"erased {erasure.positions} position(s) and the person's layer"
                   if erasure.known else "nothing held")
        await self.audit(via=via or who.platform, actor=actor, action="forget",
                         target=f"a {who.platform} participant", outcome=outcome)
        return erasure

    async def audit(self, *, via: str, actor: str, action: str, target: str = "",
                    outcome: str) -> None:
        await audit_record(self.db, self.campaign_id, at=self.clock.now(), via=via,
                           actor=actor, action=action, target=target, outcome=outcome)

    # -- digest -------------------------------------------------------------------------
    async def digest(self, language: str | None = None) -> Document:
        return (await self.digest_draft(language)).document

    async def release(self) -> Release:
        """The campaign through the release step: what every output may show now."""
        return await release_campaign(self.db, campaign_id=self.campaign_id,
                                      scale=self.scale,
                                      k=self.settings.campaign.privacy_threshold,
                                      now=self.clock.now(),
                                      open_figures=self.settings.campaign.results_while_open)

    async def digest_draft(self, language: str | None = None) -> DigestDraft:
        """The digest with what moved since the previous one, and the snapshot to save."""
        started = time.perf_counter()
        release = await self.release()
        self.metrics.duration("aggregation", time.perf_counter() - started)
        momentum = await compute_momentum(self.db, self.campaign_id, now=self.clock.now(),
                                          release=release, scale=self.scale)
        ctx = DigestContext(campaign=self.settings.campaign, scale=self.scale,
                            texts=self.texts(language), now=self.clock.now())
        shift = await self.baseline_shift(release)
        draft = DigestDraft(build_digest(release, ctx, momentum=momentum, shift=shift),
                            momentum.snapshot, release, shift)
        self.metrics.duration("digest", time.perf_counter() - started)
        return draft

    async def baseline_shift(self, release: Release | None = None) -> BaselineShift | None:
        """The shift since the workshop, against `release` (the digest's, or a new one);
        None when no baseline was imported."""
        return await baseline_shift(self.db, release or await self.release(),
                                    campaign_id=self.campaign_id, scale=self.scale,
                                    layers=self.settings.campaign.layer_keys)

    async def report_data(self, language: str | None = None) -> ReportData:
        """What `positie report` shows: the same release and ranking as the digest,
        participation per week and the shift since the workshop."""
        release = await self.release()
        weeks = await participation_by_week(self.db, self.campaign_id,
                                            timezone=self.settings.campaign.timezone)
        ctx = DigestContext(campaign=self.settings.campaign, scale=self.scale,
                            texts=self.texts(language), now=self.clock.now())
        return assemble_report(release, ctx, weeks, await self.baseline_shift(release))

    async def export_csv(self, language: str | None = None) -> str:
        """Aggregates per statement × layer (standard CSV), the same release as the digest."""
        return (await self.export(ExportRequest("csv"), language))["positie-export.csv"].decode()

    async def export(self, request: ExportRequest,
                     language: str | None = None) -> dict[str, bytes]:
        """`positie export` in any format: file name -> contents, from one release."""
        return await export_campaign(self.db, await self.release(), request,
                                     campaign=self.settings.campaign, scale=self.scale,
                                     texts=self.texts(language), now=self.clock.now())

    async def publish_draft(self, draft: DigestDraft, *, period: str,
                            chart_png: bytes | None) -> DigestReport:
        """Post the digest; once a channel has it, save its snapshot, so the next digest
        (scheduled or by hand) says what moved since this one."""
        report = await self.publish_digest(period=period, document=draft.document,
                                           chart_png=chart_png)
        if report.posted or report.already_posted:
            await save_snapshot(self.db, campaign_id=self.campaign_id, period=period,
                                snapshot=draft.snapshot, now=self.clock.now())
        return report

    async def chart_or_none(self, draft: DigestDraft,
                            language: str | None = None) -> bytes | None:
        """The draft's chart; a digest without its chart beats no digest."""
        try:
            return await self.digest_chart(language=language, release=draft.release,
                                           shift=draft.shift)
        except Exception:
            log.exception("digest chart failed; posting the digest without it")
            return None

    async def publish_digest(self, *, period: str, chart_png: bytes | None = None,
                             document: Document | None = None) -> DigestReport:
        document = document or await self.digest()
        return await post_digest(self.db, self.gateways, lease=self.lease,
                                 campaign_id=self.campaign_id,
                                 period=period, document=document, chart_png=chart_png,
                                 now=self.clock.now())

    async def digest_chart(self, language: str | None = None, *,
                           release: Release | None = None,
                           shift: BaselineShift | None = None) -> bytes:
        """The digest's chart as PNG; pass the digest's release (and its shift since the
        workshop) to show the same figures."""
        from bot.insight.chart import render_chart  # matplotlib takes a second to import: only here

        if release is None:
            release = await self.release()
            shift = await self.baseline_shift(release)
        # Drawing is CPU-bound for a good part of a second: keep it off the event loop.
        return await asyncio.to_thread(render_chart, release, campaign=self.settings.campaign,
                                       scale=self.scale, texts=self.texts(language),
                                       shift=shift)

    # -- platform references (polls, messages, private chats) ------------------------------
    async def poll_post(self, poll_id: str) -> PollPost | None:
        """The statement (and chat) of a native poll the bot sent, by the platform's poll id."""
        return await find_poll(self.db, self.campaign_id, poll_id)

    async def statement_posted_at(self, platform: str, channel_id: str,
                                  message_ref: str) -> str | None:
        """The statement whose post a message is (a press on it may count), or None."""
        return await statement_posted_at(self.db, self.campaign_id, platform=platform,
                                         channel_external_id=channel_id,
                                         message_ref=message_ref)

    async def remember_private_chat(self, who: Identity, chat_id: str) -> None:
        await remember_private_chat(self.db, who, chat_id, now=self.clock.now())

    async def private_chat(self, who: Identity) -> str | None:
        return await private_chat_of(self.db, who)

    async def forget_private_chat(self, who: Identity) -> None:
        await forget_private_chat(self.db, who)

    # -- channels ---------------------------------------------------------------------------
    async def channel_states(self) -> list[ChannelState]:
        return await channel_states(self.db, self.campaign_id)

    async def channel_back(self, platform: str, external_id: str) -> DeliveryReport | None:
        """The platform says the bot may post here again (it was added): reach the channel
        and post the open statements it missed. None when it was not unreachable."""
        channel_id = await find_channel(self.db, self.campaign_id, platform, external_id)
        if channel_id is None or not await mark_reached(self.db, channel_id):
            return None
        log.info("%s channel %s is reachable again: posting the open statements it missed",
                 platform, external_id)
        return await self._post_open_statements()

    async def channel_gone(self, platform: str, external_id: str, reason: str) -> None:
        """The platform says the bot was removed: skip the channel until it is back."""
        channel_id = await find_channel(self.db, self.campaign_id, platform, external_id)
        if channel_id is not None:
            await mark_unreachable(self.db, channel_id, reason, now=self.clock.now())

    async def retry_channels(self, *, only: str | None = None
                             ) -> list[tuple[ChannelState, Check]]:
        """Try the unreachable channels that are due (or `only` this one, due or not)."""
        return await retry_unreachable(self.db, self.gateways, self.campaign_id,
                                       now=self.clock.now(), only=only,
                                       reached=self._post_open_statements)

    async def _post_open_statements(self) -> DeliveryReport:
        total = DeliveryReport(posted=0, pending=0, unavailable=0)
        for key in await self.open_statement_keys():
            report = await self.open(key)
            total = DeliveryReport(posted=total.posted + report.posted,
                                   pending=total.pending + report.pending,
                                   unavailable=total.unavailable + report.unavailable)
        return total

    # -- for the krachtteam ------------------------------------------------------------------
    async def status(self) -> CampaignStatus:
        return await campaign_status(self.db, self.campaign_id)

    # -- reminders and pausing ------------------------------------------------------------
    async def set_reminders(self, who: Identity, on: bool) -> None:
        await set_reminders(self.db, who, on, now=self.clock.now())

    async def set_paused(self, paused: bool) -> bool:
        """Pause or resume the campaign's schedule; False when it already was so."""
        return await set_paused(self.db, self.campaign_id, paused)

    async def is_paused(self) -> bool:
        return await is_paused(self.db, self.campaign_id)
