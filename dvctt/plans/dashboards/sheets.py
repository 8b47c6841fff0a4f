"""The overview and the ranking as XLSX (``?xuat=xlsx``): the same figures as the pages, as numbers (ratios as
fractions with a percentage format, so a spreadsheet can compute with them), a header naming the period and the
plan, and every text cell neutralised against formula injection."""

from __future__ import annotations

import io
from typing import Any

from django.http import HttpResponse
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from dvctt.common.spreadsheets import safe_row
from dvctt.plans.dashboards.periods import Period

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PERCENT = "0.0%"
SCORE = "0.00"


def _target(figure: Any) -> float | None:
    return float(figure.target.value) if figure.target else None


def _header(sheet: Any, title: str, period: Period, plan: Any) -> None:
    sheet.append([title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("Kỳ"), period.span])
    if plan is not None:
        sheet.append([_("Chỉ tiêu theo kế hoạch"), f"{plan.decision_number} ({period.date_to.year})"])
    else:
        sheet.append([_("Chỉ tiêu theo kế hoạch"), _("Kế hoạch 165/KH-UBND (mặc định)")])
    sheet.append([])


def _format_row(sheet: Any, row: int, formats: dict[int, str]) -> None:
    for column, number_format in formats.items():
        sheet.cell(row=row, column=column).number_format = number_format


def _response(workbook: Workbook, name: str) -> HttpResponse:
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def overview_xlsx(data: Any, period: Period) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Toàn tỉnh")[:31]
    _header(sheet, _("Chuyển đổi số dịch vụ công: toàn tỉnh"), period, data.plan)
    sheet.append(
        [
            _("Chỉ tiêu"),
            _("Kết quả"),
            _("Tử số"),
            _("Mẫu số"),
            _("Chỉ tiêu kế hoạch"),
            _("Đánh giá"),
            _("Dự báo cuối năm"),
        ]
    )
    for figure in data.figures:
        sheet.append(
            safe_row(
                sheet,
                [
                    str(figure.indicator.name),
                    figure.value,
                    figure.numerator,
                    figure.denominator,
                    _target(figure),
                    figure.status_label,
                    figure.forecast,
                ],
            )
        )
        _format_row(sheet, sheet.max_row, {2: PERCENT, 5: PERCENT, 7: PERCENT})
    index = data.index or {}
    if index:
        sheet.append([])
        sheet.append([_("Bộ chỉ số 766"), _("Điểm"), _("Tối đa tính được"), _("Tối đa")])
        for group in data.index_groups:
            sheet.append(
                safe_row(
                    sheet, [str(group["label"]), group["score"], group.get("computable_max"), group["max"]]
                )
            )
            _format_row(sheet, sheet.max_row, {2: SCORE, 3: SCORE, 4: SCORE})
        sheet.append(
            safe_row(
                sheet, [_("Tổng điểm"), index.get("total"), index.get("computable_max"), index.get("max")]
            )
        )
        _format_row(sheet, sheet.max_row, {2: SCORE, 3: SCORE, 4: SCORE})
    sheet.column_dimensions["A"].width = 60
    _print_a4(sheet, landscape=False)
    return _response(workbook, f"tong-quan-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.xlsx")


def ranking_xlsx(data: Any, period: Period, indicators: Any) -> HttpResponse:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Xếp hạng")[:31]
    _header(sheet, _("Xếp hạng đơn vị theo chỉ tiêu"), period, getattr(data, "plan", None))
    sheet.append(
        [_("Hạng"), _("Mã đơn vị"), _("Đơn vị"), _("Mức đạt"), _("Điểm chỉ số 766")]
        + [str(indicator.name) for indicator in indicators]
    )
    for row in data.rows:
        values = [row.rank, row.unit.code, row.unit.name, row.attainment, row.index_total]
        values += [figure.value for figure in row.figures]
        sheet.append(safe_row(sheet, values))
        formats = {4: PERCENT, 5: SCORE}
        formats.update({6 + i: PERCENT for i in range(len(row.figures))})
        _format_row(sheet, sheet.max_row, formats)
    sheet.column_dimensions["C"].width = 45
    _print_a4(sheet, landscape=True)
    return _response(workbook, f"xep-hang-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.xlsx")


def _print_a4(sheet: Any, *, landscape: bool) -> None:
    """Printed from the spreadsheet: A4, fitted to the page width, the header rows repeated."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
