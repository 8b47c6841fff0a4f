"""The public statistics page in a real Chromium on a 360 px phone, over the real engine and the sample's data:
each agency is a readable card, nothing scrolls sideways, the charts fit, and axe finds nothing serious."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.VAR_DIR) / "screenshots"


def test_statistics_page_on_a_360_px_phone(page: Any, live_server: Any) -> None:
    # given the sample's dossiers with their rollups, and nobody signed in
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()
    page.set_viewport_size({"width": 360, "height": 780})

    # when the page of 2025, sorted by dossiers received, is opened
    # (the first view computes the figures: on a loaded test machine that may take longer than a click)
    page.goto(live_server.url + "/thong-ke/?ky=nam&nam=2025&sx=hoso&chieu=giam", timeout=120_000)
    page.wait_for_selector("table.stats-table tbody tr")

    # then nothing scrolls sideways and the charts fit the screen
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for box in page.locator("svg.chart").evaluate_all("els => els.map(e => e.getBoundingClientRect().right)"):
        assert box <= 360
    # and each agency is a card: the column headers are hidden, every figure carries its label beside it
    assert page.locator("table.stats-table thead").evaluate("e => e.getBoundingClientRect().height") <= 1
    first = page.locator("table.stats-table tbody tr").first
    assert first.evaluate("e => getComputedStyle(e).display") == "block"
    cell = first.locator("td").first
    label = cell.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Hồ sơ tiếp nhận" in label
    text_size = cell.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")
    assert text_size >= 14
    # and the busiest agency comes first, its count as shown in Vietnamese (thousands with a dot)
    counts = page.locator("table.stats-table tbody td:nth-of-type(1)").all_inner_texts()
    numbers = [int(c.replace(".", "")) for c in counts]
    assert numbers == sorted(numbers, reverse=True) and numbers[0] > 0
    assert page.locator("#tk-total-received").inner_text().replace(".", "").isdigit()
    assert_accessible(page, label="thong-ke (360 px)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "public-statistics-360.png"), full_page=True)
    page.locator("table.stats-table").screenshot(path=str(SCREENSHOTS / "public-statistics-360-table.png"))
