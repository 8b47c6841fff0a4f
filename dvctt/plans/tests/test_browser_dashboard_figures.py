"""Issue 17 on the dashboards, in a real Chromium: a figure with no target says so (not "no data"), the header names
the plan and the year its targets come from, numbers carry Vietnamese decimal commas (tables and charts) and index
scores at most two decimals, and the overview and the ranking download as XLSX."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from dvctt.accounts.models import Role, User
from dvctt.common.tests.browser import sign_in
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.plans.models import Plan, Target
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

#: A number written with a decimal point (English) where a Vietnamese page needs a comma: "53.2 %", "0.75".
DECIMAL_POINT = re.compile(r"(?<![\d.])\d{1,3}\.\d{1,2}(?![\d.])")


def _download(page: Any, link: Any) -> bytes:
    with page.expect_download() as download:
        link.click()
    return Path(download.value.path()).read_bytes()


def test_no_target_plan_header_decimal_commas_and_xlsx_exports(page: Any, live_server: Any) -> None:
    # given the sample's dossiers, and a plan with a target for one indicator only in 2025
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()
    plan = Plan.objects.create(
        name="Kế hoạch chuyển đổi số",
        decision_number="165/KH-UBND",
        decision_date=date(2023, 8, 2),
        start_year=2023,
        end_year=2025,
    )
    Target.objects.create(plan=plan, indicator="online_dossier_rate", year=2025, value="0.5")
    monitor = User.objects.create_user(username="monitor", password="x-Pass-12345", role=Role.MONITOR)
    sign_in(page, live_server, monitor)
    page.goto(live_server.url + "/theo-doi/?ky=nam&nam=2025")
    assert_accessible(page, label="overview")
    main = page.inner_text("main")
    # the header names the plan and the year
    assert "Chỉ tiêu theo kế hoạch 165/KH-UBND, năm 2025." in main
    # the headline figure is the period's, the chart and its table the months'
    assert "Số lớn trên mỗi thẻ: cả kỳ 01/01/2025–31/12/2025; biểu đồ và bảng bên dưới: từng tháng" in main
    # a figure with a value and no target: "no target", never "no data"
    rows = page.locator("table.summary tbody tr")
    statuses = {
        row.locator("th").inner_text().strip(): (
            row.locator("td").nth(0).inner_text(),
            row.locator("td").nth(2).inner_text(),
        )
        for row in rows.all()
    }
    with_target = [name for name, (_, target) in statuses.items() if target.strip() == "50,0 %"]
    assert len(with_target) == 1, statuses
    no_target = [name for name, (value, target) in statuses.items() if target.strip() == "Không có chỉ tiêu"]
    assert no_target, statuses
    for name in no_target:
        row_text = rows.filter(has_text=name).first.inner_text()
        assert "Chưa có số liệu" not in row_text or statuses[name][0].strip() in ("–", ""), row_text
    # Vietnamese decimal commas in the tables and in the charts' text
    table_text = page.locator("table.summary").inner_text() + page.locator("table.trend").first.inner_text()
    assert re.search(r"\d,\d", table_text)
    assert DECIMAL_POINT.findall(table_text) == []
    chart_text = " ".join(
        page.eval_on_selector_all("svg.chart text, svg.chart title", "els => els.map(e => e.textContent)")
    )
    assert re.search(r"\d,\d", chart_text), chart_text
    assert DECIMAL_POINT.findall(chart_text) == [], chart_text
    # the overview exports to XLSX
    book = load_workbook(
        io.BytesIO(_download(page, page.get_by_role("link", name="Tải số liệu toàn tỉnh (XLSX)")))
    )
    cells = [str(c) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    assert any("Tỷ lệ hồ sơ trực tuyến" in c or "trực tuyến" in c for c in cells)
    # the ranking: index scores with at most two decimals, commas, and its own XLSX
    page.goto(live_server.url + "/theo-doi/xep-hang/?ky=nam&nam=2025")
    assert_accessible(page, label="ranking")
    ranking = page.locator("main table").first.inner_text()
    scores = re.findall(r"\d+,\d+", ranking)
    assert scores and all(len(s.split(",")[1]) <= 2 for s in scores), scores
    assert DECIMAL_POINT.findall(ranking) == []
    data = _download(page, page.get_by_role("link", name="Tải bảng xếp hạng (XLSX)"))
    assert data[:2] == b"PK" and load_workbook(io.BytesIO(data)).worksheets
