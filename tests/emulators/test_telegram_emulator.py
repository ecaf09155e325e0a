"""The Telegram emulator, driven by the real python-telegram-bot over real HTTP."""

from __future__ import annotations

import asyncio
import datetime as dtm
import socket
import struct
import time
import zlib
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiohttp import web
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    AIORateLimiter,
    Application,
    CallbackQueryHandler,
    ContextTypes,
    ExtBot,
    PollAnswerHandler,
)

from emulators.telegram import (
    EmulatedUser,
    RateLimiter,
    RateLimitPolicy,
    TelegramEmulator,
    Window,
)

GROUP = -100_200_300
ALICE = EmulatedUser(id=1001, first_name="Alice", username="alice", language_code="nl")
BOB = EmulatedUser(id=1002, first_name="Bob")
KEYBOARD = InlineKeyboardMarkup([[InlineKeyboardButton("Eens", callback_data="agree")]])


@pytest.fixture(autouse=True)
def _timedelta_retry_after(monkeypatch: pytest.MonkeyPatch) -> None:
    # Without this, python-telegram-bot 22 warns (PTBDeprecationWarning) while *constructing*
    # RetryAfter; with warnings as errors the 429 would surface as that warning instead.
    monkeypatch.setenv("PTB_TIMEDELTA", "true")


@pytest.fixture
async def emulator() -> AsyncIterator[TelegramEmulator]:
    async with TelegramEmulator(rate_limits=RateLimitPolicy.off()) as emu:
        emu.add_chat(GROUP, type="supergroup", title="Beleidsgroep")
        yield emu


@pytest.fixture
async def bot(emulator: TelegramEmulator) -> AsyncIterator[Bot]:
    async with Bot(
        emulator.token, base_url=emulator.base_url, base_file_url=emulator.base_file_url
    ) as client:
        yield client


def png(width: int, height: int) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x80" * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- methods through the real client -------------------------------------------------------------


async def test_get_me_describes_the_bot(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.username, me.is_bot, me.id) == ("positie_bot", True, 7000000001)


async def test_send_message_parses_html_into_text_and_entities(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    sent = await bot.send_message(
        GROUP, "<b>Stelling</b> 1 &amp; 2", parse_mode=ParseMode.HTML, reply_markup=KEYBOARD
    )

    assert sent.text == "Stelling 1 & 2"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 8)]
    assert sent.reply_markup == KEYBOARD
    assert sent.chat.id == GROUP
    [call] = emulator.calls_to("sendMessage")
    assert call.body["chat_id"] == GROUP
    assert call.body["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == "agree"
    [stored] = emulator.messages(GROUP)
    assert (stored.text, stored.parse_mode) == ("<b>Stelling</b> 1 &amp; 2", "HTML")


async def test_malformed_html_is_refused_like_telegram(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities: unsupported start tag"):
        await bot.send_message(GROUP, "<div>x</div>", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)can't find end tag"):
        await bot.send_message(GROUP, "<b>open", parse_mode=ParseMode.HTML)
    with pytest.raises(BadRequest, match=r"(?i)unclosed start tag"):
        await bot.send_message(GROUP, "1 < 2", parse_mode=ParseMode.HTML)


async def test_message_over_4096_characters_is_too_long(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(GROUP, "x" * 4097)
    # The limit counts text after parsing, so markup does not count against it.
    await bot.send_message(GROUP, f"<b>{'x' * 4096}</b>", parse_mode=ParseMode.HTML)


async def test_send_poll_and_votes_and_stop_poll(emulator: TelegramEmulator, bot: Bot) -> None:
    sent = await bot.send_poll(GROUP, "Meer fietspaden?", ["Eens", "Oneens"], is_anonymous=False)
    poll = sent.poll
    assert poll is not None and not poll.is_anonymous
    assert [option.text for option in poll.options] == ["Eens", "Oneens"]
    assert all(option.persistent_id for option in poll.options)

    answer = emulator.user_answers_poll(ALICE, poll.id, [1])
    assert answer is not None
    assert answer["poll_answer"]["option_persistent_ids"] == [poll.options[1].persistent_id]
    emulator.user_answers_poll(BOB, poll.id, [0])
    emulator.user_answers_poll(BOB, poll.id, [])  # retracted

    stopped = await bot.stop_poll(GROUP, sent.message_id)
    assert stopped.is_closed
    assert [option.voter_count for option in stopped.options] == [0, 1]
    with pytest.raises(BadRequest, match=r"(?i)poll has already been closed"):
        await bot.stop_poll(GROUP, sent.message_id)
    with pytest.raises(ValueError, match="closed"):
        emulator.user_answers_poll(BOB, poll.id, [0])

    updates = await bot.get_updates()
    kinds = [next(key for key in u.to_dict() if key != "update_id") for u in updates]
    assert kinds == ["poll_answer", "poll", "poll_answer", "poll", "poll_answer", "poll", "poll"]
    assert updates[4].poll_answer is not None and updates[4].poll_answer.option_ids == ()


async def test_anonymous_poll_reports_counts_but_not_voters(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    sent = await bot.send_poll(GROUP, "Anoniem?", ["Ja", "Nee"])
    assert sent.poll is not None

    assert emulator.user_answers_poll(ALICE, sent.poll.id, [0]) is None
    [update] = await bot.get_updates()
    assert update.poll is not None and update.poll.options[0].voter_count == 1


async def test_edit_message_text_and_reply_markup(emulator: TelegramEmulator, bot: Bot) -> None:
    sent = await bot.send_message(GROUP, "Stand: 0", reply_markup=KEYBOARD)

    edited = await bot.edit_message_text("Stand: 1", GROUP, sent.message_id, reply_markup=KEYBOARD)
    assert edited.text == "Stand: 1" and edited.edit_date is not None
    with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
        await bot.edit_message_text("Stand: 1", GROUP, sent.message_id, reply_markup=KEYBOARD)
    # As on Telegram, an edit without reply_markup drops the keyboard.
    await bot.edit_message_text("Stand: 2", GROUP, sent.message_id)
    assert emulator.messages(GROUP)[0].reply_markup is None
    restored = await bot.edit_message_reply_markup(GROUP, sent.message_id, reply_markup=KEYBOARD)
    assert restored.reply_markup == KEYBOARD
    assert emulator.messages(GROUP)[0].edits == ("Stand: 0", "Stand: 1")
    with pytest.raises(BadRequest, match=r"(?i)message to edit not found"):
        await bot.edit_message_text("x", GROUP, 999)


async def test_button_press_is_answered_once(emulator: TelegramEmulator, bot: Bot) -> None:
    sent = await bot.send_message(GROUP, "Stelling", reply_markup=KEYBOARD)
    emulator.user_presses_button(ALICE, GROUP, sent.message_id, "agree")
    with pytest.raises(ValueError, match="no button"):
        emulator.user_presses_button(ALICE, GROUP, sent.message_id, "missing")

    [update] = await bot.get_updates()
    query = update.callback_query
    assert query is not None and query.data == "agree" and query.from_user.id == ALICE.id
    assert query.message is not None and query.message.message_id == sent.message_id
    assert await bot.answer_callback_query(query.id, text="Genoteerd")
    with pytest.raises(BadRequest, match=r"(?i)query is too old"):
        await bot.answer_callback_query(query.id)
    assert emulator.answered_callbacks[0]["text"] == "Genoteerd"


async def test_send_photo_uploads_multipart_and_can_be_downloaded(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    image = png(3, 2)
    sent = await bot.send_photo(GROUP, image, caption="<i>Verdeling</i>", parse_mode="HTML")

    photo = sent.photo[-1]
    assert (photo.width, photo.height, sent.caption) == (3, 2, "Verdeling")
    [call] = emulator.calls_to("sendPhoto")
    assert call.files["photo"].data == image
    file = await bot.get_file(photo.file_id)
    assert bytes(await file.download_as_bytearray()) == image
    with pytest.raises(BadRequest, match=r"(?i)IMAGE_PROCESS_FAILED"):
        await bot.send_photo(GROUP, b"not an image")


async def test_commands_are_stored_per_scope_and_language(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    from telegram import BotCommand, BotCommandScopeAllGroupChats

    dutch = [BotCommand("stelling", "Nieuwe stelling")]
    assert await bot.set_my_commands(dutch, language_code="nl")
    assert await bot.set_my_commands(
        [BotCommand("digest", "Overzicht")], scope=BotCommandScopeAllGroupChats()
    )

    assert await bot.get_my_commands(language_code="nl") == tuple(dutch)
    assert await bot.get_my_commands() == ()
    assert emulator.commands(scope={"type": "all_group_chats"})[0]["command"] == "digest"
    with pytest.raises(BadRequest, match=r"(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand("Not Valid", "x")])


# -- errors with Telegram's statuses ---------------------------------------------------------------


async def test_unknown_chat_kicked_bot_and_unstarted_private_chat(
    emulator: TelegramEmulator, bot: Bot
) -> None:
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(-1, "x")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(ALICE.id, "Hallo")  # a stranger
    emulator.user_sends(ALICE, GROUP, "hoi")  # now the bot has met Alice
    with pytest.raises(Forbidden, match="can't initiate conversation"):
        await bot.send_message(ALICE.id, "Hallo")

    start = emulator.user_starts_bot(ALICE)
    assert start is not None
    assert start["message"]["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    await bot.send_message(ALICE.id, "Hallo")

    emulator.kick_bot_from(GROUP, by=BOB)
    with pytest.raises(Forbidden, match="bot was kicked from the supergroup chat"):
        await bot.send_message(GROUP, "x")
    emulator.delete_chat(GROUP)
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(GROUP, "x")


async def test_wrong_token_and_unknown_method(emulator: TelegramEmulator, bot: Bot) -> None:
    with pytest.raises(InvalidToken):
        await Bot("1:wrong", base_url=emulator.base_url).get_me()
    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")
    assert [call.status for call in emulator.calls_to("noSuchMethod")] == [404]


async def test_injected_429_raises_retry_after(emulator: TelegramEmulator, bot: Bot) -> None:
    emulator.fail_next("sendMessage", 429, retry_after=3)

    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(GROUP, "x")
    assert caught.value.retry_after == dtm.timedelta(seconds=3)
    await bot.send_message(GROUP, "x")
    assert [call.status for call in emulator.calls_to("sendMessage")] == [429, 200]


async def test_aio_rate_limiter_waits_out_an_injected_429(emulator: TelegramEmulator) -> None:
    emulator.fail_next("sendMessage", 429, retry_after=1)
    limited = ExtBot(
        emulator.token,
        base_url=emulator.base_url,
        rate_limiter=AIORateLimiter(max_retries=2),
    )
    async with limited:
        started = time.monotonic()
        sent = await limited.send_message(GROUP, "na de pauze")

    assert sent.text == "na de pauze"
    assert time.monotonic() - started >= 1.0
    assert [call.status for call in emulator.calls_to("sendMessage")] == [429, 200]


async def test_enforced_limits_answer_429_per_chat() -> None:
    policy = RateLimitPolicy(time_scale=0.05)
    async with TelegramEmulator(rate_limits=policy) as emu:
        emu.add_chat(GROUP, type="supergroup")
        async with Bot(emu.token, base_url=emu.base_url) as client:
            await client.send_message(GROUP, "een")
            with pytest.raises(RetryAfter):
                await client.send_message(GROUP, "twee")
            await asyncio.sleep(0.06)  # one scaled second
            await client.send_message(GROUP, "twee")
        assert (emu.rate_limiter.sent_total, emu.rate_limiter.rejected_total) == (2, 1)


def test_rate_limiter_windows_and_minimum_duration() -> None:
    now = [0.0]
    limiter = RateLimiter(policy=RateLimitPolicy(), clock=lambda: now[0])
    for second in range(20):
        now[0] = float(second)
        assert limiter.retry_after(GROUP) is None
        limiter.record(GROUP)
    now[0] = 20.0
    # Twenty a minute per group: the first slot frees at t=60.
    assert limiter.retry_after(GROUP) == 40
    assert limiter.retry_after(ALICE.id) is None
    assert limiter.minimum_duration_s() == 19.0

    counted = RateLimiter(policy=RateLimitPolicy(overall=Window(limit=30, period_s=1.0)))
    for _ in range(41):
        counted.record(GROUP)
    assert counted.minimum_duration_s() == 120.0


# -- update delivery -------------------------------------------------------------------------------


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
