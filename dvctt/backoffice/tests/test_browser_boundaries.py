"""In a real Chromium: commune A's one-stop officer receives a boundary-free dossier for commune B at the counter,
finding B by name, and lands on the dossier (B's, numbered by A, handed over to B)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.accounts.models import Role
from dvctt.backoffice.tests.test_browser import open_checked, sign_in
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.test_boundaries import BOUNDARY_FREE, make_commune, make_officer, make_version
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_counter_intake_for_another_commune(page: Any, live_server: Any, calendar_seeded) -> None:
    # given communes A, B and C, a boundary-free procedure that B and C perform, and A's one-stop officer
    commune_a = make_commune("000.31.40.H38", "UBND xã Hoàng Văn Thụ")
    commune_b = make_commune("000.32.40.H38", "UBND xã Tân Thành")
    commune_c = make_commune("000.33.40.H38", "UBND xã Bắc Sơn")
    make_version(BOUNDARY_FREE, "Chứng thực bản sao từ bản chính", [commune_b, commune_c], flag=True)
    officer = make_officer("motcua.a", Role.ONE_STOP_OFFICER, commune_a)
    sign_in(page, live_server, officer)
    # when the officer picks the procedure, finds B by name and records the walk-in
    open_checked(page, live_server.url + reverse("backoffice:intake"))
    page.get_by_label("Thủ tục hành chính").select_option(BOUNDARY_FREE)
    page.get_by_role("button", name="Tiếp tục").click()
    page.wait_for_selector("select[name=don_vi]")
    assert_accessible(page, label="intake form with the competent unit")
    page.get_by_label("Tìm đơn vị có thẩm quyền theo tên").fill("tan thanh")
    page.get_by_role("button", name="Tìm đơn vị").click()
    page.wait_for_url("**tim_don_vi=tan+thanh**")
    choice = page.get_by_role("combobox", name="Đơn vị có thẩm quyền giải quyết")
    assert choice.locator("option").all_inner_texts() == ["—", "UBND xã Tân Thành"]
    choice.select_option(label="UBND xã Tân Thành")
    page.get_by_label("Trực tiếp tại bộ phận một cửa").check()
    page.get_by_label("Họ tên chủ hồ sơ (hoặc tên tổ chức)").fill("Lương Thị Hoa")
    page.get_by_role("button", name="Ghi nhận hồ sơ").click()
    page.wait_for_selector("#done")
    # then the dossier is B's, carries A's code, was handed over to B, and A sees its page
    dossier = Dossier.objects.get()
    assert (dossier.unit_id, dossier.receiving_unit_id) == (commune_b.pk, commune_a.pk)
    assert dossier.code.startswith(commune_a.code + "-") and dossier.status == Status.PROCESSING
    html = page.content()
    assert dossier.code in html and "UBND xã Tân Thành" in html and "Chuyển xử lý" in html
    assert_accessible(page, label="dossier page after intake for another commune")
