"""The monitors' pages in a real Chromium: axe on each, editing the grid, uploading a sheet with errors."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from dvctt.common.tests.browser import sign_in
from dvctt.plans.models import Target
from dvctt.plans.services import ParRow, par_criteria_save_year
from dvctt.plans.tests.sheets import sheet_bytes
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_monitor_pages_are_accessible_and_work(
    page: Any, live_server: Any, monitor, plan, units, tmp_path
) -> None:
    par_criteria_save_year(
        year=2025,
        rows=[
            ParRow(
                "online_processing_rate",
                Decimal(2),
                Decimal("0.5"),
                "steps",
                steps=[("0.3", "1"), ("0.5", "2")],
            )
        ],
    )
    sign_in(page, live_server, monitor)
    base = live_server.url + "/ke-hoach/"

    page.goto(base)
    assert_accessible(page, label="plan list")
    page.get_by_role("link", name="165/KH-UBND").click()
    page.wait_for_url(f"**/ke-hoach/{plan.pk}/")

    # the grid: a bad cell keeps its value and is marked, a good save lands
    page.goto(f"{base}{plan.pk}/?nam=2025")
    assert_accessible(page, label="plan detail")
    page.get_by_label("Sở Tư pháp – Tỷ lệ hồ sơ xử lý trực tuyến (%)").fill("130")
    page.get_by_label("Toàn tỉnh – Tỷ lệ hồ sơ trực tuyến (%)").fill("50")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    assert page.get_by_text("Có 1 ô không hợp lệ, chưa lưu gì.").is_visible()
    assert_accessible(page, label="plan detail with errors")
    assert page.get_by_label("Toàn tỉnh – Tỷ lệ hồ sơ trực tuyến (%)").input_value() == "50"
    page.get_by_label("Sở Tư pháp – Tỷ lệ hồ sơ xử lý trực tuyến (%)").fill("90")
    page.get_by_role("button", name="Lưu chỉ tiêu").click()
    page.wait_for_url("**?nam=2025")
    assert Target.objects.count() == 2

    # the upload with a unit that does not exist
    bad = tmp_path / "chi-tieu.xlsx"
    bad.write_bytes(sheet_bytes([["Mã đơn vị", "Tên đơn vị", "online_processing_rate"], ["NOPE", "?", 50]]))
    page.goto(f"{base}{plan.pk}/nhap-excel/")
    assert_accessible(page, label="upload")
    page.get_by_label("Năm của chỉ tiêu").select_option("2025")
    page.get_by_label("Tệp Excel (.xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Nhập chỉ tiêu").click()
    assert page.get_by_text("không có đơn vị mã “NOPE”").is_visible()
    assert_accessible(page, label="upload with errors")

    page.goto(base + "tieu-chi-cchc/?nam=2025")
    assert_accessible(page, label="PAR rules")
    page.goto(base + "diem/chi-so-766/?tu=01/01/2025&den=31/03/2025")
    assert page.get_by_role("row", name="Sở Tư pháp").count() >= 1
    assert_accessible(page, label="index scores")
    page.goto(base + "diem/cchc/?nam=2025")
    assert_accessible(page, label="PAR scores")
