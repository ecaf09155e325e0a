"""`positie digest`: the text and chart as files (--dry-run --out), and posting with a
retry that reaches only the channels that missed it."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable
from pathlib import Path

from typer.testing import CliRunner, Result

from bot.domain import Identity
from emulators.slack import SlackEmulator
from positie.cli import app
from positie.commands.common import settings_from
from positie.wiring import build_runtime
from tests.factories import minimal_config_file, vote

ROOT = Path(__file__).resolve().parent.parent.parent
STATEMENTS = ROOT / "statements.example.toml"


def test_dry_run_writes_text_and_chart(tmp_path: Path) -> None:
    config = minimal_config_file(tmp_path, name="Testcampagne")
    runner = CliRunner()
    assert runner.invoke(app, ["db", "upgrade", "-c", str(config)]).exit_code == 0
    imported = runner.invoke(app, ["statements", "import",
                                   str(ROOT / "statements.example.toml"), "-c", str(config)])
    assert imported.exit_code == 0, imported.output

    out = tmp_path / "out"
    result = runner.invoke(app, ["digest", "--dry-run", "--out", str(out), "-c", str(config)])

    assert result.exit_code == 0, result.output
    assert str(out / "samenvatting.txt") in result.output
    assert str(out / "samenvatting.png") in result.output
    assert (out / "positie-stellingen.txt").read_text(encoding="utf-8").startswith(
        "Alle stellingen per laag")
    assert (out / "samenvatting.txt").read_text(encoding="utf-8").startswith(
        "Samenvatting Testcampagne")
    assert (out / "samenvatting.png").read_bytes().startswith(b"\x89PNG\r\n\x1a\n")


def slack_config(tmp_path: Path, emulator: SlackEmulator) -> Path:
    config = minimal_config_file(tmp_path)
    with config.open("a", encoding="utf-8") as extra:
        extra.write(f"""
[slack]
enabled = true
bot_token = "xoxb-positie-emulator"
signing_secret = "test-signing-secret"
api_base_url = "{emulator.base_url}"
channels = [{{ id = "C0RIJK0001", default_layer = "rijk" }}, {{ id = "C0MIXED001" }}]
""")
    return config


def cli_on(config: Path, *command: str) -> Callable[..., Awaitable[Result]]:
    """Run `positie COMMAND ... -c config` in a thread: the CLI runs its own event loop,
    off this one, which serves the emulator."""
    async def invoke(*args: str) -> Result:
        return await asyncio.to_thread(
            CliRunner().invoke, app, [*command, "-c", str(config), *args])
    return invoke


async def test_a_failed_channel_is_retried_alone_under_the_same_period(
        tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        for channel in ("C0RIJK0001", "C0MIXED001"):
            emulator.add_channel(channel, channel.lower())
        emulator.remove_bot_from("C0RIJK0001")
        digest = cli_on(slack_config(tmp_path, emulator), "digest")

        first = await digest()
        assert first.exit_code == 1, first.output
        assert "posted to 1 channel(s); 0 had it already; 1 failed" in first.output
        period = re.search(r"positie digest --period (\S+)", first.output)
        assert period is not None, first.output

        delivered = len(emulator.messages("C0MIXED001"))  # the digest and its chart
        assert delivered >= 1 and emulator.messages("C0RIJK0001") == []

        emulator.add_bot_to("C0RIJK0001")
        retry = await digest("--period", period.group(1))
        assert retry.exit_code == 0, retry.output
        assert "posted to 1 channel(s); 1 had it already; 0 failed" in retry.output
        assert len(emulator.messages("C0RIJK0001")) == delivered
        assert len(emulator.messages("C0MIXED001")) == delivered  # not posted twice


async def test_a_digest_posted_by_hand_is_what_the_next_one_compares_with(
        tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        emulator.add_channel("C0RIJK0001", "rijk")
        emulator.add_channel("C0MIXED001", "mixed")
        config = slack_config(tmp_path, emulator)
        imported = await cli_on(config, "statements", "import")(str(STATEMENTS))
        assert imported.exit_code == 0, imported.output
        runtime = await build_runtime(settings_from(config), with_adapters=False)
        try:
            await runtime.service.open("visie-rijk")
            for n in range(3):
                await runtime.service.record(vote(Identity("slack", "T1", f"U{n}"),
                                                  "visie-rijk", "eens", channel="C0RIJK0001"))
        finally:
            await runtime.close()
        digest = cli_on(config, "digest")

        assert "Tot nu toe" in (await digest("--dry-run")).output
        posted = await digest()
        assert posted.exit_code == 0, posted.output
        later = (await digest("--dry-run")).output
        assert "Sinds de vorige samenvatting" in later and "Tot nu toe" not in later
