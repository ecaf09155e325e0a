"""/positie privacy (Slack) and /privacy (Telegram): what positie holds about a person, why,
for how long and whom to ask, in the campaign's language, with the contact from config."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, timedelta

import pytest

from bot.people.privacy_notice import privacy_notice
from bot.service import CampaignService
from bot.settings.config import CampaignSettings
from bot.texts import texts_for
from tests.conftest import apply_settings, settings
from tests.slack_world import SlackWorld, slack_section, slack_world
from tests.telegram_world import BUTTONS, TelegramWorld, person

CONTACT = "privacy-positie@example.nl"


@pytest.fixture(params=["http", "socket"])
async def slack(request: pytest.FixtureRequest, service: CampaignService,
                db_url: str) -> AsyncIterator[SlackWorld]:
    config = await apply_settings(service, settings(
        db_url, slack=slack_section(),
        campaign={"privacy_contact": CONTACT, "ends": "2027-06-30", "retention": "26w"}))
    async with slack_world(service, config, socket_mode=request.param == "socket") as world:
        yield world


async def test_slack_says_what_it_holds_why_how_long_and_whom_to_ask(slack: SlackWorld) -> None:
    response = await slack.users.slash_command("U1", "C0MIXED001", "/positie", "privacy")
    assert response.status == 200
    text = response.body if not slack.socket_mode else str(response.json()["text"])
    assert "je gebruikers-id op Slack, je overheidslaag en je posities" in text
    assert "vanaf 3 mensen" in text
    assert "“Testcampagne”" in text
    assert "Hoe lang: tot 2027-12-30, dan wist positie het" in text
    assert "/positie mijn" in text and "/positie vergeet" in text
    assert f"Vragen of verzoeken: {CONTACT}." in text


async def test_telegram_privacy_answers_in_the_group(telegram: TelegramWorld) -> None:
    telegram.emulator.user_sends(person(1), BUTTONS, "/privacy")
    await telegram.settle()
    text = telegram.texts_in(BUTTONS)[-1]
    assert "je gebruikers-id op Telegram" in text
    assert "Hoe lang: tot je positie vraagt je te vergeten." in text  # no retention set
    assert "Vragen of verzoeken: het krachtteam van de campagne." in text  # no contact set
    assert "/mijnposities" in text and "/vergeet" in text
    menu = [c["command"] for c in telegram.emulator.commands()]
    assert "privacy" in menu


def test_the_notice_in_english() -> None:
    campaign = CampaignSettings(id="c", name="Circular", privacy_threshold=5,
                                ends=date(2027, 1, 31), retention=timedelta(days=30),
                                privacy_contact=CONTACT)
    text = privacy_notice(texts_for("en"), campaign, platform="Slack",
                          mine_command="/positie mijn", forget_command="/positie vergeet")
    assert text.splitlines() == [
        "What positie holds about you: your Slack user id, your layer of government and your "
        "positions on the statements, with when you gave them. Nobody but you sees your "
        "answers: messages and digests count people per layer, from 5 people on.",
        "Why: to show the campaign “Circular” what each layer of government thinks, where the "
        "layers agree and where they part.",
        "How long: until 2027-03-03, when positie erases it; or sooner, when you ask it to "
        "forget you.",
        "See your own positions: /positie mijn. Erase everything: /positie vergeet.",
        f"Questions or requests: {CONTACT}.",
    ]
