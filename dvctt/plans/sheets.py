"""Target sheets in the layout assignment decisions use (Decision 533/QĐ-UBND and the like).

Layout: a title row or two, then a header row holding "Mã đơn vị" (and usually "STT", "Tên đơn vị"), then one
row per unit and one column per indicator. An indicator column's header is the indicator's code or its
Vietnamese name (case and diacritics ignored). The province's own targets go on a row whose code is ``TINH``.

Values: a cell formatted as a percentage holds a fraction (0.8 shows as 80%); otherwise a number above 1 is a
percentage (80 → 80%) and a number from 0 to 1 a fraction; text such as "80%", "80" or "0,8" reads the same
way. A blank cell sets nothing. Parsing checks everything and returns every error with its sheet row and column;
the caller saves nothing when there is any.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dvctt.common.spreadsheets import safe_row
from dvctt.common.text import fold
from dvctt.monitoring.indicators import INDICATORS, PLAN, PLATFORM_INDICATORS, Indicator

PROVINCE_CODE = "TINH"
HEADER_SCAN_ROWS = 15
IGNORED_HEADERS = {"stt", "ten don vi", "ghi chu"}


@dataclass(frozen=True, slots=True)
class UnitInfo:
    code: str
    name: str
    valid_from: date
    valid_to: date | None

    def active_in(self, year: int) -> bool:
        return self.valid_from <= date(year, 12, 31) and (
            self.valid_to is None or self.valid_to >= date(year, 1, 1)
        )


@dataclass(frozen=True, slots=True)
class SheetError:
    row: int | None
    column: str | None
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("dòng %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("cột %(column)s") % {"column": self.column})
        return f"{', '.join(where)}: {self.message}" if where else self.message


@dataclass(frozen=True, slots=True)
class SheetTarget:
    unit_code: str | None  # None: the province
    indicator: str
    value: Decimal
    row: int
    column: str


def _norm(text: Any) -> str:
    return " ".join(fold(str(text)).lower().split())


def indicator_by_header() -> dict[str, str]:
    table: dict[str, str] = {}
    for indicator in (*INDICATORS, *PLATFORM_INDICATORS):
        table[_norm(indicator.code)] = indicator.code
        table[_norm(indicator.name)] = indicator.code
    return table


def parse_value(raw: Any, *, percent_format: bool = False) -> Decimal:
    """A cell's value as a fraction; raises ``ValueError`` with a user message when unreadable."""
    is_text = isinstance(raw, str)
    if isinstance(raw, bool):
        raise ValueError(_("giá trị không phải là số"))
    if is_text:
        text = raw.strip().replace(" ", "")
        percent = text.endswith("%")
        text = text.rstrip("%").replace(",", ".")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(_("“%(value)s” không phải là số") % {"value": raw.strip()}) from None
        if percent or number > 1:
            number = number / 100
    elif isinstance(raw, int | float | Decimal):
        number = Decimal(str(raw))
        if not percent_format and number > 1:
            number = number / 100
    else:
        raise ValueError(_("giá trị không phải là số"))
    if not number.is_finite() or number < 0 or number > 1:
        raise ValueError(_("giá trị phải từ 0% đến 100%"))
    return number.quantize(Decimal("0.0001"))


def parse_targets_sheet(
    stream: IO[bytes] | bytes, *, units: Mapping[str, UnitInfo], year: int
) -> tuple[list[SheetTarget], list[SheetError]]:
    """Read the first sheet; return the targets found and every error (the targets mean nothing if any)."""
    errors: list[SheetError] = []
    try:
        workbook = load_workbook(io.BytesIO(stream) if isinstance(stream, bytes) else stream, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not xlsx
        return [], [SheetError(None, None, _("Tệp không phải là bảng tính Excel (.xlsx) đọc được."))]
    sheet = workbook.worksheets[0]
    header_row = None
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        if any(cell.value is not None and _norm(cell.value) == "ma don vi" for cell in row):
            header_row = row
            break
    if header_row is None:
        return [], [
            SheetError(None, None, _("Không tìm thấy dòng tiêu đề có cột “Mã đơn vị” trong 15 dòng đầu."))
        ]
    header_index = header_row[0].row
    by_header = indicator_by_header()
    code_column: int | None = None
    columns: dict[int, str] = {}  # column index → indicator code
    for cell in header_row:
        if cell.value is None or not str(cell.value).strip():
            continue
        key = _norm(cell.value)
        letter = get_column_letter(cell.column)
        if key == "ma don vi":
            code_column = cell.column
        elif key in IGNORED_HEADERS:
            continue
        elif key in by_header:
            code = by_header[key]
            if code in columns.values():
                errors.append(
                    SheetError(header_index, letter, _("chỉ tiêu “%(h)s” lặp lại") % {"h": cell.value})
                )
            columns[cell.column] = code
        else:
            errors.append(
                SheetError(header_index, letter, _("không có chỉ tiêu nào tên “%(h)s”") % {"h": cell.value})
            )
    if not columns and not errors:
        errors.append(SheetError(header_index, None, _("không có cột chỉ tiêu nào")))
    targets: list[SheetTarget] = []
    seen_units: dict[str, int] = {}
    assert code_column is not None
    for row in sheet.iter_rows(min_row=header_index + 1):
        cells = {cell.column: cell for cell in row if hasattr(cell, "column")}
        code_cell = cells.get(code_column)
        raw_code = "" if code_cell is None or code_cell.value is None else str(code_cell.value).strip()
        filled = [c for column, c in cells.items() if column in columns and c.value not in (None, "")]
        if not raw_code and not filled:
            continue  # a blank line, or a row of names only between groups
        row_number = row[0].row
        code_letter = get_column_letter(code_column)
        unit_code: str | None
        if not raw_code:
            errors.append(SheetError(row_number, code_letter, _("dòng có chỉ tiêu nhưng thiếu mã đơn vị")))
            continue
        if raw_code.upper() == PROVINCE_CODE:
            unit_code = None
        elif raw_code not in units:
            errors.append(
                SheetError(row_number, code_letter, _("không có đơn vị mã “%(code)s”") % {"code": raw_code})
            )
            continue
        elif not units[raw_code].active_in(year):
            errors.append(
                SheetError(
                    row_number,
                    code_letter,
                    _("đơn vị “%(code)s” (%(name)s) không hoạt động trong năm %(year)s")
                    % {"code": raw_code, "name": units[raw_code].name, "year": year},
                )
            )
            continue
        else:
            unit_code = raw_code
        key_code = unit_code or PROVINCE_CODE
        if key_code in seen_units:
            errors.append(
                SheetError(
                    row_number,
                    code_letter,
                    _("đơn vị “%(code)s” đã có ở dòng %(row)s")
                    % {"code": key_code, "row": seen_units[key_code]},
                )
            )
            continue
        seen_units[key_code] = row_number
        for cell in filled:
            letter = get_column_letter(cell.column)
            try:
                value = parse_value(cell.value, percent_format="%" in (cell.number_format or ""))
            except ValueError as exc:
                errors.append(SheetError(row_number, letter, str(exc)))
                continue
            targets.append(SheetTarget(unit_code, columns[cell.column], value, row_number, letter))
    if not targets and not errors:
        errors.append(SheetError(None, None, _("Bảng tính không có chỉ tiêu nào.")))
    return targets, errors


def plan_indicators() -> list[Indicator]:
    """The columns of the targets grid and sheet: the plan's indicators, then the platform's (which have targets
    too: monitoring.indicators.PLATFORM_INDICATORS)."""
    return [indicator for indicator in INDICATORS if indicator.group == PLAN] + list(PLATFORM_INDICATORS)


def template_workbook(
    *, year: int, units: Sequence[UnitInfo], values: Mapping[tuple[str | None, str], Decimal] | None = None
) -> bytes:
    """An example sheet: the plan's indicators as columns, a province row and one row per unit given."""
    values = values or {}
    indicators = plan_indicators()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(year)
    sheet.append([_("CHỈ TIÊU DỊCH VỤ CÔNG TRỰC TUYẾN NĂM %(year)s") % {"year": year}])
    sheet.append([_("Giá trị theo %; ô trống: không giao chỉ tiêu. Dòng mã TINH: chỉ tiêu chung của tỉnh.")])
    sheet.append([_("STT"), _("Mã đơn vị"), _("Tên đơn vị"), *[str(i.name) for i in indicators]])
    sheet["A1"].font = Font(bold=True, size=13)
    for cell in sheet[3]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rows: list[tuple[str | None, str, str]] = [(None, PROVINCE_CODE, _("Toàn tỉnh"))]
    rows += [(u.code, u.code, u.name) for u in units]
    for number, (key, code, name) in enumerate(rows, start=1):
        sheet.append(safe_row(sheet, [number, code, name, *[values.get((key, i.code)) for i in indicators]]))
        for offset in range(len(indicators)):
            sheet.cell(row=sheet.max_row, column=4 + offset).number_format = "0%"
    sheet.column_dimensions["B"].width = 18
    sheet.column_dimensions["C"].width = 48
    for offset in range(len(indicators)):
        sheet.column_dimensions[get_column_letter(4 + offset)].width = 20
    sheet.freeze_panes = "D4"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
