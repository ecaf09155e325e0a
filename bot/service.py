"""The campaign service: the one object adapters and jobs call. It holds no platform code."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import func, select

from bot.cadence.pause import is_paused, set_paused
from bot.cadence.reminders import set_reminders
from bot.document import Document
from bot.domain import Identity, PositionResult, ScaleOption, StatementState, StatementView
from bot.insight.aggregation import CampaignAggregate, aggregate_campaign
from bot.insight.digest import build_digest
from bot.insight.digest_context import DigestContext
from bot.insight.momentum import compute_momentum, save_snapshot
from bot.insight.privacy import tally_visible
from bot.labels import layer_label, option_label
from bot.people.erasure import Erasure, forget, positions_held
from bot.people.layer_questions import claim_layer_question
from bot.people.participants import set_layer
from bot.people.private_chats import forget_private_chat, private_chat_of, remember_private_chat
from bot.ports import ChatGateway, Clock
from bot.positions.own import OwnPosition, own_positions
from bot.positions.record import Vote
from bot.positions.tally import tally_line
from bot.positions.writer import PositionWriter
from bot.publishing.digest_delivery import DigestReport, post_digest
from bot.publishing.lease import ProcessLease
from bot.publishing.posts import PollPost, digest_message_at, find_poll, statement_posted_at
from bot.publishing.statements import (
    DeliveryReport,
    StatementNotFound,
    close_statement,
    open_statement,
)
from bot.settings.config import Settings
from bot.store.db import Database
from bot.store.models import Position, Statement, Theme
from bot.texts import Texts, texts_for

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class DigestDraft:
    document: Document
    snapshot: dict[str, Any]  # saved once the digest is posted, for the next one's momentum
    aggregate: CampaignAggregate  # for the chart, so it needs no second aggregation


class CampaignService:
    def __init__(self, *, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.campaign_id = settings.campaign.id
        self.scale: tuple[ScaleOption, ...] = settings.campaign.scale_options()
        self._option_keys = frozenset(o.key for o in self.scale)
        self.gateways: dict[str, ChatGateway] = {}
        self.writer = PositionWriter(db=db, campaign_id=self.campaign_id,
                                     option_keys=self._option_keys, now=clock.now)
        self.lease = ProcessLease(db=db)  # this process as owner of outbox rows it sends

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
        async with self.db.sessions() as session:
            row = (await session.execute(
                select(Statement.key, Statement.text, Statement.state, Theme.title)
                .join(Theme, Theme.id == Statement.theme_id)
                .where(Statement.campaign_id == self.campaign_id, Statement.key == key))).first()
        if row is None:
            raise StatementNotFound(key)
        return StatementView(key=row.key, text=row.text, theme_title=row.title,
                             options=self.scale, state=StatementState(row.state))

    async def open_statement_keys(self) -> list[str]:
        async with self.db.sessions() as session:
            keys = await session.scalars(
                select(Statement.key).where(Statement.campaign_id == self.campaign_id,
                                            Statement.state == StatementState.OPEN)
                .order_by(Statement.position))
            return list(keys)

    async def open(self, key: str) -> DeliveryReport:
        view = replace(await self.statement_view(key), state=StatementState.OPEN)
        return await open_statement(self.db, self.gateways, lease=self.lease,
                                    campaign_id=self.campaign_id, key=key, view=view,
                                    now=self.clock.now())

    async def close(self, key: str) -> int:
        view = replace(await self.statement_view(key), state=StatementState.CLOSED)
        return await close_statement(self.db, self.gateways, campaign_id=self.campaign_id,
                                     key=key, view=view, now=self.clock.now())

    # -- positions and layers -----------------------------------------------------------
    async def aclose(self) -> None:
        """Stop background work (the position writer, the outbox heartbeat); the database
        stays open."""
        await self.writer.close()
        await self.lease.release()

    async def record(self, vote: Vote) -> PositionResult:
        return await self.writer.record(vote)

    async def choose_layer(self, who: Identity, layer: str) -> str:
        return await set_layer(self.db, who, layer, known_layers=self.settings.campaign.layer_keys,
                               now=self.clock.now())

    async def tally(self, key: str) -> dict[str, int] | None:
        """Counts per option over all layers, or None below the privacy threshold."""
        async with self.db.sessions() as session:
            rows = (await session.execute(
                select(Position.option_key, func.count())
                .join(Statement, Statement.id == Position.statement_id)
                .where(Statement.campaign_id == self.campaign_id, Statement.key == key)
                .group_by(Position.option_key))).all()
        return tally_visible({option: n for option, n in rows},
                             self.settings.campaign.privacy_threshold)

    async def tally_text(self, key: str, texts: Texts) -> str:
        return tally_line(await self.tally(key), self.scale, texts,
                          self.settings.campaign.privacy_threshold)

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

    async def forget(self, who: Identity) -> Erasure:
        """Erase everything positie holds about this person (they asked, or an admin did)."""
        return await forget(self.db, who)

    # -- digest -------------------------------------------------------------------------
    async def digest(self, language: str | None = None) -> Document:
        return (await self.digest_draft(language)).document

    async def digest_draft(self, language: str | None = None) -> DigestDraft:
        """The digest with what moved since the previous one, and the snapshot to save."""
        aggregate = await aggregate_campaign(self.db, self.campaign_id)
        momentum = await compute_momentum(
            self.db, self.campaign_id, now=self.clock.now(), aggregate=aggregate,
            scale=self.scale, privacy_threshold=self.settings.campaign.privacy_threshold)
        ctx = DigestContext(campaign=self.settings.campaign, scale=self.scale,
                            texts=self.texts(language), now=self.clock.now())
        return DigestDraft(build_digest(aggregate, ctx, momentum=momentum), momentum.snapshot,
                           aggregate)

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
            return await self.digest_chart(language=language, aggregate=draft.aggregate)
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
                           aggregate: CampaignAggregate | None = None) -> bytes:
        """The digest's chart as PNG; pass the digest's aggregate to avoid a second query."""
        from bot.insight.chart import render_chart  # matplotlib takes a second to import: only here

        aggregate = aggregate or await aggregate_campaign(self.db, self.campaign_id)
        # Drawing is CPU-bound for a good part of a second: keep it off the event loop.
        return await asyncio.to_thread(render_chart, aggregate, campaign=self.settings.campaign,
                                       scale=self.scale, texts=self.texts(language))

    # -- platform references (polls, messages, private chats) ------------------------------
    async def poll_post(self, poll_id: str) -> PollPost | None:
        """The statement (and chat) of a native poll the bot sent, by the platform's poll id."""
        return await find_poll(self.db, self.campaign_id, poll_id)

    async def statement_posted_at(self, platform: str, channel_id: str,
                                  message_ref: str) -> str | None:
        return await statement_posted_at(self.db, self.campaign_id, platform=platform,
                                         channel_external_id=channel_id,
                                         message_ref=message_ref)

    async def is_digest_message(self, platform: str, channel_id: str, message_ref: str) -> bool:
        return await digest_message_at(self.db, self.campaign_id, platform=platform,
                                       channel_external_id=channel_id, message_ref=message_ref)

    async def remember_private_chat(self, who: Identity, chat_id: str) -> None:
        await remember_private_chat(self.db, who, chat_id, now=self.clock.now())

    async def private_chat(self, who: Identity) -> str | None:
        return await private_chat_of(self.db, who)

    async def forget_private_chat(self, who: Identity) -> None:
        await forget_private_chat(self.db, who)

    # -- reminders and pausing ------------------------------------------------------------
    async def set_reminders(self, who: Identity, on: bool) -> None:
        await set_reminders(self.db, who, on, now=self.clock.now())

    async def set_paused(self, paused: bool) -> bool:
        """Pause or resume the campaign's schedule; False when it already was so."""
        return await set_paused(self.db, self.campaign_id, paused)

    async def is_paused(self) -> bool:
        return await is_paused(self.db, self.campaign_id)
