"""Issue 17 in a real Chromium, for officers: the e-form as the applicant saw it on the dossier page, the inbox on
the work to do now, each role's landing page after the sign-in form, and the sign-off step returned by the leader.
(Forwarding by name and a proposal approved: ``test_browser_officers.py``; the form editor:
``dvctt/catalog/tests/test_browser_editor.py``.)"""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.backoffice.tests.test_browser import open_checked, sign_in
from dvctt.catalog.models import ProcedureVersion
from dvctt.common.tests.browser import sign_in_with_the_form
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import PaymentChannel, Status
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in_with_the_form(page: Any, live_server: Any, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + reverse("accounts:login"))
    sign_in_with_the_form(page, username, "x-Pass-1234")


def test_the_dossier_page_shows_the_eform_events_and_fee_as_people_read_them(
    page: Any, live_server: Any, specialist, processing
) -> None:
    # given a dossier whose financial obligation was paid at the counter
    services.dossier_request_financial_obligation(
        dossier_id=processing.pk, actor=specialist, amount=8000, content="Lệ phí", at=vn(2025, 3, 3, 11)
    )
    services.dossier_record_payment(
        dossier_id=processing.pk,
        actor=specialist,
        amount=8000,
        channel=PaymentChannel.NONE,
        reference="BL-01",
        at=vn(2025, 3, 3, 14),
    )
    sign_in(page, live_server, specialist)
    open_checked(page, live_server.url + reverse("backoffice:dossier", args=[processing.code]))
    eform = page.locator("dl[aria-labelledby=h-eform]").inner_text()
    # the labels and the values as typed, never the keys or Python values
    assert "Họ tên trẻ" in eform and "Nguyễn Văn Bình" in eform
    assert "Ngày sinh" in eform and "01/02/2025" in eform
    for raw in ("ho_ten_tre", "ngay_sinh", "None", "2025-02-01"):
        assert raw not in eform, raw
    # events by their Vietnamese names
    history = page.locator("table", has_text="Tiếp nhận hồ sơ").last.inner_text()
    assert "Tiếp nhận hồ sơ" in history and "Chuyển xử lý" in history
    for name in ("receive", "forward", "record_payment", "request_financial_obligation"):
        assert f"\t{name}\t" not in history and not history.startswith(name), name
    # the fee: how much, paid online or not; the financial obligation: asked, then paid at the counter, when
    assert page.locator("#fee").inner_text() == "8.000 đ — Chưa thanh toán trực tuyến"
    main = page.inner_text("main")
    assert "03/03/2025 14:00" in main and "Nộp tại bộ phận một cửa — mã giao dịch/biên lai BL-01" in main


def test_the_inbox_opens_on_the_work_to_do_now(
    page: Any, live_server: Any, procedure, unit, citizen, one_stop, specialist, leader
) -> None:
    def new(key: str, day: int) -> Dossier:
        return services.dossier_submit(
            actor=citizen, submission=submission(unit, client_key=key), at=vn(2025, 3, day, 8)
        )

    finished = new("done", 3)
    services.dossier_refuse_acceptance(dossier_id=finished.pk, actor=one_stop, reasons="Không đủ điều kiện")
    late_received = new("r1", 3)
    services.dossier_receive(dossier_id=late_received.pk, actor=one_stop, at=vn(2025, 3, 3, 10))
    later_received = new("r2", 4)
    services.dossier_receive(dossier_id=later_received.pk, actor=one_stop, at=vn(2025, 3, 4, 10))
    in_processing = new("p1", 3)
    services.dossier_receive(dossier_id=in_processing.pk, actor=one_stop, at=vn(2025, 3, 3, 8, 30))
    services.dossier_forward(dossier_id=in_processing.pk, actor=one_stop, assignee=specialist)
    older_new, newer_new = new("n1", 5), new("n2", 6)
    sign_in(page, live_server, one_stop)
    open_checked(page, live_server.url + reverse("backoffice:home"))
    codes = [c.strip() for c in page.locator("main table tbody tr td:first-child").all_inner_texts()]
    listed = [c for c in codes if c]
    # new first (the longest waiting first), then received by nearest due, then the rest; nothing finished
    wanted = [older_new.code, newer_new.code, late_received.code, later_received.code, in_processing.code]
    assert [c for c in listed if c in wanted] == wanted, listed
    assert finished.code not in " ".join(codes)


@pytest.mark.parametrize(
    ("role", "landing"),
    [
        (Role.ONE_STOP_OFFICER, "backoffice:home"),
        (Role.SPECIALIST, "backoffice:home"),
        (Role.UNIT_LEADER, "backoffice:leader"),
        (Role.MONITOR, "dashboards:overview"),
    ],
)
def test_officials_land_on_their_own_page_after_signing_in(
    page: Any, live_server: Any, unit, role: str, landing: str
) -> None:
    user = User.objects.create_user(
        username=f"u-{role}", password="x-Pass-1234", role=role, full_name="Cán Bộ", unit=unit
    )
    _sign_in_with_the_form(page, live_server, user.username)
    assert page.url.split("?")[0] == live_server.url + reverse(landing)
    assert_accessible(page, label=f"landing of {role}")


def test_a_citizen_with_dossiers_lands_on_my_dossiers(
    page: Any, live_server: Any, submitted, citizen
) -> None:
    _sign_in_with_the_form(page, live_server, citizen.username)
    assert page.url == live_server.url + reverse("portal:my_dossiers")
    assert submitted.code in page.inner_text("main")


def test_the_leader_returns_a_proposal_and_the_specialist_sees_why(
    page: Any, live_server: Any, procedure, specialist, leader, processing
) -> None:
    ProcedureVersion.objects.filter(pk=procedure.pk).update(sign_off_required=True)
    url = live_server.url + reverse("backoffice:dossier", args=[processing.code])
    sign_in(page, live_server, specialist)
    page.goto(url)
    page.get_by_role("link", name="Đề xuất kết quả giải quyết").click()
    page.get_by_label("Tên giấy tờ kết quả (khi đề xuất phê duyệt)").fill("Giấy khai sinh")
    page.get_by_role("button", name="Xác nhận: Đề xuất kết quả giải quyết").click()
    page.wait_for_selector("#proposal")
    # the leader returns it with a note
    sign_in(page, live_server, leader)
    open_checked(page, url)
    page.get_by_role("link", name="Trả lại đề xuất").click()
    assert_accessible(page, label="return proposal form")
    page.get_by_label("Ý kiến trả lại cho chuyên viên").fill("Ghi lại ngày sinh theo giấy chứng sinh")
    page.get_by_role("button", name="Xác nhận: Trả lại đề xuất").click()
    page.wait_for_selector("#done")
    # the dossier is back with the specialist, who reads why, and the leader can no longer approve it
    dossier = Dossier.objects.get(pk=processing.pk)
    assert dossier.status == Status.PROCESSING
    sign_in(page, live_server, specialist)
    open_checked(page, url)
    assert "Ghi lại ngày sinh theo giấy chứng sinh" in page.inner_text("main")
    assert page.get_by_role("link", name="Đề xuất kết quả giải quyết").count() == 1
