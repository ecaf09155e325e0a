"""A CSV as a spreadsheet saves it (the roster, the workshop baseline): UTF-8 with or without
a byte-order mark or Windows-1252, `;` or `,` (Dutch Excel writes `;`), Excel's `sep=` hint
line, invisible characters around values."""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from bot.settings.errors import ConfigError

if TYPE_CHECKING:
    from _csv import Reader

INVISIBLE = " \t\r\n\u00a0\u200b\u200e\u200f\u2060\ufeff"


def column_name(column: str) -> str:
    """A header cell as a key: trimmed, lower case, spaces and dashes as underscores."""
    return column.strip(INVISIBLE).lower().replace(" ", "_").replace("-", "_")


def sheet_rows(path: Path, what: str,
               columns: Mapping[str, str]) -> tuple[Reader, int]:
    """The file's CSV reader and how many lines it skipped before the header (a `sep=`
    line). `columns` maps every header name the file may use to its column, to tell `;`
    from `,` by which one splits the header into known columns. `what` names the file in
    errors ("roster", "baseline")."""
    text = _decoded(path, what)
    lines = text.splitlines(keepends=True)
    skipped, delimiter = 0, None
    if lines and lines[0].strip(INVISIBLE).lower().startswith("sep="):
        # Excel's own hint line ("sep=;"): it names the separator and is not the header.
        delimiter = lines[0].strip(INVISIBLE)[4:5] or None
        text, skipped = "".join(lines[1:]), 1
    reader = csv.reader(io.StringIO(text, newline=""),
                        delimiter=delimiter or _sniffed_delimiter(text, columns))
    return reader, skipped


def _decoded(path: Path, what: str) -> str:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the {what} ({exc.strerror or exc}); check "
                          "the path") from None
    try:
        return data.decode("utf-8-sig")  # "CSV UTF-8" from Excel starts with a BOM
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")  # Excel's plain "CSV" on Windows
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not a text file (byte {exc.start}); save the sheet "
                              "as CSV UTF-8") from None


def _sniffed_delimiter(text: str, columns: Mapping[str, str]) -> str:
    """`;` or `,`: the one that splits the header into the most known columns, else the
    Sniffer's guess from the first lines."""
    first = text.split("\n", 1)[0]
    fits = {d: len({columns[n] for n in (column_name(c) for c in next(
        csv.reader([first], delimiter=d), [])) if n in columns}) for d in ";,"}
    best = max(fits, key=lambda d: fits[d])
    if fits[best]:
        return best
    try:
        return csv.Sniffer().sniff(text[:65536], delimiters=";,").delimiter
    except csv.Error:
        return ","
