"""SIGTERM with Telegram updates in flight (`positie run`, long polling and webhook): the
process is gone within a few seconds, every update it confirmed (the next getUpdates
offset, a webhook's 2xx) is stored, and the next start takes exactly the rest."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from emulators.telegram import DEFAULT_TOKEN, EmulatedUser, RateLimitPolicy, TelegramEmulator
from tests.crash.test_click_storm import CHAT, S
from tests.scenarios.test_monitoring import wait_for_status
from tests.scenarios.test_run_command import ROOT, free_port

PRESSES = 60
# The updates in flight take well under a second; what the process waits for longest is the
# live tally edit it still owes (at most tally_interval_seconds, 5 s in the example config).
DRAIN_BOUND_S = 5.0 + 3.0


def config_text(*, db: Path, telegram_url: str, monitoring_port: int, webhook: int) -> str:
    config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('statements_file = "statements.example.toml"',
         f'statements_file = "{ROOT / "statements.example.toml"}"'),
        ('url = "sqlite+aiosqlite:///positie.db"', f'url = "sqlite+aiosqlite:///{db}"'),
        ("# in Socket Mode bot_token and app_token.\nenabled = true\n",
         "# in Socket Mode bot_token and app_token.\nenabled = false\n"),
        ("POSITIE_TELEGRAM_BOT_TOKEN).\nenabled = false\n",
         "POSITIE_TELEGRAM_BOT_TOKEN).\nenabled = true\n"),
        ('base_url = "https://api.telegram.org/bot"', f'base_url = "{telegram_url}"'),
        ("poll_timeout_seconds = 10", "poll_timeout_seconds = 1"),
        ("port = 9464", f"port = {monitoring_port}"),
    ):
        assert old in config, old
        config = config.replace(old, new)
    if webhook:
        config = config.replace('delivery = "polling"', 'delivery = "webhook"').replace(
            'webhook_url = ""', f'webhook_url = "http://127.0.0.1:{webhook}/telegram/hook"'
        ).replace('webhook_host = "0.0.0.0"', 'webhook_host = "127.0.0.1"').replace(
            "webhook_port = 8443", f"webhook_port = {webhook}")
    return config + (f"\n[[telegram.chats]]\nid = {CHAT}\nanswer_mode = \"buttons\"\n"
                     "default_layer = \"gemeente\"\n")


def stored(db: Path) -> set[str]:
    with sqlite3.connect(db) as connection:
        return {row[0] for row in connection.execute("SELECT delivery_id FROM position_events")}


@pytest.mark.parametrize("delivery", ["polling", "webhook"])
async def test_sigterm_drains_updates_in_flight(tmp_path: Path, delivery: str) -> None:
    db, monitoring = tmp_path / "positie.db", free_port()
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("POSITIE_")},
           "POSITIE_TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN,
           "POSITIE_TELEGRAM_WEBHOOK_SECRET": "drain-secret"}
    bot_id = int(DEFAULT_TOKEN.split(":")[0])
    confirmed: set[int] = set()
    async with TelegramEmulator(rate_limits=RateLimitPolicy.off(),
                                poll_state_updates=False) as tg:
        tg.add_chat(CHAT, type="supergroup", title="Groep gemeenten")
        config = tmp_path / "positie.toml"
        config.write_text(config_text(db=db, telegram_url=tg.base_url, monitoring_port=monitoring,
                                      webhook=free_port() if delivery == "webhook" else 0),
                          encoding="utf-8")
        post = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "post", S, "-c", str(config), cwd=tmp_path,
            env=env, stdout=asyncio.subprocess.DEVNULL, stderr=asyncio.subprocess.PIPE)
        _, err = await post.communicate()
        assert post.returncode == 0, err.decode()
        [message] = tg.messages(CHAT)
        queue = tg.state.updates
        confirm, remove = queue.confirm, queue.remove

        def by_offset(offset: int) -> None:
            confirmed.update(u["update_id"] for u in queue.pending if u["update_id"] < offset)
            confirm(offset)

        def by_webhook(update_id: int) -> None:
            confirmed.add(update_id)
            remove(update_id)

        queue.confirm, queue.remove = by_offset, by_webhook  # type: ignore[method-assign]

        async def start() -> asyncio.subprocess.Process:
            process = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "positie", "run", "-c", str(config), cwd=tmp_path,
                env=env, stderr=asyncio.subprocess.PIPE)
            await wait_for_status(f"http://127.0.0.1:{monitoring}/readyz", 200, process,
                                  seconds=60)
            return process

        process = await start()
        pushed = [int(tg.user_presses_button(
            EmulatedUser(id=5000 + n, first_name=f"A{n}"), CHAT, message.message_id,
            f"v:{S}:eens")["update_id"]) for n in range(PRESSES)]
        await asyncio.sleep(0.05)  # some taken, some in flight, some still waiting
        asked = time.monotonic()
        process.send_signal(signal.SIGTERM)
        _, err = await asyncio.wait_for(process.communicate(), 30)
        took = time.monotonic() - asked
        at_stop = set(confirmed)
        events = stored(db)
        print(f"\nSIGTERM ({delivery}): exited in {took:.2f} s with {len(at_stop)} of "
              f"{PRESSES} updates confirmed, {len(events)} stored")
        assert process.returncode == 0, err.decode()[-2000:]
        assert b"Traceback" not in err, err.decode()[-2000:]
        assert took < DRAIN_BOUND_S
        assert {u for u in at_stop if f"telegram:{bot_id}:{u}" not in events} == set()

        process = await start()  # the rest comes again
        try:
            for _ in range(400):
                if len(stored(db)) == PRESSES:
                    break
                await asyncio.sleep(0.05)
        finally:
            process.send_signal(signal.SIGTERM)
            await asyncio.wait_for(process.communicate(), 30)
        assert stored(db) == {f"telegram:{bot_id}:{u}" for u in pushed}
