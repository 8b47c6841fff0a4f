"""The catalogue review page in a real Chromium: an administrator accepts a national change, rejects another."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from dvctt.catalog.selectors import procedure_version_at
from dvctt.integrations.national_portal.catalogue_review import catalogue_pull
from dvctt.integrations.national_portal.models import CatalogueChange, ChangeState
from dvctt.integrations.national_portal.tests.test_catalogue import (  # noqa: F401 - fixtures
    adapter_catalogue,
    administrator,
    local_catalogue,
)
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, live_server: Any, user: Any) -> None:
    client = Client()
    client.force_login(user)
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_administrator_accepts_a_national_change_from_a_chosen_day(
    page: Any,
    live_server: Any,
    adapter_catalogue: Any,  # noqa: F811 - the imported fixture
    local_catalogue: Any,  # noqa: F811
    administrator: Any,  # noqa: F811
) -> None:
    # given a pull that found the national procedure renamed
    catalogue_pull()
    name = CatalogueChange.objects.get(national_code="1.001193", kind="name")
    basis = CatalogueChange.objects.get(national_code="1.001193", kind="legal_basis")
    _sign_in(page, live_server, administrator)
    page.goto(f"{live_server.url}/dvcqg/danh-muc/")
    row = page.locator(f"tr[data-change='{name.pk}']")
    assert "Đăng ký khai sinh" in row.locator("td.old").inner_text()
    assert "Thủ tục đăng ký khai sinh" in row.locator("td.new").inner_text()
    assert_accessible(page, context="#changes", label="catalogue review")
    # when the administrator accepts it from a day of their choice
    day = timezone.localdate() + timedelta(days=5)
    row.get_by_label("Áp dụng từ ngày").fill(day.isoformat())
    row.get_by_role("button", name="Chấp nhận").click()
    page.wait_for_selector(".alert")
    # then the page says so, the row leaves the pending list, and the catalogue has a new version from that day
    assert "Đã chấp nhận: 1.001193" in page.locator(".alert").inner_text()
    assert page.locator(f"tr[data-change='{name.pk}']").count() == 0
    assert procedure_version_at(code="1.001193", on=day).name == "Thủ tục đăng ký khai sinh"
    assert procedure_version_at(code="1.001193", on=day - timedelta(days=1)).name == "Đăng ký khai sinh"
    # and rejecting another needs a reason, which is kept
    other = page.locator(f"tr[data-change='{basis.pk}']")
    other.get_by_label("Lý do từ chối").fill("Đã cập nhật theo quyết định công bố của tỉnh")
    other.get_by_role("button", name="Từ chối").click()
    page.wait_for_selector(".alert")
    assert "Đã từ chối" in page.locator(".alert").inner_text()
    basis.refresh_from_db()
    assert basis.state == ChangeState.REJECTED and basis.decided_by == administrator
    # the decided list shows who decided and when it applies
    page.goto(f"{live_server.url}/dvcqg/danh-muc/?trang_thai=accepted")
    decided = page.locator(f"tr[data-change='{name.pk}']").inner_text()
    assert "quantri" in decided and day.strftime("%d/%m/%Y") in decided
