"""Handing updates to the bot: getUpdates long polling, and webhooks pushed over HTTP.

The two are exclusive on Telegram: while a webhook is set, getUpdates answers 409 Conflict, and
a second getUpdates call ends the one still waiting with 409 as well (two bot instances
polling). Webhook requests carry `X-Telegram-Bot-Api-Secret-Token` when a secret was set, and
an update counts as delivered only when the bot answers 2xx; anything else is retried.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import re
import time
from dataclasses import dataclass
from typing import Any

import aiohttp
from telegram import WebhookInfo

from emulators.telegram import errors
from emulators.telegram.errors import ApiError, bad_request
from emulators.telegram.method_support import Handler
from emulators.telegram.state import EmulatorState
from emulators.telegram.update_queue import UpdateQueue, WebhookConfig
from emulators.telegram.wire import UploadedPart

JsonDict = dict[str, Any]

_MAX_LIMIT = 100
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


async def get_updates(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    queue = state.updates
    if queue.webhook is not None:
        raise ApiError(status=409, description=errors.CONFLICT_WEBHOOK)
    queue.set_allowed(params.get("allowed_updates"))
    if params.get("offset"):
        queue.confirm(int(params["offset"]))
    limit = min(max(int(params.get("limit") or _MAX_LIMIT), 1), _MAX_LIMIT)
    loop = asyncio.get_running_loop()
    deadline = loop.time() + max(float(params.get("timeout") or 0), 0.0)
    generation = queue.begin_poll()
    while True:
        batch = queue.take(limit)
        remaining = deadline - loop.time()
        if batch or remaining <= 0 or queue.closed:
            return batch
        await queue.wait(remaining)
        if queue.poll_generation != generation:
            raise ApiError(status=409, description=errors.CONFLICT_OTHER_POLL)
        if queue.webhook is not None:
            raise ApiError(status=409, description=errors.CONFLICT_WEBHOOK)


async def set_webhook(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    queue = state.updates
    url = str(params.get("url") or "")
    if not url:
        # An empty URL removes the webhook, as documented for setWebhook.
        return await delete_webhook(state, params, files)
    # Telegram itself insists on HTTPS and ports 443/80/88/8443; the emulator has to accept a
    # local http listener, so it only checks that this is an HTTP URL.
    if not url.startswith(("http://", "https://")):
        raise bad_request(errors.WEBHOOK_URL_INVALID)
    secret = params.get("secret_token")
    if secret is not None and not _SECRET.fullmatch(str(secret)):
        raise bad_request("Bad Request: secret token contains unallowed characters")
    if params.get("drop_pending_updates"):
        queue.drop_all()
    queue.set_allowed(params.get("allowed_updates"))
    queue.webhook = WebhookConfig(
        url=url,
        secret_token=str(secret) if secret is not None else None,
        max_connections=int(params.get("max_connections") or 40),
    )
    queue.webhook_last_error = None
    queue.notify()
    return True


async def delete_webhook(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    queue = state.updates
    if params.get("drop_pending_updates"):
        queue.drop_all()
    queue.webhook = None
    queue.notify()
    return True


async def get_webhook_info(
    state: EmulatorState, params: JsonDict, files: dict[str, UploadedPart]
) -> object:
    queue = state.updates
    hook = queue.webhook
    error = queue.webhook_last_error
    return WebhookInfo(
        url=hook.url if hook else "",
        has_custom_certificate=False,
        pending_update_count=len(queue.pending),
        last_error_date=dtm.datetime.fromtimestamp(error[0], tz=dtm.UTC) if error else None,
        last_error_message=error[1] if error else None,
        max_connections=hook.max_connections if hook else None,
        allowed_updates=queue.allowed_updates,
    ).to_dict()


HANDLERS: dict[str, Handler] = {
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}


@dataclass(frozen=True, kw_only=True)
class WebhookDelivery:
    """One POST to the bot's webhook and how the bot answered (status 0: no connection)."""

    update_id: int
    status: int
    at: float


class WebhookPusher:
    """Background task that POSTs queued updates to the webhook while one is set.

    `max_parallel` caps concurrent requests below the webhook's max_connections; the default
    of one keeps delivery in order, which makes scenario tests deterministic.
    """

    def __init__(self, *, queue: UpdateQueue, max_parallel: int, retry_delay_s: float) -> None:
        self._queue = queue
        self._max_parallel = max_parallel
        self._retry_delay_s = retry_delay_s
        self._in_flight: set[int] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._session: aiohttp.ClientSession | None = None
        self._runner: asyncio.Task[None] | None = None
        self.deliveries: list[WebhookDelivery] = []

    async def start(self) -> None:
        self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=10))
        self._runner = asyncio.create_task(self._run(), name="telegram-emulator-webhook")

    async def stop(self) -> None:
        for task in [self._runner, *self._tasks]:
            if task is not None:
                task.cancel()
        for task in [self._runner, *self._tasks]:
            if task is not None:
                with contextlib.suppress(asyncio.CancelledError):
                    await task
        if self._session is not None:
            await self._session.close()

    async def _run(self) -> None:
        queue = self._queue
        while True:
            hook = queue.webhook
            if hook is not None:
                room = min(self._max_parallel, hook.max_connections) - len(self._in_flight)
                window = queue.take(room + len(self._in_flight)) if room > 0 else []
                for update in window:
                    if update["update_id"] not in self._in_flight:
                        self._in_flight.add(update["update_id"])
                        task = asyncio.create_task(self._deliver(hook, update))
                        self._tasks.add(task)
                        task.add_done_callback(self._tasks.discard)
            await queue.wait(3600.0)

    async def _deliver(self, hook: WebhookConfig, update: JsonDict) -> None:
        update_id = update["update_id"]
        # python-telegram-bot's webhook refuses anything but exactly `application/json`.
        headers = {"Content-Type": "application/json"}
        if hook.secret_token is not None:
            headers["X-Telegram-Bot-Api-Secret-Token"] = hook.secret_token
        if self._session is None:
            return
        try:
            async with self._session.post(
                hook.url, data=json.dumps(update).encode(), headers=headers
            ) as response:
                status = response.status
        except (aiohttp.ClientError, TimeoutError) as exc:
            status, reason = 0, f"Connection failed: {exc.__class__.__name__}"
        else:
            reason = f"Wrong response from the webhook: {status}"
        self.deliveries.append(WebhookDelivery(update_id=update_id, status=status, at=time.time()))
        if 200 <= status < 300:
            self._in_flight.discard(update_id)
            self._queue.remove(update_id)
            return
        self._queue.webhook_last_error = (int(time.time()), reason)
        failures = sum(1 for d in self.deliveries if d.update_id == update_id)
        await asyncio.sleep(min(self._retry_delay_s * 2 ** (failures - 1), 5.0))
        self._in_flight.discard(update_id)
        self._queue.notify()
