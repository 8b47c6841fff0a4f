"""Issue 17 in a real Chromium, for citizens and everyone: the header and the profile with its locked verified
fields, the slips on the citizen's dossier page, tracking a code typed in lower case with spaces, the three-level
rating with a comment, the procedure's form templates, the platform's own 403/404 pages in Vietnamese and
English, the search for "dang ky kinh doanh", and password errors in English on an English page. (Cards at
360 px: ``test_browser_phone.py``; stored papers and prefill: ``test_browser_papers.py``.)"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import NationalIdentity
from dvctt.catalog.tests.factories import FieldFactory, VersionFactory
from dvctt.common.tests.browser import sign_in
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.tests.conftest import PDF
from dvctt.dossiers.tests.test_slips import pdf_text
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _english(page: Any) -> None:
    with page.expect_navigation():
        page.click(".lang-switch button")
    page.wait_for_selector("html[lang='en']")


def test_the_header_and_the_profile_with_identity_fields_locked_once_verified(
    page: Any, live_server: Any, citizen, submitted
) -> None:
    NationalIdentity.objects.create(
        user=citizen,
        tech_id="vneid-1",
        subject="s-1",
        id_number=citizen.national_id,
        full_name=citizen.full_name,
        verified_at=timezone.now(),
    )
    sign_in(page, live_server, citizen)
    page.goto(live_server.url + reverse("portal:home"))
    header = page.locator("header")
    assert header.get_by_role("link", name="Hồ sơ của tôi").is_visible()
    with page.expect_navigation():
        header.get_by_role("link", name="Nguyễn Văn An").click()
    assert page.url == live_server.url + reverse("accounts:profile")
    with page.expect_navigation():
        page.get_by_role("link", name="Sửa thông tin liên hệ").click()
    assert_accessible(page, label="profile edit")
    # the verified fields are shown and locked; the contact details are editable
    assert page.locator("#id_full_name").is_disabled() and page.locator("#id_national_id").is_disabled()
    assert "Đã xác thực qua tài khoản định danh quốc gia" in page.inner_text("main")
    page.fill("#id_phone", "0912 345 678")
    page.fill("#id_email", "an@example.vn")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    assert page.url == live_server.url + reverse("accounts:profile")
    assert "0912345678" in page.inner_text("main")
    citizen.refresh_from_db()
    assert (citizen.phone, citizen.email, citizen.full_name) == (
        "0912345678",
        "an@example.vn",
        "Nguyễn Văn An",
    )


def test_the_citizen_downloads_the_receipt_slip_from_the_dossier_page(
    page: Any, live_server: Any, citizen, received, settings
) -> None:
    # the platform's public address is not the one this server answers on
    settings.PUBLIC_BASE_URL = "https://dichvucong.langson.gov.vn"
    sign_in(page, live_server, citizen)
    page.goto(live_server.url + reverse("portal:dossier_lookup") + f"?ma={received.code}")
    assert_accessible(page, label="dossier page with slips")
    slips = page.locator("#phieu")
    assert slips.get_by_role("link", name="Giấy tiếp nhận hồ sơ và hẹn trả kết quả").count() == 1
    assert slips.locator("a[data-slip=control]").count() == 0  # the control slip is the agency's
    with page.expect_download() as download:
        slips.locator("a[data-slip=receipt]").click()
    data = Path(download.value.path()).read_bytes()
    assert data.startswith(b"%PDF") and download.value.suggested_filename == f"receipt-{received.code}.pdf"
    # its lookup address (printed, and in the QR code) is the public one
    text = pdf_text(data)
    assert f"https://dichvucong.langson.gov.vn/tra-cuu/?ma={received.code}" in text
    assert live_server.url.split("//")[1] not in text


def test_tracking_reads_a_code_in_lower_case_with_spaces(page: Any, live_server: Any, received) -> None:
    page.goto(live_server.url + reverse("portal:dossier_lookup"))
    page.fill("#id_ma", f"   {received.code.lower()}  ")
    with page.expect_navigation():
        page.press("#id_ma", "Enter")
    main = page.inner_text("main")
    assert received.code in main and "Được tiếp nhận" in main
    assert "Không tìm thấy" not in main


def test_rating_a_finished_dossier_on_three_levels_with_a_comment(
    page: Any, live_server: Any, citizen, processing, leader, one_stop
) -> None:
    services.dossier_approve(
        dossier_id=processing.pk,
        actor=leader,
        results=[services.ResultDocument("Giấy khai sinh", SimpleUploadedFile("giay-khai-sinh.pdf", PDF))],
    )
    services.dossier_return_result(dossier_id=processing.pk, actor=one_stop, method="counter")
    sign_in(page, live_server, citizen)
    page.goto(live_server.url + reverse("portal:dossier_lookup") + f"?ma={processing.code}")
    rating = page.locator("#danh-gia")
    labels = [label.strip() for label in rating.locator("label:has(input[type=radio])").all_inner_texts()]
    assert labels == ["Rất hài lòng", "Hài lòng", "Không hài lòng"]
    page.check("#rate-1")
    page.fill("#id_comment", "Phải đi lại hai lần mới nhận được kết quả.")
    with page.expect_navigation():
        page.click("text=Gửi đánh giá")
    assert "Cảm ơn Ông/Bà đã đánh giá." in page.inner_text("main")
    assert page.locator("#danh-gia form").count() == 0  # once
    dossier = Dossier.objects.get(pk=processing.pk)
    assert dossier.rating == 1
    rated = dossier.events.get(action="rate")
    assert rated.payload["comment"] == "Phải đi lại hai lần mới nhận được kết quả."


def test_the_procedure_page_offers_its_form_templates(page: Any, live_server: Any, online_procedure) -> None:
    component = online_procedure.components.create(name="Tờ khai đăng ký khai sinh", required=True)
    component.template.save("to-khai-khai-sinh.docx", ContentFile(b"PK\x03\x04 mau to khai"), save=True)
    online_procedure.components.create(name="Giấy chứng sinh", required=True)
    page.goto(live_server.url + reverse("portal:procedure_detail", args=["1.001193"]))
    assert_accessible(page, label="procedure page with a template")
    links = page.get_by_role("link", name="Tải mẫu")
    assert links.count() == 1  # only the paper that has one
    with page.expect_download() as download:
        links.click()
    assert Path(download.value.path()).read_bytes() == b"PK\x03\x04 mau to khai"
    assert download.value.suggested_filename == "to-khai-khai-sinh.docx"


def test_missing_and_forbidden_pages_are_ours_in_vietnamese_and_english(
    page: Any, live_server: Any, citizen
) -> None:
    response = page.goto(live_server.url + "/khong-co-trang-nay/")
    assert response.status == 404
    assert "Không tìm thấy trang" in page.inner_text("main")
    assert_accessible(page, label="404 vi")
    _english(page)
    assert "Page not found" in page.inner_text("main") and "Không tìm thấy trang" not in page.inner_text(
        "main"
    )
    with page.expect_navigation():
        page.get_by_role("link", name="Home").first.click()
    assert page.url.rstrip("/") == live_server.url
    # a citizen on the back office: the platform's 403 with a way back, in both languages
    sign_in(page, live_server, citizen)
    response = page.goto(live_server.url + reverse("backoffice:home"))
    assert response.status == 403
    text = page.inner_text("main")
    assert "Không có quyền truy cập" in text and "403 Forbidden" not in page.content()
    assert page.get_by_role("link", name="Về trang chủ").count() >= 1
    assert_accessible(page, label="403 vi")
    _english(page)
    assert page.get_attribute("html", "lang") == "en" and "Không có quyền truy cập" not in page.inner_text(
        "main"
    )


def test_searching_dang_ky_kinh_doanh_lists_business_registration_first(page: Any, live_server: Any) -> None:
    business, tax = (
        FieldFactory(code="DKKD", name="Đăng ký kinh doanh"),
        FieldFactory(code="THUE", name="Thuế"),
    )
    VersionFactory(procedure__code="2.000001", name="Đăng ký thuế lần đầu đối với hộ kinh doanh", field=tax)
    VersionFactory(procedure__code="2.000002", name="Đăng ký thành lập hộ kinh doanh", field=business)
    VersionFactory(
        procedure__code="2.000004", name="Đăng ký thay đổi nội dung đăng ký kinh doanh", field=business
    )
    page.goto(live_server.url + reverse("portal:home"))
    page.fill("#home-q", "dang ky kinh doanh")
    with page.expect_navigation():
        page.press("#home-q", "Enter")
    names = [n.strip() for n in page.locator("main h2.card-title").all_inner_texts()]
    assert names[:2] == ["Đăng ký thay đổi nội dung đăng ký kinh doanh", "Đăng ký thành lập hộ kinh doanh"], (
        names
    )
    assert names[-1] == "Đăng ký thuế lần đầu đối với hộ kinh doanh"


def test_password_errors_are_english_on_an_english_page(page: Any, live_server: Any) -> None:
    page.goto(live_server.url + reverse("accounts:signup"))
    _english(page)
    page.fill("#id_full_name", "Nguyen Van An")
    page.fill("#id_national_id", "020090001111")
    page.fill("#id_phone", "0912345678")
    page.fill("#id_username", "an")
    page.fill("#id_password1", "1234567")
    page.fill("#id_password2", "1234567")
    with page.expect_navigation():
        page.click("main button[type=submit]")
    text = page.inner_text("main")
    assert "This password is too short. It must contain at least 8 characters." in text
    assert "Mật khẩu" not in text and "quá ngắn" not in text and "quá phổ biến" not in text
    assert_accessible(page, label="sign-up errors in English")
