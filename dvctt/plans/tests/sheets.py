"""Builds target sheets for tests."""

import io
from typing import Any

from openpyxl import Workbook


def sheet_bytes(
    rows: list[list[Any]], *, titles: int = 2, percent_cells: set[tuple[int, int]] | None = None
) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for n in range(titles):
        sheet.append([f"Tiêu đề {n + 1}"])
    for row in rows:
        sheet.append(row)
    for r, c in percent_cells or set():
        sheet.cell(row=r, column=c).number_format = "0%"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
