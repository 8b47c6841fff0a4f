"""The whole citizen path in Chromium: search → apply with an upload (a dropped connection retried) → pay in the
sandbox → officer receives (service) → supplement requested (service) → answered in the browser → result
approved (service) → download → rating; axe on every page the portal adds."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dvctt.common.tests.browser import sign_in_with_the_form
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import PaymentChannel, Status
from dvctt.dossiers.tests.conftest import PDF
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, username: str) -> None:
    sign_in_with_the_form(page, username, "x-Pass-1234")


def test_search_apply_pay_supplement_result_rate(
    page: Any,
    live_server: Any,
    online_procedure: Any,
    citizen: Any,
    one_stop: Any,
    specialist: Any,
    leader: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(PDF)
    base = live_server.url
    # the gateway returns to, and notifies, the platform's public address: here, the test server
    settings.PUBLIC_BASE_URL = base

    # Search from the home page and open the procedure
    page.goto(base + "/")
    page.fill("#home-q", "dang ky khai sinh")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    with page.expect_navigation():
        page.click("a:has-text('Đăng ký khai sinh')")
    assert_accessible(page, label="procedure page")

    # Apply: sign in first, then land on the draft's first step
    with page.expect_navigation():
        page.click("text=Nộp hồ sơ trực tuyến")
    assert_accessible(page, label="login")
    _sign_in(page, "congdan")
    assert "/thong-tin/" in page.url
    assert page.input_value("#id_national_id") == "020199001234"  # prefilled from the account
    assert_accessible(page, label="draft details")

    # A bad submission: errors beside the fields, input kept
    page.fill("#ef-ngay_sinh", "31/02/2025")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert page.inner_text("#ef-ngay_sinh-error") == "Ngày sinh: ngày không hợp lệ (dd/mm/yyyy)."
    assert page.input_value("#ef-ngay_sinh") == "31/02/2025"
    assert_accessible(page, label="draft details with errors")

    page.fill("#id_phone", "0912345678")
    page.fill("#ef-ho_ten_tre", "Nguyễn Văn Bình")
    page.fill("#ef-ngay_sinh", "01/02/2025")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/giay-to/" in page.url
    assert_accessible(page, label="draft files")

    # The browser refuses a wrong type before sending anything
    bad = tmp_path / "ghi-chu.txt"
    bad.write_text("x")
    page.set_input_files("#id_component-2", str(bad))
    page.wait_for_selector("#id_component-2-error li")
    assert "không đúng định dạng" in page.inner_text("#id_component-2-error")

    # The connection drops during the first upload: "Thử lại" sends it again, the draft is intact
    dropped = {"n": 0}

    def flaky(route: Any) -> None:
        if route.request.method == "POST" and dropped["n"] == 0:
            dropped["n"] += 1
            route.abort("connectionreset")
        else:
            route.continue_()

    page.route(re.compile(r".*/giay-to/$"), flaky)
    page.set_input_files("#id_component-1", str(pdf))
    page.click(".upload-row button:has-text('Thử lại')")
    page.wait_for_selector(".file-list li:has-text('to-khai.pdf')")
    page.unroute(re.compile(r".*/giay-to/$"))
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/xem-lai/" in page.url
    assert "8.000" in page.inner_text("main")
    assert_accessible(page, label="review")

    with page.expect_navigation():
        page.click("main button:has-text('Nộp hồ sơ')")
    assert_accessible(page, label="confirmation")
    dossier = Dossier.objects.get()
    assert dossier.code in page.inner_text(".dossier-code")

    # Pay in the sandbox gateway
    with page.expect_navigation():
        page.click("text=Thanh toán trực tuyến")
    assert "/sandbox-gateway/pay/" in page.url
    assert_accessible(page, label="sandbox gateway")
    with page.expect_navigation():
        page.click("text=Xác nhận thanh toán")
    assert "Đã thanh toán 8.000 đồng" in page.inner_text("main")
    assert_accessible(page, label="payment return")
    dossier.refresh_from_db()
    assert dossier.paid_online == PaymentChannel.PROVINCIAL_GATEWAY

    # The officers receive it and ask for a supplement (service calls)
    services.dossier_receive(dossier_id=dossier.pk, actor=one_stop)
    services.dossier_forward(dossier_id=dossier.pk, actor=one_stop, assignee=specialist)
    services.dossier_request_supplement(
        dossier_id=dossier.pk, actor=specialist, content="Bổ sung giấy chứng sinh"
    )

    # The applicant answers in the browser
    page.goto(f"{base}{reverse('portal:dossier_lookup')}?ma={dossier.code}")
    assert "Bổ sung giấy chứng sinh" in page.inner_text("#bo-sung")
    assert_accessible(page, label="tracking with supplement")
    page.fill("#id_note", "Gửi giấy chứng sinh")
    page.set_input_files("#id_files", str(pdf))
    with page.expect_navigation():
        page.click("text=Gửi hồ sơ bổ sung")
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING

    # The result is approved (service); the applicant downloads it and rates the service
    services.dossier_approve(
        dossier_id=dossier.pk,
        actor=leader,
        results=[services.ResultDocument("Giấy khai sinh", SimpleUploadedFile("giay-khai-sinh.pdf", PDF))],
    )
    page.reload()
    assert_accessible(page, label="tracking with result")
    with page.expect_download() as download:
        page.click("text=Tải về: Giấy khai sinh")
    assert Path(download.value.path()).read_bytes() == PDF
    page.check("#rate-3")
    with page.expect_navigation():
        page.click("text=Gửi đánh giá")
    assert "Cảm ơn Ông/Bà đã đánh giá." in page.inner_text("main")
    dossier.refresh_from_db()
    assert dossier.rating == 3  # rất hài lòng

    # The other pages of the signed-in applicant
    for name, args in [
        ("portal:my_dossiers", []),
        ("portal:dossier_complaint", [dossier.code]),
        ("accounts:profile", []),
    ]:
        page.goto(base + reverse(name, args=args))
        assert_accessible(page, label=name)

    # Anonymous: the public tracking view and the sign-up page
    page.context.clear_cookies()
    page.goto(f"{base}{reverse('portal:dossier_lookup')}?ma={dossier.code}")
    assert "Đã xử lý xong" in page.inner_text("main") and "Nguyễn Văn An" not in page.inner_text("main")
    assert_accessible(page, label="public tracking")
    page.goto(f"{base}{reverse('portal:dossier_lookup')}?ma=KHONG-CO")
    assert_accessible(page, label="tracking not found")
    page.goto(base + reverse("accounts:signup"))
    assert_accessible(page, label="sign-up")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert_accessible(page, label="sign-up with errors")


def test_phone_layout_of_the_application_steps(
    page: Any, live_server: Any, online_procedure: Any, citizen: Any
) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto(live_server.url + reverse("portal:apply", args=["1.001193"]))
    _sign_in(page, "congdan")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert_accessible(page, label="draft details (phone)")
    page.goto(live_server.url + reverse("portal:my_dossiers"))
    assert_accessible(page, label="my dossiers with a draft (phone)")
    online_procedure.online_level = 2
    online_procedure.save()
    page.goto(live_server.url + reverse("portal:apply", args=["1.001193"]))
    assert_accessible(page, label="apply refused")
