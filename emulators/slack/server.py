"""SlackEmulator: a real aiohttp server on 127.0.0.1 speaking the Slack Web API, the file
upload URLs and response_urls, so the real slack_sdk and slack-bolt run unchanged against it."""

from __future__ import annotations

import dataclasses
import json
import random
import time
from collections.abc import Callable
from types import TracebackType
from typing import Any

from aiohttp import BodyPartReader, web

from emulators.slack.faults import Fault, FaultPlan
from emulators.slack.parsing import read_arguments, token_of
from emulators.slack.ratelimits import POST_MESSAGE, RateLimiter, RateLimitPolicy
from emulators.slack.recording import RecordedCall
from emulators.slack.response_urls import ResponseUrlError, apply_response
from emulators.slack.socket_mode import SocketModeError, SocketModeHub
from emulators.slack.state import (
    Channel,
    Message,
    ResponsePost,
    ResponseTarget,
    UploadedFile,
    User,
    WorkspaceState,
)
from emulators.slack.web_api import ApiError, WebApi

JsonDict = dict[str, Any]
RANDOM_FAULT_STATUSES = (429, 500, 502, 503, 504)


class SlackEmulator:
    """Start with `async with SlackEmulator() as slack:` and point
    `AsyncWebClient(token=slack.bot_token, base_url=slack.base_url)` at it."""

    def __init__(
        self,
        *,
        bot_token: str = "xoxb-positie-emulator",
        team_id: str = "T0POSITIE",
        team_domain: str = "positie",
        bot_user_id: str = "U0BOT",
        bot_id: str = "B0BOT",
        app_id: str = "A0POSITIE",
        app_token: str = "xapp-1-A0POSITIE-emulator",
        rate_limits: bool = True,
        rate_limit_policy: RateLimitPolicy | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.bot_token = bot_token
        self.state = WorkspaceState(
            team_id=team_id,
            team_domain=team_domain,
            bot_user_id=bot_user_id,
            bot_id=bot_id,
            app_id=app_id,
            bot_tokens=(bot_token,),
        )
        self.rate_limiter = RateLimiter(policy=rate_limit_policy, enabled=rate_limits)
        self.calls: list[RecordedCall] = []
        # Called with each call once it has taken effect, before it is answered (crash
        # tests kill the client here: the effect is there, the client never learns of it).
        self.on_call: Callable[[RecordedCall], None] | None = None
        self._faults = FaultPlan()
        self._random_faults: tuple[float, random.Random] | None = None
        self._api = WebApi(state=self.state, upload_url=lambda fid: f"{self.url}upload/v1/{fid}")
        self.app_token = app_token
        # Socket Mode: apps.connections.open and the WebSocket it hands out.
        self.sockets = SocketModeHub(app_token=app_token, app_id=app_id,
                                     socket_url=lambda: f"ws{self.url[4:]}socket-mode")
        self._host = host
        self._port = port
        self._runner: web.AppRunner | None = None
        self._bound_port: int | None = None

    # --- lifecycle -------------------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/api/{method}", self._handle_api)
        app.router.add_post("/upload/v1/{file_id}", self._handle_upload)
        app.router.add_post("/response/{token}", self._handle_response_url)
        app.router.add_get("/socket-mode", self.sockets.handle)
        # Benchmarks open many connections; access logging would dominate the profile.
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self._host, self._port)
        await site.start()
        self._bound_port = int(self._runner.addresses[0][1])  # port 0 → the kernel's choice

    async def stop(self) -> None:
        await self.sockets.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> SlackEmulator:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        """Root URL, ending in '/'."""
        if self._bound_port is None:
            raise RuntimeError("SlackEmulator is not started; call `await start()` first")
        return f"http://{self._host}:{self._bound_port}/"

    @property
    def base_url(self) -> str:
        """What to pass as AsyncWebClient(base_url=...): slack_sdk appends the method name."""
        return f"{self.url}api/"

    # --- workspace setup -------------------------------------------------------------------
    def add_channel(
        self, channel_id: str, name: str, *, bot_member: bool = True, is_private: bool = False
    ) -> Channel:
        return self.state.add_channel(
            channel_id, name, bot_member=bot_member, is_private=is_private
        )

    def add_user(
        self, user_id: str, name: str, *, real_name: str | None = None, email: str | None = None
    ) -> User:
        return self.state.add_user(user_id, name, real_name=real_name, email=email)

    def deactivate_user(self, user_id: str) -> None:
        user = self.state.users[user_id]
        self.state.users[user_id] = dataclasses.replace(user, deleted=True)

    def remove_scope(self, scope: str) -> None:
        """The app was installed without `scope`: methods needing it answer missing_scope."""
        self.state.scopes.discard(scope)

    def remove_bot_from(self, channel_id: str) -> None:
        self.state.channels[channel_id].bot_member = False

    def add_bot_to(self, channel_id: str) -> None:
        self.state.channels[channel_id].bot_member = True

    def add_token(self, token: str) -> None:
        self.state.bot_tokens.add(token)

    # --- views -----------------------------------------------------------------------------
    def messages(self, channel_id: str) -> list[Message]:
        """Current channel messages (after updates and deletes), oldest first."""
        return [m for m in self.state.channel_messages.get(channel_id, []) if not m.deleted]

    def message(self, channel_id: str, ts: str) -> Message | None:
        return self.state.find_message(channel_id, ts)

    def ephemerals(self, user_id: str, channel_id: str | None = None) -> list[Message]:
        return [
            m
            for (channel, user), found in self.state.ephemeral_messages.items()
            if user == user_id and channel_id in (None, channel)
            for m in found
            if not m.deleted
        ]

    def dm_channel(self, user_id: str) -> str | None:
        return self.state.dms.get(user_id)

    @property
    def responses(self) -> list[ResponsePost]:
        return self.state.responses

    @property
    def files(self) -> dict[str, UploadedFile]:
        return self.state.files

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [c for c in self.calls if c.method == method]

    def clear_calls(self) -> None:
        self.calls.clear()

    def response_url(
        self, *, channel_id: str, user_id: str, message_ts: str | None, is_ephemeral: bool
    ) -> str:
        """Issue a response_url, as Slack does for every click and slash command."""
        target = ResponseTarget(channel_id, user_id, message_ts, is_ephemeral)
        return f"{self.url}response/{self.state.issue_response_url_token(target)}"

    # --- fault injection -------------------------------------------------------------------
    def fail_next(
        self,
        method: str,
        *,
        error: str = "internal_error",
        status: int = 200,
        times: int = 1,
        retry_after: int | None = None,
    ) -> None:
        """Make the next `times` calls to `method` (a Web API method, "response_url" or
        "file_upload") fail with `error`; status 429 adds Retry-After (default 1)."""
        self._faults.add(method, error=error, status=status, times=times, retry_after=retry_after)

    def clear_faults(self) -> None:
        self._faults.clear()
        self._random_faults = None

    def fail_randomly(self, rate: float, *, seed: int = 0) -> None:
        """Answer a share `rate` of Web API calls, before they take effect, with one of
        429 (Retry-After 1), 500, 502, 503 or 504, drawn from a seeded generator."""
        self._random_faults = (rate, random.Random(seed))

    def _random_fault(self) -> Fault | None:
        if self._random_faults is None:
            return None
        rate, rng = self._random_faults
        if rng.random() >= rate:
            return None
        status = rng.choice(RANDOM_FAULT_STATUSES)
        if status == 429:
            return Fault(error="ratelimited", status=429, retry_after=1)
        return Fault(error="service_unavailable" if status == 503 else "internal_error",
                     status=status, retry_after=None)

    # --- handlers --------------------------------------------------------------------------
    async def _handle_api(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        method = request.match_info["method"]
        try:
            args = await read_arguments(request)
        except (ValueError, UnicodeDecodeError):
            return self._answer(request, method, {}, at, _error("invalid_json"))
        fault = self._faults.take(method) or self._random_fault()
        if fault is not None:
            return self._answer(request, method, args, at, _fault(fault))
        token = token_of(request, args)
        if method == "apps.connections.open":  # the app-level token, not a bot token
            try:
                result = self.sockets.open_connection(token)
            except SocketModeError as exc:
                return self._answer(request, method, args, at, _error(exc.error))
            return self._answer(request, method, args, at, (200, result, {}))
        if token is None:
            return self._answer(request, method, args, at, _error("not_authed"))
        if token not in self.state.bot_tokens:
            return self._answer(request, method, args, at, _error("invalid_auth"))
        channel = args.get("channel") if method == POST_MESSAGE else None
        retry_after = self.rate_limiter.check(method, channel=str(channel or ""))
        if retry_after is not None:
            return self._answer(request, method, args, at, _ratelimited(retry_after))
        handler = self._api.methods.get(method)
        if handler is None:
            return self._answer(request, method, args, at, _error("unknown_method"))
        try:
            result = handler(args)
        except ApiError as exc:
            return self._answer(request, method, args, at, _error(exc.error, **exc.extra))
        return self._answer(request, method, args, at, (200, result, {}))

    async def _handle_upload(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        file = self.state.files.get(request.match_info["file_id"])
        data = await _upload_bytes(request)
        fault = self._faults.take("file_upload")
        status, text = (fault.status, fault.error) if fault else (200, f"OK - {len(data)}")
        if file is None and fault is None:
            status, text = 404, "file_not_found"
        elif fault is None and file is not None:
            file.data = data
        error = None if status == 200 else text
        self._record(request, "file_upload", {"length": len(data)}, at, status, error)
        return web.Response(status=status, text=text)

    async def _handle_response_url(self, request: web.Request) -> web.Response:
        at = time.monotonic()
        token = request.match_info["token"]
        try:
            body = await read_arguments(request)
        except (ValueError, UnicodeDecodeError):
            body = {}
        fault = self._faults.take("response_url")
        try:
            if fault is not None:
                raise ResponseUrlError(fault.status, fault.error)
            apply_response(self.state, token, body)
        except ResponseUrlError as exc:
            self._record(request, "response_url", body, at, exc.status, exc.reason)
            return web.Response(status=exc.status, text=exc.reason)
        self._record(request, "response_url", body, at, 200, None)
        return web.Response(text="ok")

    # --- plumbing --------------------------------------------------------------------------
    def _answer(
        self,
        request: web.Request,
        method: str,
        args: JsonDict,
        at: float,
        answer: tuple[int, JsonDict, dict[str, str]],
    ) -> web.Response:
        status, body, headers = answer
        error = None if body.get("ok") else str(body.get("error"))
        self._record(request, method, args, at, status, error)
        return web.Response(
            status=status,
            text=json.dumps(body),
            content_type="application/json",
            headers=headers,
        )

    def _record(
        self,
        request: web.Request,
        method: str,
        body: JsonDict,
        at: float,
        status: int,
        error: str | None,
    ) -> None:
        call = RecordedCall(
            method=method,
            http_method=request.method,
            path=request.path,
            headers=dict(request.headers),
            body=body,
            at=at,
            status=status,
            error=error,
        )
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)


def _error(error: str, **extra: str) -> tuple[int, JsonDict, dict[str, str]]:
    return 200, {"ok": False, "error": error, **extra}, {}


def _ratelimited(retry_after: int) -> tuple[int, JsonDict, dict[str, str]]:
    return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)}


def _fault(fault: Fault) -> tuple[int, JsonDict, dict[str, str]]:
    headers = {} if fault.retry_after is None else {"Retry-After": str(fault.retry_after)}
    return fault.status, {"ok": False, "error": fault.error}, headers


async def _upload_bytes(request: web.Request) -> bytes:
    """slack_sdk posts raw bytes; curl-style clients post multipart (both are accepted)."""
    if request.content_type != "multipart/form-data":
        return await request.read()
    reader = await request.multipart()
    async for part in reader:
        if isinstance(part, BodyPartReader) and (part.filename or part.name == "file"):
            return bytes(await part.read())
    return b""
