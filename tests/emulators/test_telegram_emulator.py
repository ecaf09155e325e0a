"""The Telegram emulator's methods and limits, driven by the real python-telegram-bot."""

from __future__ import annotations

import asyncio
import datetime as dtm
import time

import pytest
from telegram import Bot
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    AIORateLimiter,
    ExtBot,
)

from emulators.telegram import (
    RateLimiter,
    RateLimitPolicy,
    TelegramEmulator,
    Window,
)
from tests.emulators.telegram_support import ALICE, BOB, GROUP, KEYBOARD, png

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
