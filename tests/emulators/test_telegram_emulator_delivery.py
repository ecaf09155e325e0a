"""The Telegram emulator's update delivery (getUpdates, webhooks), with the real client."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, Update
from telegram.error import (
    Conflict,
)
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    ContextTypes,
    PollAnswerHandler,
)

from emulators.telegram import (
    TelegramEmulator,
)
from tests.emulators.telegram_support import ALICE, BOB, GROUP, KEYBOARD, free_port


async def test_get_updates_long_polls_until_an_update_arrives(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert time.monotonic() - started >= 0.9

    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    emulator.user_sends(ALICE, GROUP, "/stelling@positie_bot")
    [update] = await asyncio.wait_for(waiting, 2)
    assert update.message is not None and update.message.text == "/stelling@positie_bot"
    # Confirmed by the next offset; privacy mode keeps ordinary group chatter from the bot.
    assert emulator.user_sends(ALICE, GROUP, "gewoon een bericht") is None
    assert await bot.get_updates(offset=update.update_id + 1) == ()


async def test_application_polling_receives_poll_answers_and_button_presses(
    emulator: TelegramEmulator,
) -> None:
    app = (
        Application.builder()
        .token(emulator.token)
        .base_url(emulator.base_url)
        .base_file_url(emulator.base_file_url)
        .build()
    )
    received: asyncio.Queue[Update] = asyncio.Queue()

    async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await received.put(update)

    app.add_handler(PollAnswerHandler(remember))
    app.add_handler(CallbackQueryHandler(remember))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_polling(timeout=1, poll_interval=0)
    try:
        sent = await app.bot.send_poll(GROUP, "Stelling?", ["Eens", "Oneens"], is_anonymous=False)
        buttons = await app.bot.send_message(GROUP, "Knop", reply_markup=KEYBOARD)
        assert sent.poll is not None
        emulator.user_answers_poll(ALICE, sent.poll.id, [0])
        emulator.user_presses_button(BOB, GROUP, buttons.message_id, "agree")

        first = await asyncio.wait_for(received.get(), 5)
        second = await asyncio.wait_for(received.get(), 5)
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    assert first.poll_answer is not None and first.poll_answer.user is not None
    assert (first.poll_answer.user.id, first.poll_answer.option_ids) == (ALICE.id, (0,))
    assert second.callback_query is not None and second.callback_query.data == "agree"


async def test_webhook_delivery_with_secret_token(emulator: TelegramEmulator, bot: Bot) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/hook"
    app = Application.builder().token(emulator.token).base_url(emulator.base_url).build()
    received: asyncio.Queue[Update] = asyncio.Queue()

    async def remember(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        await received.put(update)

    app.add_handler(CallbackQueryHandler(remember))
    await app.initialize()
    await app.start()
    assert app.updater is not None
    await app.updater.start_webhook(
        listen="127.0.0.1", port=port, url_path="hook", secret_token="s3cret", webhook_url=url
    )
    try:
        sent = await app.bot.send_message(GROUP, "Knop", reply_markup=KEYBOARD)
        emulator.user_presses_button(ALICE, GROUP, sent.message_id, "agree")
        update = await asyncio.wait_for(received.get(), 5)
        assert update.callback_query is not None and update.callback_query.data == "agree"
        with pytest.raises(Conflict):
            await bot.get_updates()

        async with aiohttp.ClientSession() as session:
            body = b'{"update_id": 1}'
            json_type = {"Content-Type": "application/json"}
            wrong = {**json_type, "X-Telegram-Bot-Api-Secret-Token": "guess"}
            for headers in (json_type, wrong):
                async with session.post(url, data=body, headers=headers) as response:
                    assert response.status == 403
    finally:
        await app.updater.stop()
        await app.stop()
        await app.shutdown()

    [set_call] = emulator.calls_to("setWebhook")
    assert set_call.body["secret_token"] == "s3cret"
    assert [delivery.status for delivery in emulator.webhook_deliveries] == [200]
    assert emulator.state.updates.pending == ()


async def test_a_second_get_updates_ends_the_waiting_one_with_conflict(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    waiting = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    # A second bot instance: one Bot polls over a single connection, so it cannot overlap itself.
    async with Bot(emulator.token, base_url=emulator.base_url) as second_instance:
        await second_instance.get_updates()

    with pytest.raises(Conflict, match="terminated by other getUpdates request"):
        await asyncio.wait_for(waiting, 2)


async def test_webhook_retries_until_the_bot_answers_2xx(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    statuses = [500, 200]
    bodies: list[dict[str, Any]] = []

    async def hook(request: web.Request) -> web.Response:
        bodies.append(await request.json())
        return web.Response(status=statuses.pop(0))

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    try:
        port = runner.addresses[0][1]
        await bot.set_webhook(f"http://127.0.0.1:{port}/hook")
        emulator.user_sends(ALICE, GROUP, "/digest")
        for _ in range(100):
            if len(bodies) == 2:
                break
            await asyncio.sleep(0.02)
        info = await bot.get_webhook_info()
    finally:
        await runner.cleanup()

    assert [d.status for d in emulator.webhook_deliveries] == [500, 200]
    assert bodies[0] == bodies[1] and bodies[0]["message"]["text"] == "/digest"
    assert info.pending_update_count == 0
    assert info.last_error_message == "Wrong response from the webhook: 500"
