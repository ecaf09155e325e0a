"""People erase what positie holds about them: Slack, Telegram, and the admin's CLI."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from bot.domain import Identity
from bot.service import CampaignService
from bot.store.models import Participant
from positie.cli import app
from positie.commands.common import settings_from
from positie.wiring import build_runtime
from tests.factories import minimal_config_file, vote
from tests.slack_world import SlackWorld
from tests.telegram_world import (
    GEMEENTE,
    TelegramWorld,
    person,
)

S = "visie-rijk"


async def people(service: CampaignService) -> int:
    async with service.db.sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Participant)) or 0)


async def test_slack_forget_asks_first_then_erases(slack: SlackWorld) -> None:
    await slack.service.open(S)
    for user, option in (("U1", "eens"), ("U2", "oneens")):
        await slack.click(user, S, option)
    await slack.settle()

    async def command(text: str, user: str = "U1") -> str:
        response = await slack.users.slash_command(user, "C0MIXED001", "/positie", text)
        assert response.status == 200
        return response.body

    question = await command("vergeet")
    assert "je 1 positie" in question and "/positie vergeet ja" in question
    assert await people(slack.service) == 2
    assert "vergeten" in await command("vergeet ja")
    assert await people(slack.service) == 1
    assert [p.statement_key for p in await slack.service.own_positions(
        Identity("slack", "T0POSITIE", "U2"), slack.service.texts())] == [S]
    assert "bewaart niets" in await command("vergeet ja")
    assert "/positie forget yes" in await command("forget", user="U2")


async def test_telegram_forget_only_in_the_private_chat(telegram: TelegramWorld) -> None:
    alice = person(1)
    await telegram.service.open(S)
    await telegram.press(alice, S, "eens", chat=GEMEENTE)
    await telegram.settle()
    telegram.emulator.user_sends(alice, GEMEENTE, "/vergeet ja")
    await telegram.settle()
    assert "t.me/positie_bot" in telegram.texts_in(GEMEENTE)[-1]
    assert await telegram.stored() == [("eens", "gemeente")]  # not from the group

    telegram.emulator.user_starts_bot(alice)
    await telegram.settle()
    telegram.emulator.user_sends(alice, alice.id, "/vergeet")
    await telegram.settle()
    assert "/vergeet ja" in telegram.texts_in(alice.id)[-1]
    telegram.emulator.user_sends(alice, alice.id, "/vergeet ja")
    await telegram.settle()
    done = telegram.texts_in(alice.id)[-1]
    assert "vergeten" in done and "peiling" in done
    assert await telegram.stored() == []
    assert await people(telegram.service) == 0


def test_admin_forgets_someone_from_the_cli(tmp_path: Path) -> None:
    config = minimal_config_file(tmp_path)
    runner = CliRunner()
    imported = runner.invoke(app, ["statements", "import", str(
        Path(__file__).resolve().parents[2] / "statements.example.toml"), "-c", str(config)])
    assert imported.exit_code == 0, imported.output

    async def record() -> None:
        runtime = await build_runtime(settings_from(config), with_adapters=False)
        try:
            await runtime.service.open(S)
            await runtime.service.record(vote(Identity("slack", "T1", "U9"), S, "eens"))
        finally:
            await runtime.close()

    asyncio.run(record())
    missing = runner.invoke(app, ["forget", "slack", "U9", "-c", str(config)])
    assert missing.exit_code == 0 and "--workspace" in missing.output
    erased = runner.invoke(app, ["forget", "slack", "U9", "--workspace", "T1",
                                 "-c", str(config)])
    assert erased.exit_code == 0, erased.output
    assert "erased: 1 position(s)" in erased.output
    unknown = runner.invoke(app, ["forget", "matrix", "U9", "-c", str(config)])
    assert unknown.exit_code == 2 and "use one of slack, telegram" in unknown.output
