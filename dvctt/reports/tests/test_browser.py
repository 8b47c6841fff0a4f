"""The report page in a real Chromium: the figures on screen are the engine's, the chooser changes the period,
and the page is accessible."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dvctt.accounts.models import Role, User
from dvctt.common.tests.browser import sign_in as _sign_in
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.portal.tests.a11y import assert_accessible
from dvctt.reports.figures import COLUMNS
from dvctt.reports.selectors import report_compute
from dvctt.reports.tests.helpers import load_with_fields
from dvctt.reports.windows import NATIONAL, QUARTER, window

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _table(page: Any) -> dict[str, list[int]]:
    return page.eval_on_selector_all(
        "table.report-table tr[data-key]",
        """rows => Object.fromEntries(rows.map(r => [r.dataset.key,
            [...r.querySelectorAll('td.num')].slice(-11).map(td => Number(td.textContent))]))""",
    )


def test_the_page_shows_the_engine_figures_for_the_chosen_window(page: Any, live_server: Any) -> None:
    # given the sample and a monitor
    load_with_fields(read_folder(sample_dir() / "interchange").data)
    _sign_in(
        page, live_server, User.objects.create_user(username="m", password="x-Pass-12345", role=Role.MONITOR)
    )
    # when they open the report page and choose form 07a, the national third quarter of 2025
    page.goto(live_server.url + "/theo-doi/bao-cao/")
    page.select_option("#rp-bieu", "07a")
    page.select_option("#rp-cach", NATIONAL)
    page.select_option("#rp-ky", QUARTER)
    page.fill("#rp-nam", "2025")
    page.select_option("#rp-so", "3")
    page.get_by_role("button", name="Xem báo cáo").click()
    page.wait_for_url("**bieu=07a**")
    # then the table holds the engine's figures of 15/06/2025 – 14/09/2025, row by row and in total
    quarter = window(regime=NATIONAL, kind=QUARTER, year=2025, number=3)
    assert (quarter.date_from, quarter.date_to) == (date(2025, 6, 15), date(2025, 9, 14))
    expected = report_compute(form="07a", date_from=quarter.date_from, date_to=quarter.date_to)
    shown = _table(page)
    assert shown.pop("total") == [expected["province"][c] for c in COLUMNS]
    assert shown == {key: [row[c] for c in COLUMNS] for key, row in expected["rows"].items()}
    assert page.get_by_text("Quý III năm 2025 (kỳ báo cáo quốc gia)").first.is_visible()
    assert page.get_by_text("15/06/2025 – 14/09/2025").first.is_visible()
    # and the page has its download links and no serious accessibility fault
    assert page.get_by_role("link", name="Tải XLSX").is_visible()
    assert page.get_by_role("link", name="Tải PDF (A4 ngang)").is_visible()
    assert_accessible(page, label="report page")
