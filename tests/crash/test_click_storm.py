"""A click storm on both platforms while `positie run` is SIGKILLed at seeded moments:
afterwards every Slack click that was acked (HTTP 200) and every Telegram update whose offset
was confirmed (getUpdates) is stored exactly once, and updates left unconfirmed at a kill are
delivered again and stored once.

Each round starts `positie run` (Slack over HTTP, Telegram long polling, one SQLite file),
sends clicks and presses from new people for a seeded time and kills the process in the
middle of them. POSITIE_CRASH_ROUNDS sets the number of kills (3 by default)."""

from __future__ import annotations

import asyncio
import os
import random
import signal
import sqlite3
import sys
from pathlib import Path

import aiohttp

from emulators.slack import SlackEmulator, SlackUserClient
from emulators.telegram import DEFAULT_TOKEN, EmulatedUser, RateLimitPolicy, TelegramEmulator
from tests.scenarios.test_monitoring import wait_for_status
from tests.scenarios.test_run_command import ROOT, free_port

ROUNDS = int(os.environ.get("POSITIE_CRASH_ROUNDS", "3"))
SEED = 20261202
CHAT = -1001000000001
CHANNEL = "C0CIRCULAIR"
SECRET = "storm-secret"
S = "visie-rijk"


def config_text(*, db: Path, slack_url: str, slack_port: int, telegram_url: str,
                monitoring_port: int) -> str:
    config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('statements_file = "statements.example.toml"',
         f'statements_file = "{ROOT / "statements.example.toml"}"'),
        ('url = "sqlite+aiosqlite:///positie.db"', f'url = "sqlite+aiosqlite:///{db}"'),
        ("POSITIE_TELEGRAM_BOT_TOKEN).\nenabled = false\n",
         "POSITIE_TELEGRAM_BOT_TOKEN).\nenabled = true\n"),
        ('base_url = "https://api.telegram.org/bot"', f'base_url = "{telegram_url}"'),
        ('api_base_url = "https://slack.com/api/"', f'api_base_url = "{slack_url}"'),
        ("poll_timeout_seconds = 10", "poll_timeout_seconds = 1"),
        ("port = 3000", f"port = {slack_port}"),
        ("port = 9464", f"port = {monitoring_port}"),
    ):
        assert old in config, old
        config = config.replace(old, new)
    return config + (f"\n[[telegram.chats]]\nid = {CHAT}\nanswer_mode = \"buttons\"\n"
                     "default_layer = \"gemeente\"\n")


def stored(db: Path) -> dict[str, int]:
    """Position events per delivery id."""
    with sqlite3.connect(db) as connection:
        return dict(connection.execute(
            "SELECT delivery_id, count(*) FROM position_events GROUP BY delivery_id").fetchall())


def slack_clicks(db: Path) -> dict[str, int]:
    """Position events per Slack user."""
    with sqlite3.connect(db) as connection:
        return dict(connection.execute(
            "SELECT p.user_id, count(*) FROM position_events e JOIN participants p "
            "ON p.id = e.participant_id WHERE p.platform = 'slack' GROUP BY p.user_id"
        ).fetchall())


async def test_click_storm_with_kills(tmp_path: Path) -> None:
    rng = random.Random(SEED)
    slack_port, monitoring_port = free_port(), free_port()
    db = tmp_path / "positie.db"
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("POSITIE_")},
           "POSITIE_TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
           "POSITIE_SLACK_BOT_TOKEN": "xoxb-positie-emulator",
           "POSITIE_SLACK_SIGNING_SECRET": SECRET}
    acked: list[str] = []  # Slack users whose click was answered 200
    pushed: list[int] = []  # Telegram update ids
    confirmed: set[int] = set()
    in_flight_at_kills: list[int] = []
    async with SlackEmulator() as slack, TelegramEmulator(
            rate_limits=RateLimitPolicy.off(), poll_state_updates=False) as tg:
        slack.add_channel(CHANNEL, "circulair")
        slack.add_channel("C0RIJK0001", "rijk")
        tg.add_chat(CHAT, type="supergroup", title="Groep gemeenten")
        config = tmp_path / "positie.toml"
        config.write_text(config_text(db=db, slack_url=slack.base_url, slack_port=slack_port,
                                      telegram_url=tg.base_url,
                                      monitoring_port=monitoring_port), encoding="utf-8")
        post = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "post", S, "-c", str(config), cwd=tmp_path,
            env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        _, err = await post.communicate()
        assert post.returncode == 0, err.decode()
        [slack_post] = slack.messages(CHANNEL)
        [tg_post] = tg.messages(CHAT)
        queue = tg.state.updates
        confirm = queue.confirm

        def observed(offset: int) -> None:  # what getUpdates' offset confirms to Telegram
            confirmed.update(u for u in pushed if u < offset)
            confirm(offset)

        queue.confirm = observed  # type: ignore[method-assign]

        async def storm(users: SlackUserClient, round_: int, stop: asyncio.Event) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                update = tg.user_presses_button(
                    EmulatedUser(id=100_000 * (round_ + 1) + n, first_name=f"A{n}"), CHAT,
                    tg_post.message_id, f"v:{S}:{rng.choice(['eens', 'oneens'])}")
                pushed.append(int(update["update_id"]))
                user = f"U{round_}X{n:05d}"
                try:
                    response = await users.click_button(user, CHANNEL, slack_post.ts,
                                                        "positie.vote.eens")
                    if response.status == 200:
                        acked.append(user)
                except aiohttp.ClientError:  # killed while this click was in flight
                    pass

        for round_ in range(ROUNDS + 1):
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "positie", "run", "-c", str(config), cwd=tmp_path,
                env=env, stderr=asyncio.subprocess.DEVNULL)
            try:
                await wait_for_status(f"http://127.0.0.1:{monitoring_port}/readyz", 200,
                                      process, seconds=60)
                if round_ == ROUNDS:  # the last start: no kill, it takes what is left
                    break
                stop = asyncio.Event()
                async with SlackUserClient(bot_url=f"http://127.0.0.1:{slack_port}/slack/events",
                                           signing_secret=SECRET, emulator=slack) as users:
                    workers = [asyncio.create_task(storm(users, round_ * 10 + w, stop))
                               for w in range(4)]
                    await asyncio.sleep(rng.uniform(0.5, 2.0))  # the seeded moment
                    process.send_signal(signal.SIGKILL)
                    await process.wait()
                    in_flight_at_kills.append(len(queue.pending))
                    stop.set()
                    await asyncio.gather(*workers)
            finally:
                if process.returncode is None and round_ < ROUNDS:
                    process.kill()
                    await process.wait()
        try:  # the last process: every update left unconfirmed comes again
            for _ in range(600):
                if not queue.pending:
                    break
                await asyncio.sleep(0.05)
        finally:
            process.send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(process.wait(), 30) == 0
    events = stored(db)
    clicks = slack_clicks(db)
    bot_id = int(DEFAULT_TOKEN.split(":")[0])
    print(f"\nclick storm: {ROUNDS} kills; Slack {len(acked)} clicks acked, Telegram "
          f"{len(pushed)} presses, {len(confirmed)} confirmed before the end; unconfirmed at "
          f"the kills {in_flight_at_kills}; {sum(events.values())} position events")
    assert acked and confirmed
    assert [u for u in acked if clicks.get(u) != 1] == []  # every acked click, once
    assert [u for u in confirmed if events.get(f"telegram:{bot_id}:{u}") != 1] == []
    assert [u for u in pushed if events.get(f"telegram:{bot_id}:{u}") != 1] == []  # redelivered
    assert max(events.values()) == 1
