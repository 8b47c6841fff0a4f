"""In a real Chromium: an agency's officer files a difficulty, the department answers it, the officer reads the
answer (and its e-mail); the pages pass the accessibility check."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from dvctt.common.tests.browser import sign_in as _sign_in
from dvctt.portal.tests.a11y import assert_accessible
from dvctt.steering.models import Difficulty

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_filing_a_difficulty_and_the_department_answering_it(
    page: Any, live_server: Any, people: Any, units: Any, settings: Any
) -> None:
    settings.DVCTT_NOTIFICATION_CHANNELS = ["email"]
    officer, monitor = people["just_officer"], people["monitor"]
    # given Justice's one-stop officer on the register
    _sign_in(page, live_server, officer)
    page.goto(live_server.url + "/theo-doi/kho-khan/")
    page.get_by_role("link", name="Gửi khó khăn, đề xuất").click()
    # when they file a difficulty about a connection
    page.select_option("#id_category", "connection")
    page.fill("#id_subject", "Mất kết nối đồng bộ hồ sơ lên Cổng DVCQG")
    page.fill("#id_content", "Hồ sơ không đồng bộ được trạng thái từ sáng nay.")
    assert_accessible(page, label="difficulty form")
    page.get_by_role("button", name="Gửi", exact=True).click()
    page.wait_for_url("**/theo-doi/kho-khan/*/")
    item = Difficulty.objects.get()
    assert page.locator(".difficulty-state").inner_text() == "Mới gửi"
    # then the department sees it in the open list with its age, and answers it
    _sign_in(page, live_server, monitor)
    page.goto(live_server.url + "/theo-doi/kho-khan/?tt=mo")
    row = page.locator(f'tr[data-id="{item.pk}"]')
    assert row.locator(".age").inner_text() == "0"
    assert_accessible(page, label="difficulty list")
    row.get_by_role("link").click()
    page.fill("#answer-text", "Đã khởi động lại dịch vụ đồng bộ; đề nghị đơn vị kiểm tra lại.")
    mail.outbox.clear()
    page.get_by_role("button", name="Trả lời").click()
    page.wait_for_selector(".difficulty-answer")
    assert page.locator(".difficulty-state").inner_text() == "Đã trả lời"
    # and the officer reads the answer, was told by e-mail, and closes it
    _sign_in(page, live_server, officer)
    page.goto(live_server.url + f"/theo-doi/kho-khan/{item.pk}/")
    assert "Đã khởi động lại dịch vụ đồng bộ" in page.locator(".difficulty-answer").inner_text()
    assert [m.to for m in mail.outbox] == [["motcua.stp@langson.gov.vn"]]
    assert_accessible(page, label="difficulty detail")
    page.get_by_role("button", name="Đóng").click()
    page.wait_for_selector('.difficulty-state[data-state="closed"]')
    item.refresh_from_db()
    assert item.state == "closed"
    assert list(item.events.values_list("action", flat=True)) == ["file", "answer", "close"]
