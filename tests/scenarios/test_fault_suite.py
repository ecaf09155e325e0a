"""Fault suite: 20 % of Web API and Bot API calls answered 429, 500, 502, 503 or 504 while
`positie post` opens a statement in 50 Slack channels and 50 Telegram groups and `positie
digest` posts to 10 + 10 of them. Reruns until exit 0; then every statement x channel and every
digest part is there exactly once (the faults are answered before the call takes effect:
nothing that was refused may show), and no run crashed."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.store.db import Database
from bot.store.models import Channel, DigestPart, DigestRun, Post
from emulators.slack import RateLimitPolicy, SlackEmulator
from emulators.telegram import TelegramEmulator
from tests.crash_world import (
    ROOT,
    CrashLog,
    slack_ids,
    telegram_ids,
    until_settled,
    write_config,
)
from tests.scenarios.test_crash_suite import slack_keys
from tests.scenarios.test_run_command import free_port, wait_healthy

SEED = int(os.environ.get("POSITIE_FAULT_SEED", "20"))
RATE = 0.2
FAULTS = {429, 500, 502, 503, 504}
DIGEST_IN = 10  # of each platform's 50 channels, the digest goes to these


@pytest.fixture
async def emulators() -> AsyncIterator[tuple[SlackEmulator, TelegramEmulator]]:
    async with SlackEmulator(rate_limit_policy=RateLimitPolicy(scale=10)) as slack, \
            TelegramEmulator() as telegram:
        yield slack, telegram


def settled(log: CrashLog) -> None:
    assert log.runs[-1].code == 0, log.runs[-1].err[-3000:]
    for run in log.runs:
        assert "Traceback" not in run.err, run.err[-3000:]


async def test_post_and_digest_under_20_percent_faults(tmp_path: Path, emulators: tuple[
        SlackEmulator, TelegramEmulator]) -> None:
    slack, telegram = emulators
    channels, chats = slack_ids(50), telegram_ids(50)
    config = write_config(tmp_path, slack, telegram, slack_channels=channels,
                          telegram_chats=chats, digest_in=DIGEST_IN)
    db_url = f"sqlite+aiosqlite:///{tmp_path / 'positie.db'}"
    slack.fail_randomly(RATE, seed=SEED)
    telegram.fail_randomly(RATE, seed=SEED)
    post = await until_settled(config, ["post", "visie-rijk"], slack=slack, telegram=telegram,
                               db_url=db_url, kill_points=[], max_reruns=6)
    settled(post)
    digest = await until_settled(config, ["digest", "--period", "faults"], slack=slack,
                                 telegram=telegram, db_url=db_url, kill_points=[],
                                 max_reruns=6)
    settled(digest)
    faults = Counter(c.status for c in [*slack.calls, *telegram.calls] if c.status in FAULTS)
    print(f"\nfault suite (seed {SEED}): faults answered {dict(sorted(faults.items()))}; "
          f"post runs {[(r.code, r.seconds) for r in post.runs]}, digest runs "
          f"{[(r.code, r.seconds) for r in digest.runs]}")
    for run in (*post.runs, *digest.runs):
        print("  " + run.out.strip().replace("\n", "\n  "))
    assert sum(faults.values()) > 0

    db = Database(url=db_url)
    try:
        async with db.sessions() as session:
            posts = (await session.execute(select(Post.status, Post.delivery_key))).all()
            parts = (await session.execute(
                select(DigestPart.status, DigestPart.kind, DigestPart.delivery_key,
                       DigestPart.payload,
                       Channel.platform, Channel.external_id)
                .join(DigestRun, DigestRun.id == DigestPart.run_id)
                .join(Channel, Channel.id == DigestRun.channel_id))).all()
    finally:
        await db.dispose()
    assert len(posts) == 100 and {p.status for p in posts} == {"posted"}
    assert {p.status for p in parts} == {"sent"}
    assert len({p.external_id for p in parts}) == 2 * DIGEST_IN
    seen = {channel: slack_keys(slack, channel) for channel in channels}
    post_keys = {p.delivery_key for p in posts}
    for channel in channels:  # the statement once, each digest part once
        assert sum(n for k, n in seen[channel].items() if k in post_keys) == 1
    for p in parts:
        if p.platform == "slack":
            key = p.delivery_key if p.kind == "text" else "file:" + str(p.payload["filename"])
            assert seen[p.external_id][key] == 1
    telegram_parts = Counter(p.external_id for p in parts if p.platform == "telegram")
    for chat in chats:  # the statement once, each digest part once: refused calls never show
        messages = telegram.messages(chat)
        assert len(messages) == 1 + telegram_parts[str(chat)], [m.text for m in messages]
        assert messages[0].reply_markup and "visie-rijk" in str(messages[0].reply_markup)


async def test_run_start_up_survives_502_from_get_me_and_auth_test(tmp_path: Path) -> None:
    """`positie run` meets a 502 at each platform's first call (more than each client's own
    retries): it waits them out and becomes ready (/readyz: both platforms connected)."""
    async with SlackEmulator() as slack, TelegramEmulator() as telegram:
        config = write_config(tmp_path, slack, telegram, slack_channels=slack_ids(2),
                              telegram_chats=telegram_ids(2))
        monitoring = free_port()
        text = config.read_text(encoding="utf-8").replace(
            "live_tally = false\nchannels", f"live_tally = false\nport = {free_port()}\n"
            "channels", 1)
        config.write_text(text + f"\n[monitoring]\nenabled = true\nhost = \"127.0.0.1\"\n"
                          f"port = {monitoring}\n", encoding="utf-8")
        slack.fail_next("auth.test", error="bad_gateway", status=502, times=5)
        telegram.fail_next("getMe", 502, "Bad Gateway", times=6)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "run", "-c", str(config), cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        try:
            await wait_healthy(f"http://127.0.0.1:{monitoring}/readyz", process)
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), timeout=30)
        log = err.decode()
        assert process.returncode == 0, log[-3000:]
        assert "Traceback" not in log, log[-3000:]
        assert [c.status for c in slack.calls_to("auth.test")].count(502) == 5
        assert [c.status for c in telegram.calls_to("getMe")].count(502) == 6
        assert "Telegram is not answering" in log  # the start-up back-off took over


async def test_sigterm_stops_a_start_up_that_waits_for_telegram(tmp_path: Path) -> None:
    async with SlackEmulator() as slack, TelegramEmulator() as telegram:
        config = write_config(tmp_path, slack, telegram, slack_channels=slack_ids(1),
                              telegram_chats=telegram_ids(1))
        telegram.fail_next("getMe", 502, "Bad Gateway", times=10_000)
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "run", "-c", str(config), cwd=ROOT,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        assert process.stderr is not None
        seen = b""
        while b"Telegram is not answering" not in seen:  # the back-off has begun
            line = await asyncio.wait_for(process.stderr.readline(), timeout=60)
            assert line, seen.decode()[-3000:]
            seen += line
        process.send_signal(signal.SIGTERM)
        _, rest = await asyncio.wait_for(process.communicate(), timeout=10)
        log = (seen + rest).decode()
        assert process.returncode == 0, log[-3000:]
        assert "stopping during start-up" in log and "Traceback" not in log
