"""Score tables as rows (for pages and the command) and as XLSX workbooks (for download)."""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dvctt.common.spreadsheets import safe_row
from dvctt.plans.models import IndexGroup


def index_table(scores: Mapping[str, Any], names: Mapping[str, str]) -> tuple[list[str], list[list[Any]]]:
    """Header and rows: code, name, one column per group, total, indicators without figures."""
    groups = list(scores["group_points"])
    labels = dict(IndexGroup.choices)
    header = [
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        *[f"{labels.get(g, g)} ({scores['group_points'][g]:g})" for g in groups],
        _("Tổng điểm"),
        _("Chỉ số không có số liệu"),
    ]
    rows: list[list[Any]] = []
    entries = [("", _("Toàn tỉnh"), scores["province"])]
    entries += [(code, names.get(code, code), s) for code, s in sorted(scores["units"].items())]
    for code, name, s in entries:
        missing = ", ".join(str(s["indicators"][c]["ref"] or c) for c in s["missing"])
        rows.append([code, name, *[s[g] for g in groups], s["total"], missing])
    return header, rows


def par_table(scores: Mapping[str, Any], names: Mapping[str, str]) -> tuple[list[str], list[list[Any]]]:
    criteria = scores["criteria"]
    header = [
        _("Mã đơn vị"),
        _("Tên đơn vị"),
        *[f"{c['label']} ({c['points']:g})" for c in criteria],
        _("Tổng điểm"),
        _("Điểm tối đa"),
    ]
    rows: list[list[Any]] = []
    entries = [("", _("Toàn tỉnh"), scores["province"])]
    entries += [(code, names.get(code, code), s) for code, s in sorted(scores["units"].items())]
    for code, name, s in entries:
        cells = [s["criteria"][c["indicator"]]["score"] for c in criteria]
        rows.append([code, name, *cells, s["total"], s["max"]])
    return header, rows


def workbook_bytes(
    *, title: str, subtitle: str, header: Sequence[str], rows: Sequence[Sequence[Any]]
) -> bytes:
    return workbook_sheets([(_("Điểm"), title, subtitle, header, rows)])


def workbook_sheets(sheets: Sequence[tuple[str, str, str, Sequence[str], Sequence[Sequence[Any]]]]) -> bytes:
    """One sheet per ``(sheet name, title, subtitle, header, rows)``: title rows, a bold header, frozen panes."""
    workbook = Workbook()
    assert workbook.active is not None
    workbook.remove(workbook.active)
    for name, title, subtitle, header, rows in sheets:
        sheet = workbook.create_sheet(name[:31])
        sheet.append([title])
        sheet.append([subtitle])
        sheet.append(list(header))
        sheet["A1"].font = Font(bold=True, size=13)
        for cell in sheet[3]:
            cell.font = Font(bold=True)
        for row in rows:
            sheet.append(safe_row(sheet, row))
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["B"].width = 44
        sheet.freeze_panes = "C4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
