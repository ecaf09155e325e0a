"""Several processes starting at the same moment on one new PostgreSQL database (a scaled
service, a rolling deploy): each migrates and imports the campaign's catalogue, one after
the other. Without the start-up lock two of three crashed on uq_themes_campaign_id."""

from __future__ import annotations

import asyncio
import os
import sys
from pathlib import Path

import asyncpg
import pytest

from tests import databases
from tests.scenarios.test_run_command import ROOT

PROCESSES = 3


async def test_processes_starting_together_migrate_once_and_all_start(
        tmp_path: Path, postgres_url: str | None) -> None:
    if postgres_url is None:
        pytest.skip("PostgreSQL not reachable (set POSITIE_TEST_POSTGRES_DSN)")
    url = await databases.create_postgres_database()
    try:
        config = (ROOT / "config.example.toml").read_text(encoding="utf-8")
        for old, new in (
            ('statements_file = "statements.example.toml"',
             f'statements_file = "{ROOT / "statements.example.toml"}"'),
            ('url = "sqlite+aiosqlite:///positie.db"', f'url = "{url}"'),
            ("[slack]\n# Turn the Slack adapter on.", "[slack]\nenabled = false\n# Turn"),
        ):
            assert old in config, old
            config = config.replace(old, new)
        config = config.replace("# in Socket Mode bot_token and app_token.\nenabled = true\n",
                                "# in Socket Mode bot_token and app_token.\n")
        (tmp_path / "positie.toml").write_text(config, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if not k.startswith("POSITIE_")}
        processes = [await asyncio.create_subprocess_exec(
            sys.executable, "-m", "positie", "post", "visie-rijk", "-c",
            str(tmp_path / "positie.toml"), cwd=tmp_path, env=env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
            for _ in range(PROCESSES)]
        outputs = await asyncio.wait_for(
            asyncio.gather(*(p.communicate() for p in processes)), timeout=120)
        for process, (out, err) in zip(processes, outputs, strict=True):
            assert process.returncode == 0, err.decode()
            assert b"visie-rijk: posted to 0 channel(s)" in out
        logs = b"".join(err for _, err in outputs).decode()
        assert logs.count("Running upgrade  -> 0001") == 1  # migrated once, not three times
        connection = await asyncpg.connect(url.replace("+asyncpg", ""))
        try:
            assert await connection.fetchval("SELECT count(*) FROM alembic_version") == 1
            assert await connection.fetchval("SELECT count(*) FROM themes") == 4
            assert await connection.fetchval("SELECT count(*) FROM campaigns") == 1
        finally:
            await connection.close()
    finally:
        await databases.drop_postgres_database(url)
