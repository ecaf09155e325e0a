"""XLSX export: one sheet per view, a frozen header, number formats, and an about sheet.

Written with XlsxWriter in constant-memory mode, which writes each row out as it goes
instead of keeping the workbook in memory. (openpyxl's write-only mode, which the tests
read the file back with, took 2–3× as long to write the same 3,000 rows in a one-off
comparison; README "Exports".)

Text cells are written as text (`write_string`, never a formula) with Excel's quote prefix
where the text could be read as a formula: that is what Excel itself stores when someone
types `'=…`, so the cell shows the text exactly as written and stays text when edited.
Numbers stay numbers: shares with a percentage format, means with one decimal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import xlsxwriter

from bot.insight.export_table import ExportTable, Value
from bot.insight.formula_guard import formula_like

PERCENT = "0.0%"
SHIFT = "+0.0%;-0.0%;0.0%"  # 0.25 reads +25.0 % (points)
MEAN = "+0.0;-0.0;0.0"  # one decimal, signed as the digest writes it
_WIDTH_MAX = 60


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    table: ExportTable


def workbook_bytes(sheets: Sequence[Sheet], *, about_title: str,
                   about: Sequence[tuple[str, str]]) -> bytes:
    """The workbook: the sheets in order, then the about sheet (a term and its meaning)."""
    buffer = io.BytesIO()
    # Each sheet's rows go to a temporary file as they are written, not into memory.
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    styles = _Styles(book)
    for sheet in sheets:
        _write_table(book.add_worksheet(sheet.title[:31]), sheet.table, styles)
    _write_about(book.add_worksheet(about_title[:31]), about, styles)
    book.close()
    return buffer.getvalue()


class _Styles:
    """The workbook's formats, made once (XlsxWriter keeps one record per format)."""

    def __init__(self, book: Any) -> None:
        self.numbers = {PERCENT: book.add_format({"num_format": PERCENT}),
                        SHIFT: book.add_format({"num_format": SHIFT}),
                        MEAN: book.add_format({"num_format": MEAN})}
        self.quoted = book.add_format({"quote_prefix": True})
        self.header = book.add_format({"bold": True})
        self.quoted_header = book.add_format({"bold": True, "quote_prefix": True})
        self.wrap = book.add_format({"text_wrap": True, "valign": "top"})
        self.quoted_wrap = book.add_format({"text_wrap": True, "valign": "top",
                                            "quote_prefix": True})

    def text(self, text: str, *, header: bool = False, wrap: bool = False) -> Any:
        quoted = formula_like(text)
        if header:
            return self.quoted_header if quoted else self.header
        if wrap:
            return self.quoted_wrap if quoted else self.wrap
        return self.quoted if quoted else None


def _write_table(ws: Any, table: ExportTable, styles: _Styles) -> None:
    formats = {**dict.fromkeys(table.mean_columns, MEAN),
               **dict.fromkeys(table.share_columns, PERCENT),
               **dict.fromkeys(table.shift_columns, SHIFT)}
    for column, width in enumerate(_widths(table)):
        ws.set_column(column, column, width)
    ws.freeze_panes(1, 0)
    for column, header in enumerate(table.headers):
        ws.write_string(0, column, header, styles.text(header, header=True))
    for r, row in enumerate(table.rows, start=1):
        for column, value in enumerate(row):
            _write(ws, r, column, value, formats.get(column), styles)
    if table.rows:
        ws.autofilter(0, 0, len(table.rows), len(table.headers) - 1)


def _write(ws: Any, row: int, column: int, value: Value, number_format: str | None,
           styles: _Styles) -> None:
    if value is None:
        return  # blank: withheld, or nothing to say
    if isinstance(value, str):
        ws.write_string(row, column, value, styles.text(value))
    elif number_format is not None:
        ws.write_number(row, column, value, styles.numbers[number_format])
    else:
        ws.write_number(row, column, value)


def _write_about(ws: Any, about: Sequence[tuple[str, str]], styles: _Styles) -> None:
    ws.set_column(0, 0, 28)
    ws.set_column(1, 1, 100)
    for r, (term, meaning) in enumerate(about):
        ws.write_string(r, 0, term, styles.text(term, header=True))
        ws.write_string(r, 1, meaning, styles.text(meaning, wrap=True))


def _widths(table: ExportTable) -> list[float]:
    """Column widths from the header and the first rows' contents, capped."""
    widths = [len(h) + 2.0 for h in table.headers]
    for row in table.rows[:200]:
        for i, value in enumerate(row):
            length = len(value) if isinstance(value, str) else 8
            widths[i] = min(_WIDTH_MAX, max(widths[i], length + 2.0))
    return widths
