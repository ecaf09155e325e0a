"""SlackAdapter: bolt listeners (a few lines each, delegating) and the HTTP endpoint."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine, Hashable
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp

from adapters.slack.blocks import LAYER_ACTION, VOTE_ACTION, layer_buttons, text_section
from adapters.slack.client import build_client
from adapters.slack.endpoint import PAYLOAD, SlackEndpoint
from adapters.slack.gateway import SlackGateway
from adapters.slack.inbound import (
    command_word,
    command_words,
    identity_of,
    message_of,
    vote_of,
)
from adapters.slack.payloads import BlockActions, SlashCommand
from adapters.slack.scope import SlackScope
from adapters.slack.settings import SlackSettings
from bot.cadence.pause import admins_only, pause_reply
from bot.cadence.reminders import reminders_reply
from bot.domain import PositionResult
from bot.positions import replies
from bot.positions.batching import Coalescer
from bot.positions.record import Vote
from bot.service import CampaignService

log = logging.getLogger(__name__)
EVENTS_PATH = "/slack/events"


class SlackAdapter:
    def __init__(self, *, service: CampaignService, settings: SlackSettings) -> None:
        self.service = service
        self.settings = settings
        self._session = aiohttp.ClientSession()
        self.client = build_client(token=settings.bot_token, base_url=settings.api_base_url,
                                   retries=settings.retries, session=self._session)
        self.gateway = SlackGateway(client=self.client, service=service,
                                    live_tally=settings.live_tally)
        self.scope = SlackScope(settings=settings, client=self.client)
        # process_before_response: the HTTP answer waits for the listener, so an ack means
        # the position is committed; slow work (replies, tallies) runs in the background.
        # Signatures are checked by SlackEndpoint, before bolt sees the decoded body.
        self.app = AsyncApp(signing_secret=settings.signing_secret, client=self.client,
                            process_before_response=True, request_verification_enabled=False)
        self.app.action(re.compile(rf"^{re.escape(VOTE_ACTION)}\."))(self._on_vote)
        self.app.action(re.compile(rf"^{re.escape(LAYER_ACTION)}\."))(self._on_layer)
        self.app.command("/positie")(self._on_command)
        self._tally = Coalescer(interval=settings.tally_interval_seconds,
                                action=self._refresh_tally)
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None

    # -- listeners ------------------------------------------------------------------
    async def _on_vote(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                       context: dict[str, Any]) -> None:
        if not await self._in_scope(context):
            await ack()  # Slack requires the 200; the click changes nothing
            return
        await ack()
        vote = vote_of(body, action)
        if vote is None:
            log.warning("ignored a malformed vote button value from Slack")
            return
        result = await self.service.record(vote)
        self._background(self._confirm(body.get("response_url"), vote, result))
        message = message_of(body)
        if result.counted and message and self.settings.live_tally:
            self._tally.touch((*message, vote.statement_key))

    async def _on_layer(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                        context: dict[str, Any]) -> None:
        await ack()
        if not await self._in_scope(context):
            return
        texts = self.service.texts()
        layer = await self.service.choose_layer(identity_of(body), str(action.get("value")))
        reply = replies.layer_set(self.service.layer_name(layer, texts), texts)
        self._background(self._respond(body.get("response_url"), text=reply,
                                       replace_original=True))

    async def _on_command(self, ack: Any, command: dict[str, Any],
                          context: dict[str, Any]) -> None:
        texts = self.service.texts()
        if not await self._in_scope(context):
            await ack(text=texts.gettext("positie does not run a campaign in this workspace."))
            return
        word = command_word(command.get("text", ""))
        if word in ("laag", "layer"):
            question = replies.layer_question(texts)
            await ack(text=question, blocks=[text_section(question),
                                             layer_buttons(self.service.layer_choices(texts))])
        elif word in ("mijn", "mine"):
            own = await self.service.own_positions(identity_of(command), texts)
            await ack(text=replies.own_positions(own, texts))
        elif word in ("stop", "start"):
            await self.service.set_reminders(identity_of(command), on=word == "start")
            await ack(text=reminders_reply(word == "start", texts))
        elif word in ("pauze", "pause", "hervat", "resume"):
            await ack(text=await self._pause(command, word in ("pauze", "pause")))
        elif word in ("vergeet", "forget"):
            await ack(text=await self._forget(command, word))
        else:
            await ack(text=replies.help_text(texts, texts.gettext(
                "/positie laag (your layer of government) · /positie mijn (your own "
                "positions) · /positie stop or start (private reminders) · /positie vergeet "
                "(erase what positie holds about you) · /positie help")))

    async def _in_scope(self, context: dict[str, Any]) -> bool:
        """From the campaign's workspace, and (a click) in one of its channels or a DM."""
        payload = context.get(PAYLOAD)
        if isinstance(payload, SlashCommand):
            return await self.scope.allows(payload.team_id, payload.channel_id or "D")
        if isinstance(payload, BlockActions):
            allowed = await self.scope.allows(payload.team_id, payload.channel_id)
            if not allowed:
                log.info("ignored a Slack click from outside the campaign (workspace or "
                         "channel not in the config)")
            return allowed
        return False  # the endpoint always types the payload; anything else is not ours

    async def _forget(self, command: dict[str, Any], word: str) -> str:
        """Two steps: the question says what goes; "/positie vergeet ja" erases it."""
        texts, who = self.service.texts(), identity_of(command)
        confirm = "ja" if word == "vergeet" else "yes"
        if command_words(command.get("text", ""))[1:2] == [confirm]:
            return replies.forgotten(await self.service.forget(who), texts)
        return replies.forget_question(await self.service.erasure_preview(who),
                                       f"/positie {word} {confirm}", texts)

    async def _pause(self, command: dict[str, Any], paused: bool) -> str:
        """Pause or resume the schedule: admins listed in slack.admins only."""
        texts = self.service.texts()
        if identity_of(command).user_id not in self.settings.admins:
            return admins_only(texts)
        return pause_reply(paused, await self.service.set_paused(paused), texts)

    # -- background work --------------------------------------------------------------
    async def _confirm(self, response_url: str | None, vote: Vote,
                       result: PositionResult) -> None:
        texts = self.service.texts()
        reply = replies.vote_reply(result, result.statement_text or vote.statement_key,
                                   self.service, texts)
        blocks = [text_section(reply)]
        if result.needs_layer and result.counted:
            blocks.append(layer_buttons(self.service.layer_choices(texts)))
        await self._respond(response_url, text=reply, blocks=blocks, replace_original=False)

    async def _respond(self, response_url: str | None, **message: Any) -> None:
        """An ephemeral answer to the person who clicked, through the click's response_url.

        A plain JSON POST on the shared session: bolt's `respond` opens a new session per
        reply, and slack_sdk's webhook client formats (and at DEBUG logs) every body.
        """
        if not response_url:
            return
        try:
            async with self._session.post(response_url, json={"response_type": "ephemeral",
                                                              **message}) as reply:
                if reply.status != 200:
                    log.warning("Slack refused a reply (HTTP %s)", reply.status)
        except (aiohttp.ClientError, TimeoutError) as exc:  # unreachable: no bug of ours
            log.warning("a reply to Slack could not be delivered (%s)", type(exc).__name__)

    async def _refresh_tally(self, key: Hashable) -> None:
        channel, ts, statement_key = key  # type: ignore[misc]
        # Buttons also sit in digests and reminder DMs: only a statement's own post shows
        # its tally, anything else would be overwritten by the statement.
        if await self.service.statement_posted_at(SlackSettings.name, channel, ts) != statement_key:
            return
        view = await self.service.statement_view(statement_key)
        await self.gateway.update_statement(channel, ts, view)

    def _background(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(self._guard(work))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    @staticmethod
    async def _guard(work: Coroutine[Any, Any, None]) -> None:
        try:
            await work
        except Exception:
            log.exception("Slack reply failed")

    async def drain(self) -> None:
        """Wait until replies and tally edits in flight are done (shutdown, tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        await self._tally.flush()

    # -- HTTP -------------------------------------------------------------------------
    def web_app(self) -> web.Application:
        async def healthz(_: web.Request) -> web.Response:
            return web.json_response({"ok": True})

        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, SlackEndpoint(
            self.app, signing_secret=self.settings.signing_secret,
            action_prefixes=(f"{VOTE_ACTION}.", f"{LAYER_ACTION}.")).handle)
        web_app.router.add_get("/healthz", healthz)
        return web_app

    async def start(self, *, host: str | None = None, port: int | None = None) -> int:
        """Serve on host:port (0 picks a free port); returns the port."""
        await self.scope.discover()  # the workspace, unless slack.team_id names it
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host or self.settings.host,
                           self.settings.port if port is None else port)
        await site.start()
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        bound = int(sockets[0].getsockname()[1]) if sockets else int(port or 0)
        log.info("Slack endpoint listening on %s:%s%s", host or self.settings.host, bound,
                 EVENTS_PATH)
        return bound

    async def stop(self) -> None:
        await self.drain()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._session.close()
