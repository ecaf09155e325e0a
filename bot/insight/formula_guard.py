"""Guarding text cells against formula injection in spreadsheets.

A spreadsheet (Excel, LibreOffice, Google Sheets) runs a cell that starts with `=`, `+`, `-`
or `@` as a formula, and one that starts with a tab, carriage return or NUL may be read as
one after the spreadsheet strips it (OWASP "CSV Injection"; ASVS 1.2.10). Statement texts,
theme titles and layer names come from config files anyone on the core team may edit, so
every text cell positie exports is guarded; numbers are written as numbers and never are.
"""

from __future__ import annotations

DANGEROUS_LEADING = ("=", "+", "-", "@", "\t", "\r", "\0")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take this text for a formula."""
    return text.startswith(DANGEROUS_LEADING)


def guard_text(text: str) -> str:
    """The text for a CSV cell: a leading single quote when it could be read as a formula
    (OWASP's escape: spreadsheets show the text and do not evaluate it)."""
    return "'" + text if formula_like(text) else text
