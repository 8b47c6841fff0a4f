"""In a real Chromium: the dossier page with its e-form, forwarding chosen by name with search, and sign-off."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.backoffice.tests.test_browser import open_checked, sign_in
from dvctt.catalog.models import ProcedureVersion
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import vn
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_forward_by_name_with_search(
    page: Any, live_server: Any, one_stop, specialist, received, other_unit
) -> None:
    # given a received dossier with its appointment ahead, and several units in the province
    Dossier.objects.filter(pk=received.pk).update(due_at=vn(2099, 1, 5), effective_due_at=vn(2099, 1, 5))
    Unit.objects.create(
        code="000.00.30.H38", name="Sở Xây dựng", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )
    sign_in(page, live_server, one_stop)
    open_checked(page, live_server.url + reverse("backoffice:dossier", args=[received.code]))
    assert page.locator("#h-eform").count() == 1
    # when the officer opens the forward form and searches units by name, without accents
    open_checked(
        page, live_server.url + reverse("backoffice:dossier_action", args=[received.code, "forward"])
    )
    page.get_by_label("Tìm đơn vị theo tên").fill("tai chinh")
    # then only the matching unit is left to pick
    assert page.get_by_label("Sở Tài chính (000.00.20.H38)").is_visible()
    assert not page.get_by_label("Sở Xây dựng (000.00.30.H38)").is_visible()
    page.get_by_label("Sở Tài chính (000.00.20.H38)").check()
    page.get_by_label("Tìm cán bộ theo tên").fill("chuyen")
    page.get_by_label("Chuyển cho cán bộ").select_option(label="Chuyenvien (Chuyên viên xử lý)")
    page.get_by_role("button", name="Xác nhận: Chuyển xử lý").click()
    page.wait_for_selector("#done")
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.assignee == specialist
    assert list(dossier.children.values_list("unit__code", flat=True)) == [other_unit.code]


def test_sign_off_in_the_browser(
    page: Any, live_server: Any, procedure, specialist, leader, processing
) -> None:
    ProcedureVersion.objects.filter(pk=procedure.pk).update(sign_off_required=True)
    url = live_server.url + reverse("backoffice:dossier", args=[processing.code])
    # the specialist proposes
    sign_in(page, live_server, specialist)
    page.goto(url)
    page.get_by_role("link", name="Đề xuất kết quả giải quyết").click()
    assert_accessible(page, label="proposal form")
    page.get_by_label("Tên giấy tờ kết quả (khi đề xuất phê duyệt)").fill("Giấy khai sinh")
    page.get_by_role("button", name="Xác nhận: Đề xuất kết quả giải quyết").click()
    page.wait_for_selector("#proposal")
    # the leader approves the proposal (its result name prefilled)
    sign_in(page, live_server, leader)
    open_checked(page, url)
    page.get_by_role("link", name="Phê duyệt kết quả").click()
    assert page.get_by_label("Tên giấy tờ kết quả").input_value() == "Giấy khai sinh"
    page.get_by_role("button", name="Xác nhận: Phê duyệt kết quả").click()
    page.wait_for_selector("#done")
    assert Dossier.objects.get(pk=processing.pk).status == Status.PROCESSED
