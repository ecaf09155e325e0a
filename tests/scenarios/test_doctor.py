"""`positie doctor` against the emulators: a wrong token, a channel the bot is not in, a
group it was never added to, and a good setup — one line per check, exit 1 on any failure."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

from emulators.slack import SlackEmulator
from emulators.telegram import DEFAULT_TOKEN, TelegramEmulator

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[campaign]
id = "dokter"
name = "Dokter"
statements_file = "{statements}"
layers = [{{key = "rijk", label_nl = "Rijk", label_en = "National"}}]

[database]
url = "sqlite+aiosqlite:///positie.db"

[slack]
enabled = true
api_base_url = "{slack}"
channels = [{{id = "C0CIRCULAIR"}}, {{id = "C0RIJK0001"}}]

[telegram]
enabled = true
base_url = "{telegram}"
chats = [{{id = -1001}}, {{id = -1002}}]

[schedule]
digest = "fri 15:00"
"""


async def doctor(tmp_path: Path, slack: SlackEmulator, telegram: TelegramEmulator, *,
                 slack_token: str = "xoxb-positie-emulator",
                 telegram_token: str = DEFAULT_TOKEN) -> tuple[int, str]:
    config = tmp_path / "positie.toml"
    config.write_text(CONFIG.format(statements=ROOT / "statements.example.toml",
                                    slack=slack.base_url, telegram=telegram.base_url),
                      encoding="utf-8")
    env = {**os.environ, "POSITIE_SLACK_BOT_TOKEN": slack_token,
           "POSITIE_SLACK_SIGNING_SECRET": "s", "POSITIE_TELEGRAM_BOT_TOKEN": telegram_token}
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "positie", "doctor", "-c", str(config), cwd=tmp_path, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode()


async def upgrade(tmp_path: Path) -> None:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "positie", "db", "upgrade", "-c", str(tmp_path / "positie.toml"),
        cwd=tmp_path, env={**os.environ, "POSITIE_SLACK_BOT_TOKEN": "x",
                           "POSITIE_SLACK_SIGNING_SECRET": "s",
                           "POSITIE_TELEGRAM_BOT_TOKEN": "1:x"},
        stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.DEVNULL)
    assert await process.wait() == 0


async def test_a_good_setup_is_ready(tmp_path: Path) -> None:
    async with SlackEmulator() as slack, TelegramEmulator() as telegram:
        slack.add_channel("C0CIRCULAIR", "circulair")
        slack.add_channel("C0RIJK0001", "rijk")
        telegram.add_chat(-1001, title="Circulair")
        telegram.add_chat(-1002, title="Rijk")
        code, output = await doctor(tmp_path, slack, telegram)
        assert "FAIL database: " in output and "does not exist yet" in output  # not created
        assert not (tmp_path / "positie.db").exists()
        await upgrade(tmp_path)
        code, output = await doctor(tmp_path, slack, telegram)
    assert code == 0, output
    assert "FAIL" not in output and "Traceback" not in output
    for line in ("ok   config:", "ok   statements:", "8 statements in 4 themes, all postable",
                 "ok   database:", "migrations up to date", "ok   slack token: workspace",
                 "ok   slack channel C0CIRCULAIR: #circulair: the bot is a member",
                 "ok   telegram token: bot @", "ok   telegram chat -1002: Rijk: the bot is a "
                 "member", "ok   schedule digest: next: Fri", "ready to run"):
        assert line in output, output


async def test_problems_each_with_their_fix(tmp_path: Path) -> None:
    async with SlackEmulator() as slack, TelegramEmulator() as telegram:
        slack.add_channel("C0CIRCULAIR", "circulair")
        slack.add_channel("C0RIJK0001", "rijk", bot_member=False)
        telegram.add_chat(-1001, title="Circulair")
        telegram.add_chat(-1002, title="Rijk", bot_is_member=False)
        code, output = await doctor(tmp_path, slack, telegram)
        assert code == 1
        assert "FAIL slack channel C0RIJK0001: #rijk: the bot is not a member" in output
        assert "fix: invite it: /invite @" in output
        assert "ok   slack channel C0CIRCULAIR" in output
        assert "FAIL telegram chat -1002: the bot is not in this group" in output
        assert "fix: add @" in output
        code, output = await doctor(tmp_path, slack, telegram, slack_token="xoxb-wrong",
                                    telegram_token="123:wrong")
    assert code == 1 and "Traceback" not in output
    assert "FAIL slack token: Slack refused it (invalid_auth)" in output
    assert "FAIL telegram token: Telegram does not know this token" in output
    assert "fix: copy the token again from @BotFather" in output
