"""Dossiers synced to a national-portal sandbox running in its own process, through both transports and under
every fault it can play: nothing lost, nothing created twice, each dossier's order kept."""

from __future__ import annotations

import logging
import time

import pytest

from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, SyncState
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn
from dvctt.integrations.national_portal.adapter import SYSTEM
from dvctt.integrations.national_portal.models import ProcedureCode, UnitCode
from dvctt.integrations.national_portal.record import dossier_record
from dvctt.outbox.models import Message, MessageState
from dvctt.outbox.services import messages_resend_failed, messages_send

S = MessageState


def drain(max_seconds: float = 20.0) -> None:
    """Send until nothing is pending or sending (retries wait their back-off), bounded in time."""
    deadline = time.monotonic() + max_seconds
    while time.monotonic() < deadline:
        messages_send(system=SYSTEM, max_seconds=max_seconds)
        if not Message.objects.filter(system=SYSTEM, state__in=[S.PENDING, S.SENDING]).exists():
            return
        time.sleep(0.05)
    raise AssertionError("the outbox did not drain in time")


def walk(dossier: Dossier, *, one_stop, specialist, leader) -> None:
    """Forward, approve with an electronic result, return: three more moves after the receipt."""
    services.dossier_forward(
        dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
    )
    services.dossier_approve(
        dossier_id=dossier.pk,
        actor=leader,
        results=[services.ResultDocument("Giấy khai sinh", pdf_upload("gks.pdf"))],
        at=vn(2025, 3, 4, 9),
    )
    services.dossier_return_result(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 4, 10))


def second_dossier(unit, citizen, one_stop) -> Dossier:
    other = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3, 8, 40))
    return services.dossier_receive(dossier_id=other.pk, actor=one_stop, at=vn(2025, 3, 3, 9, 5))


def test_a_dossier_not_received_writes_no_message(portal, submitted):
    assert Message.objects.count() == 0


def test_nothing_is_written_when_the_sync_is_off(settings, received):
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = ""
    assert Message.objects.count() == 0


def test_happy_path_every_move_synced_in_order(portal, received, one_stop, specialist, leader, client):
    # given a received dossier whose procedure and unit have national codes mapped
    ProcedureCode.objects.create(procedure=received.procedure, code="1.001193.000.00.00.H38")
    UnitCode.objects.create(unit=received.unit, code="G22.H38")
    # when it goes through its life and the outbox is sent
    walk(received, one_stop=one_stop, specialist=specialist, leader=leader)
    assert list(Message.objects.order_by("id").values_list("operation", "payload__action")) == [
        ("create", "receive"),
        ("update", "forward"),
        ("update", "approve"),
        ("update", "return_result"),
    ]
    drain()
    # then the portal has it once, with every status in order and every step
    state = portal.state()
    code = received.code
    assert state["creates"] == {code: 1}
    assert state["updates"] == {code: 3}
    # (each message carries the dossier's record as it is when sent, and its own processing step)
    assert state["history"][code] == [Status.RETURNED] * 4
    assert [p["TrangThai"] for p in state["progress"]] == [2, 4, 9, 10]
    assert state["rejected"] == []
    record = state["records"][code]
    assert (record["MaTTHC"], record["DonViXuLy"], record["KenhThucHien"]) == (
        "1.001193.000.00.00.H38",
        "G22.H38",
        2,
    )
    assert record["NgayTiepNhan"] == "20250303090000"
    # and DongBoDVCQG came from the acknowledgement
    received.refresh_from_db()
    assert received.sync_state == SyncState.SYNCED and received.synced_at is not None
    assert not Message.objects.exclude(state=S.SENT).exists()
    # and the result travels as a signed link the portal can fetch; a tampered one is refused
    [result] = record["DanhSachGiayToKetQua"]
    link = result["DuongDanTepTinKetQua"]
    path = link.split("://", 1)[1].split("/", 1)[1]
    response = client.get("/" + path)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get("/" + path.replace("/tep/", "/tep/x")).status_code == 404


def test_a_file_link_expires(portal, received, client, settings):
    link = dossier_record(received)["TaiLieuNop"][0]["DuongDanTaiTepTin"]
    path = "/" + link.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 200
    settings.DVCTT_NATIONAL_PORTAL_LINK_MAX_AGE = -1
    assert client.get(path).status_code == 404


def test_a_dossier_of_a_national_account_says_so_in_the_record(portal, received):
    # given a dossier an account signed in with the national identity submitted (integrations/identity marks it)
    assert dossier_record(received)["TaiKhoanDuocXacThucVoiVNeID"] == 0
    Dossier.objects.filter(pk=received.pk).update(
        extra={"TaiKhoanDuocXacThucVoiVNeID": 1, "MaDoiTuong": "techid-123"}
    )
    received.refresh_from_db()
    # then the record sent to the portal carries the flag and the account's id
    record = dossier_record(received)
    assert (record["TaiKhoanDuocXacThucVoiVNeID"], record["MaDoiTuong"]) == (1, "techid-123")


FAULTS = [
    pytest.param({"kind": "5xx", "times": 2}, id="5xx"),
    pytest.param({"kind": "error", "times": 2, "error_code": 99, "message": "Lỗi hệ thống"}, id="error-code"),
    pytest.param({"kind": "drop", "times": 2}, id="drop"),
    pytest.param({"kind": "drop", "times": 2, "after": True}, id="drop-after-saving"),
    pytest.param({"kind": "timeout", "times": 1, "seconds": 2.5}, id="timeout"),
    pytest.param({"kind": "timeout", "times": 1, "seconds": 2.5, "after": True}, id="timeout-after-saving"),
    pytest.param({"kind": "exists", "times": 1}, id="already-exists"),
]


@pytest.mark.parametrize("fault", FAULTS)
def test_each_fault_loses_nothing_duplicates_nothing_and_keeps_order(
    portal, fault, received, unit, citizen, one_stop, specialist, leader
):
    # given the portal failing the next requests, and two dossiers changing
    other = second_dossier(unit, citizen, one_stop)
    portal.fault(**fault)
    walk(received, one_stop=one_stop, specialist=specialist, leader=leader)
    services.dossier_forward(dossier_id=other.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 11))
    # when the outbox is sent (retrying)
    drain()
    # then every dossier is there once, with its statuses in order, and every step once
    state = portal.state()
    assert state["creates"] == {received.code: 1, other.code: 1}
    for code, final in ((received.code, 10), (other.code, 4)):
        assert (
            state["history"][code] == sorted(state["history"][code]) and state["history"][code][-1] == final
        )
    steps = [(p["MaHoSo"], p["TrangThai"]) for p in state["progress"]]
    assert [s for c, s in steps if c == received.code] == [2, 4, 9, 10]
    assert [s for c, s in steps if c == other.code] == [2, 4]
    assert not Message.objects.exclude(state=S.SENT).exists()
    assert set(Dossier.objects.values_list("sync_state", flat=True)) == {SyncState.SYNCED}


def test_the_portal_down_for_a_while_then_back(portal, received, unit, citizen, one_stop, specialist, leader):
    other = second_dossier(unit, citizen, one_stop)
    walk(received, one_stop=one_stop, specialist=specialist, leader=leader)
    # (5 seconds: long enough for the first attempts to meet it down on a loaded machine)
    portal.fault("down", seconds=5.0)
    # while it is down nothing is acknowledged, and nothing is lost
    report = messages_send(system=SYSTEM, max_seconds=1)
    assert report.sent == 0 and report.retried >= 2
    assert Dossier.objects.get(pk=received.pk).sync_state == SyncState.PENDING
    portal.state()  # waits (bounded) until it is back
    drain()
    state = portal.state()
    assert state["creates"] == {received.code: 1, other.code: 1}
    assert state["history"][received.code][-1] == 10
    assert [p["TrangThai"] for p in state["progress"] if p["MaHoSo"] == received.code] == [2, 4, 9, 10]


def test_a_failing_create_holds_back_its_dossier_while_another_goes_on(
    portal, received, unit, citizen, one_stop, specialist, leader
):
    # given a dossier the portal refuses (no applicant name: ChuHoSo is required) and a good one
    Dossier.objects.filter(pk=received.pk).update(applicant_name="")
    other = second_dossier(unit, citizen, one_stop)
    walk(received, one_stop=one_stop, specialist=specialist, leader=leader)
    services.dossier_forward(dossier_id=other.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 11))
    drain()
    # then the good one is synced; the refused create failed after the last retry with the portal's answer,
    # and its dossier's later messages were never sent
    state = portal.state()
    assert state["creates"] == {other.code: 1}
    assert received.code not in state["records"]
    head = Message.objects.get(key=received.code, operation="create")
    assert head.state == S.FAILED and head.attempts == 4
    assert "ChuHoSo: required" in head.last_error and "ChuHoSo: required" in head.last_answer
    assert (
        list(Message.objects.filter(key=received.code, operation="update").values_list("state", flat=True))
        == [S.HELD] * 3
    )
    received.refresh_from_db()
    assert received.sync_state == SyncState.FAILED and "ChuHoSo" in received.sync_error
    # when the record is mended and an administrator re-sends, everything goes, in order
    Dossier.objects.filter(pk=received.pk).update(applicant_name="Nguyễn Văn An")
    assert messages_resend_failed(system=SYSTEM) == 1
    drain()
    state = portal.state()
    assert state["creates"][received.code] == 1
    assert state["history"][received.code] == [10, 10, 10, 10]  # each message sends the current record
    assert [p["TrangThai"] for p in state["progress"] if p["MaHoSo"] == received.code] == [2, 4, 9, 10]
    received.refresh_from_db()
    assert received.sync_state == SyncState.SYNCED and received.sync_error == ""


def test_a_refused_session_or_token_is_renewed(portal, settings, received, one_stop, specialist):
    transport = settings.DVCTT_NATIONAL_PORTAL_TRANSPORT
    drain()
    # given the portal forgets every session and token
    portal.expire()
    services.dossier_forward(
        dossier_id=received.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
    )
    drain()
    # then the client logged in again (or took a new token) and the update went through
    state = portal.state()
    assert state["updates"] == {received.code: 1}
    assert (state["logins"], state["token_grants"]) == ((2, 0) if transport == "adapter" else (0, 2))


def test_a_crash_after_the_send_does_not_create_twice(adapter_portal, received):
    from dvctt.integrations.national_portal.adapter import NationalPortalAdapter
    from dvctt.outbox.services import messages_claim

    # given a worker that sent the create and died before marking it
    [claimed] = messages_claim(system=SYSTEM, limit=10)
    assert NationalPortalAdapter().send(claimed).ok
    Dossier.objects.filter(pk=received.pk).update(sync_state=SyncState.PENDING)
    Message.objects.filter(pk=claimed.pk).update(step=0, next_attempt_at=claimed.created_at)
    # when another worker takes the expired claim over
    drain()
    # then the portal was asked (TraCuuHoSo) and got an update, not a second create
    state = adapter_portal.state()
    assert state["creates"] == {received.code: 1}
    assert state["updates"] == {received.code: 1}
    assert Message.objects.get().attempts == 2


def test_long_text_is_cut_to_the_limit_and_logged(adapter_portal, processing, leader, caplog):
    services.dossier_approve(dossier_id=processing.pk, actor=leader, note="x" * 2500, at=vn(2025, 3, 4, 9))
    with caplog.at_level(logging.WARNING, logger="dvctt.integrations.national_portal.record"):
        drain()
    record = adapter_portal.state()["records"][processing.code]
    assert len(record["GhiChu"]) == 2000
    assert f"GhiChu of {processing.code} cut from 2500 to 2000 characters" in caplog.text


def test_the_task_runs_the_sender(portal, received):
    from dvctt.outbox.tasks import outbox_send

    result = outbox_send.enqueue(system=SYSTEM, max_seconds=10)
    assert result.return_value["sent"] == 1
    assert portal.state()["creates"] == {received.code: 1}
