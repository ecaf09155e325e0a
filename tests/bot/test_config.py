"""A bad configuration gives one clear message naming file, key and fix, and exit code 2."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from adapters.slack.settings import SlackSettings
from bot.settings.errors import ConfigError
from positie.settings import load

ROOT = Path(__file__).resolve().parents[2]
GOOD = """
[campaign]
id = "c"
name = "C"
layers = [{key = "rijk", label_nl = "Rijk", label_en = "National"}]
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "positie.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_example_config_is_valid() -> None:
    env = {"POSITIE_SLACK_BOT_TOKEN": "xoxb-1", "POSITIE_SLACK_SIGNING_SECRET": "s"}
    settings = load(ROOT / "config.example.toml", env=env)
    assert settings.campaign.layer_keys == ("rijk", "provincie", "gemeente", "waterschap")
    assert SlackSettings.of(settings).bot_token == "xoxb-1"  # secrets come from the environment


@pytest.mark.parametrize(("text", "expected"), [
    (GOOD + "colour = 1\n", "colour: unknown key"),
    (GOOD + "[slack]\nport = \"drie\"\n", "slack.port: Input should be a valid integer"),
    (GOOD + "[campaign.extra]\n", "campaign.extra: unknown key"),
    (GOOD + "[[slack.channels]]\nid = \"C1\"\ndefault_layer = \"ministerie\"\n",
     "slack.channels[0].default_layer: unknown layer 'ministerie'; use one of ['rijk']"),
    (GOOD + "[slack]\nenabled = true\n",
     "slack.bot_token: missing while slack is enabled; set it in the file, in the "
     "environment variable POSITIE_SLACK_BOT_TOKEN, or in a file named by "
     "POSITIE_SLACK_BOT_TOKEN_FILE"),
    (GOOD + "[slack]\nenabled = true\nmode = \"socket\"\nbot_token = \"xoxb-1\"\n",
     "slack.app_token: missing while slack is enabled; set it in the file, in the "
     "environment variable POSITIE_SLACK_APP_TOKEN"),
    (GOOD.replace('name = "C"\n', 'name = "C"\nstatements_file = "nope.toml"\n'),
     "campaign.statements_file:"),
    ("[campaign\n", "not valid TOML"),
])
def test_bad_config_names_key_and_fix(tmp_path: Path, text: str, expected: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError) as error:
        load(path, env={})
    assert str(path) in str(error.value)
    assert expected in str(error.value)


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[campaign]\n", "[campaign]\nprivacy_threshhold = 5\n"))
    with pytest.raises(ConfigError, match="did you mean 'privacy_threshold'"):
        load(path, env={})


def test_duplicate_statement_id_is_refused(tmp_path: Path) -> None:
    statements = tmp_path / "stellingen.toml"
    statements.write_text('[[themes]]\nkey = "a"\ntitle = "A"\n'
                          '[[themes.statements]]\nkey = "s1"\ntext = "een"\n'
                          '[[themes.statements]]\nkey = "s1"\ntext = "twee"\n', encoding="utf-8")
    from bot.settings.catalogue import load_catalogue

    with pytest.raises(ConfigError, match=r"statements\[1\]\.key: duplicate statement id 's1'"):
        load_catalogue(statements)


def test_cli_exits_2_with_the_message_and_no_traceback(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD + "[slack]\nenabled = true\nport = -5\n")
    done = subprocess.run([sys.executable, "-m", "positie", "digest", "--dry-run", "-c",
                           str(path)], capture_output=True, text=True, cwd=tmp_path,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2
    assert "slack.port" in done.stderr and "slack.bot_token" not in done.stdout
    assert "Traceback" not in done.stderr


def test_cli_missing_file(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "positie", "export", "-c",
                           str(tmp_path / "weg.toml")], capture_output=True, text=True,
                          timeout=60, env={"PATH": "/usr/bin:/bin"})
    assert done.returncode == 2 and "file not found" in done.stderr


def test_every_problem_of_every_kind_comes_in_one_message(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("[campaign]\n", "[campaign]\ncolour = 1\n")
                 + '[slack]\nenabled = "false"\nadmins = ["@anne"]\n'
                 + '[[slack.channels]]\nid = "C1"\ndefault_layer = "ministerie"\n'
                 + '[telegram]\nadmins = ["123"]\n')
    with pytest.raises(ConfigError) as error:
        load(path, env={})
    message = str(error.value)
    assert "5 problem(s)" in message
    for expected in ("campaign.colour: unknown key",
                     "slack.enabled: Input should be a valid boolean (got 'false'); write true "
                     "or false without quotes",
                     "slack.admins[0]: not a Slack user id",
                     "telegram.admins[0]: Input should be a valid integer (got '123')",
                     "slack.channels[0].default_layer: unknown layer 'ministerie'"):
        assert expected in message


@pytest.mark.parametrize(("section", "expected"), [
    ('[[slack.channels]]\nid = "C1"\n[[slack.channels]]\nid = "C1"\n',
     "slack: channels: C1 listed more than once; list each channel once"),
    ("[[telegram.chats]]\nid = -100\n[[telegram.chats]]\nid = -100\n",
     "telegram: chats: -100 listed more than once"),
    ("[telegram]\nadmins = [-5]\n", "telegram.admins[0]: Input should be greater than 0"),
    ("[slack]\nlive_tally = 1\n", "slack.live_tally: Input should be a valid boolean"),
])
def test_duplicates_and_wrong_shapes_are_refused(tmp_path: Path, section: str,
                                                 expected: str) -> None:
    with pytest.raises(ConfigError) as error:
        load(write(tmp_path, GOOD + section), env={})
    assert expected in str(error.value)
