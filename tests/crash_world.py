"""The crash suite's world: both emulators in the test process, the real `positie` CLI in a
subprocess against them, killed with SIGKILL when the emulators have answered a seeded
random number of sending calls (the kill lands after the call took effect and before the
process read the answer: the worst moment), then rerun until it exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import func, select

from bot.store.db import Database
from bot.store.models import DigestPart, Post
from emulators.slack import SlackEmulator
from emulators.telegram import DEFAULT_TOKEN, TelegramEmulator

ROOT = Path(__file__).resolve().parent.parent
SENDING_CALLS = {"chat.postMessage", "files.completeUploadExternal", "sendMessage",
                 "sendPhoto", "sendPoll"}
RUN_TIMEOUT_S = 90


def slack_ids(n: int) -> list[str]:
    return [f"C0CRASH{i:03d}" for i in range(n)]


def telegram_ids(n: int) -> list[int]:
    return [-1002000000000 - i for i in range(n)]


def write_config(tmp_path: Path, slack: SlackEmulator, telegram: TelegramEmulator, *,
                 slack_channels: list[str], telegram_chats: list[int]) -> Path:
    for channel in slack_channels:
        slack.add_channel(channel, channel.lower())
    for chat in telegram_chats:
        telegram.add_chat(chat, title=f"groep {chat}")
    config = tmp_path / "positie.toml"
    channels = ", ".join(f'{{ id = "{c}" }}' for c in slack_channels)
    chats = ", ".join(f"{{ id = {c} }}" for c in telegram_chats)
    config.write_text(f"""
[campaign]
id = "crash"
name = "Crashcampagne"
statements_file = "{ROOT / 'statements.example.toml'}"

[[campaign.layers]]
key = "rijk"
label_nl = "Rijk"
label_en = "National government"

[database]
url = "sqlite+aiosqlite:///{tmp_path / 'positie.db'}"

[slack]
enabled = true
bot_token = "{slack.bot_token}"
signing_secret = "crash-signing-secret"
api_base_url = "{slack.base_url}"
live_tally = false
channels = [{channels}]

[telegram]
enabled = true
bot_token = "{DEFAULT_TOKEN}"
base_url = "{telegram.base_url}"
live_tally = false
chats = [{chats}]
""", encoding="utf-8")
    return config


@dataclass
class Run:
    code: int
    killed: bool
    out: str
    err: str
    seconds: float


@dataclass
class CrashLog:
    runs: list[Run] = field(default_factory=list)
    in_flight_at_kills: list[int] = field(default_factory=list)

    @property
    def kills(self) -> int:
        return sum(r.killed for r in self.runs)


async def run_cli(config: Path, args: list[str], *, slack: SlackEmulator,
                  telegram: TelegramEmulator, kill_after: int | None) -> Run:
    """One `positie ARGS` process; SIGKILLed when the emulators have taken `kill_after`
    sending calls from it (None: left to finish)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "positie", *args, "-c", str(config), cwd=ROOT,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
        env={**os.environ, "PTB_TIMEDELTA": "true"})
    taken = 0
    killed = False
    started = time.monotonic()

    def count(call: object) -> None:
        nonlocal taken, killed
        if getattr(call, "method", None) in SENDING_CALLS and getattr(call, "status", 0) == 200:
            taken += 1
            if kill_after is not None and taken == kill_after and not killed:
                killed = True
                os.kill(process.pid, signal.SIGKILL)

    slack.on_call = telegram.on_call = count
    try:
        out, err = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT_S)
    finally:
        slack.on_call = telegram.on_call = None
    return Run(code=process.returncode or 0, killed=killed, out=out.decode(),
               err=err.decode(), seconds=round(time.monotonic() - started, 1))


async def rows_in_flight(db_url: str) -> int:
    """Outbox rows a killed process left in "sending": the calls that were in flight."""
    db = Database(url=db_url)
    try:
        async with db.sessions() as session:
            posts = await session.scalar(select(func.count()).select_from(Post)
                                         .where(Post.status == "sending"))
            parts = await session.scalar(select(func.count()).select_from(DigestPart)
                                         .where(DigestPart.status == "sending"))
        return int(posts or 0) + int(parts or 0)
    finally:
        await db.dispose()


async def until_settled(config: Path, args: list[str], *, slack: SlackEmulator,
                        telegram: TelegramEmulator, db_url: str, kill_points: list[int],
                        max_reruns: int = 4) -> CrashLog:
    """Run with a kill at each of `kill_points`, then rerun (no kill) until exit 0."""
    log = CrashLog()
    for point in kill_points:
        run = await run_cli(config, args, slack=slack, telegram=telegram, kill_after=point)
        log.runs.append(run)
        if not run.killed:  # it finished before the kill point
            break
        log.in_flight_at_kills.append(await rows_in_flight(db_url))
    for _ in range(max_reruns):
        if log.runs and not log.runs[-1].killed and log.runs[-1].code == 0:
            break
        run = await run_cli(config, args, slack=slack, telegram=telegram, kill_after=None)
        log.runs.append(run)
    return log
