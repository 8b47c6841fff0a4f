"""In a real Chromium: an agency's officer records a communication activity, the department filters the register
and exports it, then writes and publishes a good practice whose figures before and after are the engine's."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.tests.browser import sign_in as _sign_in
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.outreach import selectors
from dvctt.outreach.models import CommunicationActivity, GoodPractice
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_recording_filtering_exporting_and_publishing(page: Any, live_server: Any, tmp_path: Any) -> None:
    # given the sample's dossiers, an officer of a unit with figures in Q2 and Q3 2025, and a monitor
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()
    q2 = kpi_compute(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30))["units"]
    q3 = kpi_compute(date_from=date(2025, 7, 1), date_to=date(2025, 9, 30))["units"]
    code = next(
        c
        for c in sorted(q3)
        if c in q2
        and q2[c]["online_dossier_rate"]["denominator"]
        and q3[c]["online_dossier_rate"]["denominator"]
    )
    unit = Unit.objects.get(code=code)
    officer = User.objects.create_user(
        username="motcua", password="x-Pass-12345", role=Role.ONE_STOP_OFFICER, unit=unit
    )
    monitor = User.objects.create_user(username="giamsat", password="x-Pass-12345", role=Role.MONITOR)
    today = timezone.localdate()

    # when the officer records a meeting at a village
    _sign_in(page, live_server, officer)
    page.goto(live_server.url + "/theo-doi/truyen-thong/")
    page.get_by_role("link", name="Ghi hoạt động").click()
    page.fill("#id_date", f"{today:%d/%m/%Y}")
    page.select_option("#id_channel", "meeting")
    page.fill("#id_title", "Họp dân thôn Nà Lầu: nộp hồ sơ trực tuyến")
    page.select_option("#id_audience", "citizens")
    page.fill("#id_reach", "-4")
    page.fill("#id_links", "https://langson.gov.vn/tin-tuc/hop-dan")
    assert_accessible(page, label="activity form")
    page.get_by_role("button", name="Lưu").click()
    # then a negative reach is refused in Vietnamese, and a right one is recorded
    assert "Không được âm." in page.locator(".has-error").inner_text()
    page.fill("#id_reach", "85")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url("**/theo-doi/truyen-thong/*/")
    activity = CommunicationActivity.objects.get()
    assert page.locator(".reach").inner_text() == "85"

    # when the monitor filters the register without diacritics and exports it
    _sign_in(page, live_server, monitor)
    page.goto(live_server.url + "/theo-doi/truyen-thong/")
    page.fill("#f-q", "hop dan na lau")
    page.select_option("#f-kenh", "meeting")
    page.get_by_role("button", name="Lọc").click()
    page.wait_for_url("**q=hop+dan+na+lau**")
    assert page.locator("tbody tr").count() == 1
    assert page.locator(f'tr[data-id="{activity.pk}"]').is_visible()
    assert_accessible(page, label="activity list")
    with page.expect_download() as download:
        page.locator("a.export-xlsx").click()
    path = tmp_path / "export.xlsx"
    download.value.save_as(path)
    rows = list(load_workbook(path).active.iter_rows(min_row=3, values_only=True))
    assert [(r[5], r[7], r[1].date()) for r in rows] == [
        ("Họp dân thôn Nà Lầu: nộp hồ sơ trực tuyến", 85, today)
    ]

    # when the monitor writes a good practice of that unit comparing Q2 and Q3 2025, and publishes it
    page.goto(live_server.url + "/theo-doi/")
    page.get_by_role("link", name="Cách làm hay giữa các cơ quan, đơn vị: số liệu trước và sau").click()
    page.get_by_role("link", name="Viết cách làm hay").click()
    page.select_option("#id_unit", str(unit.pk))
    page.fill("#id_title", "Một cán bộ, một thôn")
    page.fill("#id_what", "Cán bộ một cửa về thôn hướng dẫn nộp hồ sơ trực tuyến.")
    page.fill("#id_before_from", "01/04/2025")
    page.fill("#id_before_to", "30/06/2025")
    page.fill("#id_after_from", "01/07/2025")
    page.fill("#id_after_to", "30/09/2025")
    page.check("input[name=indicators][value=online_dossier_rate]")
    page.check("input[name=indicators][value=on_time_rate]")
    assert_accessible(page, label="practice form")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url("**/theo-doi/cach-lam-hay/*/")
    page.get_by_role("button", name="Công bố").click()
    page.wait_for_selector('.practice-state[data-state="published"]')
    practice = GoodPractice.objects.get()
    # then the page shows the engine's figures before and after, as the officer also reads them
    figures = selectors.practice_figures(practice=practice, today=today)
    _sign_in(page, live_server, officer)
    page.goto(live_server.url + f"/theo-doi/cach-lam-hay/{practice.pk}/")
    for row in figures.rows:
        line = page.locator(f'tr[data-indicator="{row.indicator.code}"]')
        assert line.locator(".before").inner_text() == row.before.value_text
        assert line.locator(".after").inner_text() == row.after.value_text
        assert line.locator(".change").inner_text() == row.change_text
    assert_accessible(page, label="practice page")
