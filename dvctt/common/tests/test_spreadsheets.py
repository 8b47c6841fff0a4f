"""Formula injection (issue 18, defect 3): the shared cell helper and the exports that are not dossier lists
(those are tested over HTTP in dvctt/dossiers/tests/test_security.py)."""

from __future__ import annotations

import io
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from dvctt.common.spreadsheets import safe_row

INJECTIONS = ["=1+1", '=HYPERLINK("http://127.0.0.1/x","y")', "+1+1", "-1+1", "@SUM(A1)", "\tx", "\n=1"]


def _read(content: bytes, sheet: str | None = None) -> list[Any]:
    book = load_workbook(io.BytesIO(content))
    ws = book[sheet] if sheet else book.active
    return [cell for row in ws.iter_rows() for cell in row if cell.value is not None]


def _assert_text(cells: list[Any], texts: list[str]) -> None:
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    for text in texts:
        matching = [c for c in cells if c.value == text]
        assert matching, text
        assert all(c.data_type == "s" and c.quotePrefix for c in matching)


@pytest.mark.parametrize("write_only", [True, False])
def test_safe_row_keeps_text_as_text_and_numbers_as_numbers(write_only):
    book = Workbook(write_only=write_only)
    sheet = book.create_sheet("x")
    sheet.append(
        safe_row(sheet, [*INJECTIONS, "thường", 7, Decimal("2.5"), datetime(2025, 3, 3, 9), None, "a\x01b"])
    )
    out = io.BytesIO()
    book.save(out)
    cells = _read(out.getvalue(), "x")
    _assert_text(cells, INJECTIONS)
    by_value = {c.value: c for c in cells}
    assert by_value["thường"].data_type == "s" and not by_value["thường"].quotePrefix
    assert by_value[7].data_type == "n" and by_value[2.5].data_type == "n"
    assert by_value[datetime(2025, 3, 3, 9)].data_type == "d"
    assert "ab" in by_value  # a control character openpyxl refuses is dropped, not a 500


def test_score_tables_show_unit_names_as_text():
    from dvctt.plans.exports import workbook_bytes

    content = workbook_bytes(
        title="Điểm", subtitle="2025", header=["Mã", "Tên", "Tổng"], rows=[["U1", "=cmd|' /C calc'!A0", 12.5]]
    )
    cells = _read(content)
    _assert_text(cells, ["=cmd|' /C calc'!A0"])
    assert [c.value for c in cells if c.data_type == "n"] == [12.5]


def test_the_target_template_shows_unit_names_as_text():
    from dvctt.plans.sheets import UnitInfo, template_workbook

    units = [UnitInfo(code="U1", name="@SUM(1,1)", valid_from=date(2020, 1, 1), valid_to=None)]
    cells = _read(template_workbook(year=2025, units=units))
    _assert_text(cells, ["@SUM(1,1)"])


def test_the_explain_export_shows_names_as_text(rf):
    from dvctt.plans.dashboards import views
    from dvctt.plans.dashboards.periods import custom_period

    class Listing:
        columns = (("Mã hồ sơ", None), ("Họ và tên", None), ("Ngày", None), ("Số", None))
        rows = [1]

        def cells(self, rows: list[Any]) -> Any:
            yield ["H-1", '=HYPERLINK("http://x")', datetime(2025, 3, 3, 9), 3]

    class Indicator:
        name, formula, version, code = "Tỷ lệ", "a/b", 1, "rate"

    period = custom_period(date(2025, 1, 1), date(2025, 3, 31), "period")
    response = views._xlsx(Listing(), Indicator(), "mau", period, None)  # type: ignore[arg-type]
    cells = _read(response.content)
    _assert_text(cells, ['=HYPERLINK("http://x")'])
    assert 3 in [c.value for c in cells if c.data_type == "n"]
