"""SlackAdapter: bolt listeners (a few lines each, delegating) and the HTTP endpoint."""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Coroutine
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError

from adapters.listening import listening_on
from adapters.slack.admin import SlackAdmin
from adapters.slack.blocks import LAYER_ACTION, VOTE_ACTION, layer_buttons, text_section
from adapters.slack.client import build_client
from adapters.slack.diagnosis import diagnose
from adapters.slack.directory import SlackDirectory
from adapters.slack.endpoint import PAYLOAD, SlackEndpoint
from adapters.slack.gateway import SlackGateway
from adapters.slack.inbound import (
    command_word,
    command_words,
    identity_of,
    vote_of,
)
from adapters.slack.payloads import BlockActions, EventCallback, SlashCommand
from adapters.slack.scope import SlackScope
from adapters.slack.settings import SlackSettings
from adapters.slack.socket_mode import SocketModeConnection
from bot.admin.actions import AdminActions, admin_action
from bot.admin.texts import admin_help
from bot.cadence.reminders import reminders_reply
from bot.domain import PositionResult
from bot.people.privacy_notice import privacy_notice
from bot.ports import Check, PeopleDirectory
from bot.positions import replies
from bot.positions.record import Vote
from bot.service import CampaignService
from bot.settings.errors import ConfigError

log = logging.getLogger(__name__)
# The words the help shows per language; both languages' words work everywhere.
HELP_WORDS = {"nl": {"layer": "laag", "mine": "mijn", "forget": "vergeet"},
              "en": {"layer": "layer", "mine": "mine", "forget": "forget"}}
# auth.test errors that mean the token itself is wrong: nothing works until it is replaced.
TOKEN_REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked",
                 "token_expired", "no_permission", "missing_scope"}
EVENTS_PATH = "/slack/events"
# A reply (a click's confirmation) that meets a 5xx, a 429 or no answer is tried again:
# 0.2, 0.4, 0.8 s apart, or after Slack's Retry-After when longer.
REPLY_ATTEMPTS = 4
REPLY_BACKOFF_S = 0.2
# The actions whose clicks bolt sees; a click on any other is acked and changes nothing.
ACTION_PREFIXES = (f"{VOTE_ACTION}.", f"{LAYER_ACTION}.")


def _retry_after(header: str | None) -> float:
    try:
        return min(float(header or 0), 30.0)
    except ValueError:
        return 0.0


class SlackAdapter:
    def __init__(self, *, service: CampaignService, settings: SlackSettings) -> None:
        self.service = service
        self.settings = settings
        self._session = aiohttp.ClientSession()
        self.client = build_client(token=settings.bot_token, base_url=settings.api_base_url,
                                   retries=settings.retries, session=self._session,
                                   on_rate_limited=lambda: service.metrics.rate_limited("slack"))
        self.gateway = SlackGateway(client=self.client, service=service,
                                    live_tally=settings.live_tally)
        self.directory: PeopleDirectory | None = SlackDirectory(client=self.client)
        self.scope = SlackScope(settings=settings, client=self.client)
        # process_before_response: the HTTP answer waits for the listener, so an ack means
        # the position is committed; slow work (replies, tallies) runs in the background.
        # Signatures are checked by SlackEndpoint, before bolt sees the decoded body.
        self.app = AsyncApp(signing_secret=settings.signing_secret, client=self.client,
                            process_before_response=True, request_verification_enabled=False)
        self.app.action(re.compile(rf"^{re.escape(VOTE_ACTION)}\."))(self._on_vote)
        self.app.action(re.compile(rf"^{re.escape(LAYER_ACTION)}\."))(self._on_layer)
        self.app.command("/positie")(self._on_command)
        self.app.event("member_joined_channel")(self._on_member_joined)
        self._admin = SlackAdmin(actions=AdminActions(service=service), client=self.client,
                                 admins=settings.admins)
        if settings.live_tally:
            service.tallies.enable(self.gateway.platform,
                                   interval=settings.tally_interval_seconds)
        self._tasks: set[asyncio.Task[None]] = set()
        self._runner: web.AppRunner | None = None
        self._socket: SocketModeConnection | None = None

    # -- listeners ------------------------------------------------------------------
    async def _on_vote(self, ack: Any, body: dict[str, Any], action: dict[str, Any],
                       context: dict[str, Any]) -> None:
        await ack()  # Slack requires the 200 even for a click that changes nothing
        if not await self._in_scope(context):
            return
        vote = vote_of(body, action)
        if vote is None:
            log.warning("ignored a malformed vote button value from Slack")
            return
        result = await self.service.record(vote)
        self._background(self._confirm(body.get("response_url"), vote, result))
        if result.counted:  # every post of the statement, on every platform
            self.service.tallies.changed(vote.statement_key)

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

    async def _on_member_joined(self, event: dict[str, Any], context: Any) -> None:
        """The bot was added to a channel: if it was unreachable, reach it and post what
        it missed (in the background: Slack wants its answer within 3 s)."""
        payload = context.get(PAYLOAD)
        if not isinstance(payload, EventCallback) or payload.team_id != await \
                self.scope.discover():
            return
        if event.get("user") and event.get("user") == context.get("bot_user_id"):
            self._background(self._channel_back(str(event.get("channel", ""))))

    async def _channel_back(self, channel: str) -> None:
        await self.service.channel_back(SlackSettings.name, channel)

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
        elif (action := admin_action(word)) is not None:
            await ack()  # within Slack's 3 s; the outcome follows through the response_url
            argument = " ".join(command_words(command.get("text", ""))[1:2])
            self._background(self._admin.run(command, action, argument, texts, self._respond))
        elif word in ("vergeet", "forget"):
            await ack(text=await self._forget(command, word))
        elif word == "privacy":
            await ack(text=privacy_notice(texts, self.service.settings.campaign,
                                          platform="Slack", mine_command="/positie mijn",
                                          forget_command="/positie vergeet"))
        else:
            words = HELP_WORDS["en" if texts.language == "en" else "nl"]
            await ack(text=replies.help_text(texts, texts.gettext(
                "/positie {layer} (your layer of government) · /positie {mine} (your own "
                "positions) · /positie stop or start (private reminders) · /positie {forget} "
                "(erase what positie holds about you) · /positie privacy (what positie holds "
                "and why) · /positie help", **words))
                + ("\n" + admin_help(texts) if identity_of(command).user_id
                   in self.settings.admins else ""))

    async def _in_scope(self, context: dict[str, Any]) -> bool:
        """From the campaign's workspace, and (a click) in one of its channels or a DM; a
        command is about the person, so it works in any channel of the workspace."""
        payload = context.get(PAYLOAD)
        if isinstance(payload, SlashCommand):
            return payload.team_id == await self.scope.discover()
        if isinstance(payload, BlockActions):
            allowed = await self.scope.allows(payload.team_id, payload.channel_id)
            if not allowed:
                log.info("ignored a Slack click from outside the campaign (workspace or "
                         "channel not in the config)")
            return allowed
        return False  # both entrances type the payload; anything else is not ours

    async def _forget(self, command: dict[str, Any], word: str) -> str:
        """Two steps: the question says what goes; "/positie vergeet ja" erases it."""
        texts, who = self.service.texts(), identity_of(command)
        confirm = "ja" if word == "vergeet" else "yes"
        if command_words(command.get("text", ""))[1:2] == [confirm]:
            return replies.forgotten(await self.service.forget(who), texts)
        return replies.forget_question(await self.service.erasure_preview(who),
                                       f"/positie {word} {confirm}", texts)

    # -- background work --------------------------------------------------------------
    async def _confirm(self, response_url: str | None, vote: Vote,
                       result: PositionResult) -> None:
        texts = self.service.texts()
        reply = replies.vote_reply(result, result.statement_text or vote.statement_key,
                                   self.service, texts)
        if result.counted and result.option_key is not None:
            # campaign.results = "after_vote": the distribution, to this person only.
            tally = await self.service.private_tally(vote.statement_key, texts)
            if tally is not None:
                reply += "\n" + tally
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
        body = {"response_type": "ephemeral", **message}
        for attempt in range(REPLY_ATTEMPTS):
            wait = REPLY_BACKOFF_S * 2 ** attempt
            try:
                async with self._session.post(response_url, json=body) as reply:
                    if reply.status == 200:
                        return
                    if reply.status != 429 and reply.status < 500:
                        log.warning("Slack refused a reply (HTTP %s)", reply.status)
                        return
                    wait = max(wait, _retry_after(reply.headers.get("Retry-After")))
                    failure = f"HTTP {reply.status}"
            except (aiohttp.ClientError, TimeoutError) as exc:
                failure = type(exc).__name__
            if attempt < REPLY_ATTEMPTS - 1:
                await asyncio.sleep(wait)
        log.warning("a reply to Slack could not be delivered (%s, %d attempts)", failure,
                    REPLY_ATTEMPTS)

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
        await self.service.tallies.flush()

    # -- HTTP -------------------------------------------------------------------------
    def web_app(self) -> web.Application:
        async def healthz(_: web.Request) -> web.Response:
            return web.json_response({"ok": True})

        web_app = web.Application()
        web_app.router.add_post(EVENTS_PATH, SlackEndpoint(
            self.app, signing_secret=self.settings.signing_secret,
            action_prefixes=ACTION_PREFIXES).handle)
        web_app.router.add_get("/healthz", healthz)
        return web_app

    async def check_credentials(self) -> None:
        """auth.test: a wrong or revoked token stops the command with the fix, before
        anything is posted; a passing failure of Slack itself is only logged."""
        try:
            found = await self.client.auth_test()
            self.scope.learn(str(found.get("team_id") or ""))
        except SlackApiError as exc:
            error = str(exc.response.get("error", ""))
            if error in TOKEN_REFUSED:
                raise ConfigError(
                    f"slack.bot_token: Slack refused the token ({error}); copy the Bot User "
                    "OAuth Token (xoxb-…) from api.slack.com/apps → your app → OAuth & "
                    "Permissions into slack.bot_token or POSITIE_SLACK_BOT_TOKEN") from None
            log.warning("Slack auth.test failed (%s); going on, calls will be retried", error)
        except Exception as exc:  # unreachable for now: the calls that need Slack will say so
            log.warning("Slack auth.test failed (%s); going on, calls will be retried", exc)

    async def diagnose(self) -> list[Check]:
        return await diagnose(self.client, self.settings)

    @property
    def connected(self) -> bool:
        """Serving Slack's requests, or its socket open in Socket Mode (for /readyz)."""
        if self._socket is not None:
            return self._socket.connected
        return self._runner is not None

    async def start(self, *, host: str | None = None, port: int | None = None) -> int:
        """Serve on host:port (0 picks a free port); returns the port. In Socket Mode
        (slack.mode = "socket") connect the WebSocket instead; returns 0: nothing listens."""
        await self.check_credentials()
        if self.settings.mode == "socket":
            self._socket = SocketModeConnection(
                self.app, app_token=self.settings.app_token,
                ping_interval=self.settings.socket_ping_interval_seconds,
                action_prefixes=ACTION_PREFIXES)
            await self._socket.start()
            return 0
        self._runner = web.AppRunner(self.web_app(), access_log=None)
        await self._runner.setup()
        host = host or self.settings.host
        port = self.settings.port if port is None else port
        site = web.TCPSite(self._runner, host, port)
        try:
            with listening_on("slack.port", host, port):
                await site.start()
        except BaseException:
            await self._runner.cleanup()
            raise
        server = site._server
        sockets = getattr(server, "sockets", None) or []
        bound = int(sockets[0].getsockname()[1]) if sockets else int(port or 0)
        log.info("Slack endpoint listening on %s:%s%s", host, bound,
                 EVENTS_PATH)
        return bound

    async def stop(self) -> None:
        if self._socket is not None:  # no new envelopes, then finish what came in
            await self._socket.stop()
            self._socket = None
        await self.drain()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        await self._session.close()
