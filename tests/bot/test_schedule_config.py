"""The [schedule] section: what a person may write, and what they are told when it is wrong."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.settings.errors import ConfigError
from bot.settings.schedule import format_duration, parse_duration, parse_moment, parse_quiet_hours
from positie.cli import app
from positie.settings import load

BASE = """
[campaign]
id = "x"
name = "X"
[[campaign.layers]]
key = "rijk"
label_nl = "Rijk"
label_en = "National government"
"""


def write(tmp_path: Path, schedule: str, extra: str = "") -> Path:
    path = tmp_path / "positie.toml"
    campaign = BASE.replace('name = "X"\n', f'name = "X"\n{extra}')
    path.write_text(campaign + "\n[schedule]\n" + schedule, encoding="utf-8")
    return path


@pytest.mark.parametrize(("text", "days", "at"), [
    ("tue 10:00", (1,), time(10)),
    ("di 10:00", (1,), time(10)),
    ("Dinsdag 10:00", (1,), time(10)),
    ("tuesday,friday 10:00", (1, 4), time(10)),
    ("Mon,Thu 09:30", (0, 3), time(9, 30)),
    ("mon-fri 16:00", (0, 1, 2, 3, 4), time(16)),
    ("werkdagen 8.15", (0, 1, 2, 3, 4), time(8, 15)),
    ("daily 00:00", tuple(range(7)), time(0)),
    ("fri-mon 12:00", (0, 4, 5, 6), time(12)),
])
def test_moments(text: str, days: tuple[int, ...], at: time) -> None:
    moment = parse_moment(text)
    assert (moment.days, moment.at) == (days, at)


@pytest.mark.parametrize("text", ["tues 10:00", "tue", "tue 25:00", "tue 10", "10:00 tue"])
def test_bad_moments_say_how_to_write_one(text: str) -> None:
    with pytest.raises(ValueError, match=r'e\.g\. "tue 10:00"|HH:MM'):
        parse_moment(text)


def test_durations_are_shown_as_written() -> None:
    assert [format_duration(parse_duration(t)) for t in ("7d", "6h", "1d12h", "90m", "2w")] == [
        "7d", "6h", "1d12h", "1h30m", "14d"]


def test_durations() -> None:
    assert parse_duration("7d") == timedelta(days=7)
    assert parse_duration("1d 12h") == timedelta(days=1, hours=12)
    assert parse_duration("2w") == timedelta(weeks=2)
    assert parse_duration("90m") == timedelta(minutes=90)
    for bad in ("", "7", "7 days", "0h"):
        with pytest.raises(ValueError, match='"7d"'):
            parse_duration(bad)


def test_quiet_hours_may_run_past_midnight() -> None:
    night = parse_quiet_hours("18:00-09:00")
    assert night is not None
    assert night.contains(time(23)) and night.contains(time(8, 59))
    assert not night.contains(time(9)) and not night.contains(time(17, 59))
    lunch = parse_quiet_hours("12:00-13:00")
    assert lunch is not None and lunch.contains(time(12, 30)) and not lunch.contains(time(13))
    assert parse_quiet_hours("") is None


def test_a_valid_schedule_loads(tmp_path: Path) -> None:
    schedule = load(write(tmp_path, 'open = "di 10:00"\nremind = ["do 10:00"]\n'
                                             'digest = "vr 15:00"\nmisfire_grace = "2h"\n'),
                             env={}).schedule
    assert schedule is not None and schedule.enabled
    assert schedule.open[0].days == (1,) and schedule.misfire_grace == timedelta(hours=2)
    assert schedule.open_for == timedelta(days=7) and schedule.order == "catalogue"
    friday_noon = datetime(2026, 11, 27, 12, 0)
    assert schedule.allows_reminder_at(friday_noon)
    assert not schedule.allows_reminder_at(friday_noon.replace(hour=19))
    assert not schedule.allows_reminder_at(datetime(2026, 11, 28, 12, 0))  # Saturday


def test_errors_name_file_key_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, 'open = "tues 10:00"\nopen_for = "a week"\nremind = "do 20:00"\n'
                           'quiet_hours = "18:00"\nwekends = true\n')
    with pytest.raises(ConfigError) as caught:
        load(path, env={})
    message = str(caught.value)
    assert str(path) in message
    assert "schedule.open: 'tues 10:00': unknown day 'tues'" in message
    assert 'schedule.open_for: \'a week\' is not a duration; write a number' in message
    assert "schedule.quiet_hours: '18:00' is not a time window" in message
    assert "schedule.wekends: unknown key" in message and "did you mean 'weekends'" in message


def test_semantic_errors(tmp_path: Path) -> None:
    statements = tmp_path / "stellingen.toml"
    statements.write_text('[[themes]]\nkey = "t"\ntitle = "T"\n[[themes.statements]]\n'
                          'key = "een"\ntext = "Een."\n', encoding="utf-8")
    path = write(tmp_path, 'order = ["een", "twee"]\nremind = ["do 20:00", "za 10:00"]\n',
                 extra='statements_file = "stellingen.toml"\ntimezone = "Europe/Amsterdm"\n')
    with pytest.raises(ConfigError) as caught:
        load(path, env={})
    message = str(caught.value)
    assert "campaign.timezone: unknown timezone 'Europe/Amsterdm'" in message
    assert "schedule.order: unknown statement key(s) ['twee']" in message
    assert "schedule.remind[0]: 'do 20:00' falls in quiet_hours '18:00-09:00'" in message
    assert "schedule.remind[1]: 'za 10:00' is at the weekend (weekends = false)" in message


def test_cli_exits_2_on_a_bad_schedule_and_shows_the_coming_moments(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = runner.invoke(app, ["schedule", "--config", str(write(tmp_path, 'open = "x"\n'))])
    assert bad.exit_code == 2 and "schedule.open" in bad.output
    good = write(tmp_path, 'open = "di 10:00"\ndigest = "vr 15:00"\n')
    shown = runner.invoke(app, ["schedule", "--config", str(good), "--count", "2"])
    assert shown.exit_code == 0, shown.output
    assert shown.output.startswith("open: Tue ") and "digest: Fri " in shown.output
    assert "15:00" in shown.output and "Europe/Amsterdam" in shown.output
    assert "statements stay open 7d; catch-up window 6h" in shown.output


def test_example_config_documents_every_schedule_key() -> None:
    example = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text()
    from bot.settings.schedule import ScheduleSettings

    section = example.split("[schedule]", 1)[1].split("\n[", 1)[0]
    for key in ScheduleSettings.model_fields:
        assert f"\n{key} = " in section, key
    assert "\nadmins = " in example
