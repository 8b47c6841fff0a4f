"""The dashboards in a real Chromium, on a phone (375 px) and a desktop: axe finds nothing serious or critical,
the charts fit the screen, and print keeps the charts while dropping the controls."""

from __future__ import annotations

from typing import Any

import pytest

from dvctt.accounts.models import Official, Role, User
from dvctt.common.tests.browser import sign_in
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

VIEWPORTS = {"phone": {"width": 375, "height": 812}, "desktop": {"width": 1280, "height": 900}}


def test_dashboards_are_accessible_on_phone_and_desktop(page: Any, live_server: Any) -> None:
    # given the sample and a monitor
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()
    monitor = User.objects.create_user(username="monitor", password="x-Pass-12345", role=Role.MONITOR)
    unit_code = Official.objects.values_list("unit__code", flat=True).order_by("unit__code").first()
    sign_in(page, live_server, monitor)
    base = live_server.url + "/theo-doi/"
    year = "?ky=nam&nam=2025"
    pages = {
        "overview": base + year,
        "ranking": base + "xep-hang/" + year,
        "unit": f"{base}don-vi/{unit_code}/{year}",
        "explain": f"{base}giai-thich/online_dossier_rate/tu/{year}",
        "bad period": base + "?ky=tuychon&tu=05/03/2025&den=01/01/2025",
    }
    for device, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        for name, url in pages.items():
            # when each page is opened
            page.goto(url)
            # then axe finds no serious or critical violation
            assert_accessible(page, label=f"{name} ({device})")
            # and nothing but wide tables (which scroll in their own box) is wider than the screen
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{name} ({device}) is {overflow}px wider than the screen"

    # the overview's charts fit the phone and carry a text alternative
    page.set_viewport_size(VIEWPORTS["phone"])
    page.goto(pages["overview"])
    widths = page.eval_on_selector_all("svg.chart", "els => els.map(e => e.getBoundingClientRect().width)")
    assert widths and max(widths) <= 375
    assert page.locator("svg.chart title").count() == page.locator("svg.chart").count()
    # printed, the picker is gone and the charts stay
    page.emulate_media(media="print")
    assert not page.locator("form.period-picker").is_visible()
    assert page.locator("svg.chart").first.is_visible()
    # a number opens its explanation
    page.emulate_media(media="screen")
    page.locator("table.summary a[title='Giải thích tử số']").first.click()
    page.wait_for_url("**/giai-thich/**")
    assert page.get_by_text("Phiên bản công thức").is_visible()
