"""TelegramEmulator: a real Bot API HTTP server on 127.0.0.1, for python-telegram-bot to talk to.

Point the client at it with `Application.builder().token(emulator.token)
.base_url(emulator.base_url).base_file_url(emulator.base_file_url)`. Every call is recorded
with its decoded body; Telegram's error statuses, flood limits and update delivery (getUpdates
long polling or webhook) behave as on the real service, and faults can be injected per method.
"""

from __future__ import annotations

import random
import re
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from types import TracebackType
from typing import Any

from aiohttp import web

from emulators.telegram import (
    delivery,
    errors,
    methods_bot,
    methods_chats,
    methods_messages,
    methods_polls,
)
from emulators.telegram.delivery import WebhookDelivery, WebhookPusher
from emulators.telegram.errors import ApiError, too_many_requests
from emulators.telegram.method_support import Handler
from emulators.telegram.ratelimits import RateLimiter, RateLimitPolicy
from emulators.telegram.state import ChatState, ChatType, EmulatorState, StoredMessage, StoredPoll
from emulators.telegram.updates import UserSide
from emulators.telegram.wire import UploadedPart, failure, ok, read_call

JsonDict = dict[str, Any]

DEFAULT_TOKEN = "7000000001:AAEmulatedTokenForPositieTests_0000"
# Tokens that look real but are unknown get 401; anything else is not a bot URL at all (404).
_TOKEN_SHAPE = re.compile(r"\d+:[A-Za-z0-9_-]+")
_HANDLERS: dict[str, Handler] = {
    **methods_bot.HANDLERS,
    **methods_chats.HANDLERS,
    **methods_messages.HANDLERS,
    **methods_polls.HANDLERS,
    **delivery.HANDLERS,
}


@dataclass(frozen=True, kw_only=True)
class RecordedCall:
    """One Bot API request as the emulator understood it, and the HTTP status it answered."""

    method: str
    body: JsonDict
    files: dict[str, UploadedPart]
    at: float
    status: int = 200


@dataclass(kw_only=True)
class _Fault:
    status: int
    description: str
    retry_after: int | None
    remaining: int


class TelegramEmulator(UserSide):
    def __init__(
        self,
        *,
        token: str = DEFAULT_TOKEN,
        bot_username: str = "positie_bot",
        bot_first_name: str = "Positie",
        rate_limits: RateLimitPolicy | None = None,
        poll_state_updates: bool = True,
        privacy_mode: bool = True,
        webhook_max_parallel: int = 1,
        webhook_retry_delay_s: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(
            state=EmulatorState(
                token=token,
                bot_username=bot_username,
                bot_first_name=bot_first_name,
                poll_state_updates=poll_state_updates,
                privacy_mode=privacy_mode,
            )
        )
        self.rate_limiter = RateLimiter(policy=rate_limits or RateLimitPolicy(), clock=clock)
        self.calls: list[RecordedCall] = []
        # Called with each call once it has taken effect, before it is answered (crash
        # tests kill the client here: the effect is there, the client never learns of it).
        self.on_call: Callable[[RecordedCall], None] | None = None
        self._clock = clock
        self._faults: dict[str, deque[_Fault]] = {}
        self._random_faults: tuple[float, random.Random] | None = None
        # Bot API method names are case-insensitive; calls are recorded under the canonical one.
        self._methods = {name.lower(): name for name in _HANDLERS}
        self._pusher = WebhookPusher(
            queue=self.state.updates,
            max_parallel=webhook_max_parallel,
            retry_delay_s=webhook_retry_delay_s,
        )
        self._runner: web.AppRunner | None = None
        self._port: int | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> TelegramEmulator:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_get("/file/bot{token}/{path:.+}", self._download)
        # handler_cancellation ends a long poll whose client went away (an updater stopping).
        self._runner = web.AppRunner(app, handler_cancellation=True, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = self._runner.addresses[0][1]
        await self._pusher.start()
        return self

    async def stop(self) -> None:
        self.state.updates.closed = True
        self.state.updates.notify()
        await self._pusher.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> TelegramEmulator:
        return await self.start()

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def token(self) -> str:
        return self.state.token

    @property
    def base_url(self) -> str:
        """python-telegram-bot's format: it requests `{base_url}{token}/{method}`."""
        return f"{self._origin}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self._origin}/file/bot"

    @property
    def _origin(self) -> str:
        if self._port is None:
            raise RuntimeError("TelegramEmulator is not started; await start() first")
        return f"http://127.0.0.1:{self._port}"

    # -- inspection and fault injection --------------------------------------------------------

    def calls_to(self, method: str) -> list[RecordedCall]:
        return [call for call in self.calls if call.method == method]

    def fail_next(
        self,
        method: str,
        status: int,
        description: str | None = None,
        *,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `method` with this error instead of running it."""
        if description is None:
            description = (
                errors.TOO_MANY_REQUESTS.format(seconds=retry_after)
                if retry_after is not None
                else f"Error {status}"
            )
        self._faults.setdefault(method, deque()).append(
            _Fault(status=status, description=description, retry_after=retry_after, remaining=times)
        )

    def clear_faults(self) -> None:
        """Forget every injected fault (fail_next and fail_randomly)."""
        self._faults.clear()
        self._random_faults = None

    @property
    def webhook_deliveries(self) -> list[WebhookDelivery]:
        return self._pusher.deliveries

    def messages(self, chat_id: int) -> list[StoredMessage]:
        return list(self.state.messages.get(chat_id, {}).values())

    def poll(self, poll_id: str) -> StoredPoll:
        return self.state.polls[poll_id]

    @property
    def answered_callbacks(self) -> list[JsonDict]:
        return self.state.answered_callbacks

    def commands(self, *, scope: JsonDict | None = None, language_code: str = "") -> list[JsonDict]:
        return self.state.commands.get(methods_bot.commands_key(scope, language_code), [])

    # -- chats ----------------------------------------------------------------------------------

    def add_chat(
        self,
        chat_id: int,
        *,
        type: ChatType = "supergroup",  # the Bot API's own field name
        title: str | None = None,
        username: str | None = None,
        bot_is_member: bool = True,
    ) -> ChatState:
        return self.state.add_chat(
            ChatState(
                id=chat_id, type=type, title=title, username=username, bot_is_member=bot_is_member
            )
        )

    def delete_chat(self, chat_id: int) -> None:
        """The chat is gone (deleted group): Telegram answers "chat not found" from now on."""
        self.state.chats.pop(chat_id, None)
        self.state.messages.pop(chat_id, None)

    # -- HTTP -----------------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        arrived = self._clock()
        requested = request.match_info["method"]
        method = self._methods.get(requested.lower(), requested)
        params: JsonDict = {}
        files: dict[str, UploadedPart] = {}
        try:
            try:
                params, files = await read_call(request)
            except ValueError as exc:
                raise ApiError(status=400, description="Bad Request: can't parse JSON") from exc
            result = await self._call(request.match_info["token"], method, params, files)
        except ApiError as error:
            self._record(method, params, files, arrived, error.status)
            return failure(error)
        self._record(method, params, files, arrived, 200)
        return ok(result)

    async def _call(
        self, token: str, method: str, params: JsonDict, files: dict[str, UploadedPart]
    ) -> object:
        if token != self.state.token:
            if _TOKEN_SHAPE.fullmatch(token):
                raise ApiError(status=401, description=errors.UNAUTHORIZED)
            raise ApiError(status=404, description=errors.NOT_FOUND)
        handler = _HANDLERS.get(method)
        if handler is None:
            raise ApiError(status=404, description=errors.NOT_FOUND)
        self._raise_injected_fault(method)
        if not self.rate_limiter.applies_to(method):
            return await handler(self.state, params, files)
        target = _chat_key(params.get("chat_id"))
        wait = self.rate_limiter.retry_after(target)
        if wait is not None:
            raise too_many_requests(wait)
        result = await handler(self.state, params, files)
        self.rate_limiter.record(target)
        return result

    def fail_randomly(self, rate: float, *, seed: int = 0) -> None:
        """Answer a share `rate` of Bot API calls (getUpdates excepted), before they take
        effect, with 429 (retry_after 1), 500, 502, 503 or 504, from a seeded generator."""
        self._random_faults = (rate, random.Random(seed))

    def _raise_injected_fault(self, method: str) -> None:
        if self._random_faults is not None and method != "getUpdates":
            rate, rng = self._random_faults
            if rng.random() < rate:
                status = rng.choice((429, 500, 502, 503, 504))
                if status == 429:
                    raise too_many_requests(1)
                raise ApiError(status=status, description=HTTPStatus(status).phrase)
        pending = self._faults.get(method)
        if not pending:
            return
        fault = pending[0]
        fault.remaining -= 1
        if fault.remaining <= 0:
            pending.popleft()
        raise ApiError(
            status=fault.status, description=fault.description, retry_after=fault.retry_after
        )

    def _record(
        self,
        method: str,
        params: JsonDict,
        files: dict[str, UploadedPart],
        at: float,
        status: int,
    ) -> None:
        call = RecordedCall(method=method, body=params, files=files, at=at, status=status)
        self.calls.append(call)
        if self.on_call is not None:
            self.on_call(call)

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.state.token:
            raise web.HTTPUnauthorized()
        path = request.match_info["path"]
        for file in self.state.files.values():
            if file.file_path == path:
                return web.Response(
                    body=file.data, content_type=file.content_type or "application/octet-stream"
                )
        raise web.HTTPNotFound()


def _chat_key(chat_id: object) -> int | str | None:
    """chat_id as the limiter counts it: "-100" and -100 are the same chat."""
    if isinstance(chat_id, int):
        return chat_id
    if isinstance(chat_id, str):
        return int(chat_id) if chat_id.lstrip("-").isdigit() else chat_id
    return None
