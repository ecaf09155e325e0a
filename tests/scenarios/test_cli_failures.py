"""Every failure a person can cause from the command line: one message naming the key or
path and the fix, the documented exit code, no traceback, nothing half-written."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from pathlib import Path

import pytest

from emulators.slack import SlackEmulator
from tests.databases import POSTGRES_ADMIN

ROOT = Path(__file__).resolve().parents[2]
CONFIG = """
[campaign]
id = "cli"
name = "CLI"
statements_file = "{statements}"
layers = [{{key = "rijk", label_nl = "Rijk", label_en = "National"}}]

[database]
url = "{url}"

[slack]
enabled = {slack}
api_base_url = "{api}"
port = {port}
channels = [{{id = "C0CIRCULAIR"}}, {{id = "C0RIJK0001"}}]
"""


def config_file(directory: Path, *, url: str = "sqlite+aiosqlite:///positie.db",
                slack: bool = False, api: str = "http://127.0.0.1:9/api/",
                port: int = 0) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "positie.toml"
    path.write_text(CONFIG.format(statements=ROOT / "statements.example.toml", url=url,
                                  slack=str(slack).lower(), api=api, port=port),
                    encoding="utf-8")
    return path


async def positie(*args: str, cwd: Path, token: str = "xoxb-positie-emulator"
                  ) -> tuple[int, str]:
    env = {**os.environ, "POSITIE_SLACK_BOT_TOKEN": token,
           "POSITIE_SLACK_SIGNING_SECRET": "s"}
    env.pop("POSITIE_DATABASE_URL", None)
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "positie", *args, cwd=cwd, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT)
    out, _ = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, out.decode()


def assert_clear(output: str, *expected: str) -> None:
    assert "Traceback" not in output, output
    for text in expected:
        assert text in output, output


def pg(database: str, port: int = 5432) -> str:
    base = POSTGRES_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://")
    return base.replace(":5432", f":{port}") + f"/{database}"


DATABASE_CASES = [
    ("sqlit+aiosqlite:///positie.db", "not supported; use sqlite+aiosqlite or "
                                      "postgresql+asyncpg"),
    ("sqlite:///positie.db", "names a driver that is not async"),
    ("a database, please", "is not a database URL"),
    ("sqlite+aiosqlite:///{tmp}/a-file/positie.db", "SQLite cannot open or write"),
]


@pytest.mark.parametrize(("url", "expected"), DATABASE_CASES)
async def test_database_url_problems_name_the_key_and_fix(tmp_path: Path, url: str,
                                                          expected: str) -> None:
    (tmp_path / "a-file").write_text("not a directory", encoding="utf-8")
    config = config_file(tmp_path, url=url.format(tmp=tmp_path))
    code, output = await positie("db", "upgrade", "-c", str(config), cwd=tmp_path)
    assert code == 2
    assert_clear(output, "database.url", expected)


async def test_postgresql_unreachable_or_missing_database(tmp_path: Path,
                                                         postgres_url: str | None) -> None:
    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]
    code, output = await positie("export", "-c", str(config_file(
        tmp_path, url=pg("test", closed))), cwd=tmp_path)
    assert code == 2
    assert_clear(output, "database.url", f"cannot reach the server at 127.0.0.1:{closed}",
                 "start it, or fix host and port")
    if postgres_url is None:  # the fixture fails instead under CI
        pytest.skip("PostgreSQL not reachable (set POSITIE_TEST_POSTGRES_DSN)")
    code, output = await positie("export", "-c", str(config_file(
        tmp_path, url=pg("positie_no_such_db"))), cwd=tmp_path)
    assert code == 2
    assert_clear(output, "database.url", "the database 'positie_no_such_db' does not exist",
                 "createdb positie_no_such_db")


async def test_relative_sqlite_path_counts_from_the_config_file(tmp_path: Path) -> None:
    config = config_file(tmp_path / "etc")
    elsewhere = tmp_path / "cwd"
    elsewhere.mkdir()
    code, output = await positie("db", "upgrade", "-c", str(config), cwd=elsewhere)
    assert code == 0, output
    assert (tmp_path / "etc" / "positie.db").is_file()
    assert list(elsewhere.iterdir()) == []


@pytest.mark.parametrize("command", [["export", "-o"], ["digest", "--dry-run", "--out"]])
async def test_unwritable_output_names_the_path_and_leaves_nothing(tmp_path: Path,
                                                                   command: list[str]) -> None:
    blocker = tmp_path / "report"
    blocker.write_text("a file where a directory should be", encoding="utf-8")
    target = blocker / "out.csv" if command[0] == "export" else blocker / "digest"
    code, output = await positie(*command, str(target), "-c", str(config_file(tmp_path)),
                                 cwd=tmp_path)
    assert code == 2
    # `-o` is short for `--out` (the documented name) in both commands.
    assert_clear(output, f"--out {target}", "cannot write there")
    assert blocker.read_text(encoding="utf-8") == "a file where a directory should be"
    assert [name for name in os.listdir(tmp_path) if name.startswith(".")] == []


async def test_run_on_a_port_in_use_names_slack_port(tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            config = config_file(tmp_path, slack=True, api=emulator.base_url, port=port)
            text = config.read_text(encoding="utf-8").replace("[slack]",
                                                              '[slack]\nhost = "127.0.0.1"')
            config.write_text(text, encoding="utf-8")
            code, output = await positie("run", "-c", str(config), cwd=tmp_path)
    assert code == 2
    assert_clear(output, f"slack.port: port {port} on 127.0.0.1 is already in use",
                 "choose another slack.port")


async def test_a_wrong_slack_token_stops_post_before_anything_is_sent(tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        emulator.add_channel("C0CIRCULAIR", "circulair")
        emulator.add_channel("C0RIJK0001", "rijk")
        config = config_file(tmp_path, slack=True, api=emulator.base_url)
        code, output = await positie("post", "visie-rijk", "-c", str(config), cwd=tmp_path,
                                     token="xoxb-revoked")
        assert code == 2
        assert_clear(output, "slack.bot_token: Slack refused the token (invalid_auth)",
                     "POSITIE_SLACK_BOT_TOKEN")
        assert emulator.messages("C0CIRCULAIR") == []


async def test_post_exits_1_and_says_how_to_retry_when_a_channel_missed_it(
        tmp_path: Path) -> None:
    async with SlackEmulator() as emulator:
        emulator.add_channel("C0CIRCULAIR", "circulair")  # C0RIJK0001 does not exist
        config = config_file(tmp_path, slack=True, api=emulator.base_url)
        code, output = await positie("post", "visie-rijk", "-c", str(config), cwd=tmp_path)
        assert code == 1, output
        assert_clear(output, "visie-rijk: posted to 1 channel(s)",
                     "rerun the same command")
        assert len(emulator.messages("C0CIRCULAIR")) == 1


async def test_importing_another_statements_file_is_refused_not_reverted_later(
        tmp_path: Path) -> None:
    other = tmp_path / "andere.toml"
    other.write_text('[[themes]]\nkey = "t"\ntitle = "T"\n'
                     '[[themes.statements]]\nkey = "een"\ntext = "Een stelling"\n',
                     encoding="utf-8")
    config = config_file(tmp_path)
    code, output = await positie("statements", "import", str(other), "-c", str(config),
                                 cwd=tmp_path)
    assert code == 2
    assert_clear(output, "campaign.statements_file is", "would be undone",
                 "point campaign.statements_file at")
    code, output = await positie("statements", "import", "-c", str(config), cwd=tmp_path)
    assert code == 0, output
    assert output.startswith("8 added"), output  # the refusal wrote nothing
    code, output = await positie("statements", "import", "-c", str(config), cwd=tmp_path)
    assert "0 added, 0 updated (0 earlier texts kept), 8 unchanged, 0 retired" in output
