"""On a 360 px phone, "my dossiers" and the tracking page read as cards: no column cut off, nothing to scroll
sideways, each value beside its column's name."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.common.tests.browser import sign_in_with_the_form
from dvctt.dossiers import services
from dvctt.dossiers.tests.conftest import submission

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_my_dossiers_and_tracking_are_cards_on_a_phone(
    page: Any, live_server: Any, procedure: Any, unit: Any, citizen: Any, one_stop: Any
) -> None:
    dossiers = [
        services.dossier_submit(actor=citizen, submission=submission(unit, client_key=f"k{i}"))
        for i in range(3)
    ]
    services.dossier_receive(dossier_id=dossiers[0].pk, actor=one_stop)
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + reverse("accounts:login") + "?next=" + reverse("portal:my_dossiers"))
    sign_in_with_the_form(page, citizen.username, "x-Pass-1234")
    assert page.url.endswith(reverse("portal:my_dossiers"))
    _no_sideways_scroll(page)
    rows = page.locator("table.stack tbody tr")
    assert rows.count() == 3
    box = rows.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    # the header row is hidden; each cell says what it is
    assert (
        not page.locator("table.stack thead").first.is_visible()
        or page.locator("table.stack thead").first.bounding_box()["height"] <= 1
    )
    label = page.evaluate(
        "getComputedStyle(document.querySelector('table.stack tbody td'), '::before').content"
    )
    assert "Mã hồ sơ" in label
    # tracking the received one, its history as cards too
    page.goto(live_server.url + reverse("portal:dossier_lookup") + f"?ma={dossiers[0].code}")
    _no_sideways_scroll(page)
    assert page.locator("table.history.stack tbody tr").count() >= 2
    assert page.locator("text=Tiếp nhận hồ sơ").first.is_visible()
