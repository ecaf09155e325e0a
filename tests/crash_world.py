"""The crash suite's world: both emulators in the test process, the real `positie` CLI in a
subprocess against them, killed with SIGKILL when the emulators have answered a seeded
random number of sending calls (the kill lands after the call took effect and before the
process read the answer: the worst moment), rerun once with every send refused if asked,
then rerun until it exits 0."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import Channel, DigestPart, DigestRun, Post
from emulators.slack import SlackEmulator
from emulators.telegram import DEFAULT_TOKEN, TelegramEmulator

ROOT = Path(__file__).resolve().parent.parent
SENDING_CALLS = {"chat.postMessage", "files.completeUploadExternal", "sendMessage",
                 "sendPhoto", "sendDocument", "sendPoll"}
RUN_TIMEOUT_S = 90


def slack_ids(n: int) -> list[str]:
    return [f"C0CRASH{i:03d}" for i in range(n)]


def telegram_ids(n: int) -> list[int]:
    return [-1002000000000 - i for i in range(n)]


def write_config(tmp_path: Path, slack: SlackEmulator, telegram: TelegramEmulator, *,
                 slack_channels: list[str], telegram_chats: list[int],
                 digest_in: int | None = None) -> Path:
    """Every channel gets statements; the first `digest_in` of each platform (None: all)
    the digest too."""
    for channel in slack_channels:
        slack.add_channel(channel, channel.lower())
    for chat in telegram_chats:
        telegram.add_chat(chat, title=f"groep {chat}")
    config = tmp_path / "positie.toml"

    def roles(n: int) -> str:
        both = digest_in is None or n < digest_in
        return '["statements", "digest"]' if both else '["statements"]'

    channels = ", ".join(f'{{ id = "{c}", roles = {roles(n)} }}'
                         for n, c in enumerate(slack_channels))
    chats = ", ".join(f"{{ id = {c}, roles = {roles(n)} }}"
                      for n, c in enumerate(telegram_chats))
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
    # Per kill: the calls in flight at it (outbox rows left in "sending" by that process),
    # counted per platform.
    in_flight_at_kills: list[dict[str, int]] = field(default_factory=list)
    left_sending: int = 0  # rows in "sending" after the first kill
    blocked: Run | None = None  # the rerun during which every send was refused

    @property
    def kills(self) -> int:
        return sum(r.killed for r in self.runs)

    def in_flight(self, platform: str | None = None) -> int:
        return sum(n for kill in self.in_flight_at_kills for p, n in kill.items()
                   if platform in (None, p))


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


def block_sends(slack: SlackEmulator, telegram: TelegramEmulator) -> None:
    """Every message and upload refused (lookups still answer): nothing can settle."""
    for method in ("chat.postMessage", "files.getUploadURLExternal"):
        slack.fail_next(method, error="internal_error", times=100_000)
    for method in ("sendMessage", "sendPhoto", "sendDocument", "sendPoll"):
        telegram.fail_next(method, 400, "Bad Request: refused by the crash suite",
                           times=100_000)


async def rows_sending(db_url: str) -> set[tuple[str, int, str, str]]:
    """Outbox rows left in "sending": (table, id, owner, platform)."""
    db = Database(url=db_url)
    try:
        async with db.sessions() as session:
            posts = (await session.execute(
                select(Post.id, Post.owner, Channel.platform)
                .join(Channel, Channel.id == Post.channel_id)
                .where(Post.status == "sending"))).all()
            parts = (await session.execute(
                select(DigestPart.id, DigestPart.owner, Channel.platform)
                .join(DigestRun, DigestRun.id == DigestPart.run_id)
                .join(Channel, Channel.id == DigestRun.channel_id)
                .where(DigestPart.status == "sending"))).all()
        return {("post", i, str(o), p) for i, o, p in posts} | \
            {("part", i, str(o), p) for i, o, p in parts}
    finally:
        await db.dispose()


async def until_settled(config: Path, args: list[str], *, slack: SlackEmulator,
                        telegram: TelegramEmulator, db_url: str, kill_points: list[int],
                        max_reruns: int = 4, blocked_rerun: bool = False) -> CrashLog:
    """Run with a kill at each of `kill_points` (with blocked_rerun: after the first kill,
    once while every send is refused), then rerun (no kill) until exit 0."""
    log = CrashLog()
    counted: set[tuple[str, int, str, str]] = set()
    for point in kill_points:
        run = await run_cli(config, args, slack=slack, telegram=telegram, kill_after=point)
        log.runs.append(run)
        if not run.killed:  # it finished before the kill point
            break
        sending = await rows_sending(db_url)
        new = sending - counted  # a row an earlier kill left and nobody took since: once
        counted |= sending
        log.in_flight_at_kills.append(dict(Counter(platform for *_, platform in new)))
        if blocked_rerun and log.blocked is None:  # right after the first kill
            log.left_sending = len(sending)
            block_sends(slack, telegram)
            try:
                log.blocked = await run_cli(config, args, slack=slack, telegram=telegram,
                                            kill_after=None)
            finally:
                slack.clear_faults()
                telegram.clear_faults()
            log.runs.append(log.blocked)
    for _ in range(max_reruns):
        if log.runs and not log.runs[-1].killed and log.runs[-1].code == 0:
            break
        run = await run_cli(config, args, slack=slack, telegram=telegram, kill_after=None)
        log.runs.append(run)
    return log
