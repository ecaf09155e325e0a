"""A statement's lifecycle through the emulators: close, reopen everywhere, refusals."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.domain import StatementState
from bot.publishing.lifecycle import TransitionRefused
from bot.store.models import Position
from tests.slack_world import SlackWorld
from tests.telegram_world import BUTTONS, POLL, TelegramWorld, person

S = "visie-rijk"


def buttons_of(blocks: list[dict[str, object]]) -> list[str]:
    return [str(e["value"]) for b in blocks if b["type"] == "actions"
            for e in b["elements"]]  # type: ignore[union-attr]


async def test_slack_reopen_brings_the_buttons_back(slack: SlackWorld) -> None:
    await slack.service.open(S)
    await slack.click("U1", S, "eens")
    await slack.settle()
    await slack.service.close(S)
    assert buttons_of(slack.emulator.messages("C0MIXED001")[0].blocks) == []
    report = await slack.service.open(S)  # `positie post KEY` on a closed statement
    assert (report.posted, report.reopened) == (0, 2)
    message = slack.emulator.messages("C0MIXED001")[0]
    assert len(buttons_of(message.blocks)) == 6  # the same message, buttons again
    assert len(slack.emulator.messages("C0MIXED001")) == 1  # nothing posted twice
    response = await slack.click("U2", S, "oneens")
    await slack.settle()
    assert response.status == 200
    async with slack.service.db.sessions() as session:
        options = sorted(await session.scalars(select(Position.option_key)))
    assert options == ["eens", "oneens"]  # answers are taken again


async def test_telegram_reopen_edits_buttons_and_replaces_a_stopped_poll(
        telegram: TelegramWorld) -> None:
    world = telegram
    await world.service.open(S)
    await world.service.close(S)
    old = await world.poll(S)
    assert old.is_closed
    report = await world.service.open(S)
    assert report.reopened == 3
    open_polls = [p for p in world.emulator.state.polls.values()
                  if p.chat_id == POLL and not p.is_closed]
    assert len(open_polls) == 1 and open_polls[0].id != old.id
    world.emulator.user_answers_poll(person(7), open_polls[0].id, [1])
    await world.press(person(8), S, "oneens", chat=BUTTONS)
    await world.settle()
    assert sorted(option for option, _ in await world.stored()) == ["eens", "oneens"]


async def test_closing_a_draft_is_refused_and_leaves_it_a_draft(slack: SlackWorld) -> None:
    with pytest.raises(TransitionRefused, match="was never opened"):
        await slack.service.close(S)
    assert (await slack.service.statement_view(S)).state is StatementState.DRAFT
    assert slack.emulator.calls_to("chat.update") == []


async def test_a_retired_statement_is_not_opened_by_the_schedule_nor_by_hand(
        slack: SlackWorld, db_url: str) -> None:
    from bot.publishing.catalogue_import import import_catalogue
    from bot.settings.catalogue import load_catalogue
    from scheduling import open_next_statement
    from tests.conftest import EXAMPLE_STATEMENTS
    from tests.factories import T0, apply_settings, settings
    from tests.scheduling.world import SCHEDULE
    from tests.slack_world import slack_section

    first = load_catalogue(EXAMPLE_STATEMENTS).statement_keys()[0]
    catalogue = load_catalogue(EXAMPLE_STATEMENTS).model_copy(update={"themes": tuple(
        theme.model_copy(update={"statements": tuple(
            s for s in theme.statements if s.key != first)})
        for theme in load_catalogue(EXAMPLE_STATEMENTS).themes)})
    report = await import_catalogue(slack.service.db, slack.service.campaign_id, catalogue,
                                    now=T0)
    assert report.retired == 1
    await apply_settings(slack.service, settings(db_url, slack=slack_section(),
                                                 schedule=SCHEDULE))
    outcome = await open_next_statement(slack.service, now=T0, slot=T0)
    assert first not in outcome and first not in await slack.service.open_statement_keys()
    with pytest.raises(TransitionRefused, match="retired"):
        await slack.service.open(first)
    assert all(f"positie.vote:{first}" not in str(m.blocks)
               for m in slack.emulator.messages("C0MIXED001"))
