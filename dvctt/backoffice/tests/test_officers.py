"""What officers meet every day: the e-form as the applicant saw it (masked for readers who may not see personal
numbers), events and fees in words, the inbox on the work to do now, forwarding by name, and the sign-off step."""

from __future__ import annotations

import dataclasses
import re

import pytest
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.backoffice.tests.conftest import client_for
from dvctt.catalog.models import ProcedureVersion
from dvctt.common.errors import AccessDenied, ConflictError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.services.processing import dossier_propose_result, dossier_return_proposal
from dvctt.dossiers.states import EVENT_LABELS, MOVES, PaymentChannel, Status, event_label
from dvctt.dossiers.tests.conftest import submission, vn

pytestmark = pytest.mark.django_db

RICH_EFORM = [
    {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "choices": [["nam", "Nam"], ["nu", "Nữ"]]},
    {"name": "le_phi_ban_sao", "label": "Tiền bản sao", "type": "money"},
    {"name": "dong_y", "label": "Đồng ý nhận kết quả qua bưu điện", "type": "checkbox"},
    {"name": "so_dinh_danh_me", "label": "Số định danh của mẹ", "type": "id_number"},
    {"name": "dien_thoai", "label": "Điện thoại liên hệ", "type": "phone"},
    {"name": "so_cccd_cha", "label": "CCCD của cha", "type": "text"},
    {"name": "ghi_chu", "label": "Ghi chú", "type": "textarea"},
]
RICH_DATA = {
    "ho_ten_tre": "Nguyễn Thị Cúc",
    "ngay_sinh": "15/04/1990",
    "gioi_tinh": "nu",
    "le_phi_ban_sao": "200000",
    "dong_y": True,
    "so_dinh_danh_me": "020188004321",
    "dien_thoai": "0912345678",
    "so_cccd_cha": "020177005555",
    "ghi_chu": "",
}


@pytest.fixture
def rich_dossier(procedure, unit, citizen, one_stop):
    """A received dossier of a procedure whose e-form has dates, money, choices, a checkbox and personal fields."""
    ProcedureVersion.objects.filter(pk=procedure.pk).update(eform=RICH_EFORM)
    filed = submission(unit, form=RICH_DATA)
    filed = dataclasses.replace(filed, applicant=dataclasses.replace(filed.applicant, phone="0987654321"))
    dossier = services.dossier_submit(actor=citizen, submission=filed, at=vn(2025, 3, 3, 8, 30))
    return services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))


def _tờ_khai(html: str) -> str:
    """The "Tờ khai" section of the dossier page."""
    start = html.index('id="h-eform"')
    return html[start : html.index("</dl>", start)]


# --- 1. the e-form as the applicant saw it -------------------------------------------------------------------


def test_dossier_page_shows_the_eform_with_labels_and_formatted_values(one_stop_client, rich_dossier):
    # given a received dossier whose e-form holds a date, money, a choice, a checkbox, personal numbers, a blank
    # when the one-stop officer of the unit opens it
    html = one_stop_client.get(reverse("backoffice:dossier", args=[rich_dossier.code])).content.decode()
    form = _tờ_khai(html)
    # then each field reads by its label, with its value formatted as the applicant wrote it
    for label, value in [
        ("Họ tên trẻ", "Nguyễn Thị Cúc"),
        ("Ngày sinh", "15/04/1990"),
        ("Giới tính", "Nữ"),
        ("Tiền bản sao", "200.000 đ"),
        ("Đồng ý nhận kết quả qua bưu điện", "Có"),
        ("Ghi chú", "—"),
    ]:
        assert re.search(rf"<dt>{label}</dt><dd[^>]*>{value}</dd>", form), (label, value)
    # and never the keys or Python values
    for raw in ("ho_ten_tre", "1990-04-15", "None", ">nu<", "True", "200000"):
        assert raw not in form.replace('data-field="ho_ten_tre"', ""), raw
    # and the officer of the unit reads the personal numbers in full
    assert "020188004321" in form and "0912345678" in form and "020177005555" in form


def test_ppc_leader_reads_the_eform_personal_fields_masked(rich_dossier):
    # given a PPC leader (figures, not people) — security defect 5
    ppc = User.objects.create_user(username="ppc", password="x-Pass-1234", role=Role.PPC_LEADER)
    # when they open the dossier page
    response = client_for(ppc).get(reverse("backoffice:dossier", args=[rich_dossier.code]))
    assert response.status_code == 200
    html = response.content.decode()
    form = _tờ_khai(html)
    # then the identification and phone numbers of the e-form are masked, like the applicant's own number
    assert "020******321" in form and "091****678" in form and "020******555" in form
    # and so is the applicant's own phone number, like their identification number
    assert "098****321" in html
    for full in ("020188004321", "0912345678", "020177005555", "020199001234", "0987654321"):
        assert full not in html, full
    # and the other fields read as usual
    assert "15/04/1990" in form and "200.000 đ" in form


def test_every_event_reads_by_its_vietnamese_name_and_the_fee_shows_paid_when_and_how(
    one_stop_client, received
):
    # given a dossier whose fee was paid online (an event that is not a move of the state table)
    services.dossier_pay_fees(
        dossier_id=received.pk,
        amount=8000,
        reference="GD-0001",
        channel=PaymentChannel.PROVINCIAL_GATEWAY,
        at=vn(2025, 3, 3, 10, 15),
    )
    # when the officer opens the dossier
    html = one_stop_client.get(reverse("backoffice:dossier", args=[received.code])).content.decode()
    # then the event has its Vietnamese name, never its code
    assert "Thanh toán phí, lệ phí trực tuyến" in html and "pay_fees" not in html
    # and the fee says how much, paid, when and how
    fee = html[html.index('id="fee"') : html.index("</dd>", html.index('id="fee"'))]
    assert "8.000 đ" in fee and "Đã thanh toán" in fee and "03/03/2025 10:15" in fee
    assert "Thanh toán qua nền tảng của tỉnh" in fee and "GD-0001" in fee


def test_unpaid_fee_says_so(one_stop_client, received):
    html = one_stop_client.get(reverse("backoffice:dossier", args=[received.code])).content.decode()
    fee = html[html.index('id="fee"') : html.index("</dd>", html.index('id="fee"'))]
    assert "8.000 đ" in fee and "Chưa thanh toán trực tuyến" in fee


def test_every_action_written_has_a_vietnamese_label():
    for action in [*MOVES, *EVENT_LABELS]:
        assert event_label(action, {}) != action, action
    assert event_label("propose_result", {"outcome": "refuse"}) == "Đề xuất từ chối giải quyết"


# --- 2. the inbox opens on the work to do now ----------------------------------------------------------------


def test_inbox_opens_on_new_and_received_dossiers_nearest_due_first(
    one_stop_client, procedure, unit, citizen, one_stop, specialist
):
    # given 52 dossiers in processing with appointments, a received one, a finished one, then a new online one
    at = vn(2025, 3, 4, 8)
    busy = []
    for i in range(52):
        d = services.dossier_submit(actor=citizen, submission=submission(unit), at=at)
        d = services.dossier_receive(dossier_id=d.pk, actor=one_stop, at=vn(2025, 3, 4, 9, i))
        busy.append(services.dossier_forward(dossier_id=d.pk, actor=one_stop, assignee=specialist, at=at))
    received = services.dossier_receive(
        dossier_id=services.dossier_submit(actor=citizen, submission=submission(unit), at=at).pk,
        actor=one_stop,
        at=vn(2025, 3, 5, 9),
    )
    done = busy.pop()
    services.dossier_approve(dossier_id=done.pk, actor=specialist, at=vn(2025, 3, 5, 10))
    services.dossier_return_result(
        dossier_id=done.pk, actor=one_stop, method="counter", at=vn(2025, 3, 5, 11)
    )
    new = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 6, 8))
    # when the unit's one-stop officer opens the inbox
    response = one_stop_client.get(reverse("backoffice:home"))
    codes = [row["dossier"].code for row in response.context["rows"]]
    # then the new online dossier is on page 1, first; the received one next; then the rest, nearest due first
    assert codes[0] == new.code and codes[1] == received.code
    rest = [row["dossier"].effective_due_at for row in response.context["rows"][2:]]
    assert rest == sorted(rest)
    # and the finished dossier is not there, but is listed when asked
    assert done.code not in codes
    finished = one_stop_client.get(reverse("backoffice:home"), {"xem": "ket_thuc"})
    assert finished.status_code == 200
    assert [row["dossier"].code for row in finished.context["rows"]] == [done.code]
    assert "Kết thúc xử lý" in finished.content.decode()
    assert 'id="tab-finished"' in response.content.decode()


def test_finished_view_query_count_is_fixed(
    one_stop, received, procedure, unit, citizen, django_assert_num_queries
):
    refused = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 4, 8))
    services.dossier_refuse_acceptance(dossier_id=refused.pk, actor=one_stop, reasons="Sai thủ tục")
    client = client_for(one_stop)
    client.get(reverse("backoffice:home"), {"xem": "ket_thuc"})  # warm the calendar cache
    # the session with its user, scope (2), counts of the open work (the tabs), COUNT of the finished list, rows
    with django_assert_num_queries(6):
        assert client.get(reverse("backoffice:home"), {"xem": "ket_thuc"}).status_code == 200


# --- 3. forwarding by name -------------------------------------------------------------------------------------


def test_forward_chooses_the_specialist_and_units_by_name(one_stop_client, received, specialist, other_unit):
    # given an appointment still ahead (a child dossier may not be due before its own receipt)
    Dossier.objects.filter(pk=received.pk).update(due_at=vn(2099, 1, 5), effective_due_at=vn(2099, 1, 5))
    url = reverse("backoffice:dossier_action", args=[received.code, "forward"])
    # when the officer opens the forward form
    html = one_stop_client.get(url).content.decode()
    # then specialists and units are listed by name, with a search box (static script, no code to type)
    assert "Chuyenvien (Chuyên viên xử lý)" in html
    assert "Sở Tài chính (000.00.20.H38)" in html
    assert 'data-search="Tìm đơn vị theo tên"' in html and 'data-search="Tìm cán bộ theo tên"' in html
    assert "backoffice/js/picker.js" in html and "<script>" not in html
    assert 'type="checkbox" name="to_units" value="000.00.20.H38"' in html
    # when they choose the specialist and the other unit by name
    response = one_stop_client.post(
        url, {"expected_version": received.version, "assignee": specialist.pk, "to_units": [other_unit.code]}
    )
    # then the dossier goes to both
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=received.pk)
    assert dossier.assignee == specialist
    assert list(dossier.children.values_list("unit__code", flat=True)) == [other_unit.code]


def test_forward_refuses_a_unit_not_in_the_list(one_stop_client, received):
    url = reverse("backoffice:dossier_action", args=[received.code, "forward"])
    response = one_stop_client.post(
        url, {"expected_version": received.version, "to_units": ["999.99.99.H00"]}
    )
    assert response.status_code == 400
    assert "không có trong danh sách" in response.content.decode()
    assert not Dossier.objects.get(pk=received.pk).children.exists()


# --- 4. sign-off ---------------------------------------------------------------------------------------------------


@pytest.fixture
def signed_off(procedure, processing):
    ProcedureVersion.objects.filter(pk=procedure.pk).update(sign_off_required=True)
    return Dossier.objects.get(pk=processing.pk)


def test_sign_off_through_services(signed_off, specialist, leader):
    d = signed_off.pk
    # given a procedure with sign-off: a specialist cannot approve or refuse
    with pytest.raises(AccessDenied):
        services.dossier_approve(dossier_id=d, actor=specialist)
    with pytest.raises(AccessDenied):
        services.dossier_refuse(dossier_id=d, actor=specialist, reasons="Không đủ điều kiện")
    # when the specialist proposes the result
    dossier_propose_result(dossier_id=d, actor=specialist, outcome="approve", result_name="Giấy khai sinh")
    # then the status is unchanged and the event carries the proposal
    dossier = Dossier.objects.get(pk=d)
    assert dossier.status == Status.PROCESSING
    event = dossier.events.order_by("-seq").first()
    assert event.action == "propose_result" and event.payload["result_name"] == "Giấy khai sinh"
    # and a second proposal waits for the first to be decided
    with pytest.raises(ConflictError):
        dossier_propose_result(dossier_id=d, actor=specialist, outcome="approve", result_name="X")
    # when the leader returns it with a note, the specialist proposes again
    dossier_return_proposal(dossier_id=d, actor=leader, note="Kiểm tra lại ngày sinh")
    with pytest.raises(ConflictError):
        dossier_return_proposal(dossier_id=d, actor=leader, note="Lần nữa")
    dossier_propose_result(dossier_id=d, actor=specialist, outcome="refuse", reasons="Sai thông tin")
    # and the leader's decision ends processing
    services.dossier_refuse(dossier_id=d, actor=leader, reasons="Sai thông tin")
    dossier = Dossier.objects.get(pk=d)
    assert dossier.status == Status.PROCESSED
    assert [e.action for e in dossier.events.order_by("seq")][-4:] == [
        "propose_result",
        "return_proposal",
        "propose_result",
        "refuse",
    ]


def test_without_sign_off_nothing_changes(processing, specialist):
    with pytest.raises(ConflictError):
        dossier_propose_result(dossier_id=processing.pk, actor=specialist, outcome="approve", result_name="X")
    services.dossier_approve(dossier_id=processing.pk, actor=specialist)
    assert Dossier.objects.get(pk=processing.pk).status == Status.PROCESSED


def test_sign_off_over_http(signed_off, specialist_client, leader_client):
    page = reverse("backoffice:dossier", args=[signed_off.code])
    # the specialist is offered a proposal, not the decision
    html = specialist_client.get(page).content.decode()
    assert "Đề xuất kết quả giải quyết" in html and "Phê duyệt kết quả" not in html
    assert (
        specialist_client.get(
            reverse("backoffice:dossier_action", args=[signed_off.code, "approve"])
        ).status_code
        == 409
    )
    response = specialist_client.post(
        reverse("backoffice:dossier_action", args=[signed_off.code, "propose_result"]),
        {"expected_version": signed_off.version, "outcome": "approve", "result_name": "Giấy khai sinh"},
    )
    assert response.status_code == 302
    # the leader sees the proposal, may return it, and finds the result name prefilled to approve
    html = leader_client.get(page).content.decode()
    assert 'id="proposal"' in html and "Đề xuất phê duyệt kết quả" in html and "Giấy khai sinh" in html
    assert "Trả lại đề xuất để xử lý lại" in html
    approve = leader_client.get(reverse("backoffice:dossier_action", args=[signed_off.code, "approve"]))
    assert approve.context["form"].initial["result_name"] == "Giấy khai sinh"
    version = Dossier.objects.get(pk=signed_off.pk).version
    response = leader_client.post(
        reverse("backoffice:dossier_action", args=[signed_off.code, "return_proposal"]),
        {"expected_version": version, "note": "Bổ sung căn cứ"},
    )
    assert response.status_code == 302
    # back with the specialist: the proposal is offered again, the note is in the history
    html = specialist_client.get(page).content.decode()
    assert "Đề xuất kết quả giải quyết" in html and "Bổ sung căn cứ" in html
    assert Dossier.objects.get(pk=signed_off.pk).status == Status.PROCESSING
    # and once the leader decides, no proposal is shown as waiting
    version = Dossier.objects.get(pk=signed_off.pk).version
    specialist_client.post(
        reverse("backoffice:dossier_action", args=[signed_off.code, "propose_result"]),
        {"expected_version": version, "outcome": "refuse", "reasons": "Sai thông tin"},
    )
    version = Dossier.objects.get(pk=signed_off.pk).version
    response = leader_client.post(
        reverse("backoffice:dossier_action", args=[signed_off.code, "refuse"]),
        {"expected_version": version, "reasons": "Sai thông tin"},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=signed_off.pk).status == Status.PROCESSED
    assert 'id="proposal"' not in leader_client.get(page).content.decode()


def test_the_api_masks_the_eform_personal_fields_by_the_same_rule(rich_dossier, one_stop):
    from rest_framework.test import APIClient

    # given a PPC leader and the unit's one-stop officer reading the dossier through the API
    ppc = User.objects.create_user(username="ppc-api", password="x-Pass-1234", role=Role.PPC_LEADER)
    url = f"/api/v1/dossiers/{rich_dossier.code}/"
    readers = {}
    for who, user in (("ppc", ppc), ("one_stop", one_stop)):
        api = APIClient()
        api.force_authenticate(user)
        readers[who] = api.get(url).json()["form_data"]
    # then the PPC leader reads the personal numbers masked, the officer of the unit in full, the rest unchanged
    for name in ("so_dinh_danh_me", "dien_thoai", "so_cccd_cha"):
        assert readers["one_stop"][name] == RICH_DATA[name]
        assert readers["ppc"][name] != RICH_DATA[name] and RICH_DATA[name][-3:] in readers["ppc"][name]
    assert readers["ppc"]["ho_ten_tre"] == "Nguyễn Thị Cúc"


def test_sign_off_through_the_api(signed_off, specialist, leader):
    from rest_framework.test import APIClient

    def act(user, action, body):
        api = APIClient()
        api.force_authenticate(user)
        return api.post(f"/api/v1/dossiers/{signed_off.code}/actions/{action}/", body, format="json")

    # the specialist's proposal and the leader's return are moves of the API too
    response = act(specialist, "propose_result", {"outcome": "approve", "results": ["Giấy khai sinh"]})
    assert response.status_code == 200, response.content
    assert act(leader, "return_proposal", {"note": "Kiểm tra lại"}).status_code == 200
    # nothing is waiting any more: a second return is a conflict
    assert act(leader, "return_proposal", {"note": "Lần nữa"}).status_code == 409
    assert [e.action for e in Dossier.objects.get(pk=signed_off.pk).events.order_by("seq")][-2:] == [
        "propose_result",
        "return_proposal",
    ]
