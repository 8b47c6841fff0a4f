"""Task sheets: a plan's tasks read from (and written to) an Excel workbook.

Layout (as plans.sheets for targets): a title row or two, then a header row holding "Mã nhiệm vụ", then one
task per row. Columns, found by their header (case and diacritics ignored, in any order):

=========================  =====================================================================================
header                     value
=========================  =====================================================================================
Mã nhiệm vụ (required)     the task's code in the plan, e.g. ``NV-01``; a code already in the plan updates it
Nhiệm vụ (required)        what is to be done
Nội dung                   details
Đơn vị chủ trì (required)  the lead unit's code (``000.00.14.H38``) or exact name
Đơn vị phối hợp            the cooperating units' codes or names, separated by ``;`` or new lines
Ngày bắt đầu               a date cell or dd/mm/yyyy
Hạn hoàn thành (required)  a date cell or dd/mm/yyyy
Kết quả dự kiến            the expected result
=========================  =====================================================================================

Parsing checks everything and returns every error with its sheet row and column; the caller saves nothing
when there is any (steering.services.tasks_import).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from dvctt.common.spreadsheets import safe_row
from dvctt.common.text import fold
from dvctt.plans.sheets import SheetError

HEADER_SCAN_ROWS = 15
MAX_ROWS = 2000
COLUMNS: dict[str, str] = {
    "ma nhiem vu": "code",
    "nhiem vu": "title",
    "ten nhiem vu": "title",
    "noi dung": "description",
    "don vi chu tri": "lead",
    "don vi phoi hop": "cooperating",
    "ngay bat dau": "start_date",
    "han hoan thanh": "deadline",
    "thoi han": "deadline",
    "ket qua du kien": "expected_result",
    "san pham": "expected_result",
}
#: Headers read past: the export's own columns (an export reads back as an import).
IGNORED = {"stt", "ghi chu", "trang thai", "tien do (%)", "canh bao", "bao cao gan nhat"}
REQUIRED = ("code", "title", "lead", "deadline")
HEADERS = {
    "code": "Mã nhiệm vụ",
    "title": "Nhiệm vụ",
    "description": "Nội dung",
    "lead": "Đơn vị chủ trì",
    "cooperating": "Đơn vị phối hợp",
    "start_date": "Ngày bắt đầu",
    "deadline": "Hạn hoàn thành",
    "expected_result": "Kết quả dự kiến",
}
LIMITS = {"code": 32, "title": 500}


@dataclass(frozen=True, slots=True)
class SheetTask:
    row: int
    code: str
    title: str
    description: str
    lead: int  # unit id
    cooperating: tuple[int, ...]
    start_date: date | None
    deadline: date
    expected_result: str


def _norm(text: Any) -> str:
    return " ".join(fold(str(text)).lower().split())


def parse_date(raw: Any) -> date:
    """A date cell, or text dd/mm/yyyy (yyyy-mm-dd accepted); ValueError with a user message otherwise."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip()
    for fmt in ("%d/%m/%Y", "%d-%m-%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(
        _("“%(value)s” không phải là ngày (dạng ngày/tháng/năm, ví dụ 31/12/2025)") % {"value": text}
    )


def _text(raw: Any) -> str:
    if raw is None:
        return ""
    return str(raw).strip()


def parse_tasks_sheet(
    stream: IO[bytes] | bytes, *, units_by_key: Mapping[str, int]
) -> tuple[list[SheetTask], list[SheetError]]:
    """Read the first sheet. ``units_by_key`` maps a unit's code and its folded name to its id."""
    try:
        workbook = load_workbook(io.BytesIO(stream) if isinstance(stream, bytes) else stream, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not xlsx
        return [], [SheetError(None, None, _("Tệp không phải là bảng tính Excel (.xlsx) đọc được."))]
    sheet = workbook.worksheets[0]
    header = None
    for row in sheet.iter_rows(min_row=1, max_row=HEADER_SCAN_ROWS):
        if any(cell.value is not None and _norm(cell.value) == "ma nhiem vu" for cell in row):
            header = row
            break
    if header is None:
        return [], [
            SheetError(None, None, _("Không tìm thấy dòng tiêu đề có cột “Mã nhiệm vụ” trong 15 dòng đầu."))
        ]
    header_row = header[0].row
    errors: list[SheetError] = []
    columns: dict[str, int] = {}
    for cell in header:
        if cell.value is None or not str(cell.value).strip():
            continue
        key = _norm(cell.value)
        if key in IGNORED:
            continue
        name = COLUMNS.get(key)
        letter = get_column_letter(cell.column)
        if name is None:
            errors.append(
                SheetError(header_row, letter, _("không có cột nào tên “%(h)s”") % {"h": cell.value})
            )
        elif name in columns:
            errors.append(SheetError(header_row, letter, _("cột “%(h)s” lặp lại") % {"h": cell.value}))
        else:
            columns[name] = cell.column
    for name in REQUIRED:
        if name not in columns:
            errors.append(SheetError(header_row, None, _("thiếu cột “%(h)s”") % {"h": HEADERS[name]}))
    if errors:
        return [], errors
    tasks: list[SheetTask] = []
    seen: dict[str, int] = {}
    for count, row in enumerate(sheet.iter_rows(min_row=header_row + 1), start=1):
        cells = {cell.column: cell for cell in row if hasattr(cell, "column")}
        values = {name: (cells[col].value if col in cells else None) for name, col in columns.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        number = row[0].row
        if count > MAX_ROWS:
            errors.append(
                SheetError(number, None, _("quá %(n)s dòng nhiệm vụ trong một tệp") % {"n": MAX_ROWS})
            )
            break

        def fail(name: str, message: str, number: int = number) -> None:
            errors.append(SheetError(number, get_column_letter(columns[name]), message))

        row_ok = True
        text = {name: _text(values.get(name)) for name in columns}
        for name in REQUIRED:
            if not text.get(name):
                fail(name, _("thiếu %(h)s") % {"h": HEADERS[name].lower()})
                row_ok = False
        for name, limit in LIMITS.items():
            if len(text.get(name, "")) > limit:
                fail(name, _("dài quá %(n)s ký tự") % {"n": limit})
                row_ok = False
        code = text.get("code", "")
        if code:
            if code in seen:
                fail("code", _("mã “%(c)s” đã có ở dòng %(r)s") % {"c": code, "r": seen[code]})
                row_ok = False
            else:
                seen[code] = number
        lead = None
        if text.get("lead"):
            lead = units_by_key.get(text["lead"]) or units_by_key.get(_norm(text["lead"]))
            if lead is None:
                fail("lead", _("không có đơn vị “%(u)s”") % {"u": text["lead"]})
                row_ok = False
        cooperating: list[int] = []
        for part in re.split(r"[;\n]+", text.get("cooperating", "")):
            part = part.strip()
            if not part:
                continue
            unit_id = units_by_key.get(part) or units_by_key.get(_norm(part))
            if unit_id is None:
                fail("cooperating", _("không có đơn vị phối hợp “%(u)s”") % {"u": part})
                row_ok = False
            elif unit_id != lead and unit_id not in cooperating:
                cooperating.append(unit_id)
        dates: dict[str, date | None] = {"start_date": None, "deadline": None}
        for name in dates:
            raw = values.get(name)
            if name in columns and _text(raw):
                try:
                    dates[name] = parse_date(raw)
                except ValueError as exc:
                    fail(name, str(exc))
                    row_ok = False
        start, deadline = dates["start_date"], dates["deadline"]
        if start and deadline and deadline < start:
            fail(
                "deadline",
                _("hạn hoàn thành %(d)s trước ngày bắt đầu %(s)s")
                % {"d": f"{deadline:%d/%m/%Y}", "s": f"{start:%d/%m/%Y}"},
            )
            row_ok = False
        if row_ok and lead is not None and deadline is not None:
            tasks.append(
                SheetTask(
                    row=number,
                    code=code,
                    title=text["title"],
                    description=text.get("description", ""),
                    lead=lead,
                    cooperating=tuple(cooperating),
                    start_date=start,
                    deadline=deadline,
                    expected_result=text.get("expected_result", ""),
                )
            )
    if not tasks and not errors:
        errors.append(SheetError(None, None, _("Bảng tính không có nhiệm vụ nào.")))
    return tasks, errors


def tasks_workbook(*, title: str, rows: Iterable[Mapping[str, Any]], with_progress: bool = True) -> bytes:
    """The tasks as a workbook in the import's layout (an export reads back as an import), plus the state,
    progress and flag columns when ``with_progress``."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = _("Nhiệm vụ")
    sheet.append(safe_row(sheet, [title]))
    sheet["A1"].font = Font(bold=True, size=13)
    headers = ["STT", *HEADERS.values()]
    if with_progress:
        headers += [_("Trạng thái"), _("Tiến độ (%)"), _("Cảnh báo"), _("Báo cáo gần nhất")]
    sheet.append(headers)
    for cell in sheet[2]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for number, row in enumerate(rows, start=1):
        values: list[Any] = [number, *[row.get(name, "") for name in HEADERS]]
        if with_progress:
            values += [row.get("state", ""), row.get("percent", ""), row.get("flag", ""), row.get("last", "")]
        sheet.append(safe_row(sheet, values))
        for column in (7, 8):
            sheet.cell(row=sheet.max_row, column=column).number_format = "DD/MM/YYYY"
    for index, width in enumerate((6, 12, 50, 40, 30, 30, 14, 14, 40, 16, 10, 14, 18), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = "C3"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
