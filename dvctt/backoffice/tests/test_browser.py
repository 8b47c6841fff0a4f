"""The back office in a real Chromium: counter intake, a full processing path, a supplement, a late dossier with
an apology before its due time, and axe on every back-office page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dvctt.common.tests.browser import sign_in
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import PDF, submission
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_checked(page: Any, url: str) -> None:
    page.goto(url)
    assert_accessible(page, label=url)


def test_counter_intake_with_a_scanned_component(
    page: Any, live_server: Any, one_stop, procedure, tmp_path
) -> None:
    procedure.components.create(name="Tờ khai đăng ký khai sinh", required=True)
    scan = tmp_path / "to-khai.pdf"
    scan.write_bytes(PDF)
    sign_in(page, live_server, one_stop)
    open_checked(page, live_server.url + reverse("backoffice:intake"))
    page.get_by_label("Thủ tục hành chính").select_option("1.001193")
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_selector("input[name=ho_ten]")
    assert_accessible(page, label="intake form")
    page.get_by_label("Trực tiếp tại bộ phận một cửa").check()
    page.get_by_label("Họ tên chủ hồ sơ (hoặc tên tổ chức)").fill("Hoàng Văn Nam")
    page.get_by_label("Số định danh cá nhân / mã số thuế").fill("020190005678")
    page.get_by_label("Họ tên trẻ").fill("Hoàng Thị Mai")
    page.get_by_label("Ngày sinh").fill("02/02/2025")
    page.get_by_label("Tờ khai đăng ký khai sinh").set_input_files(str(scan))
    page.get_by_role("button", name="Ghi nhận hồ sơ").click()
    page.wait_for_selector("#done")
    dossier = Dossier.objects.get()
    assert dossier.status == Status.RECEIVED and dossier.files.count() == 1
    receipt = page.locator("#done a[data-slip=receipt]")
    assert receipt.get_attribute("href") == f"/api/v1/dossiers/{dossier.code}/slips/receipt.pdf"
    assert_accessible(page, label="dossier page after intake")


def _act(page: Any, live_server: Any, dossier: Dossier, label: str) -> None:
    page.goto(live_server.url + reverse("backoffice:dossier", args=[dossier.code]))
    page.locator(".bo-actions").get_by_role("link", name=label).click()
    page.wait_for_selector("form.form")
    assert_accessible(page, label=f"action {label}")


def test_full_processing_path(page: Any, live_server: Any, one_stop, specialist, submitted, tmp_path) -> None:
    result = tmp_path / "giay-khai-sinh.pdf"
    result.write_bytes(PDF)
    # the one-stop officer receives the online dossier and forwards it to the specialist
    sign_in(page, live_server, one_stop)
    open_checked(page, live_server.url + reverse("backoffice:home"))
    page.get_by_role("link", name=submitted.code).click()
    page.wait_for_selector("h1.bo-title")
    assert_accessible(page, label="dossier page")
    _act(page, live_server, submitted, "Tiếp nhận hồ sơ")
    page.get_by_role("button", name="Xác nhận: Tiếp nhận hồ sơ").click()
    page.wait_for_selector("#done a[data-slip=receipt]")
    _act(page, live_server, submitted, "Chuyển xử lý")
    page.get_by_label("Chuyển cho cán bộ").select_option(label="Chuyenvien (Chuyên viên xử lý)")
    page.get_by_role("button", name="Xác nhận: Chuyển xử lý").click()
    page.wait_for_selector("#done")
    # the specialist approves with a result file
    sign_in(page, live_server, specialist)
    open_checked(page, live_server.url + reverse("backoffice:home") + "?cua_toi=on")
    assert page.get_by_role("link", name=submitted.code).count() == 1
    _act(page, live_server, submitted, "Phê duyệt kết quả")
    page.get_by_label("Tên giấy tờ kết quả").fill("Giấy khai sinh")
    page.get_by_label("Tệp kết quả (bản điện tử)").set_input_files(str(result))
    page.get_by_role("button", name="Xác nhận: Phê duyệt kết quả").click()
    page.wait_for_selector("#done")
    # the one-stop officer hands the result over
    sign_in(page, live_server, one_stop)
    _act(page, live_server, submitted, "Trả kết quả")
    page.get_by_label("Hình thức trả kết quả").select_option("counter")
    page.get_by_role("button", name="Xác nhận: Trả kết quả").click()
    page.wait_for_selector("#done")
    dossier = Dossier.objects.get(pk=submitted.pk)
    assert dossier.status == Status.RETURNED and dossier.has_e_result
    assert page.locator("a[data-slip=control]").count() >= 1


def test_supplement_request(page: Any, live_server: Any, specialist, processing) -> None:
    sign_in(page, live_server, specialist)
    _act(page, live_server, processing, "Yêu cầu bổ sung hồ sơ")
    page.get_by_label("Nội dung yêu cầu bổ sung, hoàn thiện").fill("Bản sao giấy chứng sinh")
    page.get_by_role("button", name="Xác nhận: Yêu cầu bổ sung hồ sơ").click()
    page.wait_for_selector("#done a[data-slip=supplement]")
    assert Dossier.objects.get(pk=processing.pk).status == Status.SUPPLEMENT_REQUESTED
    assert_accessible(page, label="after supplement")


def _nearly_late(procedure, unit, citizen, one_stop, specialist) -> Dossier:
    """A dossier received so that its appointment falls within the next working day."""
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar
    from dvctt.dossiers.selectors_inbox import due_soon_limit

    now = timezone.now()
    soon = due_soon_limit(now=now)
    calendar = working_calendar()
    for hours in range(1, 24 * 10):
        at = now - timedelta(hours=hours)
        due = deadlines.due_time(at, 3, "ngay_lam_viec", calendar)
        if now + timedelta(minutes=30) < due <= soon:
            break
    else:  # pragma: no cover - the calendar always has such a moment
        pytest.fail("no receipt moment gives a due time within a working day")
    dossier = services.dossier_submit(
        actor=citizen, submission=submission(unit), at=at - timedelta(minutes=5)
    )
    services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=at)
    return services.dossier_forward(dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=at)


def test_nearly_late_dossier_gets_an_apology_before_due(
    page: Any, live_server: Any, procedure, unit, citizen, one_stop, specialist, leader
) -> None:
    dossier = _nearly_late(procedure, unit, citizen, one_stop, specialist)
    sign_in(page, live_server, leader)
    # the leader sees it as due soon on the watch page and in the inbox's colour tab
    open_checked(page, live_server.url + reverse("backoffice:leader"))
    assert page.locator("tr.due-soon").get_by_role("link", name=dossier.code).count() == 1
    open_checked(page, live_server.url + reverse("backoffice:home") + "?han=soon")
    assert page.get_by_role("link", name=dossier.code).count() == 1
    _act(page, live_server, dossier, "Xin lỗi và hẹn lại ngày trả kết quả")
    new_due = timezone.localtime(dossier.due_at) + timedelta(days=5)
    page.get_by_label("Ngày hẹn trả mới").fill(new_due.strftime("%d/%m/%Y %H:%M"))
    page.get_by_label("Lý do chậm trả kết quả").fill("Cần xác minh thông tin với đơn vị khác")
    page.get_by_role("button", name="Xác nhận: Xin lỗi và hẹn lại ngày trả kết quả").click()
    page.wait_for_selector("#done a[data-slip=apology]")
    dossier.refresh_from_db()
    assert dossier.extensions.count() == 1 and dossier.due_at > dossier.first_due_at


def test_other_back_office_pages_are_accessible(
    page: Any, live_server: Any, one_stop, leader, received
) -> None:
    sign_in(page, live_server, one_stop)
    open_checked(page, live_server.url + reverse("backoffice:search") + f"?q={received.code}")
    assert page.get_by_role("link", name=received.code).count() == 1
    open_checked(
        page, live_server.url + reverse("backoffice:exports") + "?tu_ngay=01/03/2025&den_ngay=31/03/2025"
    )
    open_checked(page, live_server.url + reverse("backoffice:home") + "?trang_thai=99")  # the 400 page too
    sign_in(page, live_server, leader)
    open_checked(page, live_server.url + reverse("backoffice:leader"))
    # a stale form: the same action open in two tabs; the first one applies, the second meets the conflict
    url = live_server.url + reverse("backoffice:dossier_action", args=[received.code, "request_supplement"])
    second = page.context.new_page()
    page.goto(url)
    second.goto(url)
    page.get_by_label("Nội dung yêu cầu bổ sung, hoàn thiện").fill("Bản sao")
    page.get_by_role("button", name="Xác nhận: Yêu cầu bổ sung hồ sơ").click()
    page.wait_for_selector("#done")
    second.get_by_label("Nội dung yêu cầu bổ sung, hoàn thiện").fill("Bản sao")
    second.get_by_role("button", name="Xác nhận: Yêu cầu bổ sung hồ sơ").click()
    second.wait_for_selector("#conflict")
    assert "Yêu cầu bổ sung" in second.locator("#conflict").inner_text()
    assert_accessible(second, label="conflict page")
