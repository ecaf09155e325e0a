"""Reading an admins' roster as spreadsheets write it, and checking every line first.

Excel writes `;` where the list separator is a comma (Dutch settings), may start with a
byte-order mark or a `sep=;` line, and quotes fields; all of that is read. A row that could
never match a person (an e-mail address or @handle where the platform's id belongs, a Slack
row without its workspace, an unknown layer, the same person twice with different layers)
is refused with its line number and what would match, and then nothing is imported.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from bot.domain import Identity
from bot.settings.errors import ConfigError
from bot.settings.platform import IdentityShape
from bot.settings.sheet_file import INVISIBLE, column_name, sheet_rows

REQUIRED = ("platform", "workspace", "user_id", "layer")
OPTIONAL = ("email",)
# Without a workspace column every row has none (fine where ids are global); a sheet of
# addresses needs no user_id column.
MAY_BE_LEFT_OUT = {"workspace": None, "user_id": "email"}
SHOWN_PROBLEMS = 50  # a file that is wrong on every line still gives a readable message
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
# What Excel and web pages leave around a value: spaces, no-break spaces, zero-width marks.


@dataclass(frozen=True, slots=True)
class RosterEntry:
    who: Identity
    layer: str
    line: int  # where it stands in the file, for messages


@dataclass(frozen=True, slots=True)
class EmailRow:
    """A person given by e-mail address: the platform looks the id up before importing."""

    platform: str
    workspace: str  # "" when the row leaves it to the platform
    email: str  # trimmed and lower-cased
    layer: str
    line: int


@dataclass(frozen=True, slots=True)
class RosterFile:
    path: Path
    rows: int
    entries: list[RosterEntry] = field(default_factory=list)  # by platform id, one per person
    emails: list[EmailRow] = field(default_factory=list)


def read_roster(path: Path, known_layers: tuple[str, ...],
                identities: Mapping[str, IdentityShape]) -> RosterFile:
    """Parse and check the whole file: any problem raises ConfigError naming every bad line,
    and nothing is imported. `identities`: the registered platforms by name."""
    reader, skipped = sheet_rows(path, "roster", {n: n for n in (*REQUIRED, *OPTIONAL)})
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ConfigError(f"{path}: line {1 + skipped}: cannot read the header ({exc})") from None
    if header is None:
        raise ConfigError(f"{path}: the roster is empty; write a header line "
                          f"{','.join(REQUIRED)} (optionally email) and one line per person")
    columns = _columns(path, header, skipped + 1)
    checker = _RowChecker(known_layers, identities)
    indexes = list(columns.items())
    rows, start = 0, reader.line_num + 1
    try:
        for record in reader:
            line, start = start + skipped, reader.line_num + 1
            if not "".join(record).strip(INVISIBLE):
                continue  # blank lines, and the empty rows Excel leaves at the end
            rows += 1
            width = len(record)
            checker.check(line, {name: record[i].strip(INVISIBLE) if i < width else ""
                                 for name, i in indexes})
    except csv.Error as exc:
        checker.problems.append((start + skipped,
                                 f"{exc}; check the quotes on this line (a field that "
                                 "starts with \" must end with \")"))
    entries, twice = unique_people(checker.entries)
    if checker.problems or twice:
        raise RosterProblems(path, [*checker.problems, *twice])
    return RosterFile(path=path, rows=rows, entries=entries, emails=checker.emails)


class RosterProblems(ConfigError):
    def __init__(self, path: Path, problems: list[tuple[int, str]]) -> None:
        problems = sorted(problems)
        shown = [f"  - line {line}: {text}" for line, text in problems[:SHOWN_PROBLEMS]]
        if len(problems) > SHOWN_PROBLEMS:
            shown.append(f"  … and {len(problems) - SHOWN_PROBLEMS} more")
        super().__init__(f"{path}: {len(problems)} problem(s) in the roster, nothing "
                         "imported:\n" + "\n".join(shown))
        self.problems = problems


def unique_people(entries: Iterable[RosterEntry]) -> tuple[list[RosterEntry],
                                                           list[tuple[int, str]]]:
    """One entry per person: a repeated line with the same layer is dropped, a person given
    two different layers is a problem on the later line."""
    seen: dict[Identity, RosterEntry] = {}
    problems = []
    for entry in entries:
        first = seen.setdefault(entry.who, entry)
        if first.layer != entry.layer:
            problems.append((entry.line, f"{_who(entry.who)} is also on line {first.line} "
                                         f"with layer {first.layer!r}; keep one of the two"))
    return list(seen.values()), problems


def _who(who: Identity) -> str:
    return f"{who.platform} user {who.user_id}"


def _columns(path: Path, header: list[str], line: int) -> dict[str, int]:
    names = [column_name(c) for c in header]
    columns = {name: names.index(name) for name in (*REQUIRED, *OPTIONAL) if name in names}
    missing = [name for name in REQUIRED if name not in columns
               and not (name in MAY_BE_LEFT_OUT
                        and (MAY_BE_LEFT_OUT[name] is None or MAY_BE_LEFT_OUT[name] in columns))]
    twice = sorted({n for n in names if n in columns and names.count(n) > 1})
    if missing or twice:
        problem = (f"column(s) {', '.join(missing)} missing" if missing
                   else f"column(s) {', '.join(twice)} twice")
        raise ConfigError(
            f"{path}: line {line}: {problem}; the header must name the columns "
            f"{','.join(REQUIRED)} (and optionally email), separated by , or ; "
            f"(got {header!r})")
    return columns


class _RowChecker:
    def __init__(self, known_layers: tuple[str, ...],
                 identities: Mapping[str, IdentityShape]) -> None:
        self.layers = {layer.lower(): layer for layer in known_layers}
        self.known_layers = known_layers
        self.identities = identities
        self.user_ids = {name: re.compile(shape.user_id_pattern)
                         for name, shape in identities.items()}
        self.workspaces = {name: re.compile(shape.workspace_pattern)
                           for name, shape in identities.items() if shape.workspace_pattern}
        self.entries: list[RosterEntry] = []
        self.emails: list[EmailRow] = []
        self.problems: list[tuple[int, str]] = []
        self._seen_emails: dict[tuple[str, str], EmailRow] = {}

    def check(self, line: int, value: dict[str, str]) -> None:
        """`value`: the row's fields by column, trimmed."""
        value.setdefault("workspace", "")
        platform = value["platform"].lower()
        shape = self.identities.get(platform)
        if shape is None:
            self.problems.append((line, f"platform {value['platform']!r}; use one of "
                                        f"{', '.join(self.identities)}"))
            return
        layer = self.layers.get(value["layer"].lower())
        if layer is None:
            self.problems.append((line, f"unknown layer {value['layer']!r}; use one of "
                                        f"{', '.join(self.known_layers)}"))
            return
        user_id, email = value.get("user_id", ""), value.get("email", "")
        workspace = value["workspace"] if shape.workspace_scoped else ""
        if user_id:
            problem = self._id_problem(platform, shape, user_id, workspace)
        elif email:
            problem = self._email_problem(platform, shape, email, workspace)
        else:
            problem = "no user_id and no email; give the person's user id" + (
                " or e-mail address" if shape.email_lookup else "")
        if problem:
            self.problems.append((line, problem))
        elif user_id:
            self.entries.append(RosterEntry(Identity(platform, workspace, user_id), layer, line))
        else:
            self._add_email(EmailRow(platform, workspace, email.lower(), layer, line))

    def _add_email(self, row: EmailRow) -> None:
        first = self._seen_emails.setdefault((row.platform, row.email), row)
        if first.layer != row.layer:
            self.problems.append((row.line, f"{row.email} is also on line {first.line} with "
                                            f"layer {first.layer!r}; keep one of the two"))
        elif first is row:
            self.emails.append(row)

    def _id_problem(self, platform: str, shape: IdentityShape, user_id: str,
                    workspace: str) -> str | None:
        if not self.user_ids[platform].fullmatch(user_id):
            return self._not_an_id(platform, shape, user_id)
        return self._workspace_problem(platform, shape, workspace, required=True)

    def _not_an_id(self, platform: str, shape: IdentityShape, user_id: str) -> str:
        example = f"e.g. {shape.user_id_example}"
        if EMAIL.fullmatch(user_id):
            if shape.email_lookup:
                return (f"{user_id!r} is an e-mail address in the user_id column; move it to "
                        f"an email column (positie looks the {platform} id up) or give the "
                        f"user id, {example}")
            return (f"{user_id!r} is an e-mail address; {platform} cannot look people up by "
                    f"address, give the numeric user id, {example}")
        if user_id.startswith("@"):
            return (f"{user_id!r} is a @handle, which people can change; give the "
                    f"{platform} user id, {example}")
        return f"{user_id!r} is not a {platform} user id; give one like {shape.user_id_example}"

    def _email_problem(self, platform: str, shape: IdentityShape, email: str,
                       workspace: str) -> str | None:
        if not shape.email_lookup:
            return (f"{platform} cannot look people up by e-mail address; give the user id "
                    f"in user_id, e.g. {shape.user_id_example}")
        if not EMAIL.fullmatch(email):
            return f"{email!r} is not an e-mail address; fix it or give the user id"
        return self._workspace_problem(platform, shape, workspace, required=False)

    def _workspace_problem(self, platform: str, shape: IdentityShape, workspace: str, *,
                           required: bool) -> str | None:
        if not shape.workspace_scoped:
            return None
        if not workspace:
            return (f"workspace is empty; these user ids are unique per workspace, so give "
                    f"the {shape.workspace_label}" if required else None)
        pattern = self.workspaces.get(platform)
        if pattern is not None and not pattern.fullmatch(workspace):
            return (f"workspace {workspace!r} is not a {shape.workspace_label} (the name or "
                    "domain cannot be matched)")
        return None
