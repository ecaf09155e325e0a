"""Crash suite: `positie post` fan-out to 50 + 50 channels and `positie digest` to 20 + 20,
as real subprocesses killed with SIGKILL at seeded random points (POSITIE_CRASH_SEED,
POSITIE_CRASH_KILLS kills per command, 2 by default). After the first kill one rerun meets
every send refused: it must exit 1 and say how many rows it took over. Then reruns until
exit 0. Afterwards every statement × channel and every digest part has arrived, no outbox
row is left unsettled, Slack shows nothing twice (each attempt is looked up by its metadata
before it is sent again) and Telegram shows at most one repeat per call that was in flight
at a kill (the figures are printed with -s)."""

from __future__ import annotations

import os
import random
import re
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.slack.gateway import METADATA_EVENT
from bot.store.db import Database
from bot.store.models import Channel, DigestPart, DigestRun, Post
from emulators.slack import RateLimitPolicy, SlackEmulator
from emulators.telegram import TelegramEmulator
from tests.crash_world import CrashLog, slack_ids, telegram_ids, until_settled, write_config

SEED = int(os.environ.get("POSITIE_CRASH_SEED", "9"))
KILLS = int(os.environ.get("POSITIE_CRASH_KILLS", "2"))  # kills per command
STATEMENT = "visie-rijk"


@pytest.fixture
async def emulators() -> AsyncIterator[tuple[SlackEmulator, TelegramEmulator]]:
    # Slack's limits run 10x faster here: the kills, not Tier 3 waits for the lookups
    # (conversations.history, ~50 a minute), should decide this suite's run time.
    async with SlackEmulator(rate_limit_policy=RateLimitPolicy(scale=10)) as slack, \
            TelegramEmulator() as telegram:
        yield slack, telegram


def report(name: str, log: CrashLog, duplicates: dict[str, int]) -> None:
    runs = [(r.code, r.killed, r.seconds) for r in log.runs]
    print(f"\n{name} (seed {SEED}): {log.kills} kill(s), calls in flight at the kills "
          f"{log.in_flight_at_kills} (slack {log.in_flight('slack')}, telegram "
          f"{log.in_flight('telegram')}), duplicates {duplicates}, runs (exit, killed, "
          f"seconds) {runs}")
    for run in log.runs:
        if not run.killed:
            print("  " + run.out.strip().replace("\n", "\n  "))


def honest_reruns(log: CrashLog, resume: str) -> None:
    """The rerun that could send nothing exits 1 and says how many it took over; the last
    rerun exits 0 with nothing left."""
    assert log.blocked is not None and log.blocked.code == 1, log.blocked
    took = re.search(r"took over (\d+) left in flight", log.blocked.out)
    assert (int(took.group(1)) if took else 0) == log.left_sending, log.blocked.out
    assert resume in log.blocked.err  # how to resume
    assert log.runs[-1].code == 0, log.runs[-1].err
    assert "Traceback" not in "".join(r.err for r in log.runs if not r.killed)


def slack_keys(slack: SlackEmulator, channel: str) -> Counter[str]:
    """Delivery keys of what is in the channel: message metadata and chart file names."""
    keys: Counter[str] = Counter()
    for message in slack.messages(channel):
        if message.metadata and message.metadata["event_type"] == METADATA_EVENT:
            keys[message.metadata["event_payload"]["key"]] += 1
        for file in message.files:
            keys["file:" + file["name"]] += 1
    return keys


def _kind(message: object) -> str:
    if getattr(message, "photo_file_id", None):
        return "chart"
    return "file" if getattr(message, "document_file_id", None) else "text"


async def test_post_fan_out_survives_kills(tmp_path: Path, emulators: tuple[
        SlackEmulator, TelegramEmulator]) -> None:
    slack, telegram = emulators
    channels, chats = slack_ids(50), telegram_ids(50)
    config = write_config(tmp_path, slack, telegram, slack_channels=channels,
                          telegram_chats=chats)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'positie.db'}"
    rng = random.Random(SEED)
    log = await until_settled(config, ["post", STATEMENT], slack=slack, telegram=telegram,
                              db_url=db_url, blocked_rerun=True,
                              kill_points=[rng.randint(1, 60) for _ in range(KILLS)])
    honest_reruns(log, "rerun the same command")

    db = Database(url=db_url)
    try:
        async with db.sessions() as session:
            posts = (await session.execute(select(Post.status, Post.delivery_key))).all()
    finally:
        await db.dispose()
    assert len(posts) == 100 and {status for status, _ in posts} == {"posted"}
    keys = {key for _, key in posts}
    slack_seen = Counter[str]()
    for channel in channels:
        slack_seen.update({k: n for k, n in slack_keys(slack, channel).items() if k in keys})
    telegram_seen = {chat: sum(1 for m in telegram.messages(chat) if m.reply_markup)
                     for chat in chats}
    duplicates = {"slack": sum(n - 1 for n in slack_seen.values()),
                  "telegram": sum(n - 1 for n in telegram_seen.values())}
    report("post to 50 + 50 channels", log, duplicates)
    assert len(slack_seen) == 50 and min(slack_seen.values()) == 1  # every channel has it
    assert min(telegram_seen.values()) == 1
    assert duplicates["slack"] == 0  # found by its metadata instead of sent again
    assert duplicates["telegram"] <= log.in_flight("telegram")


async def test_digest_survives_kills(tmp_path: Path, emulators: tuple[
        SlackEmulator, TelegramEmulator]) -> None:
    slack, telegram = emulators
    channels, chats = slack_ids(20), telegram_ids(20)
    config = write_config(tmp_path, slack, telegram, slack_channels=channels,
                          telegram_chats=chats)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'positie.db'}"
    rng = random.Random(SEED + 1)
    args = ["digest", "--period", "crash-test"]
    log = await until_settled(config, args, slack=slack, telegram=telegram, db_url=db_url,
                              blocked_rerun=True,
                              kill_points=[rng.randint(1, 60) for _ in range(KILLS)])
    honest_reruns(log, "positie digest --period crash-test")

    db = Database(url=db_url)
    try:
        async with db.sessions() as session:
            parts = (await session.execute(
                select(DigestPart.status, DigestPart.kind, DigestPart.delivery_key,
                       DigestPart.payload,
                       DigestRun.status.label("run_status"), Channel.platform,
                       Channel.external_id)
                .join(DigestRun, DigestRun.id == DigestPart.run_id)
                .join(Channel, Channel.id == DigestRun.channel_id))).all()
    finally:
        await db.dispose()
    assert {p.status for p in parts} == {"sent"} and {p.run_status for p in parts} == {"posted"}
    assert len({p.external_id for p in parts}) == 40
    # Slack: each part's delivery key is in its channel exactly once (message metadata, or
    # the chart's file name).
    slack_parts = [p for p in parts if p.platform == "slack"]
    slack_seen = {channel: slack_keys(slack, channel) for channel in channels}
    missing = duplicated = 0
    for p in slack_parts:
        key = p.delivery_key if p.kind == "text" else "file:" + str(p.payload["filename"])
        seen = slack_seen[p.external_id][key]
        missing += seen == 0
        duplicated += max(seen - 1, 0)
    # Telegram: no key to look for; each chat holds its parts in order, repeats counted.
    telegram_parts = Counter(p.external_id for p in parts if p.platform == "telegram")
    shown = {chat: [_kind(m) for m in telegram.messages(chat)] for chat in chats}
    duplicates = {"slack": duplicated,
                  "telegram": sum(len(shown[c]) - telegram_parts[str(c)] for c in chats)}
    report("digest to 20 + 20 channels", log, duplicates)
    assert missing == 0 and duplicates["slack"] == 0
    for chat in chats:  # every part arrived, in order: the text, the chart, the table last
        assert len(shown[chat]) >= telegram_parts[str(chat)]
        assert list(dict.fromkeys(shown[chat])) == ["text", "chart", "file"], shown[chat]
    assert 0 <= duplicates["telegram"] <= log.in_flight("telegram")
