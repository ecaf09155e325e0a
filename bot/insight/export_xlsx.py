"""XLSX export: one sheet per view, a frozen header, number formats, and an about sheet.

Written with openpyxl in write-only mode, which streams rows to the file instead of keeping
a cell object per value, so memory stays flat with the catalogue's size.

Text cells are written as text (type `s`, never a formula) with Excel's quote prefix where
the text could be read as a formula: that is what Excel itself stores when someone types
`'=…`, so the cell shows the text exactly as written and stays text when edited. Numbers
stay numbers: shares with a percentage format, means with one decimal.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet

from bot.insight.export_table import ExportTable, Value
from bot.insight.formula_guard import formula_like

PERCENT = "0.0%"
SHIFT = "+0.0%;-0.0%;0.0%"  # 0.25 reads +25.0 % (points)
MEAN = "+0.0;-0.0;0.0"  # one decimal, signed as the digest writes it
WHOLE = "0"
_WIDTH_MAX = 60
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


@dataclass(frozen=True, slots=True)
class Sheet:
    title: str  # at most 31 characters (Excel's limit)
    table: ExportTable


def workbook_bytes(sheets: Sequence[Sheet], *, about_title: str,
                   about: Sequence[tuple[str, str]]) -> bytes:
    """The workbook: the sheets in order, then the about sheet (a term and its meaning)."""
    book = Workbook(write_only=True)
    for sheet in sheets:
        _write_table(book.create_sheet(sheet.title[:31]), sheet.table)
    _write_about(book.create_sheet(about_title[:31]), about)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_table(ws: WriteOnlyWorksheet, table: ExportTable) -> None:
    ws.freeze_panes = "A2"
    formats = {**dict.fromkeys(table.count_columns, WHOLE),
               **dict.fromkeys(table.mean_columns, MEAN),
               **dict.fromkeys(table.share_columns, PERCENT),
               **dict.fromkeys(table.shift_columns, SHIFT)}
    for index, width in enumerate(_widths(table), start=1):  # before the first row
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.append([_text(ws, h, bold=True) for h in table.headers])
    for row in table.rows:
        ws.append([_cell(ws, value, formats.get(i)) for i, value in enumerate(row)])
    if table.rows:
        last = get_column_letter(len(table.headers))
        ws.auto_filter.ref = f"A1:{last}{len(table.rows) + 1}"


def _write_about(ws: WriteOnlyWorksheet, about: Sequence[tuple[str, str]]) -> None:
    ws.column_dimensions["A"].width = 28
    ws.column_dimensions["B"].width = 100
    for term, meaning in about:
        text = _text(ws, meaning)
        text.alignment = _WRAP
        ws.append([_text(ws, term, bold=True), text])


def _cell(ws: WriteOnlyWorksheet, value: Value, number_format: str | None) -> WriteOnlyCell:
    if isinstance(value, str):
        return _text(ws, value)
    cell = WriteOnlyCell(ws, value=value)
    if number_format is not None and value is not None:
        cell.number_format = number_format
    return cell


def _text(ws: WriteOnlyWorksheet, text: str, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(ws, value=text)
    cell.data_type = "s"  # openpyxl would store "=…" as a formula
    if formula_like(text):
        cell.quotePrefix = True
    if bold:
        cell.font = _BOLD
    return cell


def _widths(table: ExportTable) -> list[float]:
    """Column widths from the header and the first rows' contents, capped."""
    widths = [len(h) + 2.0 for h in table.headers]
    for row in table.rows[:200]:
        for i, value in enumerate(row):
            length = len(value) if isinstance(value, str) else 8
            widths[i] = min(_WIDTH_MAX, max(widths[i], length + 2.0))
    return widths
