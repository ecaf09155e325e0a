"""Reading the workshop's results as a facilitator's spreadsheet holds them, checking every
line first.

Two shapes, told apart by the header: counts per statement × layer × option (a `count`
column: what a facilitator writes down while people stand in their positions), or one row
per person and statement (no `count` column) where answers were recorded person by person.
The second is added up here and only the counts leave this module: positie never stores a
workshop participant's answer. Spreadsheet quirks are read as the roster reads them (`;` or
`,`, a byte-order mark, Excel's `sep=` line, quotes, Windows-1252). Any problem raises
`BaselineProblems` naming the file, the line, the column and what to do; nothing is returned
half-checked.
"""

from __future__ import annotations

import csv
import difflib
import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bot.domain import UNKNOWN_LAYER, ScaleOption
from bot.settings.errors import ConfigError
from bot.settings.sheet_file import INVISIBLE, column_name, sheet_rows

# Column -> the names a header may give it (compared lower-cased, spaces as "_").
COLUMNS: dict[str, tuple[str, ...]] = {
    "statement": ("statement", "statement_key", "key", "stelling"),
    "layer": ("layer", "laag", "overheidslaag"),
    "option": ("option", "position", "answer", "optie", "positie", "antwoord"),
    "count": ("count", "n", "aantal"),
    "date": ("date", "workshop_date", "datum"),
    "person": ("person", "participant", "deelnemer", "persoon"),
}
REQUIRED = ("statement", "layer", "option")
SHOWN_PROBLEMS = 50
DATE_FORMATS = (re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
                re.compile(r"(?P<d>\d{1,2})[-/.](?P<m>\d{1,2})[-/.](?P<y>\d{4})"))
MAX_COUNT = 1_000_000  # far above any room; a bigger number is a typing error


@dataclass(frozen=True, slots=True)
class BaselineFile:
    """A checked workshop file: counts per (statement key, layer, option key)."""

    path: Path
    workshop_date: date
    rows: int  # data lines read
    per_person: bool  # one row per person and statement, added up here
    counts: dict[tuple[str, str, str], int]

    @property
    def statements(self) -> int:
        return len({key for key, _, _ in self.counts})

    @property
    def answers(self) -> int:
        return sum(self.counts.values())


class BaselineProblems(ConfigError):
    """Every problem of the file at once: `problems` are (line, column, what to do)."""

    def __init__(self, path: Path, problems: list[tuple[int, str, str]]) -> None:
        problems = sorted(problems)
        shown = [f"  - line {line}" + (f", column {column}" if column else "") + f": {text}"
                 for line, column, text in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more")
        super().__init__(f"{path}: {len(problems)} problem(s) in the baseline, nothing "
                         "imported:\n" + "\n".join(shown))
        self.problems = problems


def read_baseline(path: Path, *, statements: Collection[str], layers: Sequence[str],
                  scale: Sequence[ScaleOption], workshop_date: date | None) -> BaselineFile:
    """Parse and check the whole file against the catalogue's statement keys, the
    campaign's layers and its scale. `workshop_date` (the --date option) is used when the
    file has no date column, and must agree with it when it has one."""
    if not statements:
        raise ConfigError(f"{path}: the campaign has no statements yet; import the catalogue "
                          "first (positie statements import FILE), then the baseline")
    reader, skipped = sheet_rows(path, "baseline", _aliases())
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ConfigError(f"{path}: line {1 + skipped}: cannot read the header ({exc})") from None
    if header is None:
        raise ConfigError(f"{path}: the file is empty; write a header line "
                          "statement;layer;option;count and one line per statement, layer "
                          "and option (or statement;layer;option, one line per person)")
    columns = _columns(path, header, skipped + 1)
    checker = _RowChecker(statements, layers, scale, per_person="count" not in columns)
    rows, start = 0, reader.line_num + 1
    try:
        for record in reader:
            line, start = start + skipped, reader.line_num + 1
            if not "".join(record).strip(INVISIBLE):
                continue
            rows += 1
            checker.check(line, {name: record[i].strip(INVISIBLE) if i < len(record) else ""
                                 for name, i in columns.items()})
    except csv.Error as exc:
        checker.problems.append((start + skipped, "", f"{exc}; check the quotes on this line "
                                                      "(a field that starts with \" must end "
                                                      "with \")"))
    found = _workshop_date(checker, workshop_date, has_column="date" in columns)
    if not rows and not checker.problems:
        checker.problems.append((skipped + 2, "", "no data lines under the header; add one "
                                                  "line per statement, layer and option"))
    if checker.problems or found is None:
        raise BaselineProblems(path, checker.problems)
    return BaselineFile(path=path, workshop_date=found, rows=rows,
                        per_person=checker.per_person, counts=dict(checker.counts))


def _workshop_date(checker: _RowChecker, given: date | None, *,
                   has_column: bool) -> date | None:
    dates = checker.dates
    if not has_column:
        if given is None:
            checker.problems.append((1, "", "the workshop date is missing; give it with "
                                            "--date 2026-07-10 or add a date column"))
        return given
    distinct = sorted(set(dates.values()))
    if len(distinct) > 1:
        first = min(dates)
        for line, value in sorted(dates.items()):
            if value != dates[first]:
                checker.problems.append((line, "date", f"{value} differs from "
                                                       f"{dates[first]} on line {first}; one "
                                                       "file holds one workshop"))
        return None
    if distinct and given is not None and distinct[0] != given:
        checker.problems.append((min(dates), "date", f"{distinct[0]} differs from --date "
                                                     f"{given}; leave one out"))
        return None
    return distinct[0] if distinct else given


class _RowChecker:
    def __init__(self, statements: Collection[str], layers: Sequence[str],
                 scale: Sequence[ScaleOption], *, per_person: bool) -> None:
        self.statements = {key.lower(): key for key in statements}
        self.layers = {layer.lower(): layer for layer in (*layers, UNKNOWN_LAYER)}
        self.options: dict[str, str] = {}
        for option in scale:
            for name in (option.key, option.label_nl, option.label_en):
                if name:
                    self.options[column_name(name)] = option.key
        self.option_keys = [o.key for o in scale]
        self.per_person = per_person
        self.counts: Counter[tuple[str, str, str]] = Counter()
        self.dates: dict[int, date] = {}
        self.problems: list[tuple[int, str, str]] = []
        self._cell_lines: dict[tuple[str, str, str], int] = {}
        self._person_lines: dict[tuple[str, str], int] = {}

    def check(self, line: int, value: dict[str, str]) -> None:
        before = len(self.problems)
        statement = self._match(line, "statement", value["statement"], self.statements,
                                "statement key", "check it against the statements file")
        layer = self._match(line, "layer", value["layer"], self.layers, "layer",
                            "use one of " + ", ".join(self.layers.values()))
        option = self._match(line, "option", value["option"], self.options, "option",
                             "use one of " + ", ".join(self.option_keys), normalise=True)
        count = 1 if self.per_person else self._count(line, value["count"])
        if "date" in value:
            self._date(line, value["date"])
        if len(self.problems) > before or statement is None or layer is None \
                or option is None or count is None:
            return
        if self.per_person:
            self._person(line, value.get("person", ""), statement)
        else:
            cell = (statement, layer, option)
            first = self._cell_lines.setdefault(cell, line)
            if first != line:
                self.problems.append((line, "count", f"{statement} × {layer} × {option} is "
                                                     f"also on line {first}; add the two up "
                                                     "into one line"))
                return
        self.counts[(statement, layer, option)] += count

    def _match(self, line: int, column: str, given: str, known: dict[str, str], what: str,
               hint: str, *, normalise: bool = False) -> str | None:
        if not given:
            self.problems.append((line, column, f"empty; give the {what}"))
            return None
        found = known.get(column_name(given) if normalise else given.lower())
        if found is None:
            close = difflib.get_close_matches(given.lower(), list(known), n=1)
            guess = f" (did you mean {known[close[0]]!r}?)" if close else ""
            self.problems.append((line, column, f"unknown {what} {given!r}{guess}; {hint}"))
        return found

    def _count(self, line: int, given: str) -> int | None:
        if not given.isdigit() or int(given) > MAX_COUNT:
            self.problems.append((line, "count", f"{given!r} is not a number of people; "
                                                 "write a whole number, 0 or more"))
            return None
        return int(given)

    def _date(self, line: int, given: str) -> None:
        if not given:
            self.problems.append((line, "date", "empty; write the workshop date as "
                                                "2026-07-10 on every line, or drop the column "
                                                "and use --date"))
            return
        parsed = parse_date(given)
        if parsed is None:
            self.problems.append((line, "date", f"{given!r} is not a date; write it as "
                                                "2026-07-10 (or 10-07-2026)"))
        else:
            self.dates[line] = parsed

    def _person(self, line: int, person: str, statement: str) -> None:
        """A person answers a statement once; the name itself is never kept."""
        if not person:
            return
        first = self._person_lines.setdefault((person.lower(), statement), line)
        if first != line:
            self.problems.append((line, "person", f"this person answered {statement} on line "
                                                  f"{first} already; keep one of the two"))


def parse_date(given: str) -> date | None:
    for pattern in DATE_FORMATS:
        match = pattern.fullmatch(given.strip())
        if match:
            try:
                return date(int(match["y"]), int(match["m"]), int(match["d"]))
            except ValueError:
                return None
    return None


def _aliases() -> dict[str, str]:
    return {alias: column for column, names in COLUMNS.items() for alias in names}


def _columns(path: Path, header: list[str], line: int) -> dict[str, int]:
    aliases = _aliases()
    names = [aliases.get(column_name(c)) for c in header]
    columns: dict[str, int] = {}
    twice = set()
    for index, name in enumerate(names):
        if name is None:
            continue  # other columns (a remark, a table number) are ignored
        if name in columns:
            twice.add(name)
        columns.setdefault(name, index)
    missing = [name for name in REQUIRED if name not in columns]
    if missing or twice:
        problem = (f"column(s) {', '.join(missing)} missing" if missing
                   else f"column(s) {', '.join(sorted(twice))} given twice")
        raise ConfigError(
            f"{path}: line {line}: {problem}; the header must name the columns statement, "
            "layer, option and count (counts per statement, layer and option) or statement, "
            "layer, option and optionally person (one line per person), separated by , or ; "
            f"(got {list(header)!r})")
    return columns
