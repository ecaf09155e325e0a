"""`positie run`'s monitoring listener as an operator meets it: /healthz, /readyz, /metrics,
JSON logs. The bot runs as a real process; Slack is the emulator; the database is real."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest
from prometheus_client.parser import text_string_to_metric_families

from emulators.slack import SlackEmulator, SlackUserClient
from tests import databases
from tests.scenarios.test_run_command import ROOT, free_port

BOT_TOKEN = "xoxb-positie-emulator"
SIGNING_SECRET = "monitoring-signing-secret"
PEOPLE = ("UPERSONA01", "UPERSONB02", "UPERSONC03")


def config_text(*, slack_port: int, monitoring_port: int, api_base_url: str,
                database_url: str) -> str:
    config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
    for old, new in (
        ('statements_file = "statements.example.toml"',
         f'statements_file = "{ROOT / "statements.example.toml"}"'),
        ("port = 3000", f"port = {slack_port}"),
        ("port = 9464", f"port = {monitoring_port}"),
        ('host = "0.0.0.0"', 'host = "127.0.0.1"'),
        ('api_base_url = "https://slack.com/api/"', f'api_base_url = "{api_base_url}"'),
        ('url = "sqlite+aiosqlite:///positie.db"', f'url = "{database_url}"'),
        ('format = "text"', 'format = "json"'),
    ):
        assert old in config, old
        config = config.replace(old, new)
    return config


async def get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def wait_for_status(url: str, status: int, process: asyncio.subprocess.Process,
                          *, seconds: float = 30) -> str:
    body = ""
    for _ in range(int(seconds / 0.05)):
        if process.returncode is not None:
            raise AssertionError("positie run exited early")
        try:
            got, body = await get(url)
            if got == status:
                return body
        except aiohttp.ClientError:
            pass
        await asyncio.sleep(0.05)
    raise AssertionError(f"{url} never answered {status}; last body: {body}")


def metric(page: str, name: str, **labels: str) -> float:
    """The value of one sample on a /metrics page (0 when it was never counted)."""
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return float(sample.value)
    return 0.0


@asynccontextmanager
async def positie_run(tmp_path: Path, emulator: SlackEmulator, database_url: str,
                      ) -> AsyncIterator[dict[str, Any]]:
    slack_port, monitoring_port = free_port(), free_port()
    (tmp_path / "positie.toml").write_text(config_text(
        slack_port=slack_port, monitoring_port=monitoring_port, api_base_url=emulator.base_url,
        database_url=database_url), encoding="utf-8")
    env = {**os.environ, "POSITIE_SLACK_BOT_TOKEN": BOT_TOKEN,
           "POSITIE_SLACK_SIGNING_SECRET": SIGNING_SECRET}
    run: dict[str, Any] = {"env": env, "slack": f"http://127.0.0.1:{slack_port}/slack/events",
                           "monitoring": f"http://127.0.0.1:{monitoring_port}"}
    try:
        yield run  # the caller may run other commands first; then start() starts the bot
    finally:
        process = run.get("process")
        if process is not None and process.returncode is not None and process.stderr:
            run["stderr"] = (await process.stderr.read()).decode()  # it stopped by itself
        if process is not None and process.returncode is None:
            process.send_signal(signal.SIGTERM)
            try:
                _, err = await asyncio.wait_for(process.communicate(), timeout=30)
            except TimeoutError:
                process.kill()
                raise
            run["stderr"] = err.decode()


async def start(run: dict[str, Any], tmp_path: Path) -> asyncio.subprocess.Process:
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "positie", "run", cwd=tmp_path, env=run["env"],
        stderr=asyncio.subprocess.PIPE)
    run["process"] = process
    return process


async def test_metrics_count_what_a_scenario_did(tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        emulator.add_channel("C0CIRCULAIR", "circulair")
        emulator.add_channel("C0RIJK0001", "rijk")
        run_info: dict[str, Any] = {}
        async with positie_run(tmp_path, emulator,
                               f"sqlite+aiosqlite:///{tmp_path / 'positie.db'}") as run:
            run_info = run
            # Slack fails (500s, through every retry): both posts are kept for retry by
            # `post`, then delivered by `run` at start-up.
            emulator.fail_next("chat.postMessage", error="internal_error", status=500,
                               times=1000)
            post = await asyncio.create_subprocess_exec(
                sys.executable, "-m", "positie", "post", "visie-rijk", cwd=tmp_path,
                env=run["env"], stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            out, err = await post.communicate()
            assert b"posted to 0 channel(s), 2 kept for retry" in out, (out, err)
            emulator.clear_faults()

            process = await start(run, tmp_path)
            await wait_for_status(run["monitoring"] + "/readyz", 200, process)
            status, body = await get(run["monitoring"] + "/healthz")
            assert (status, json.loads(body)) == (200, {"status": "alive"})

            for _ in range(200):  # the kept posts go out once `run` has started Slack
                if emulator.messages("C0CIRCULAIR") and emulator.messages("C0RIJK0001"):
                    break
                await asyncio.sleep(0.05)
            message = emulator.messages("C0CIRCULAIR")[0]
            emulator.fail_next("chat.update", error="ratelimited", status=429, retry_after=1)
            async with SlackUserClient(bot_url=run["slack"], signing_secret=SIGNING_SECRET,
                                       emulator=emulator) as users:
                for person, option in zip(PEOPLE, ("eens", "oneens", "eens"), strict=True):
                    response = await users.click_button(person, "C0CIRCULAIR", message.ts,
                                                        f"positie.vote.{option}")
                    assert response.status == 200
                assert (await users.redeliver()).status == 200  # Slack's retry: a duplicate
                assert (await users.click_button(PEOPLE[0], "C0CIRCULAIR", message.ts,
                                                 "positie.vote.oneens")).status == 200

            page = ""
            for _ in range(300):  # the live tally's edit meets the 429 after the acks
                _, page = await get(run["monitoring"] + "/metrics")
                if metric(page, "positie_rate_limited_total", platform="slack") >= 1:
                    break
                await asyncio.sleep(0.05)
            assert metric(page, "positie_positions_total", platform="slack",
                          outcome="recorded") == 3
            assert metric(page, "positie_positions_total", platform="slack",
                          outcome="changed") == 1
            assert metric(page, "positie_duplicates_total", platform="slack") == 1
            assert metric(page, "positie_rate_limited_total", platform="slack") == 1
            assert metric(page, "positie_posts_total", platform="slack", kind="statement",
                          outcome="sent") == 2
            assert metric(page, "positie_posts_total", platform="slack", kind="statement",
                          outcome="kept_for_retry") == 0  # that one was the `post` process's
            # The schedule in config.example.toml starts: one baseline, nothing ran yet.
            assert "positie_scheduler_runs_total" not in page or \
                metric(page, "positie_scheduler_runs_total", outcome="failed") == 0
            for person in PEOPLE:
                assert person not in page
    log = run_info["stderr"]
    lines = [json.loads(line) for line in log.splitlines() if line.strip()]
    assert lines and all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any("monitoring listening" in line["message"] for line in lines)
    for secret_or_person in (BOT_TOKEN, SIGNING_SECRET, *PEOPLE):
        assert secret_or_person not in log


async def test_digest_durations_are_measured(tmp_path: Path) -> None:
    """/metrics has the digest's and the aggregation's time once a digest was built."""
    from positie.settings import load as load_settings
    from positie.wiring import build_runtime

    async with SlackEmulator() as emulator, positie_run(
            tmp_path, emulator, f"sqlite+aiosqlite:///{tmp_path / 'positie.db'}") as run:
        settings = load_settings(tmp_path / "positie.toml", env=run["env"])
        runtime = await build_runtime(settings, with_adapters=False)
        try:
            await runtime.service.digest_draft()
            page = runtime.metrics.exposition().decode()
        finally:
            await runtime.close()
    for step in ("aggregation", "digest"):
        assert metric(page, "positie_step_duration_seconds_count", step=step) == 1
        assert metric(page, "positie_step_duration_seconds_sum", step=step) > 0


async def test_readyz_follows_the_database(tmp_path: Path, postgres_url: str | None) -> None:
    """PostgreSQL refusing connections to positie's database (as when it is stopped): /readyz
    says unready and why, /healthz stays alive; connections allowed again: ready again."""
    if postgres_url is None:
        pytest.skip("PostgreSQL not reachable (set POSITIE_TEST_POSTGRES_DSN)")
    url = await databases.create_postgres_database()
    name = url.rsplit("/", 1)[1]
    admin = await asyncpg.connect(databases.POSTGRES_ADMIN)
    try:
        async with SlackEmulator() as emulator:
            emulator.add_channel("C0CIRCULAIR", "circulair")
            emulator.add_channel("C0RIJK0001", "rijk")
            async with positie_run(tmp_path, emulator, url) as run:
                process = await start(run, tmp_path)
                body = await wait_for_status(run["monitoring"] + "/readyz", 200, process)
                assert json.loads(body) == {"status": "ready", "checks": {
                    "start_up": "ok", "database": "ok", "migrations": "ok", "slack": "ok"}}

                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
                await admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = $1", name)
                body = await wait_for_status(run["monitoring"] + "/readyz", 503, process)
                checks = json.loads(body)["checks"]
                assert checks["database"].startswith("unreachable (")
                assert checks["slack"] == "ok"
                assert name not in body and "postgres@" not in body  # no URL in the answer
                await asyncio.sleep(0.5)  # still alive a moment later
                assert process.returncode is None, "positie run stopped while the database was away"
                assert (await get(run["monitoring"] + "/healthz"))[0] == 200

                await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
                await wait_for_status(run["monitoring"] + "/readyz", 200, process)
            assert run["process"].returncode == 0, run.get("stderr")
    finally:
        await admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        await admin.close()
        await databases.drop_postgres_database(url)
