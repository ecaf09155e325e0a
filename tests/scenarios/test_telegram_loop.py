"""The Telegram loop over HTTP: statements out as buttons and polls, answers in, commands."""

from __future__ import annotations

import itertools
import logging
import sqlite3

import pytest

from bot.ports import ChannelTarget
from tests.telegram_world import (
    ADMIN,
    BUTTONS,
    GEMEENTE,
    POLL,
    TelegramWorld,
    person,
)

S = "visie-rijk"
ALICE, BOB = person(1), person(2)


@pytest.fixture
def world(telegram: TelegramWorld) -> TelegramWorld:
    return telegram


async def test_statement_goes_out_as_buttons_and_as_a_poll(world: TelegramWorld) -> None:
    report = await world.service.open(S)
    assert (report.posted, report.pending, report.unavailable) == (3, 0, 0)
    message = world.statement_message(BUTTONS, S)
    buttons = [b for row in message.reply_markup["inline_keyboard"] for b in row]  # type: ignore[index]
    assert [b["callback_data"] for b in buttons] == [
        f"v:{S}:{o}" for o in ("helemaal_eens", "eens", "neutraal", "oneens",
                               "helemaal_oneens", "weet_niet")]
    assert message.parse_mode == "HTML" and "Stelling · Versneller 1" in message.plain_text
    poll = await world.poll(S)
    assert not poll.is_anonymous and poll.options[:2] == ("helemaal eens", "eens")
    assert [c["command"] for c in world.emulator.commands()][:3] == [
        "laag", "mijnposities", "stellingen"]
    assert world.emulator.commands(language_code="en")[0] == {
        "command": "layer", "description": "Your layer of government"}


async def test_poll_answer_records_a_position(world: TelegramWorld) -> None:
    await world.service.open(S)
    await world.answer(ALICE, S, "eens")
    await world.settle()
    assert await world.stored() == [("eens", "onbekend")]
    # Her layer is unknown and she never started the bot: one question in the group, with
    # buttons that set the presser's own layer.
    [question] = [m for m in world.emulator.messages(POLL) if m.reply_markup]
    assert "overheidslaag" in (question.plain_text or "")


async def test_changed_poll_answer_keeps_one_position(world: TelegramWorld) -> None:
    await world.service.open(S)
    await world.answer(ALICE, S, "eens")
    await world.answer(ALICE, S, "helemaal_oneens")  # both in one getUpdates batch
    await world.settle()
    assert await world.stored() == [("helemaal_oneens", "onbekend")]
    assert await world.event_count() == 2


async def test_retracted_poll_answer_withdraws_the_position(world: TelegramWorld) -> None:
    await world.service.open(S)
    await world.answer(ALICE, S, "eens")
    await world.answer(BOB, S, "oneens")
    await world.settle()
    await world.answer(ALICE, S, None)
    await world.settle()
    assert await world.stored() == [("oneens", "onbekend")]


async def test_button_press_records_and_answers_only_the_presser(world: TelegramWorld) -> None:
    await world.service.open(S)
    await world.press(ALICE, S, "eens", chat=GEMEENTE)
    await world.settle()
    assert await world.stored() == [("eens", "gemeente")]
    [answer] = world.callback_answers()
    assert answer.startswith("Je positie op “") and "eens" in answer and len(answer) <= 200
    # Nothing in the group names her or her answer; the default layer spared the question.
    assert all("Ambtenaar1" not in text for text in world.texts_in(GEMEENTE))
    assert len(world.emulator.messages(GEMEENTE)) == 1


async def test_unknown_layer_then_chosen_in_the_group(world: TelegramWorld) -> None:
    await world.service.open(S)
    await world.press(ALICE, S, "eens")
    await world.settle()
    question = next(m for m in world.emulator.messages(BUTTONS)
                    if "overheidslaag" in (m.plain_text or ""))
    layers = [b["callback_data"] for row in question.reply_markup["inline_keyboard"]  # type: ignore[index]
              for b in row]
    assert layers == ["l:rijk", "l:provincie", "l:gemeente", "l:waterschap"]
    world.emulator.user_presses_button(ALICE, BUTTONS, question.message_id, "l:waterschap")
    await world.settle()
    assert await world.stored() == [("eens", "waterschap")]
    assert "Waterschap" in world.callback_answers()[-1]
    # The group's question stays for the others; a second unknown voter is not asked again.
    await world.press(BOB, S, "oneens")
    await world.settle()
    assert sum("overheidslaag" in t for t in world.texts_in(BUTTONS)) == 1


async def test_unknown_layer_is_asked_privately_after_start(world: TelegramWorld) -> None:
    world.emulator.user_starts_bot(ALICE)
    await world.service.open(S)
    await world.settle()
    await world.answer(ALICE, S, "neutraal")
    await world.settle()
    private = world.emulator.messages(ALICE.id)
    question = private[-1]
    assert "overheidslaag" in (question.plain_text or "")
    assert all("overheidslaag" not in t for t in world.texts_in(POLL))
    world.emulator.user_presses_button(ALICE, ALICE.id, question.message_id, "l:rijk")
    await world.settle()
    assert await world.stored() == [("neutraal", "rijk")]
    assert "Rijk" in (world.emulator.messages(ALICE.id)[-1].plain_text or "")


async def test_own_positions_only_privately(world: TelegramWorld) -> None:
    await world.service.open(S)
    await world.press(ALICE, S, "eens", chat=GEMEENTE)
    await world.settle()
    world.emulator.user_sends(ALICE, GEMEENTE, "/mijnposities")
    await world.settle()
    last = world.texts_in(GEMEENTE)[-1]
    assert "t.me/positie_bot?start=mijn" in last and "eens" not in last
    world.emulator.user_starts_bot(ALICE)
    await world.settle()
    world.emulator.user_sends(ALICE, GEMEENTE, "/mijnposities@positie_bot")
    await world.settle()
    assert "Jouw posities" in world.texts_in(ALICE.id)[-1]
    assert "Jouw posities" not in " ".join(world.texts_in(GEMEENTE))


async def test_non_admin_post_is_refused_and_nothing_happens(world: TelegramWorld) -> None:
    world.emulator.user_sends(ALICE, BUTTONS, f"/post {S}")
    world.emulator.user_sends(ALICE, BUTTONS, "/digest")
    await world.settle()
    assert all("krachtteam" in t for t in world.texts_in(BUTTONS)[-2:])
    assert await world.service.open_statement_keys() == []
    assert world.emulator.messages(POLL) == []
    world.emulator.user_sends(ADMIN, BUTTONS, f"/post {S}")
    await world.settle()
    assert await world.service.open_statement_keys() == [S]
    assert "posted in 3" in world.texts_in(BUTTONS)[-1] or "geplaatst in 3" in \
        world.texts_in(BUTTONS)[-1]


async def test_open_statements_and_help(world: TelegramWorld) -> None:
    await world.service.open(S)
    world.emulator.user_sends(ALICE, BUTTONS, "/stellingen")
    world.emulator.user_sends(ALICE, BUTTONS, "/help")
    await world.settle()
    # Handled concurrently: the two answers may come in either order.
    listing, help_text = sorted(world.texts_in(BUTTONS)[-2:], key=lambda t: "/help" in t)
    assert S in listing and "/mijnposities" in help_text and "/post" not in help_text


async def test_closing_stops_the_poll_and_removes_the_buttons(world: TelegramWorld) -> None:
    await world.service.open(S)
    message = world.statement_message(BUTTONS, S)
    assert await world.service.close(S) == 3
    closed = next(m for m in world.emulator.messages(BUTTONS)
                  if m.message_id == message.message_id)
    assert closed.reply_markup is None and "Gesloten" in (closed.plain_text or "")
    assert (await world.poll(S)).is_closed


async def test_live_tally_counts_only_from_k_and_is_batched(world: TelegramWorld) -> None:
    await world.service.open(S)
    for n in (1, 2):
        await world.press(person(n), S, "eens")
    await world.settle()
    text = world.statement_message(BUTTONS, S).plain_text or ""
    assert "vanaf 3 antwoorden" in text and "Tussenstand" not in text
    for n in range(3, 30):
        await world.press(person(n), S, "oneens")
    await world.settle()
    edits = [c for c in world.emulator.calls_to("editMessageText")
             if c.body.get("chat_id") == BUTTONS]
    assert 1 <= len(edits) < 29
    gaps = [b.at - a.at for a, b in itertools.pairwise(edits)]
    assert all(gap >= 0.04 for gap in gaps), gaps
    final = world.statement_message(BUTTONS, S)
    assert "29 antwoorden tot nu toe." in (final.plain_text or "")
    assert "Ambtenaar" not in (final.plain_text or "")


async def test_private_reminder_only_where_the_bot_was_started(world: TelegramWorld) -> None:
    from bot.cadence.reminders import send_reminders

    world.emulator.user_starts_bot(ALICE)
    await world.service.open(S)
    for user in (ALICE, BOB):
        await world.press(user, S, "eens", chat=GEMEENTE)
    await world.settle()
    await world.service.open("visie-gebied")
    view = await world.service.statement_view("visie-gebied")
    report = await send_reminders(world.service.db, world.service.gateways,
                                  lease=world.service.lease,
                                  campaign_id=world.service.campaign_id, statements=[view],
                                  texts=world.service.texts(), now=world.service.clock.now())
    assert (report.sent, report.unreachable) == (1, 1)
    reminder = world.emulator.messages(ALICE.id)[-1]
    assert "/stop" in (reminder.plain_text or "")
    world.emulator.user_presses_button(ALICE, ALICE.id, reminder.message_id,
                                       "v:visie-gebied:oneens")
    await world.settle()
    assert ("oneens", "gemeente") in await world.stored()


async def test_english_menu_and_help_show_english_commands(world: TelegramWorld) -> None:
    assert [c["command"] for c in world.emulator.commands(language_code="en")] == [
        "layer", "mypositions", "statements", "stop", "forget", "privacy", "help"]
    english = person(5, language_code="en")
    world.emulator.user_sends(english, BUTTONS, "/statements")  # the English name works
    world.emulator.user_starts_bot(english)
    await world.settle()
    world.emulator.user_sends(english, english.id, "/help")  # privately: in their language
    await world.settle()
    assert "Er staat nu geen stelling open." in world.texts_in(BUTTONS)[-1]  # group: Dutch
    help_text = world.texts_in(english.id)[-1]
    assert "/mypositions" in help_text and "/forget" in help_text
    assert "/mijnposities" not in help_text and "/vergeet" not in help_text


async def test_one_persons_commands_in_one_batch_apply_in_order(world: TelegramWorld) -> None:
    """After downtime a person's /start and /stop can arrive in one getUpdates batch; the
    last one they sent is the one that holds."""
    from sqlalchemy import select

    from bot.store.models import Participant

    carol = person(9)
    world.emulator.user_starts_bot(carol)
    for n in range(12):
        world.emulator.user_sends(carol, carol.id, "/stop" if n % 2 == 0 else "/start")
    world.emulator.user_sends(carol, carol.id, "/stop")
    await world.settle()
    async with world.service.db.sessions() as session:
        opted_out = await session.scalar(select(Participant.reminders_opt_out).where(
            Participant.user_id == str(carol.id)))
    assert opted_out is True
    replies = world.texts_in(carol.id)
    assert "geen herinneringen meer" in replies[-1].lower()


async def test_a_press_counts_only_on_that_statements_message_in_a_campaign_chat(
        world: TelegramWorld) -> None:
    outside = -1009999999999  # a group the bot is in, but not one of the campaign's
    world.emulator.add_chat(outside, type="supergroup", title="Elders")
    await world.service.open(S)
    await world.service.open("visie-gebied")
    view = await world.service.statement_view(S)
    await world.adapter.gateway.post_statement(
        ChannelTarget(id=0, external_id=str(outside), answer_mode="buttons"), view,
        key="outside-the-campaign")
    world.emulator.user_presses_button(ALICE, outside,
                                       world.statement_message(outside, S).message_id,
                                       f"v:{S}:eens")
    # Forged data (any client can send any): the message of another statement, in a
    # campaign chat. Changed in the queue before the bot fetches it (no await in between).
    forged = world.emulator.user_presses_button(
        BOB, BUTTONS, world.statement_message(BUTTONS, "visie-gebied").message_id,
        "v:visie-gebied:eens")
    forged["callback_query"]["data"] = f"v:{S}:oneens"
    await world.settle()
    assert await world.event_count() == 0  # the same buttons, outside the campaign
    await world.press(ALICE, S, "eens")
    await world.settle()
    assert await world.event_count() == 1


async def test_an_unparseable_update_ahead_of_a_press_is_skipped_once(
        world: TelegramWorld, caplog: pytest.LogCaptureFixture) -> None:
    await world.service.open(S)
    # As an older Bot API server sends it: no option_persistent_ids, which
    # python-telegram-bot 22 requires; the person's name must not reach the log.
    bad = world.emulator.state.updates.push("poll_answer", {
        "poll_id": "5012345", "option_ids": [0],
        "user": {"id": 4242, "is_bot": False, "first_name": "Geheimnaam"}})
    await world.press(ALICE, S, "eens")
    await world.settle()
    assert await world.event_count() == 1  # the press behind it is recorded
    skipped = [r for r in caplog.records if "could not be parsed" in r.getMessage()]
    assert len(skipped) == 1 and str(bad["update_id"]) in skipped[0].getMessage()
    assert "Geheimnaam" not in caplog.text and "4242" not in caplog.text
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_press_is_confirmed_to_telegram_only_after_it_is_stored(
        world: TelegramWorld, db_url: str) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("reads the database file synchronously at the moment of confirmation")
    path = db_url.removeprefix("sqlite+aiosqlite:///")
    await world.service.open(S)
    queue = world.emulator.state.updates
    stored_when_confirmed: list[int] = []
    confirm = queue.confirm
    press = {"update_id": 0}

    def observed(offset: int) -> None:  # the emulator's side of getUpdates' offset
        if press["update_id"] and offset > press["update_id"] and not stored_when_confirmed:
            with sqlite3.connect(path) as connection:
                stored_when_confirmed.append(connection.execute(
                    "SELECT count(*) FROM position_events").fetchone()[0])
        confirm(offset)

    queue.confirm = observed  # type: ignore[method-assign]
    press.update(await world.press(ALICE, S, "eens"))
    await world.settle()
    assert stored_when_confirmed == [1]
