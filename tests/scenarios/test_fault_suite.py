"""Fault suite: 20 % of Web API and Bot API calls answered 429, 500, 502, 503 or 504 while
`positie post` opens a statement in 50 Slack channels and 50 Telegram groups and `positie
digest` posts to all 100. Reruns until exit 0; then every statement x channel and every
digest part is there exactly once (the faults are answered before the call takes effect:
nothing that was refused may show), and no run crashed."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.slack.gateway import chart_filename
from bot.store.db import Database
from bot.store.models import Channel, DigestPart, DigestRun, Post
from emulators.slack import RateLimitPolicy, SlackEmulator
from emulators.telegram import TelegramEmulator
from tests.crash_world import CrashLog, slack_ids, telegram_ids, until_settled, write_config
from tests.scenarios.test_crash_suite import slack_keys

SEED = int(os.environ.get("POSITIE_FAULT_SEED", "20"))
RATE = 0.2
FAULTS = {429, 500, 502, 503, 504}


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
                          telegram_chats=chats)
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
                       Channel.platform, Channel.external_id)
                .join(DigestRun, DigestRun.id == DigestPart.run_id)
                .join(Channel, Channel.id == DigestRun.channel_id))).all()
    finally:
        await db.dispose()
    assert len(posts) == 100 and {p.status for p in posts} == {"posted"}
    assert {p.status for p in parts} == {"sent"} and len({p.external_id for p in parts}) == 100
    seen = {channel: slack_keys(slack, channel) for channel in channels}
    post_keys = {p.delivery_key for p in posts}
    for channel in channels:  # the statement once, each digest part once
        assert sum(n for k, n in seen[channel].items() if k in post_keys) == 1
    for p in parts:
        if p.platform == "slack":
            key = p.delivery_key if p.kind == "text" else "file:" + chart_filename(p.delivery_key)
            assert seen[p.external_id][key] == 1
    telegram_parts = Counter(p.external_id for p in parts if p.platform == "telegram")
    for chat in chats:
        messages = telegram.messages(chat)
        statements = [m for m in messages if m.reply_markup and "visie" in str(m.reply_markup)]
        assert len(messages) == 1 + telegram_parts[str(chat)], [m.text for m in messages]
        assert len(statements) >= 1
