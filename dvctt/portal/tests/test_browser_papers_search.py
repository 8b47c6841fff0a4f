"""In Chromium on a 360 px phone: a citizen with more papers than the files step lists opens a slot's picker,
searches without diacritics, picks the one result (the same scan uploaded twice: one entry, "used for 2 dossiers"),
and finds it attached; then searches “Giấy tờ của tôi” and pages through it. axe on every page."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.common.tests.browser import sign_in_with_the_form
from dvctt.dossiers import services
from dvctt.dossiers.models import DossierFile
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn
from dvctt.portal.models import DraftFile
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BIRTH = b"%PDF-1.4\nthe birth certificate scan\n%%EOF\n"


def _no_sideways_scroll(page: Any) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360


def test_search_the_picker_and_pick_a_result_on_a_phone(
    page: Any, live_server: Any, online_procedure: Any, unit: Any, citizen: Any
) -> None:
    # Given a citizen with 25 papers, the birth certificate uploaded in two dossiers
    others = [
        services.ComponentUpload(
            f"Giấy xác nhận số {i}", pdf_upload(f"xn-{i}.pdf", f"%PDF-1.4\n{i}\n%%EOF\n".encode())
        )
        for i in range(24)
    ]
    for day, components in (
        (3, [services.ComponentUpload("Giấy khai sinh", pdf_upload("khai-sinh.pdf", BIRTH)), *others]),
        (4, [services.ComponentUpload("Giấy khai sinh", pdf_upload("khai-sinh-2.pdf", BIRTH))]),
    ):
        services.dossier_submit(
            actor=citizen, submission=submission(unit, components=components), at=vn(2025, 3, day, 8, 30)
        )
    newest = DossierFile.objects.get(file__endswith="khai-sinh-2.pdf")
    base = live_server.url
    page.set_viewport_size({"width": 360, "height": 740})

    # When they apply and reach the files step
    page.goto(base + reverse("portal:apply", args=["1.001193"]))
    sign_in_with_the_form(page, citizen.username, "x-Pass-1234")
    page.fill("#id_phone", "0912345678")
    page.fill("#ef-ho_ten_tre", "Nguyễn Văn Bình")
    page.fill("#ef-ngay_sinh", "01/02/2025")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/giay-to/" in page.url
    # The slot's list holds the newest 20 entries; the picker finds the others
    assert page.locator("#id_paper-2 option").count() == 1 + 20
    with page.expect_navigation():
        page.get_by_role("link", name="Tìm trong tất cả giấy tờ của tôi cho Giấy chứng sinh").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Chọn giấy tờ cho “Giấy chứng sinh”"
    assert page.locator("#paper-choices li").count() == 20
    assert page.get_by_role("link", name="Xem thêm giấy tờ").count() == 1
    _no_sideways_scroll(page)
    assert_accessible(page, label="paper picker (phone)")

    # They search without diacritics: one entry for the two identical uploads
    page.get_by_label("Tìm trong “Giấy tờ của tôi”", exact=False).fill("giay khai sinh")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm kiếm").click()
    results = page.locator("#paper-choices li")
    assert results.count() == 1
    assert "Đã dùng cho 2 hồ sơ" in results.first.inner_text()
    assert "1 giấy tờ khớp với “giay khai sinh”" in page.inner_text("main")
    _no_sideways_scroll(page)
    assert_accessible(page, label="paper picker, searched (phone)")
    # And pick it: back on the files step, attached to the slot
    with page.expect_navigation():
        results.first.get_by_role("button", name="Chọn giấy tờ này").click()
    assert "/giay-to/" in page.url and "Đã lưu các tệp đính kèm." in page.inner_text("main")
    assert "khai-sinh-2.pdf" in page.inner_text("[data-component='2'] .file-list")
    chosen = DraftFile.objects.get()
    assert chosen.source_id == newest.pk and chosen.component_position == 2

    # “Giấy tờ của tôi”: the search, then the next page
    page.goto(base + reverse("portal:my_papers"))
    assert page.locator("#papers tbody tr").count() == 20
    page.get_by_label("Tìm giấy tờ", exact=False).fill("xac nhan")
    with page.expect_navigation():
        page.get_by_role("button", name="Tìm kiếm").click()
    assert "24 giấy tờ khớp với “xac nhan”" in page.inner_text("main")
    with page.expect_navigation():
        page.get_by_role("link", name="Xem thêm giấy tờ").click()
    assert page.locator("#papers tbody tr").count() == 4
    assert "Trang 2/2" in page.inner_text("main") and page.input_value("#id_q") == "xac nhan"
    _no_sideways_scroll(page)
    assert_accessible(page, label="my papers, searched, page 2 (phone)")
