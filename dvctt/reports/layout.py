"""The official layout of form 06 and 07a (national-portal.md §4, Circular 01/2020/TT-VPCP regime), as plain data.

One :class:`ReportSheet` feeds the page, the XLSX and the PDF alike: the national motto header, the issuing
body, the form number and title, the period, the unit of count, the 13 columns (STT, unit or field, received ×4,
resolved ×4, in progress ×3) under their two header rows and the column numbers, one row per unit or field in
the catalogue's order, the total row, and the signature blocks with place and date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from . import figures as f

MOTTO = ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc")


@dataclass(frozen=True, slots=True)
class Row:
    number: str  # STT ("" on the total row)
    key: str  # unit code or field code
    label: str
    values: tuple[int, ...]  # the eleven columns, in figures.COLUMNS order


@dataclass(frozen=True, slots=True)
class ReportSheet:
    form: str
    issuer: str
    form_label: str
    title: str
    subtitle: str
    period_line: str
    units_line: str
    unit_of_count: str
    groups: tuple[tuple[str, int], ...]  # the first header row after STT and name: (label, columns spanned)
    columns: tuple[str, ...]  # the second header row: the eleven columns' labels
    name_header: str
    rows: tuple[Row, ...]
    total: Row
    place_date: str
    signatures: tuple[tuple[str, str], ...]  # (title, note) of each signature block, left to right

    @property
    def column_numbers(self) -> tuple[str, ...]:
        return tuple(f"({n})" for n in range(1, 14))


def column_labels() -> tuple[str, ...]:
    return (
        _("Tổng số"),
        _("Trực tuyến trong kỳ"),
        _("Trực tiếp, bưu chính trong kỳ"),
        _("Từ kỳ trước chuyển qua"),
        _("Tổng số"),
        _("Trước hạn"),
        _("Đúng hạn"),
        _("Quá hạn"),
        _("Tổng số"),
        _("Trong hạn"),
        _("Quá hạn"),
    )


def place_and_date(on: date) -> str:
    return _("%(place)s, ngày %(d)02d tháng %(m)02d năm %(y)d") % {
        "place": settings.PROVINCE_NAME,
        "d": on.day,
        "m": on.month,
        "y": on.year,
    }


def report_sheet(
    *,
    data: Mapping[str, Any],
    labels: Mapping[str, str],
    issuer: str,
    on: date,
    window_label: str = "",
    total_label: str | None = None,
) -> ReportSheet:
    """The sheet of a report object (:func:`dvctt.reports.selectors.report_compute`), rows in its order."""
    form = data["form"]
    by_unit = form == f.FORM_UNITS
    rows = tuple(
        Row(str(n), key, labels.get(key, key) or key, tuple(row[c] for c in f.COLUMNS))
        for n, (key, row) in enumerate(data["rows"].items(), start=1)
    )
    province = tuple(data["province"][c] for c in f.COLUMNS)
    summed = tuple(sum(row.values[i] for row in rows) for i in range(len(f.COLUMNS)))
    if by_unit and summed != province:
        # Dossiers of units that are in no row (ended without an heir, or outside their days of existence) count
        # for the province only: a row of their own keeps the rows adding up to the total.
        rows += (
            Row(
                str(len(rows) + 1),
                "",
                _("Đơn vị khác (đã giải thể không có đơn vị kế thừa, hoặc ngoài thời gian hoạt động)"),
                tuple(p - s for p, s in zip(province, summed, strict=True)),
            ),
        )
    date_from, date_to = date.fromisoformat(data["from"]), date.fromisoformat(data["to"])
    period = _("Kỳ báo cáo: từ ngày %(f)s đến ngày %(t)s") % {
        "f": f"{date_from:%d/%m/%Y}",
        "t": f"{date_to:%d/%m/%Y}",
    }
    if window_label:
        period = f"{window_label} — {period}"
    units_line = ""
    if by_unit:
        units_line = (
            _("Đơn vị theo tổ chức hiện nay (đơn vị đã giải thể, sáp nhập được cộng vào đơn vị kế thừa)")
            if data["units"] == "current"
            else _("Đơn vị theo tổ chức trong kỳ báo cáo")
        )
    return ReportSheet(
        form=form,
        issuer=issuer,
        form_label=_("Biểu số %(n)s") % {"n": form},
        title=_("TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH"),
        subtitle=_("(Tổng hợp theo đơn vị giải quyết)") if by_unit else _("(Tổng hợp theo lĩnh vực)"),
        period_line=period,
        units_line=units_line,
        unit_of_count=_("Đơn vị tính: hồ sơ"),
        groups=(
            (_("Số hồ sơ nhận giải quyết"), 4),
            (_("Số hồ sơ đã giải quyết"), 4),
            (_("Số hồ sơ đang giải quyết"), 3),
        ),
        columns=column_labels(),
        name_header=_("Đơn vị") if by_unit else _("Lĩnh vực"),
        rows=rows,
        total=Row(
            "",
            "",
            total_label or _("Tổng cộng"),
            province,
        ),
        place_date=place_and_date(on),
        signatures=(
            (_("NGƯỜI LẬP BIỂU"), _("(Ký, ghi rõ họ tên)")),
            (_("THỦ TRƯỞNG CƠ QUAN"), _("(Ký tên, đóng dấu)")),
        ),
    )
