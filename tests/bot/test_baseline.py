"""The workshop baseline: read as a facilitator's sheet is written, every line checked first,
stored as counts only (replaced atomically), and its shift against the release under the
same privacy rules as every output."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.domain import ScaleOption
from bot.insight.baseline_file import BaselineFile, BaselineProblems, read_baseline
from bot.insight.baseline_import import import_baseline, statement_keys
from bot.insight.baseline_shift import Hidden
from bot.service import CampaignService
from bot.settings.config import DEFAULT_SCALE
from bot.settings.errors import ConfigError
from bot.store.baseline_models import Baseline, BaselineCell
from tests.factories import T0, person, vote

LAYERS = ("rijk", "provincie", "gemeente", "waterschap")
SCALE: tuple[ScaleOption, ...] = DEFAULT_SCALE
KEYS = {"visie-rijk", "visie-gebied", "regels-afval"}
EXAMPLE = Path(__file__).parents[2] / "positie" / "examples" / "workshop.example.csv"


def sheet(tmp_path: Path, content: str | bytes, name: str = "workshop.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", newline="")
    else:
        path.write_bytes(content)
    return path


def read(path: Path, given: date | None = date(2026, 7, 10)) -> BaselineFile:
    return read_baseline(path, statements=KEYS, layers=LAYERS, scale=SCALE,
                         workshop_date=given)


def problems(path: Path, given: date | None = date(2026, 7, 10)) -> list[str]:
    with pytest.raises(BaselineProblems) as caught:
        read(path, given)
    message = str(caught.value)
    assert message.startswith(f"{path}: ") and "nothing imported" in message
    return [line.removeprefix("  - ") for line in message.splitlines()[1:]]


# --- reading ---------------------------------------------------------------------------------
def test_counts_as_dutch_excel_saves_them(tmp_path: Path) -> None:
    path = sheet(tmp_path, "\ufeffStelling;Laag;Positie;Aantal;opmerking\r\n"
                           "visie-rijk;Rijk;eens;4;\"tafel 1; achter\"\r\n"
                           "visie-rijk;rijk;Helemaal oneens;2;\r\n"
                           "VISIE-RIJK;gemeente;weet_niet;0;\r\n;;;;\r\n")
    baseline = read(path)
    assert baseline.counts == {("visie-rijk", "rijk", "eens"): 4,
                               ("visie-rijk", "rijk", "helemaal_oneens"): 2,
                               ("visie-rijk", "gemeente", "weet_niet"): 0}
    assert (baseline.rows, baseline.per_person, baseline.workshop_date) == (
        3, False, date(2026, 7, 10))


def test_one_line_per_person_is_added_up_and_the_date_comes_from_the_file(
        tmp_path: Path) -> None:
    path = sheet(tmp_path, "sep=,\nperson,statement,layer,option,date\n"
                           "Anna,visie-rijk,rijk,eens,10-07-2026\n"
                           "Bram,visie-rijk,rijk,eens,10-07-2026\n"
                           "Anna,regels-afval,rijk,oneens,10-07-2026\n"
                           ",regels-afval,provincie,oneens,2026-07-10\n")
    baseline = read(path, None)
    assert baseline.per_person and baseline.workshop_date == date(2026, 7, 10)
    assert baseline.counts == {("visie-rijk", "rijk", "eens"): 2,
                               ("regels-afval", "rijk", "oneens"): 1,
                               ("regels-afval", "provincie", "oneens"): 1}


def test_every_bad_line_is_named_with_its_column_and_the_fix(tmp_path: Path) -> None:
    path = sheet(tmp_path, "statement;layer;option;count\n"
                           "visie-rjik;rijk;eens;3\n"
                           "visie-rijk;ministerie;eens;3\n"
                           "visie-rijk;rijk;ja;3\n"
                           "visie-rijk;rijk;eens;drie\n"
                           "visie-rijk;rijk;oneens;-1\n"
                           "visie-rijk;rijk;eens;2\n"
                           "visie-rijk;rijk;eens;1\n")
    assert problems(path) == [
        "line 2, column statement: unknown statement key 'visie-rjik' (did you mean "
        "'visie-rijk'?); check it against the statements file",
        "line 3, column layer: unknown layer 'ministerie'; use one of rijk, provincie, "
        "gemeente, waterschap, onbekend",
        "line 4, column option: unknown option 'ja'; use one of helemaal_eens, eens, "
        "neutraal, oneens, helemaal_oneens, weet_niet",
        "line 5, column count: 'drie' is not a number of people; write a whole number, 0 or "
        "more",
        "line 6, column count: '-1' is not a number of people; write a whole number, 0 or more",
        "line 8, column count: visie-rijk × rijk × eens is also on line 7; add the two up "
        "into one line"]


def test_dates_must_be_given_once_and_agree(tmp_path: Path) -> None:
    no_date = sheet(tmp_path, "statement,layer,option,count\nvisie-rijk,rijk,eens,3\n")
    assert problems(no_date, None) == [
        "line 1: the workshop date is missing; give it with --date 2026-07-10 or add a date "
        "column"]
    two = sheet(tmp_path, "statement,layer,option,count,date\nvisie-rijk,rijk,eens,3,"
                          "2026-07-10\nvisie-rijk,rijk,oneens,3,2026-07-11\n", "two.csv")
    assert problems(two, None) == [
        "line 3, column date: 2026-07-11 differs from 2026-07-10 on line 2; one file holds "
        "one workshop"]
    assert problems(two.with_name("two.csv"), date(2026, 7, 10))[0].startswith("line 3")
    other = sheet(tmp_path, "statement,layer,option,count,date\nvisie-rijk,rijk,eens,3,"
                            "2026-07-10\n", "other.csv")
    assert problems(other, date(2026, 7, 9)) == [
        "line 2, column date: 2026-07-10 differs from --date 2026-07-09; leave one out"]


def test_a_person_twice_on_one_statement_and_a_broken_header(tmp_path: Path) -> None:
    twice = sheet(tmp_path, "deelnemer;stelling;laag;positie\nAnna;visie-rijk;rijk;eens\n"
                            "anna;visie-rijk;rijk;oneens\n")
    assert problems(twice) == [
        "line 3, column person: this person answered visie-rijk on line 2 already; keep one "
        "of the two"]
    header = sheet(tmp_path, "statement;option;count\nvisie-rijk;eens;3\n", "header.csv")
    with pytest.raises(ConfigError, match=r"header\.csv: line 1: column\(s\) layer missing"):
        read(header)
    empty = sheet(tmp_path, "statement;layer;option;count\n", "empty.csv")
    assert problems(empty) == ["line 2: no data lines under the header; add one line per "
                               "statement, layer and option"]


def test_the_shipped_example_reads(tmp_path: Path) -> None:
    keys = {"visie-rijk", "visie-gebied", "samen-een-loket", "samen-voorlopers",
            "regels-experiment", "regels-afval", "inkoop-verplicht", "inkoop-kennis"}
    baseline = read_baseline(EXAMPLE, statements=keys, layers=LAYERS, scale=SCALE,
                             workshop_date=None)
    assert baseline.workshop_date == date(2026, 7, 10) and baseline.statements == 8
    # Around 30 people: 31 on the first statement, fewer at the end of the day.
    first = sum(n for (key, _, _), n in baseline.counts.items() if key == "visie-rijk")
    assert first == 31


# --- storing and the shift -------------------------------------------------------------------
async def test_import_stores_counts_only_and_replaces_atomically(
        service: CampaignService, tmp_path: Path) -> None:
    keys = await statement_keys(service.db, "test")
    first = read_baseline(sheet(tmp_path, "statement;layer;option;count\n"
                                          "visie-rijk;rijk;eens;4\nvisie-rijk;rijk;oneens;0\n"),
                          statements=keys, layers=LAYERS, scale=SCALE,
                          workshop_date=date(2026, 7, 10))
    report = await import_baseline(service.db, "test", first, now=T0)
    assert report.summary() == ("workshop of 2026-07-10: 4 position(s) on 1 statement(s) "
                                "from 2 line(s) (counts)")
    second = read_baseline(sheet(tmp_path, "statement;layer;option\nvisie-gebied;gemeente;eens\n",
                                 "people.csv"), statements=keys, layers=LAYERS, scale=SCALE,
                           workshop_date=date(2026, 7, 11))
    again = await import_baseline(service.db, "test", second, now=T0)
    assert again.replaced == date(2026, 7, 10)
    async with service.db.sessions() as session:
        cells = (await session.execute(select(BaselineCell.statement_key, BaselineCell.layer,
                                              BaselineCell.option_key, BaselineCell.count))
                 ).all()
        baselines = await session.scalar(select(func.count()).select_from(Baseline))
    assert [tuple(c) for c in cells] == [("visie-gebied", "gemeente", "eens", 1)]
    assert baselines == 1


async def test_the_shift_hides_a_workshop_layer_under_k(service: CampaignService,
                                                        tmp_path: Path) -> None:
    keys = await statement_keys(service.db, "test")
    baseline = read_baseline(
        sheet(tmp_path, "statement;layer;option;count\n"
                        # Rijk at the workshop: 1 of 5 agreed (20 %).
                        "visie-rijk;rijk;eens;1\nvisie-rijk;rijk;oneens;2\n"
                        "visie-rijk;rijk;neutraal;2\n"
                        # Two from the water authorities: under k = 3, never shown.
                        "visie-rijk;waterschap;eens;1\nvisie-rijk;waterschap;oneens;1\n"
                        # Province: four alike, a small group: a count only.
                        "visie-rijk;provincie;oneens;4\n"),
        statements=keys, layers=LAYERS, scale=SCALE, workshop_date=date(2026, 7, 10))
    await import_baseline(service.db, "test", baseline, now=T0)
    await service.open("visie-rijk")
    for i, option in enumerate(["eens", "eens", "helemaal_eens", "neutraal", "neutraal",
                                     "oneens"]):
        await service.choose_layer(person(f"R{i}"), "rijk")
        await service.record(vote(person(f"R{i}"), "visie-rijk", option))
    shift = await service.baseline_shift()
    assert shift is not None and shift.workshop_date == date(2026, 7, 10)
    (statement,) = [s for s in shift.statements if s.key == "visie-rijk"]
    by_layer = {s.layer: s for s in statement.layers}
    rijk = by_layer["rijk"]
    assert rijk.baseline.agree_share == pytest.approx(0.2)
    assert rijk.current.agree_share == pytest.approx(0.5)
    assert rijk.agree_shift == pytest.approx(0.3)
    water = by_layer["waterschap"].baseline
    assert (water.hidden, water.respondents, water.counts) == (Hidden.BELOW_THRESHOLD, None,
                                                               None)
    assert by_layer["waterschap"].agree_shift is None
    province = by_layer["provincie"].baseline
    assert (province.hidden, province.respondents, province.counts) == (Hidden.SMALL_GROUP, 4,
                                                                        None)
    assert by_layer["provincie"].current.hidden is Hidden.NO_ANSWERS
    # The total is over the layers shown on both sides: Rijk alone here.
    assert statement.total is not None and statement.total.baseline.respondents == 5


async def test_no_baseline_no_shift(service: CampaignService) -> None:
    assert await service.baseline_shift() is None
