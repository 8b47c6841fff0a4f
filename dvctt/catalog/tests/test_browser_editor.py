"""The administrator's e-form editor in a real Chromium: add a field, see it in the preview, save it."""

from __future__ import annotations

from typing import Any

import pytest

from dvctt.catalog.tests.factories import VersionFactory
from dvctt.common.tests.browser import sign_in as _sign_in
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_administrator_adds_a_field_sees_it_in_the_preview_and_saves(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    # given a procedure version whose e-form has one field, and an administrator on its page
    version = VersionFactory(
        eform=[{"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True}]
    )
    admin = django_user_model.objects.create_superuser(username="quantri", password="x-Pass-1234", email="")
    _sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/catalog/procedureversion/{version.pk}/change/")
    preview = page.locator("[data-preview]")
    assert preview.get_by_label("Họ và tên *").count() == 1
    # when they add a money field, required, with a help text
    page.get_by_role("button", name="Thêm trường").click()
    box = page.locator("fieldset[data-field-index='1']")
    box.get_by_label("Nhãn hiển thị").fill("Số tiền nộp")
    box.get_by_label("Tên kỹ thuật (chữ thường không dấu, số, _)").fill("so_tien")
    box.get_by_label("Kiểu").select_option("money")
    box.get_by_label("Bắt buộc").check()
    box.get_by_label("Hướng dẫn nhập").fill("Theo biên lai")
    # then the preview shows it as the applicant will see it
    field = preview.get_by_label("Số tiền nộp *")
    assert field.count() == 1 and field.get_attribute("inputmode") == "numeric"
    assert "Theo biên lai" in preview.inner_text()
    assert_accessible(page, context="[data-eform-editor]", label="e-form editor")
    # and moving it up reorders the preview
    box.get_by_role("button", name="Lên").click()
    assert preview.locator("[data-preview-field]").first.get_attribute("data-preview-field") == "so_tien"
    # and a field given only a label gets a technical name from it
    page.get_by_role("button", name="Thêm trường").click()
    page.locator("fieldset[data-field-index='2']").get_by_label("Nhãn hiển thị").fill("Ghi chú thêm")
    assert (
        preview.locator("[data-preview-field]").nth(2).get_attribute("data-preview-field") == "ghi_chu_them"
    )
    # when they save, the version holds the form as built
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist, .errornote")
    version.refresh_from_db()
    assert version.eform == [
        {
            "name": "so_tien",
            "label": "Số tiền nộp",
            "type": "money",
            "required": True,
            "help": "Theo biên lai",
        },
        {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True},
        {"name": "ghi_chu_them", "label": "Ghi chú thêm", "type": "text"},
    ]


def test_administrator_declares_what_the_account_fills_in(
    page: Any, live_server: Any, django_user_model: Any
) -> None:
    # given a version whose e-form has a date field, and an administrator on its page
    version = VersionFactory(eform=[{"name": "ngay_sinh_nyc", "label": "Ngày sinh", "type": "date"}])
    admin = django_user_model.objects.create_superuser(username="quantri", password="x-Pass-1234", email="")
    _sign_in(page, live_server, admin)
    page.goto(f"{live_server.url}/admin/catalog/procedureversion/{version.pk}/change/")
    box = page.locator("fieldset[data-field-index='0']")
    prefill = box.get_by_label("Điền sẵn từ tài khoản người nộp")
    # then only the account values that fit a date are offered
    offered = prefill.locator("option").all_inner_texts()
    assert offered == ["Tự nhận theo tên trường", "Không điền sẵn", "Ngày sinh người nộp"]
    # when they choose the applicant's birth date and save, the definition declares it
    prefill.select_option("birth_date")
    assert_accessible(page, context="[data-eform-editor]", label="e-form editor with prefill")
    page.locator("input[name=_continue]").click()
    page.wait_for_selector(".messagelist, .errornote")
    version.refresh_from_db()
    assert version.eform == [
        {"name": "ngay_sinh_nyc", "label": "Ngày sinh", "type": "date", "prefill": "birth_date"}
    ]
