"""`positie run` as a user starts it: migrates, serves Slack, records a click, stops on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
from pathlib import Path

import aiohttp

from emulators.slack import SlackEmulator, SlackUserClient

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def wait_healthy(url: str, process: asyncio.subprocess.Process) -> None:
    async with aiohttp.ClientSession() as session:
        for _ in range(300):
            if process.returncode is not None:
                raise AssertionError("positie run exited early")
            try:
                async with session.get(url) as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("positie run did not become healthy")


async def test_run_serves_records_and_stops_cleanly(tmp_path: Path) -> None:
    port = free_port()
    async with SlackEmulator() as emulator:
        emulator.add_channel("C0CIRCULAIR", "circulair")
        emulator.add_channel("C0RIJK0001", "rijk")
        config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
        config = config.replace('statements_file = "statements.example.toml"',
                                f'statements_file = "{ROOT / "statements.example.toml"}"')
        config = config.replace("port = 3000", f"port = {port}")
        config = config.replace("port = 9464", f"port = {free_port()}")  # monitoring
        config = config.replace('api_base_url = "https://slack.com/api/"',
                                f'api_base_url = "{emulator.base_url}"')
        db = tmp_path / "positie.db"
        config = config.replace('url = "sqlite+aiosqlite:///positie.db"',
                                f'url = "sqlite+aiosqlite:///{db}"')
        (tmp_path / "positie.toml").write_text(config, encoding="utf-8")
        env = {**os.environ, "POSITIE_SLACK_BOT_TOKEN": "xoxb-positie-emulator",
               "POSITIE_SLACK_SIGNING_SECRET": "run-secret"}
        post = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "post", "visie-rijk", cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
        out, err = await post.communicate()
        assert post.returncode == 0, err.decode()
        assert b"posted to 2 channel(s)" in out
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "run", cwd=tmp_path, env=env,
            stderr=asyncio.subprocess.PIPE)
        try:
            await wait_healthy(f"http://127.0.0.1:{port}/healthz", process)
            [message] = emulator.messages("C0CIRCULAIR")
            async with SlackUserClient(bot_url=f"http://127.0.0.1:{port}/slack/events",
                                       signing_secret="run-secret",
                                       emulator=emulator) as users:
                response = await users.click_button("U1", "C0CIRCULAIR", message.ts,
                                                    "positie.vote.eens")
            assert response.status == 200
        finally:
            process.send_signal(signal.SIGTERM)
            _, err = await asyncio.wait_for(process.communicate(), timeout=30)
        assert process.returncode == 0, err.decode()
        assert b"stopping" in err
    rows = sqlite3.connect(db).execute("SELECT option_key FROM positions").fetchall()
    assert rows == [("eens",)]
