"""Cells of the XLSX exports that show what people typed as text, never as a formula.

A value an applicant (or anyone) typed, such as ``=HYPERLINK(...)``, ``+1+1``, ``-2+3``, ``@SUM(A1)`` or one
starting with a tab or a carriage return, is a formula to openpyxl (``=``) or to Excel once the cell is edited
(the others): formula injection. Every export writes such values through :func:`safe_row` (or
:func:`text_cell`): a string becomes a string cell (``data_type`` ``"s"``) and, when it starts like a formula, is
marked "quote prefix" so that Excel and LibreOffice show the text as typed and keep it text when edited. Numbers
and dates the platform computed are left as they are.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell

#: What makes a spreadsheet read a text as a formula (OWASP "CSV injection"), full-width equals included.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
#: Excel's limit for one cell; a longer text would make the file unreadable.
MAX_CELL_CHARS = 32_767


def looks_like_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def text_cell(sheet: Any, value: str) -> Cell:
    """A cell of ``sheet`` (write-only or not) holding ``value`` as text, control characters removed."""
    text = ILLEGAL_CHARACTERS_RE.sub("", value)[:MAX_CELL_CHARS]
    cell = Cell(sheet, row=1, column=1, value=text)  # ``append`` gives the cell its place
    cell.data_type = "s"  # openpyxl makes "=..." a formula: it is text here
    if looks_like_formula(text):
        cell.quotePrefix = True
    return cell


def safe_value(sheet: Any, value: Any) -> Any:
    """``value`` ready for ``sheet.append``: strings (and string cells) as text cells, numbers and dates as cells
    of their own (a write-only sheet would otherwise reuse the previous cell's style for them)."""
    if isinstance(value, Cell):
        if isinstance(value.value, str):
            text = ILLEGAL_CHARACTERS_RE.sub("", value.value)[:MAX_CELL_CHARS]
            value.value = text
            value.data_type = "s"
            if looks_like_formula(text):
                value.quotePrefix = True
        return value
    if isinstance(value, str):
        return text_cell(sheet, value)
    if value is None:
        return None
    return Cell(sheet, row=1, column=1, value=value)


def safe_row(sheet: Any, values: Iterable[Any]) -> list[Any]:
    """One row for ``sheet.append``: every string as text (see the module's docstring)."""
    return [safe_value(sheet, value) for value in values]
