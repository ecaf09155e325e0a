"""`positie roster import` in a subprocess: a spreadsheet as Dutch Excel saves it, every bad
line named with its fix (exit 2, nothing written), e-mail rows looked up on the Slack
emulator once, and a rerun that reports "unchanged"."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from emulators.slack import SlackEmulator
from tests.scenarios.test_cli_failures import assert_clear, positie

CONFIG = """
[campaign]
id = "roster"
name = "Roster"
layers = [{{key = "rijk", label_nl = "Rijk", label_en = "National"}},
          {{key = "gemeente", label_nl = "Gemeente", label_en = "Municipal"}}]

[database]
url = "sqlite+aiosqlite:///{db}"

[slack]
enabled = {slack}
api_base_url = "{api}"
channels = [{{id = "C0RIJK0001"}}]
"""


def setup(tmp_path: Path, roster: str, *, slack: bool = False,
          api: str = "http://127.0.0.1:9/api/") -> tuple[Path, Path, Path]:
    db = tmp_path / "positie.db"
    config = tmp_path / "positie.toml"
    config.write_text(CONFIG.format(db=db, slack=str(slack).lower(), api=api),
                      encoding="utf-8")
    path = tmp_path / "roster.csv"
    path.write_bytes(("\ufeff" + roster).replace("\n", "\r\n").encode("utf-8"))
    return config, path, db


def participants(db: Path) -> list[tuple[str, str, str, str]]:
    if not db.exists():
        return []
    with sqlite3.connect(db) as connection:
        return sorted(connection.execute(
            "SELECT workspace, user_id, layer, layer_source FROM participants"))


async def test_dutch_excel_file_imports_and_a_rerun_is_unchanged(tmp_path: Path) -> None:
    config, roster, db = setup(tmp_path, "platform;workspace;user_id;layer;naam\n"
                                         'slack;T0TEAM;U1;rijk;"Jansen; J."\n'
                                         'telegram;;42;Gemeente;"de Vries"\n')
    code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                 cwd=tmp_path)
    assert code == 0, output
    assert "2 person(s) in the roster: 2 layer(s) set (2 new, 0 changed)" in output
    assert participants(db) == [("", "42", "gemeente", "roster"),
                                ("T0TEAM", "U1", "rijk", "roster")]
    code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                 cwd=tmp_path)
    assert code == 0, output
    assert "2 person(s) in the roster: unchanged (2 already so, 0 kept" in output


async def test_lines_that_can_never_match_exit_2_and_nothing_is_written(
        tmp_path: Path) -> None:
    config, roster, db = setup(tmp_path, "platform;workspace;user_id;layer\n"
                                         "slack;T0TEAM;U1;rijk\n"
                                         "slack;;U2;rijk\n"
                                         "telegram;;@jan;rijk\n")
    code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                 cwd=tmp_path)
    assert code == 2
    assert_clear(output, f"positie: {roster}: 2 problem(s) in the roster, nothing imported",
                 "line 3: workspace is empty", "give the workspace (team) id",
                 "line 4: '@jan' is a @handle", "give the telegram user id, e.g. 123456789")
    assert participants(db) == []


async def test_email_rows_need_slack_enabled(tmp_path: Path) -> None:
    config, roster, db = setup(tmp_path, "platform,workspace,user_id,layer,email\n"
                                         "slack,,,rijk,anne@minbzk.nl\n")
    code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                 cwd=tmp_path)
    assert code == 2
    assert_clear(output, "1 row(s) give slack people by e-mail address",
                 "set enabled = true in [slack] with its bot_token, or give user ids")
    assert participants(db) == []


async def test_email_rows_are_looked_up_once_on_slack(tmp_path: Path) -> None:
    async with SlackEmulator(rate_limits=False) as slack:
        slack.add_user("U0ANNE", "anne", email="anne@minbzk.nl")
        config, roster, db = setup(tmp_path, "platform,workspace,user_id,layer,email\n"
                                             "slack,,,rijk,Anne@MinBZK.nl\n"
                                             "slack,,,gemeente,nobody@minbzk.nl\n",
                                   slack=True, api=slack.base_url)
        code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                     cwd=tmp_path)
        assert code == 2
        assert_clear(output, "line 3: slack has no active user with the address "
                             "nobody@minbzk.nl; check it, or give the user id instead")
        assert participants(db) == []
        assert len(slack.calls_to("users.lookupByEmail")) == 2
        slack.clear_calls()
        roster.write_text("platform,workspace,user_id,layer,email\n"
                          "slack,,,rijk,anne@minbzk.nl\nslack,T0TEAM,U7,gemeente,\n",
                          encoding="utf-8")
        code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                     cwd=tmp_path)
        assert code == 0, output
        assert_clear(output, "1 e-mail address(es): 1 known from an earlier run, 0 looked "
                             "up now", "2 layer(s) set (2 new, 0 changed)")
        assert slack.calls_to("users.lookupByEmail") == []
        assert participants(db) == [("T0POSITIE", "U0ANNE", "rijk", "roster"),
                                    ("T0TEAM", "U7", "gemeente", "roster")]
        with sqlite3.connect(db) as connection:
            stored = connection.execute("SELECT * FROM roster_email_lookups").fetchall()
        assert len(stored) == 1 and "minbzk" not in repr(stored)


async def test_a_missing_file_or_a_wrong_header_names_the_fix(tmp_path: Path) -> None:
    config, roster, db = setup(tmp_path, "platform;werkruimte;gebruiker;laag\n")
    code, output = await positie("roster", "import", str(tmp_path / "nope.csv"), "-c",
                                 str(config), cwd=tmp_path)
    assert code == 2
    assert_clear(output, f"{tmp_path / 'nope.csv'}: cannot read the roster")
    code, output = await positie("roster", "import", str(roster), "-c", str(config),
                                 cwd=tmp_path)
    assert code == 2
    assert_clear(output, f"{roster}: line 1: column(s) user_id, layer missing; the header must "
                         "name the columns platform,workspace,user_id,layer (and optionally "
                         "email), separated by , or ;")
    assert participants(db) == []
