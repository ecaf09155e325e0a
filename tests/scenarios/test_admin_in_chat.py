"""The krachtteam in chat, alike on Slack and Telegram: post, close, reopen, digest, export
(privately, as a file), pause, resume, status; anyone else is refused and nothing happens;
every request is in the audit trail."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.audit.trail import entries
from bot.service import CampaignService
from tests.factories import apply_settings, settings
from tests.slack_world import SlackWorld, slack_section, slack_world
from tests.telegram_world import ADMIN, BUTTONS, TelegramWorld, person

S = "visie-rijk"


@pytest.fixture
async def slack(service: CampaignService, db_url: str) -> AsyncIterator[SlackWorld]:
    config = await apply_settings(service, settings(db_url,
                                                    slack=slack_section(admins=["UADMIN"])))
    async with slack_world(service, config) as world:
        yield world


async def slack_command(world: SlackWorld, user: str, text: str) -> str:
    await world.settle()
    before = len(world.replies_to(user))
    response = await world.users.slash_command(user, "C0MIXED001", "/positie", text)
    assert response.status == 200
    await world.settle()
    [reply] = world.replies_to(user)[before:]
    return reply


async def audit(service: CampaignService) -> list[tuple[str, str, str, str]]:
    return [(e.actor, e.action, e.target, e.outcome.split(":")[0])
            for e in await entries(service.db, service.campaign_id)]


async def test_slack_admin_runs_the_campaign_from_chat(slack: SlackWorld) -> None:
    service = slack.service
    assert "krachtteam" in await slack_command(slack, "U1", f"post {S}")
    assert await service.open_statement_keys() == []  # refused: nothing happened
    assert "geplaatst in 2" in await slack_command(slack, "UADMIN", f"post {S}")
    assert "gesloten" in await slack_command(slack, "UADMIN", f"sluit {S}")
    assert "heropend in 2" in await slack_command(slack, "UADMIN", f"heropen {S}")
    assert "nooit geopend" in await slack_command(slack, "UADMIN", "sluit visie-gebied")
    status = await slack_command(slack, "UADMIN", "status")
    assert "Stellingen: 1 open" in status and f"Nu open: {S}" in status
    assert "privé" in await slack_command(slack, "UADMIN", "export")
    [export] = [f for f in slack.emulator.files.values() if f.filename.endswith(".csv")]
    assert export.channels == [slack.emulator.dm_channel("UADMIN")]
    assert export.data is not None and export.data.startswith(b"thema,themanaam,stelling,")
    assert "pauze" in (await slack_command(slack, "UADMIN", "pauze")).lower()
    assert await service.is_paused()
    await slack_command(slack, "UADMIN", "hervat")
    assert "geplaatst in 2 kanalen" in await slack_command(slack, "UADMIN", "digest")
    assert await audit(service) == [
        ("U1", "post", "", "refused"),
        ("UADMIN", "post", S, "posted 2, reopened 0, kept 0"),
        ("UADMIN", "close", S, "closed, 2 updated"),
        ("UADMIN", "reopen", S, "posted 0, reopened 2, kept 0"),
        ("UADMIN", "close", "visie-gebied", "refused"),
        ("UADMIN", "status", "", "shown"),
        ("UADMIN", "export", "", f"{len(export.data)} bytes"),
        ("UADMIN", "pause", "", "done"),
        ("UADMIN", "resume", "", "done"),
        ("UADMIN", "digest", "", "chat-" + service.clock.now().strftime("%Y%m%dT%H%M%S")),
    ]


async def test_telegram_admin_alike_with_english_words(telegram: TelegramWorld) -> None:
    world, service = telegram, telegram.service
    alice = person(1)
    world.emulator.user_sends(alice, BUTTONS, f"/post {S}")
    await world.settle()
    assert "krachtteam" in world.texts_in(BUTTONS)[-1]
    assert await service.open_statement_keys() == []
    said = []
    for command in (f"/post {S}", f"/close {S}", f"/reopen {S}", "/status", "/pause"):
        world.emulator.user_sends(ADMIN, BUTTONS, command)
        await world.settle()
        said.append(world.texts_in(BUTTONS)[-1])  # the reply comes after what it did
    assert "geplaatst in 3" in said[0] and "heropend in 3" in said[2]
    assert "Stellingen: 1 open" in said[3] and await service.is_paused()
    world.emulator.user_sends(ADMIN, BUTTONS, "/export")  # not started privately yet
    await world.settle()
    assert "t.me/" in world.texts_in(BUTTONS)[-1]
    world.emulator.user_starts_bot(ADMIN)
    world.emulator.user_sends(ADMIN, BUTTONS, "/export")
    await world.settle()
    [document] = [m for m in world.emulator.messages(ADMIN.id) if m.document_file_id]
    data = world.emulator.state.files[document.document_file_id].data  # type: ignore[index]
    assert data.startswith(b"thema,themanaam,stelling,")
    assert not any(m.document_file_id for m in world.emulator.messages(BUTTONS))
    actions = [(a, o) for _, a, _, o in await audit(service)]
    assert actions[:6] == [("post", "refused"), ("post", "posted 3, reopened 0, kept 0"),
                           ("close", "closed, 3 updated"),
                           ("reopen", "posted 0, reopened 3, kept 0"), ("status", "shown"),
                           ("pause", "done")]
    assert [a for a, _ in actions[6:]] == ["export", "export"]


async def test_erasures_are_audited_without_the_persons_id(slack: SlackWorld) -> None:
    await slack.service.open(S)
    await slack.click("U7", S, "eens")
    await slack.settle()
    await slack.users.slash_command("U7", "C0MIXED001", "/positie", "vergeet ja")
    [entry] = await entries(slack.service.db, slack.service.campaign_id)
    assert (entry.actor, entry.action, entry.target) == ("self", "forget",
                                                         "a slack participant")
    assert "U7" not in repr(entry)
