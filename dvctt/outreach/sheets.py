"""The register's exports: the activities (one row each) and the counts per unit and channel, as XLSX.

What people typed goes through common.spreadsheets (text, never a formula); dates are date cells shown
dd/mm/yyyy; numbers stay numbers.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dvctt.common.spreadsheets import safe_row

from .models import Channel, CommunicationActivity
from .selectors import Counts

ACTIVITY_HEADERS = (
    gettext_lazy("STT"),
    gettext_lazy("Ngày"),
    gettext_lazy("Đơn vị"),
    gettext_lazy("Mã đơn vị"),
    gettext_lazy("Hình thức"),
    gettext_lazy("Tiêu đề"),
    gettext_lazy("Đối tượng"),
    gettext_lazy("Số người được tiếp cận"),
    gettext_lazy("Địa điểm"),
    gettext_lazy("Nội dung tóm tắt"),
    gettext_lazy("Đường dẫn"),
    gettext_lazy("Số tệp"),
    gettext_lazy("Người ghi"),
    gettext_lazy("Ghi lúc"),
)


def _header(sheet: Any, title: str, headers: Iterable[Any]) -> None:
    sheet.append(safe_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append(safe_row(sheet, [str(h) for h in headers]))
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")


def _save(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def activities_workbook(*, title: str, activities: Iterable[CommunicationActivity]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Hoạt động truyền thông")
    _header(sheet, title, ACTIVITY_HEADERS)
    for number, a in enumerate(activities, start=1):
        sheet.append(
            safe_row(
                sheet,
                [
                    number,
                    a.date,
                    a.unit.name,
                    a.unit.code,
                    a.get_channel_display(),
                    a.title,
                    a.get_audience_display(),
                    a.reach,
                    a.place,
                    a.summary,
                    "\n".join(a.links),
                    len(a.files.all()),
                    str(a.recorded_by),
                    timezone.localtime(a.created_at).strftime("%d/%m/%Y %H:%M"),
                ],
            )
        )
        sheet.cell(row=sheet.max_row, column=2).number_format = "DD/MM/YYYY"
    for index, width in enumerate((6, 12, 34, 16, 22, 50, 24, 12, 24, 50, 40, 8, 24, 16), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C3"
    return _save(workbook)


def counts_workbook(*, title: str, counts: Counts) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Số lượng")
    headers = [
        _("Đơn vị"),
        _("Mã đơn vị"),
        *[str(label) for label in Channel.labels],
        _("Tổng"),
        _("Số người được tiếp cận"),
    ]
    _header(sheet, title, headers)
    for row in counts.rows:
        sheet.append(safe_row(sheet, [row.unit_name, row.unit_code, *row.cells(), row.total, row.reach]))
    sheet.append(safe_row(sheet, [_("Tổng cộng"), "", *counts.cells(), counts.total, counts.reach]))
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 16
    return _save(workbook)
