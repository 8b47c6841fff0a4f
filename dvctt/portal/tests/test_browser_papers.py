"""In Chromium on a 360 px phone: a citizen signed in with a verified national identity applies with the e-form
filled from the account (verified fields read-only) and an earlier paper chosen from “Giấy tờ của tôi” instead of
an upload; then opens “Giấy tờ của tôi”, downloads a paper and hides one. axe on every page."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import NationalIdentity
from dvctt.common.tests.browser import sign_in_with_the_form
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.tests.conftest import PDF, pdf_upload, submission, vn
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


@pytest.fixture
def extract_procedure(unit: Any, calendar_seeded: Any) -> Any:
    from dvctt.catalog.services import procedure_version_create

    return procedure_version_create(
        code="1.000894",
        valid_from=date(2020, 1, 1),
        name="Cấp bản sao trích lục hộ tịch",
        unit_codes=[unit.code],
        online_level=4,
        time_limit=1,
        time_limit_unit="ngay_lam_viec",
        eform=[
            {"name": "ho_ten", "label": "Họ và tên người yêu cầu", "type": "text", "required": True},
            {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "id_number", "required": True},
            {"name": "ngay_sinh_nyc", "label": "Ngày sinh", "type": "date", "prefill": "birth_date"},
            {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": True},
            {"name": "so_ban", "label": "Số bản sao", "type": "integer", "required": True},
        ],
        components=[
            {"name": "Tờ khai đăng ký khai sinh", "required": True},
            {"name": "Giấy ủy quyền", "required": False},
        ],
    )


def test_apply_with_a_stored_paper_and_a_prefilled_form_then_my_papers_on_a_phone(
    page: Any,
    live_server: Any,
    online_procedure: Any,
    extract_procedure: Any,
    unit: Any,
    citizen: Any,
) -> None:
    # Given a citizen linked to their national identity, with an earlier dossier holding two papers
    citizen.phone = "0912345678"
    citizen.save()
    NationalIdentity.objects.create(
        user=citizen,
        tech_id="tech-0001",
        subject="sub-0001",
        full_name="Nguyễn Văn An",
        id_number="020199001234",
        date_of_birth=date(1990, 5, 17),
        address="Phường Chi Lăng, Lạng Sơn",
        verified_at=timezone.now(),
    )
    earlier = services.dossier_submit(
        actor=citizen,
        submission=submission(
            unit,
            components=[
                services.ComponentUpload("Tờ khai đăng ký khai sinh", pdf_upload("to-khai-cu.pdf")),
                services.ComponentUpload(
                    "Giấy chứng sinh", pdf_upload("chung-sinh.pdf", b"%PDF-1.4\ngiay chung sinh\n%%EOF\n")
                ),
            ],
        ),
        at=vn(2025, 3, 3, 8, 30),
    )
    stored = earlier.files.get(name="Tờ khai đăng ký khai sinh")
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})

    # When they apply for another procedure
    page.goto(base + reverse("portal:apply", args=["1.000894"]))
    sign_in_with_the_form(page, citizen.username, "x-Pass-1234")
    assert "/thong-tin/" in page.url
    # Then the e-form is filled from the account: the identity's values read-only, the phone editable
    assert page.input_value("#ef-ho_ten") == "Nguyễn Văn An"
    assert page.input_value("#ef-so_dinh_danh") == "020199001234"
    assert page.input_value("#ef-ngay_sinh_nyc") == "17/05/1990"
    for verified in ("#ef-ho_ten", "#ef-so_dinh_danh", "#ef-ngay_sinh_nyc"):
        assert not page.locator(verified).is_editable(), verified
    assert page.get_by_label("Họ và tên người yêu cầu (đã xác thực)").count() == 1
    assert page.input_value("#ef-dien_thoai") == "0912345678" and page.locator("#ef-dien_thoai").is_editable()
    assert page.input_value("#ef-so_ban") == ""
    _no_sideways_scroll(page)
    assert_accessible(page, label="draft details, prefilled (phone)")
    page.fill("#ef-so_ban", "2")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/giay-to/" in page.url

    # The files step offers the earlier papers; they choose one for the required component
    _no_sideways_scroll(page)
    picker = page.get_by_label("Hoặc dùng lại giấy tờ đã có trong “Giấy tờ của tôi”").first
    assert picker.get_attribute("id") == "id_paper-1"
    assert_accessible(page, label="draft files with stored papers (phone)")
    picker.select_option(str(stored.pk))
    with page.expect_navigation():
        page.get_by_role("button", name="Dùng giấy tờ đã chọn cho Tờ khai đăng ký khai sinh").click()
    assert f"dùng lại từ hồ sơ {earlier.code}" in page.inner_text("[data-component='1'] .file-list")
    _no_sideways_scroll(page)
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/xem-lai/" in page.url
    assert "to-khai-cu.pdf" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("button", name="Nộp hồ sơ").click()
    assert "/da-nop/" in page.url

    # The dossier holds the identity's values and shares the earlier paper's bytes
    dossier = Dossier.objects.get(procedure_version=extract_procedure)
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn An" and dossier.form_data["so_ban"] == 2
    attached = dossier.files.get()
    assert attached.file.name == stored.file.name and attached.reused_from_id == stored.pk

    # “Giấy tờ của tôi”, linked from the profile: the earlier dossier's two papers, as cards on the phone
    page.goto(base + reverse("accounts:profile"))
    with page.expect_navigation():
        page.get_by_role("link", name="Giấy tờ của tôi").click()
    assert page.url.endswith(reverse("portal:my_papers"))
    _no_sideways_scroll(page)
    rows = page.locator("#papers tbody tr")
    assert rows.count() == 2
    box = rows.first.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 360
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert today in rows.first.inner_text() and earlier.code in rows.first.inner_text()
    assert_accessible(page, label="my papers (phone)")
    # a download goes through the dossier's permission-checked path
    row = page.locator(f"#papers tr[data-paper='{stored.pk}']")
    with page.expect_download() as download:
        row.get_by_role("link", name="Tải về Tờ khai đăng ký khai sinh").click()
    with open(download.value.path(), "rb") as handle:
        assert handle.read() == PDF
    # hiding one leaves the other, and says the dossier keeps it
    with page.expect_navigation():
        row.get_by_role("button", name="Ẩn Tờ khai đăng ký khai sinh").click()
    assert "Đã ẩn giấy tờ." in page.inner_text("main")
    assert page.locator("#papers tbody tr").count() == 1
    assert earlier.files.filter(pk=stored.pk).exists()
    assert_accessible(page, label="my papers after hiding one (phone)")
