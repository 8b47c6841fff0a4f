from datetime import date
from typing import Any

import pytest

from dvctt.agencies.models import UnitLevel
from dvctt.agencies.services import unit_create
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_unit_pages_are_accessible_and_the_day_picker_works(page: Any, live_server: Any) -> None:
    unit_create(code="R", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1))
    unit_create(code="N", name="Sở Tài chính", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1))
    unit_create(
        code="K",
        name="Sở Kế hoạch và Đầu tư",
        level=UnitLevel.DEPARTMENT,
        valid_from=date(2000, 1, 1),
        valid_to=date(2025, 2, 28),
        successor_code="N",
    )
    page.goto(live_server.url + "/don-vi/")
    assert_accessible(page, label="/don-vi/")
    assert page.locator(".unit-ended").get_by_text("Sở Kế hoạch và Đầu tư").count() == 1
    # when a past day is typed dd/mm/yyyy
    page.get_by_label("Đơn vị tại ngày").fill("15/02/2025")
    page.get_by_role("button", name="Xem").click()
    page.wait_for_url("**ngay=15%2F02%2F2025")
    # then the merged department is in force and nothing is listed as ended
    assert page.locator(".unit-group").get_by_text("Sở Kế hoạch và Đầu tư").count() == 1
    assert page.locator(".unit-ended").count() == 0
    page.get_by_role("link", name="Sở Kế hoạch và Đầu tư").click()
    page.wait_for_url("**/don-vi/K/")
    assert_accessible(page, label="/don-vi/K/")
    assert page.get_by_role("link", name="Sở Tài chính").count() >= 1
