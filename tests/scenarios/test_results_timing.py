"""campaign.results through the real adapters and the emulators, k = 3.

- after_vote: the channel's tally shows how many answered, never the counts per option,
  while the statement is open; the person who just answered sees them privately (Slack:
  the ephemeral confirmation; Telegram: the button's answer, shown to the presser alone);
  digests and exports hold the open statement's figures back.
- after_close: nobody sees a distribution until the statement closes, only how many
  answered; after the close the post, digest and export show the released figures.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest

from bot.insight.render_text import render_text
from bot.service import CampaignService
from bot.settings.errors import ConfigError
from positie.settings import load
from tests.factories import apply_settings, settings
from tests.slack_world import SlackWorld, slack_section, slack_world
from tests.telegram_world import BUTTONS, TelegramWorld, person, telegram_section, telegram_world

S = "visie-rijk"
RIJK = "C0RIJK0001"
DIVERSE = ["eens", "eens", "oneens", "oneens", "neutraal", "weet_niet"]
PER_OPTION = "Per optie"  # the tally's counts per option, in Dutch


def channel_texts(world: SlackWorld) -> str:
    """Everything the channel ever showed of the statement: the post and every edit."""
    edits = [str(c.body) for c in world.emulator.calls_to("chat.update")]
    return "\n".join([str(world.statement_message(RIJK, S).blocks), *edits])


async def digest_and_export(service: CampaignService) -> tuple[str, dict[str, str]]:
    document = await service.digest()
    text = render_text(document) + "\n".join(a.text for a in document.attachments)
    rows = {r["layer"]: r["withheld"] for r in csv.DictReader(io.StringIO(
        await service.export_csv())) if r["statement"] == S}
    return text, rows


async def slack_clicks(world: SlackWorld) -> None:
    await world.service.open(S)
    for n, option in enumerate(DIVERSE):
        await world.click(f"R{n}", S, option, channel=RIJK)
    await world.settle()


async def test_slack_after_vote_shows_the_tally_to_the_voter_only(
        service: CampaignService, db_url: str) -> None:
    config = await apply_settings(service, settings(
        db_url, campaign={"results": "after_vote"}, slack=slack_section()))
    async with slack_world(service, config) as world:
        await slack_clicks(world)
        assert "6 antwoorden tot nu toe" in str(world.statement_message(RIJK, S).blocks)
        assert PER_OPTION not in channel_texts(world)
        # The sixth voter's private confirmation carries the released counts per option.
        (last,) = world.replies_to("R5")
        assert "Je positie op" in last and PER_OPTION in last and "eens 2" in last
        # The first voter answered alone: under k nothing per option, to them either.
        assert PER_OPTION not in world.replies_to("R0")[0]
        text, export = await digest_and_export(service)
        assert "6 antwoorden tot nu toe; de uitslag is te zien zodra de stelling sluit." in text
        assert "% eens" not in text and export["rijk"] == "until_closed"
        await service.close(S)
        await world.settle()
        closed = str(world.emulator.messages(RIJK)[0].blocks)
        assert PER_OPTION in closed and "eens 2" in closed
        text, export = await digest_and_export(service)
        # The figures the voters were shown privately (released at five or six answers, as
        # the confirmations ran; a sixth alone is no new release), now for everyone.
        assert re.search(r"Rijk \((5\): 40|6\): 33)% eens", text) and export["rijk"] == ""


async def test_slack_after_close_shows_no_distribution_until_the_close(
        service: CampaignService, db_url: str) -> None:
    config = await apply_settings(service, settings(
        db_url, campaign={"results": "after_close"}, slack=slack_section()))
    async with slack_world(service, config) as world:
        await slack_clicks(world)
        assert PER_OPTION not in channel_texts(world)
        replies = [r for n in range(6) for r in world.replies_to(f"R{n}")]
        assert len(replies) == 6 and not any(PER_OPTION in r for r in replies)
        text, export = await digest_and_export(service)
        assert "de uitslag is te zien zodra de stelling sluit" in text and "% eens" not in text
        assert export["rijk"] == "until_closed"
        chart = await service.digest_chart()  # draws nothing of the open statement
        assert chart.startswith(b"\x89PNG")
        await service.close(S)
        await world.settle()
        assert PER_OPTION in str(world.emulator.messages(RIJK)[0].blocks)
        text, _ = await digest_and_export(service)
        assert "Rijk (6): 33% eens" in text


async def telegram_presses(world: TelegramWorld) -> None:
    await world.service.open(S)
    for n, option in enumerate(DIVERSE):  # one by one: each answer sees the ones before
        await world.press(person(n), S, option)
        await world.settle()


def group_texts(world: TelegramWorld) -> str:
    edits = [str(c) for c in world.emulator.calls if "editMessageText" in str(c)]
    return "\n".join([*world.texts_in(BUTTONS), *edits])


async def test_telegram_after_vote_answers_the_presser_with_the_tally(
        service: CampaignService, db_url: str) -> None:
    config = await apply_settings(service, settings(
        db_url, campaign={"results": "after_vote"}, telegram=telegram_section()))
    async with telegram_world(service, config) as world:
        await telegram_presses(world)
        assert "6 antwoorden tot nu toe" in world.statement_message(BUTTONS, S).plain_text
        assert PER_OPTION not in group_texts(world)
        answers = world.callback_answers()
        # The button's answer is shown to the presser alone, within Telegram's 200: the
        # counts released at the fifth answer (the sixth alone makes no new release).
        assert answers[-1].endswith("\nTot nu toe (5): eens 2 · neutraal 1 · oneens 2")
        assert len(answers[-1]) <= 200 and answers[-1].startswith("Je positie op")
        assert "Tot nu toe" not in answers[0]
        await service.close(S)
        await world.settle()
        assert PER_OPTION in world.texts_in(BUTTONS)[0]


async def test_telegram_after_close_keeps_button_tallies_back_and_refuses_polls(
        service: CampaignService, db_url: str, tmp_path: Path) -> None:
    config = await apply_settings(service, settings(
        db_url, campaign={"results": "after_close"},
        telegram=telegram_section(chats=[{"id": BUTTONS, "answer_mode": "buttons"}])))
    async with telegram_world(service, config) as world:
        await telegram_presses(world)
        assert PER_OPTION not in group_texts(world)
        assert not any("Tot nu toe" in a for a in world.callback_answers())
        await service.close(S)
        await world.settle()
        assert PER_OPTION in world.texts_in(BUTTONS)[0]
    # A native poll shows its counts to whoever voted: refused when the config is read.
    path = tmp_path / "positie.toml"
    path.write_text(f"""
[campaign]
id = "c"
name = "C"
results = "after_close"
[[campaign.layers]]
key = "rijk"
label_nl = "Rijk"
label_en = "National government"
[telegram]
enabled = true
bot_token = "123:abc"
[[telegram.chats]]
id = {BUTTONS}
answer_mode = "poll"
""", encoding="utf-8")
    with pytest.raises(ConfigError, match=r'telegram\.chats\[0\]\.answer_mode: "poll" cannot '
                                          r'keep results back until a statement closes'):
        load(path)
    path.write_text(path.read_text(encoding="utf-8").replace('"after_close"', '"after_vote"'),
                    encoding="utf-8")
    assert load(path).campaign.results == "after_vote"
