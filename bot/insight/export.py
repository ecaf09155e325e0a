"""CSV export of the aggregates per statement × layer, as the release step lets them out.

Each layer row says whether it is shown in full and, if not, why (the digest's reasons):
below the privacy threshold (nothing, not even how many), or a small group shown as a
count of respondents only. The "*" row is over the layers shown in full, like every total
positie publishes.

Two dialects: `standard` (`,`, decimal point, UTF-8 without BOM, CRLF line ends: RFC 4180,
what positie always wrote) and `excel-nl` (`;`, decimal comma, UTF-8 with BOM, CRLF: what
Dutch Excel writes as "CSV UTF-8", so it opens the file in columns). Text cells are guarded
against formula injection; numbers are written bare, so a negative mean stays a number.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from bot.insight.export_table import ExportTable, Value
from bot.insight.formula_guard import guard_text


@dataclass(frozen=True, slots=True)
class CsvDialect:
    name: str
    delimiter: str
    decimal: str
    bom: bool


STANDARD = CsvDialect(name="standard", delimiter=",", decimal=".", bom=False)
EXCEL_NL = CsvDialect(name="excel-nl", delimiter=";", decimal=",", bom=True)
DIALECTS = {d.name: d for d in (STANDARD, EXCEL_NL)}
DECIMALS = 4  # shares and means: enough to recompute a count from a share of hundreds


def table_csv(table: ExportTable, dialect: CsvDialect = STANDARD) -> str:
    """The table as CSV text (with the BOM as its first character where the dialect has
    one); write it as UTF-8."""
    out = io.StringIO()
    if dialect.bom:
        out.write("\ufeff")
    writer = csv.writer(out, delimiter=dialect.delimiter, lineterminator="\r\n",
                        quoting=csv.QUOTE_MINIMAL)
    writer.writerow([guard_text(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_cell(value, dialect) for value in row])
    return out.getvalue()


def _cell(value: Value, dialect: CsvDialect) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return guard_text(value)
    if isinstance(value, float):
        text = f"{value:.{DECIMALS}f}"
        return text.replace(".", dialect.decimal) if dialect.decimal != "." else text
    return str(value)
