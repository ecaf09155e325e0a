"""Two `positie run` processes on one PostgreSQL database with Telegram long polling: only one
polls (Telegram would end the other's getUpdates with 409), and when it is killed the other
takes polling over; no button press is lost or counted twice."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from pathlib import Path

import asyncpg
import pytest

from emulators.telegram import DEFAULT_TOKEN, EmulatedUser, RateLimitPolicy, TelegramEmulator
from tests import databases
from tests.scenarios.test_monitoring import get, metric, wait_for_status
from tests.scenarios.test_run_command import ROOT, free_port

CHAT = -1001000000001


def config_text(*, database_url: str, telegram_url: str, monitoring_port: int) -> str:
    config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('statements_file = "statements.example.toml"',
         f'statements_file = "{ROOT / "statements.example.toml"}"'),
        ('url = "sqlite+aiosqlite:///positie.db"', f'url = "{database_url}"'),
        ("# in Socket Mode bot_token and app_token.\nenabled = true\n",
         "# in Socket Mode bot_token and app_token.\nenabled = false\n"),
        ("POSITIE_TELEGRAM_BOT_TOKEN).\nenabled = false\n",
         "POSITIE_TELEGRAM_BOT_TOKEN).\nenabled = true\n"),
        ('base_url = "https://api.telegram.org/bot"', f'base_url = "{telegram_url}"'),
        ("poll_timeout_seconds = 10", "poll_timeout_seconds = 1"),
        ("port = 9464", f"port = {monitoring_port}"),
        ('host = "0.0.0.0"\nport', 'host = "127.0.0.1"\nport'),
    ):
        assert old in config, old
        config = config.replace(old, new)
    return config + (f"\n[[telegram.chats]]\nid = {CHAT}\nanswer_mode = \"buttons\"\n"
                     "default_layer = \"gemeente\"\n")


async def counts(url: str) -> tuple[int, int]:
    connection = await asyncpg.connect(url.replace("+asyncpg", ""))
    try:
        return (int(await connection.fetchval("SELECT count(*) FROM positions")),
                int(await connection.fetchval("SELECT count(*) FROM position_events")))
    finally:
        await connection.close()


async def wait_for_positions(url: str, expected: int, seconds: float = 30) -> None:
    for _ in range(int(seconds / 0.1)):
        if (await counts(url))[0] >= expected:
            return
        await asyncio.sleep(0.1)
    raise AssertionError(f"never {expected} positions; have {await counts(url)}")


async def polling(monitoring: str) -> float:
    return metric((await get(monitoring + "/metrics"))[1], "positie_telegram_polling")


async def test_one_process_polls_and_a_killed_poller_hands_over(
        tmp_path: Path, postgres_url: str | None) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL not reachable (set POSITIE_TEST_POSTGRES_DSN)")
    url = await databases.create_postgres_database()
    processes: list[asyncio.subprocess.Process] = []
    try:
        async with TelegramEmulator(rate_limits=RateLimitPolicy.off(),
                                    poll_state_updates=False) as tg:
            tg.add_chat(CHAT, type="supergroup", title="Groep gemeenten")
            env = {**{k: v for k, v in os.environ.items() if not k.startswith("POSITIE_")},
                   "POSITIE_TELEGRAM_BOT_TOKEN": DEFAULT_TOKEN}
            monitors = []
            for name in ("a", "b"):
                port = free_port()
                monitors.append(f"http://127.0.0.1:{port}")
                (tmp_path / f"{name}.toml").write_text(config_text(
                    database_url=url, telegram_url=tg.base_url, monitoring_port=port),
                    encoding="utf-8")
            post = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "positie", "post", "visie-rijk", "-c",
                str(tmp_path / "a.toml"), cwd=tmp_path, env=env, stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE)
            out, err = await post.communicate()
            assert b"posted to 1 channel(s)" in out, err.decode()
            [statement] = tg.messages(CHAT)

            for name, monitor in zip(("a", "b"), monitors, strict=True):
                process = await asyncio.create_subprocess_exec(
                    sys.executable, "-m", "positie", "run", "-c", str(tmp_path / f"{name}.toml"),
                    cwd=tmp_path, env=env, stderr=asyncio.subprocess.DEVNULL)
                processes.append(process)
                await wait_for_status(monitor + "/readyz", 200, process)  # both ready
            states = [await polling(m) for m in monitors]
            assert sorted(states) == [0.0, 1.0], states  # exactly one polls
            leader = states.index(1.0)
            follower = 1 - leader

            def press(n: int) -> None:
                tg.user_presses_button(EmulatedUser(id=1000 + n, first_name=f"Ambtenaar {n}"),
                                       CHAT, statement.message_id, "v:visie-rijk:eens")

            for n in range(5):
                press(n)
            await wait_for_positions(url, 5)

            processes[leader].send_signal(signal.SIGKILL)  # no goodbye, no unlock
            await processes[leader].wait()
            for n in range(5, 10):  # pressed while nobody polls: they wait at Telegram
                press(n)
            for _ in range(300):
                if await polling(monitors[follower]) == 1.0:
                    break
                await asyncio.sleep(0.1)
            assert await polling(monitors[follower]) == 1.0  # took polling over
            await wait_for_positions(url, 10)
            await asyncio.sleep(1.5)  # a press counted twice would show by now
            assert await counts(url) == (10, 10)  # none lost, none doubled
            conflicts = [c for c in tg.calls_to("getUpdates") if c.status == 409]
            assert conflicts == []  # never two pollers at once
            processes[follower].send_signal(signal.SIGTERM)
            assert await asyncio.wait_for(processes[follower].wait(), 30) == 0
    finally:
        for process in processes:
            if process.returncode is None:
                process.kill()
                await process.wait()
        await databases.drop_postgres_database(url)
