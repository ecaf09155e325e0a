"""The Telegram webhook, served with aiohttp instead of python-telegram-bot's tornado handler.

The library's handler answers 500 to a body that is not JSON, logs an update it cannot parse
with its whole body (names, ids, answers) at CRITICAL, and answers 200 as soon as the update
is queued — before its effect — so a crash loses it although Telegram was told it arrived.
Here: a wrong or missing secret or content type is 403, a body that is not a JSON update 400
(logged without its content), and 200 only once the update's handlers have finished, so a
vote is confirmed to Telegram after its position is committed.
"""

from __future__ import annotations

import hmac
import json
import logging
from typing import Any

from aiohttp import web
from telegram.ext import Application

from adapters.telegram.tolerant_bot import parse_updates

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


class TelegramWebhook:
    def __init__(self, *, application: Application[Any, Any, Any, Any, Any, Any], path: str,
                 secret: str) -> None:
        self._application = application
        self._path = "/" + path.strip("/")
        self._secret = secret
        self._runner: web.AppRunner | None = None

    async def handle(self, request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if self._secret and not hmac.compare_digest(given.encode(), self._secret.encode()):
            log.info("refused a webhook request without the right secret token")
            return web.Response(status=403)
        if request.content_type != "application/json":
            return web.Response(status=403)
        try:
            data = json.loads(await request.read())
        except (ValueError, RecursionError):  # not UTF-8, not JSON, nested beyond reason
            log.info("refused a webhook request whose body is not JSON")
            return web.Response(status=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            log.info("refused a webhook request that is not an update")
            return web.Response(status=400)
        bot = self._application.bot
        (update,) = parse_updates([data], bot)  # an unparseable one: logged, handled as empty
        bot.insert_callback_data(update)
        # Through the update processor, as polled updates go: one person's updates in order,
        # at most CONCURRENT_UPDATES at once. The 200 (after it) confirms the effect.
        application = self._application
        await application.update_processor.process_update(
            update, application.process_update(update))
        return web.Response(status=200)

    async def start(self, *, host: str, port: int) -> None:
        app = web.Application(client_max_size=1024 * 1024)
        app.router.add_post(self._path, self.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, host, port).start()

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()  # waits for requests in progress (their handlers)
            self._runner = None
