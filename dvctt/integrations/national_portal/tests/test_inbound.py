"""Messages the national portal pushes: each kind valid and malformed, authentication, idempotency, atomicity.

Most tests post through Django's test client (the view, the middleware and the database are real); the
end-to-end ones push over real HTTP with ``sandbox_push`` (what the portal would send) to ``live_server``.
"""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.utils import timezone

from dvctt.accounts.models import NationalIdentity, Role, User
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from dvctt.dossiers.selectors import dossier_obligation_amount
from dvctt.dossiers.states import Channel, Status
from dvctt.dossiers.tests.conftest import GOOD_FORM, PDF, vn
from dvctt.integrations.national_portal.inbound_auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_for
from dvctt.integrations.national_portal.inbound_models import InboundMessage, InboundOutcome
from dvctt.integrations.national_portal.models import ProcedureCode, UnitCode
from dvctt.integrations.national_portal.sandbox_push import envelope, push
from dvctt.outbox.models import Message

URL = "/api/v1/dvcqg/inbound/"
SECRET = "khóa-bí-mật-của-tỉnh"
TOKEN = "lgsp-token-0123456789"
VN = ZoneInfo("Asia/Ho_Chi_Minh")


def b64(content: bytes) -> str:
    return base64.b64encode(content).decode()


@pytest.fixture
def inbound(settings) -> None:
    settings.DVCTT_NATIONAL_INBOUND_AUTH = "hmac"
    settings.DVCTT_NATIONAL_INBOUND_SECRETS = [SECRET]
    settings.DVCTT_NATIONAL_INBOUND_TOKENS = []
    settings.DVCTT_NATIONAL_INBOUND_ALLOWED_IPS = []
    settings.DVCTT_NATIONAL_INBOUND_SUBMIT_PROCEDURES = ["1.001193"]
    settings.DVCTT_NATIONAL_INBOUND_ACCOUNT = "dvcqg"
    settings.DVCTT_NATIONAL_INBOUND_FILE_HOSTS = []


def send(client, message: Any, *, secret: str = SECRET, timestamp: int | None = None, headers=None):
    body = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    sent = {
        TIMESTAMP_HEADER: stamp,
        SIGNATURE_HEADER: signature_for(secret=secret, timestamp=stamp, body=body),
        **(headers or {}),
    }
    return client.post(URL, data=body, content_type="application/json", headers=sent)


def msg(kind: str, data: Any, key: str = "") -> dict[str, Any]:
    return envelope(kind=kind, data=data, key=key or f"TD-{time.monotonic_ns()}")


def snapshot() -> tuple:
    """Everything a message could change, but its own record."""
    return (
        list(
            Dossier.objects.order_by("pk").values_list(
                "pk", "status", "version", "effective_due_at", "resume_status", "extra", "applicant_name"
            )
        ),
        list(DossierEvent.objects.order_by("pk").values_list("pk", "action")),
        list(DossierFile.objects.order_by("pk").values_list("pk", "name")),
        list(SupplementRequest.objects.order_by("pk").values_list("pk", "answered_at", "answer_note")),
        Message.objects.count(),
    )


def answer(response) -> dict[str, Any]:
    return json.loads(response.content)


def rejected_with(response, status: int, text: str) -> InboundMessage:
    body = answer(response)
    assert response.status_code == status, body
    assert body["error_code"] == -1 and text in body["message"], body
    row = InboundMessage.objects.order_by("-pk").first()
    assert row is not None and row.outcome == InboundOutcome.REJECTED and row.error_code == -1
    assert row.message == body["message"]
    return row


@pytest.fixture
def waiting(received, one_stop):
    """Received 03/03/2025 09:00, then asked for a supplement at 10:00."""
    return services.dossier_request_supplement(
        dossier_id=received.pk,
        actor=one_stop,
        content="Bổ sung bản sao giấy chứng sinh",
        at=vn(2025, 3, 3, 10),
    )


# --- BoSungHoSo ---------------------------------------------------------------------------------------------------


def supplement(code: str, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "MaHoSo": code,
        "NoiDungBoSung": "Đã bổ sung giấy chứng sinh",
        "TaiLieuBoSung": [{"TenTepDinhKem": "giay-chung-sinh.pdf", "NoiDungTep": b64(PDF)}],
    }
    data.update(over)
    return data


def test_supplement_resumes_the_clock_as_on_the_platform(client, inbound, waiting, citizen):
    due_before = waiting.effective_due_at
    response = send(client, msg("BoSungHoSo", supplement(waiting.code)))
    body = answer(response)
    assert response.status_code == 200 and body["error_code"] == 0, body
    assert waiting.code in body["message"]
    waiting.refresh_from_db()
    assert waiting.status == Status.RECEIVED  # the status it paused from
    assert waiting.effective_due_at > due_before  # the paused time is not counted
    event = waiting.events.order_by("-seq").first()
    assert event.action == "answer_supplement" and event.actor_id == citizen.pk  # the citizen's own answer
    assert event.payload["files"] == 1
    request = waiting.supplements.get()
    assert request.answer_note == "Đã bổ sung giấy chứng sinh" and request.answered_at is not None
    stored = waiting.files.get(kind=DossierFile.Kind.SUPPLEMENT)
    assert stored.name == "giay-chung-sinh.pdf" and stored.file.read() == PDF
    row = InboundMessage.objects.get()
    assert (
        row.outcome == InboundOutcome.ACCEPTED and row.dossier_id == waiting.pk and row.kind == "BoSungHoSo"
    )
    assert b64(PDF) not in row.raw and "sha256" in row.raw  # inline contents are not kept twice


@pytest.fixture
def file_server() -> Iterator[str]:
    """A loopback server the portal's file links point at."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            if self.path == "/ban-sao.pdf":
                self.send_response(200)
                self.send_header("Content-Type", "application/pdf")
                self.send_header("Content-Length", str(len(PDF)))
                self.end_headers()
                self.wfile.write(PDF)
            elif self.path == "/lon.pdf":
                content = PDF + b"0" * 5000
                self.send_response(200)
                self.end_headers()  # no Content-Length: the reader must stop by itself
                self.wfile.write(content)
            elif self.path == "/chuyen-huong":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
            else:
                self.send_response(404)
                self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_supplement_files_by_link_are_fetched(client, inbound, waiting, file_server):
    files = [{"TenTepDinhKem": "ban-sao.pdf", "DuongDanTaiTepTin": f"{file_server}/ban-sao.pdf"}]
    response = send(client, msg("BoSungHoSo", supplement(waiting.code, TaiLieuBoSung=files)))
    assert answer(response)["error_code"] == 0, answer(response)
    assert waiting.files.get(kind=DossierFile.Kind.SUPPLEMENT).file.read() == PDF


@pytest.mark.parametrize(
    ("path", "text"),
    [
        ("/khong-co.pdf", "Không tải được tệp"),
        ("/chuyen-huong", "Không tải được tệp"),
        ("/lon.pdf", "vượt quá giới hạn"),
    ],
)
def test_supplement_files_that_cannot_be_fetched_change_nothing(
    client, inbound, settings, waiting, file_server, path, text
):
    settings.DVCTT_MAX_UPLOAD_BYTES = 2000
    before = snapshot()
    files = [{"TenTepDinhKem": "ban-sao.pdf", "DuongDanTaiTepTin": file_server + path}]
    rejected_with(send(client, msg("BoSungHoSo", supplement(waiting.code, TaiLieuBoSung=files))), 200, text)
    assert snapshot() == before


def test_file_links_outside_the_allowed_hosts_are_refused(client, inbound, settings, waiting, file_server):
    settings.DVCTT_NATIONAL_INBOUND_FILE_HOSTS = ["files.dichvucong.gov.vn"]
    before = snapshot()
    files = [{"TenTepDinhKem": "ban-sao.pdf", "DuongDanTaiTepTin": f"{file_server}/ban-sao.pdf"}]
    rejected_with(
        send(client, msg("BoSungHoSo", supplement(waiting.code, TaiLieuBoSung=files))), 400, "không được phép"
    )
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        (
            {"NoiDungBoSung": "", "TaiLieuBoSung": []},
            200,
            "ít nhất một tệp",
        ),  # empty, refused as the API does
        ({"MaHoSo": None}, 400, "MaHoSo: bắt buộc"),
        ({"MaHoSo": ["x"]}, 400, "MaHoSo: phải là chuỗi"),
        ({"NoiDungBoSung": 12.5}, 400, "NoiDungBoSung: phải là chuỗi"),
        ({"NoiDungBoSung": "x" * 10_001}, 400, "dài quá"),
        ({"TaiLieuBoSung": "tep.pdf"}, 400, "phải là một danh sách"),
        ({"TaiLieuBoSung": [{"TenTepDinhKem": "a.pdf"}]}, 400, "cần đúng một trong"),
        ({"TaiLieuBoSung": [{"TenTepDinhKem": "a.pdf", "NoiDungTep": "%%%"}]}, 400, "base64"),
        (
            {"TaiLieuBoSung": [{"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "file:///etc/passwd"}]},
            400,
            "http",
        ),
        ({"TaiLieuBoSung": [{"TenTepDinhKem": "a.pdf", "DuongDanTaiTepTin": "ftp://x/a.pdf"}]}, 400, "http"),
        ({"TaiLieuBoSung": [{"TenTepDinhKem": "a.exe", "NoiDungTep": b64(b"MZ")}]}, 200, "định dạng"),
        ({"TaiLieuBoSung": [{"TenTepDinhKem": "a.pdf", "NoiDungTep": b64(b"not a pdf")}]}, 200, "không khớp"),
        ({"MaHoSo": "KHONG-CO"}, 200, "Không tìm thấy hồ sơ KHONG-CO"),
    ],
)
def test_malformed_supplements_change_nothing(client, inbound, waiting, change, status, text):
    before = snapshot()
    rejected_with(send(client, msg("BoSungHoSo", supplement(waiting.code, **change))), status, text)
    assert snapshot() == before


def test_a_supplement_for_a_dossier_not_waiting_is_refused(client, inbound, processing):
    before = snapshot()
    row = rejected_with(
        send(client, msg("BoSungHoSo", supplement(processing.code))), 200, "không chờ bổ sung"
    )
    assert row.dossier_id == processing.pk and row.dossier_code == processing.code
    assert snapshot() == before


# --- ThongBaoThue -------------------------------------------------------------------------------------------------


def tax(code: str, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "MaHoSo": code,
        "SoThongBao": "TB-2026-000123",
        "SoTien": 1_250_000,
        "HanNop": "20261231",
        "CoQuanThue": "Chi cục Thuế khu vực I",
        "NoiDung": "Lệ phí trước bạ",
    }
    data.update(over)
    return data


def test_a_tax_notice_asks_for_the_financial_obligation(client, inbound, processing):
    response = send(client, msg("ThongBaoThue", tax(processing.code)))
    assert answer(response)["error_code"] == 0, answer(response)
    processing.refresh_from_db()
    assert processing.status == Status.FINANCIAL_OBLIGATION and processing.resume_status == Status.PROCESSING
    assert dossier_obligation_amount(dossier=processing) == 1_250_000
    event = processing.events.order_by("-seq").first()
    assert event.action == "request_financial_obligation" and event.actor_id is None
    assert "TB-2026-000123" in event.payload["content"] and "31/12/2026" in event.payload["content"]
    row = InboundMessage.objects.get()
    assert row.outcome == InboundOutcome.ACCEPTED and row.reference == "TB-2026-000123"


def test_a_tax_notice_sent_again_under_another_key_has_no_second_effect(client, inbound, processing):
    send(client, msg("ThongBaoThue", tax(processing.code), key="TD-1"))
    before = snapshot()
    response = send(client, msg("ThongBaoThue", tax(processing.code), key="TD-2"))
    assert answer(response)["error_code"] == 0 and "đã được nhận trước đó" in answer(response)["message"]
    assert snapshot() == before


def test_a_tax_notice_is_recorded_for_the_officer_when_the_state_does_not_allow_it(client, inbound, received):
    before = snapshot()
    response = send(client, msg("ThongBaoThue", tax(received.code)))
    body = answer(response)
    assert body["error_code"] == 0 and "Đã ghi nhận" in body["message"], body
    assert snapshot() == before  # the dossier is untouched: the officer asks for it when processing
    row = InboundMessage.objects.get()
    assert row.outcome == InboundOutcome.RECORDED and row.dossier_id == received.pk


def test_a_tax_notice_for_an_ended_dossier_is_refused(client, inbound, processing, specialist):
    services.dossier_stop(dossier_id=processing.pk, actor=specialist, reasons="Người nộp đề nghị dừng")
    before = snapshot()
    rejected_with(send(client, msg("ThongBaoThue", tax(processing.code))), 200, "đã kết thúc xử lý")
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"SoTien": "một triệu"}, "SoTien: phải là số nguyên"),
        ({"SoTien": 0}, "SoTien: phải từ 1"),
        ({"SoTien": -5}, "SoTien: phải từ 1"),
        ({"SoTien": True}, "SoTien: phải là số nguyên"),
        ({"SoTien": 12.5}, "SoTien: phải là số nguyên"),
        ({"SoTien": None}, "SoTien: bắt buộc"),
        ({"SoThongBao": ""}, "SoThongBao: bắt buộc"),
        ({"HanNop": "31/12/2026"}, "HanNop: phải có dạng yyyyMMdd"),
        ({"HanNop": "20261332"}, "HanNop: không phải ngày có thật"),
        ({"MaHoSo": {"a": 1}}, "MaHoSo: phải là chuỗi"),
    ],
)
def test_malformed_tax_notices_change_nothing(client, inbound, processing, change, text):
    before = snapshot()
    rejected_with(send(client, msg("ThongBaoThue", tax(processing.code, **change))), 400, text)
    assert snapshot() == before


def test_a_tax_notice_for_an_unknown_dossier_is_refused(client, inbound, processing):
    before = snapshot()
    rejected_with(send(client, msg("ThongBaoThue", tax("000.00.12.H38-991231-9999"))), 200, "Không tìm thấy")
    assert snapshot() == before


# --- NopHoSo ------------------------------------------------------------------------------------------------------


@pytest.fixture
def portal_account(db) -> User:
    return User.objects.create_user(
        username="dvcqg", password=None, role=Role.CITIZEN, full_name="Cổng DVCQG"
    )


def filed(unit, **over: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "MaHoSo": "G22.99-261207-0001",
        "MaTTHC": "1.001193",
        "MaDonVi": unit.code,
        "ChuHoSo": "Trần Thị Bích",
        "LoaiDoiTuong": 1,
        "SoGiayToChuHoSo": "020199005678",
        "SoDienThoai": "0912345678",
        "Email": "bich@example.vn",
        "DiaChi": "Phường Chi Lăng, Lạng Sơn",
        "DuLieuToKhai": dict(GOOD_FORM),
        "TaiLieuNop": [{"TenTepDinhKem": "to-khai.pdf", "NoiDungTep": b64(PDF)}],
    }
    data.update(over)
    return data


def test_a_dossier_submitted_on_the_portal_is_registered(client, inbound, procedure, unit, portal_account):
    response = send(client, msg("NopHoSo", filed(unit)))
    body = answer(response)
    assert body["error_code"] == 0, body
    dossier = Dossier.objects.get()
    assert body["data"] == {"MaHoSo": dossier.code} and dossier.code in body["message"]
    assert dossier.status == Status.NEW and dossier.channel == Channel.ONLINE and not dossier.assisted
    assert dossier.applicant_id == portal_account.pk
    assert (dossier.applicant_name, dossier.applicant_id_number, dossier.applicant_phone) == (
        "Trần Thị Bích",
        "020199005678",
        "0912345678",
    )
    assert dossier.extra["NguonHoSo"] == "DVCQG" and dossier.extra["MaHoSoDVCQG"] == "G22.99-261207-0001"
    assert dossier.form_data["ho_ten_tre"] == GOOD_FORM["ho_ten_tre"]
    assert dossier.files.get().file.read() == PDF
    assert dossier.events.get().action == "submit"
    row = InboundMessage.objects.get()
    assert row.reference == "G22.99-261207-0001" and row.dossier_id == dossier.pk
    assert "020199005678" not in client.get("/").content.decode()  # sanity: nothing leaks to the home page


def test_the_portal_dossier_of_a_linked_account_is_the_citizens_own(
    client, inbound, procedure, unit, citizen
):
    NationalIdentity.objects.create(
        user=citizen, tech_id="TECH-42", subject="sub-42", verified_at=timezone.now()
    )
    response = send(client, msg("NopHoSo", filed(unit, MaDoiTuong="TECH-42")))
    assert answer(response)["error_code"] == 0, answer(response)
    dossier = Dossier.objects.get()
    assert dossier.applicant_id == citizen.pk
    assert dossier.extra["MaDoiTuong"] == "TECH-42" and dossier.extra["TaiKhoanDuocXacThucVoiVNeID"] == 1


def test_national_codes_are_mapped_to_the_provinces(
    client, inbound, settings, procedure, unit, portal_account
):
    settings.DVCTT_NATIONAL_INBOUND_SUBMIT_PROCEDURES = ["2.000001"]
    ProcedureCode.objects.create(procedure_id=procedure.procedure_id, code="2.000001")
    UnitCode.objects.create(unit=unit, code="G22.99")
    response = send(client, msg("NopHoSo", filed(unit, MaTTHC="2.000001", MaDonVi="G22.99")))
    assert answer(response)["error_code"] == 0, answer(response)
    dossier = Dossier.objects.get()
    assert dossier.procedure_id == procedure.procedure_id and dossier.unit_id == unit.pk


def test_the_same_portal_dossier_under_another_key_is_not_registered_twice(
    client, inbound, procedure, unit, portal_account
):
    first = answer(send(client, msg("NopHoSo", filed(unit), key="TD-A")))
    before = snapshot()
    second = answer(send(client, msg("NopHoSo", filed(unit), key="TD-B")))
    assert second["error_code"] == 0 and second["data"] == first["data"]
    assert "trước đó" in second["message"]
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "status", "text"),
    [
        ({"MaTTHC": "9.999999"}, 200, "chưa nhận hồ sơ nộp trên Cổng DVCQG cho thủ tục 9.999999"),
        ({"MaDonVi": "000.00.99.H38"}, 200, "không thực hiện thủ tục"),
        ({"ChuHoSo": "  "}, 400, "ChuHoSo: bắt buộc"),
        ({"LoaiDoiTuong": 7}, 400, "LoaiDoiTuong: phải từ 1 đến 4"),
        ({"Email": "khong-phai-email"}, 400, "Email"),
        ({"SoGiayToChuHoSo": "0" * 21}, 400, "dài quá 20"),
        ({"DuLieuToKhai": ["x"]}, 400, "DuLieuToKhai: phải là một đối tượng"),
        ({"DuLieuToKhai": {"ho_ten_tre": ""}}, 200, ""),  # the e-form's own validation
        ({"MaHoSo": "x" * 51}, 400, "dài quá 50"),
        ({"TaiLieuNop": [{"TenTepDinhKem": "a.pdf", "NoiDungTep": b64(b"GIF89a")}]}, 200, "không khớp"),
    ],
)
def test_malformed_portal_dossiers_create_nothing(
    client, inbound, procedure, unit, portal_account, change, status, text
):
    before = snapshot()
    rejected_with(send(client, msg("NopHoSo", filed(unit, **change))), status, text)
    assert snapshot() == before
    assert not Dossier.objects.exists()


def test_portal_dossiers_need_the_provinces_account(client, inbound, settings, procedure, unit):
    settings.DVCTT_NATIONAL_INBOUND_ACCOUNT = "khong-co"
    rejected_with(send(client, msg("NopHoSo", filed(unit))), 200, "DVCTT_NATIONAL_INBOUND_ACCOUNT")
    assert not Dossier.objects.exists()


def test_portal_dossiers_are_off_unless_the_province_enables_them(client, inbound, settings, procedure, unit):
    settings.DVCTT_NATIONAL_INBOUND_SUBMIT_PROCEDURES = []
    rejected_with(send(client, msg("NopHoSo", filed(unit))), 200, "chưa nhận hồ sơ nộp trên Cổng DVCQG")
    assert not Dossier.objects.exists()


# --- the envelope -------------------------------------------------------------------------------------------------


def test_an_unknown_kind_is_refused(client, inbound, processing):
    before = snapshot()
    row = rejected_with(
        send(client, msg("HuyHoSo", {"MaHoSo": processing.code})), 200, "Loại thông điệp không hỗ trợ"
    )
    assert row.kind == "HuyHoSo" and row.key
    assert snapshot() == before


def _nested(depth: int) -> Any:
    value: Any = "x"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    ("raw", "status", "text"),
    [
        (b"{not json", 400, "không phải JSON"),
        (b"\xff\xfe{}", 400, "không phải JSON"),
        (b"[1, 2]", 400, "phải là một đối tượng JSON"),
        (json.dumps({"LoaiThongDiep": "BoSungHoSo", "DuLieu": {}}).encode(), 400, "Thiếu mã thông điệp"),
        (json.dumps({"MaThongDiep": "có dấu cách", "DuLieu": {}}).encode(), 400, "MaThongDiep"),
        (json.dumps({"MaThongDiep": 12345, "DuLieu": {}}).encode(), 400, "MaThongDiep"),
        (json.dumps({"MaThongDiep": "k" * 101}).encode(), 400, "MaThongDiep"),
        (json.dumps(_nested(20) | {"MaThongDiep": "K-1"}).encode(), 400, "lồng nhau quá 12 cấp"),
    ],
)
def test_unreadable_messages_are_recorded_and_change_nothing(client, inbound, processing, raw, status, text):
    before = snapshot()
    rejected_with(send(client, raw), status, text)
    assert snapshot() == before


@pytest.mark.parametrize(
    ("change", "text"),
    [
        ({"ThoiGianGui": None}, "ThoiGianGui: phải có dạng yyyyMMddHHmmss"),
        ({"ThoiGianGui": "2026-12-07 10:00"}, "ThoiGianGui: phải có dạng"),
        ({"ThoiGianGui": "20261399000000"}, "không phải thời điểm có thật"),
        ({"LoaiThongDiep": None}, "LoaiThongDiep: bắt buộc"),
        ({"DuLieu": "chuỗi"}, "DuLieu: phải là một đối tượng JSON"),
        ({"DuLieu": None}, "DuLieu: phải là một đối tượng JSON"),
    ],
)
def test_malformed_envelopes_change_nothing(client, inbound, processing, change, text):
    before = snapshot()
    message = msg("ThongBaoThue", tax(processing.code)) | change
    row = rejected_with(send(client, message), 400, text)
    assert row.key == message["MaThongDiep"]
    assert snapshot() == before


def test_too_large_a_message_is_refused(client, inbound, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_MAX_BYTES = 2000
    before = snapshot()
    rejected_with(
        send(client, msg("ThongBaoThue", tax(processing.code, NoiDung="x" * 1900))), 413, "vượt quá"
    )
    assert snapshot() == before


# --- authentication -----------------------------------------------------------------------------------------------


def test_unsigned_or_badly_signed_messages_are_refused_before_anything(client, inbound, processing):
    message = msg("ThongBaoThue", tax(processing.code))
    body = json.dumps(message).encode()
    before = snapshot()
    cases = [
        client.post(URL, data=body, content_type="application/json"),
        send(client, message, secret="sai-khoa"),
        send(client, message, timestamp=int(time.time()) - 3600),  # a replay of an old request
        send(client, message, timestamp=int(time.time()) + 3600),
        send(client, message, headers={TIMESTAMP_HEADER: "hôm nay"}),
        send(client, message, headers={SIGNATURE_HEADER: "sha256=" + "0" * 64}),
    ]
    for response in cases:
        assert response.status_code == 401 and answer(response)["error_code"] == -1, answer(response)
    # a signature over another body
    stamp = str(int(time.time()))
    forged = client.post(
        URL,
        data=body,
        content_type="application/json",
        headers={
            TIMESTAMP_HEADER: stamp,
            SIGNATURE_HEADER: signature_for(secret=SECRET, timestamp=stamp, body=body + b" "),
        },
    )
    assert forged.status_code == 401
    assert snapshot() == before and not InboundMessage.objects.exists()


def test_a_second_secret_works_while_the_first_is_replaced(client, inbound, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_SECRETS = ["khoa-moi", SECRET]
    assert (
        answer(send(client, msg("ThongBaoThue", tax(processing.code)), secret="khoa-moi"))["error_code"] == 0
    )


def test_bearer_tokens(client, inbound, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_AUTH = "bearer"
    settings.DVCTT_NATIONAL_INBOUND_TOKENS = [TOKEN]
    body = json.dumps(msg("ThongBaoThue", tax(processing.code))).encode()

    def post(token: str | None):
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return client.post(URL, data=body, content_type="application/json", headers=headers)

    missing, wrong = post(None), post("sai")
    assert missing.status_code == wrong.status_code == 401
    assert missing["WWW-Authenticate"].startswith("Bearer")
    assert not InboundMessage.objects.exists()
    assert post(TOKEN).status_code == 200
    assert InboundMessage.objects.get().auth_method == "bearer"


def test_both_methods_when_both_are_required(client, inbound, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_AUTH = "both"
    settings.DVCTT_NATIONAL_INBOUND_TOKENS = [TOKEN]
    message = msg("ThongBaoThue", tax(processing.code))
    assert send(client, message).status_code == 401  # signed, no token
    response = send(client, message, headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200 and answer(response)["error_code"] == 0


def test_either_method_when_any_is_allowed(client, inbound, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_AUTH = "any"
    settings.DVCTT_NATIONAL_INBOUND_TOKENS = [TOKEN]
    body = json.dumps(msg("ThongBaoThue", tax(processing.code))).encode()
    by_token = client.post(
        URL, data=body, content_type="application/json", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    assert by_token.status_code == 200
    assert client.post(URL, data=body, content_type="application/json").status_code == 401


def test_the_ip_allow_list(client, inbound, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_ALLOWED_IPS = ["10.0.0.0/8"]
    message = msg("ThongBaoThue", tax(processing.code))
    refused = send(client, message)  # the test client comes from 127.0.0.1
    assert refused.status_code == 403 and answer(refused)["error_code"] == -1
    settings.DVCTT_NATIONAL_INBOUND_ALLOWED_IPS = ["10.0.0.0/8", "127.0.0.1"]
    assert send(client, message).status_code == 200


def test_an_unconfigured_endpoint_answers_503_and_only_post(client, settings, processing):
    settings.DVCTT_NATIONAL_INBOUND_SECRETS = []
    settings.DVCTT_NATIONAL_INBOUND_TOKENS = []
    response = send(client, msg("ThongBaoThue", tax(processing.code)))
    assert response.status_code == 503 and answer(response)["error_code"] == -1
    assert client.get(URL).status_code == 405


# --- idempotency --------------------------------------------------------------------------------------------------


def test_the_same_message_twice_has_one_effect_and_one_answer(client, inbound, waiting):
    message = msg("BoSungHoSo", supplement(waiting.code), key="TD-LAP-LAI")
    first = send(client, message)
    after_first = snapshot()
    again = send(client, json.dumps(message, indent=2).encode())  # the same content, other white space
    assert again.status_code == first.status_code and answer(again) == answer(first)
    assert snapshot() == after_first
    assert InboundMessage.objects.get().attempts == 1


def test_the_same_key_with_another_body_is_refused(client, inbound, processing):
    send(client, msg("ThongBaoThue", tax(processing.code), key="TD-X"))
    before = snapshot()
    response = send(client, msg("ThongBaoThue", tax(processing.code, SoTien=999), key="TD-X"))
    assert response.status_code == 409
    assert answer(response) == {"error_code": -1, "message": "Trùng mã thông điệp với nội dung khác."}
    assert snapshot() == before
    assert InboundMessage.objects.get().outcome == InboundOutcome.ACCEPTED  # the first answer still stands


def test_a_rejected_key_may_be_sent_again_corrected(client, inbound, processing):
    rejected_with(
        send(client, msg("ThongBaoThue", tax(processing.code, SoTien=0), key="TD-SUA")), 400, "SoTien"
    )
    response = send(client, msg("ThongBaoThue", tax(processing.code), key="TD-SUA"))
    assert answer(response)["error_code"] == 0
    row = InboundMessage.objects.get()
    assert row.outcome == InboundOutcome.ACCEPTED and row.attempts == 2
    processing.refresh_from_db()
    assert processing.status == Status.FINANCIAL_OBLIGATION


# --- the console --------------------------------------------------------------------------------------------------


def test_the_console_lists_and_filters_messages(
    client, inbound, processing, waiting, django_user_model, foreign_officer
):
    send(client, msg("ThongBaoThue", tax(processing.code), key="TD-OK"))
    send(client, msg("ThongBaoThue", tax(processing.code, SoTien=0, SoThongBao="TB-9"), key="TD-LOI"))
    page_url = "/dvcqg/thong-diep-den/"
    assert client.get(page_url).status_code == 302
    client.force_login(django_user_model.objects.get(username="congdan"))
    assert client.get(page_url).status_code == 403
    # a unit's officers see the messages about their own dossiers (the tax notice), not the others
    client.force_login(django_user_model.objects.get(username="motcua"))
    own = client.get(page_url).content.decode()
    assert "TD-OK" in own and "TD-LOI" not in own
    monitor = django_user_model.objects.create_user(
        username="theodoi", password="x-Pass-1234", role=Role.MONITOR
    )
    client.force_login(monitor)
    page = client.get(page_url).content.decode()
    assert "TD-OK" in page and "TD-LOI" in page
    only_rejected = client.get(page_url, {"ket_qua": "rejected"}).content.decode()
    assert "TD-LOI" in only_rejected and "TD-OK" not in only_rejected
    by_code = client.get(page_url, {"ma": "TD-OK"}).content.decode()
    assert "TD-OK" in by_code and "TD-LOI" not in by_code
    row = InboundMessage.objects.get(key="TD-OK")
    assert client.get(f"{page_url}{row.pk}/").status_code == 403  # the raw message: administrators only
    admin = django_user_model.objects.create_user(username="quantri", password="x-Pass-1234", role=Role.ADMIN)
    client.force_login(admin)
    detail = client.get(f"{page_url}{row.pk}/").content.decode()
    assert "TB-2026-000123" in detail and "Chi cục Thuế" in detail


def test_the_console_masks_identification_numbers(
    client, inbound, procedure, unit, portal_account, django_user_model
):
    send(client, msg("NopHoSo", filed(unit), key="TD-NOP"))
    admin = django_user_model.objects.create_user(username="quantri", password="x-Pass-1234", role=Role.ADMIN)
    client.force_login(admin)
    row = InboundMessage.objects.get(key="TD-NOP")
    detail = client.get(f"/dvcqg/thong-diep-den/{row.pk}/").content.decode()
    assert "020199005678" not in detail and "020******678" in detail
    assert "0912345678" not in detail


# --- over real HTTP, as the portal pushes -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_sandbox_pushes_every_kind_over_http(
    live_server, inbound, waiting, procedure, unit, portal_account
):
    url = live_server.url + URL
    first = push(url=url, message=msg("BoSungHoSo", supplement(waiting.code), key="HTTP-1"), secret=SECRET)
    assert first.status == 200 and first.body["error_code"] == 0, first.text
    # sent again by a portal that stamps its retries anew: still the same message
    retried = envelope(kind="BoSungHoSo", data=supplement(waiting.code), key="HTTP-1", sent_at=vn(2026, 1, 1))
    repeat = push(url=url, message=retried, secret=SECRET)
    assert repeat.body == first.body
    filed_answer = push(url=url, message=msg("NopHoSo", filed(unit), key="HTTP-2"), secret=SECRET)
    assert filed_answer.body["error_code"] == 0, filed_answer.text
    unknown = push(url=url, message=msg("HuyHoSo", {}, key="HTTP-3"), secret=SECRET)
    assert unknown.body["error_code"] == -1
    unsigned = push(url=url, message=msg("BoSungHoSo", {}, key="HTTP-4"), secret="sai")
    assert unsigned.status == 401 and unsigned.body["error_code"] == -1
    assert InboundMessage.objects.filter(key__startswith="HTTP-").count() == 3
    assert Dossier.objects.filter(extra__MaHoSoDVCQG="G22.99-261207-0001").count() == 1


@pytest.mark.django_db(transaction=True)
def test_the_push_command(live_server, inbound, processing, tmp_path, capsys):
    file = tmp_path / "thue.json"
    file.write_text(json.dumps(tax(processing.code), ensure_ascii=False), encoding="utf-8")
    url = live_server.url + URL
    call_command("national_portal_push", str(file), url=url, secret=SECRET, kind="ThongBaoThue", key="CMD-1")
    assert '"error_code": 0' in capsys.readouterr().out
    processing.refresh_from_db()
    assert processing.status == Status.FINANCIAL_OBLIGATION
    with pytest.raises(CommandError):
        call_command("national_portal_push", str(file), url=url, secret="sai", kind="ThongBaoThue")


# --- concurrency (PostgreSQL: SQLite serialises every write transaction) -------------------------------------------


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL")
@pytest.mark.parametrize("kind", ["ThongBaoThue", "NopHoSo"])
def test_concurrent_duplicates_have_exactly_one_effect(
    live_server, inbound, processing, unit, portal_account, kind
):
    data = tax(processing.code) if kind == "ThongBaoThue" else filed(unit)
    message = msg(kind, data, key=f"SONG-SONG-{kind}")
    barrier = threading.Barrier(6)

    def deliver(_: int):
        barrier.wait()
        try:
            return push(url=live_server.url + URL, message=message, secret=SECRET)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=6) as pool:
        answers = list(pool.map(deliver, range(6)))
    assert all(a.status == 200 for a in answers), [a.text for a in answers]
    assert len({json.dumps(a.body, sort_keys=True) for a in answers}) == 1
    assert answers[0].body["error_code"] == 0
    assert InboundMessage.objects.filter(key=message["MaThongDiep"]).count() == 1
    if kind == "ThongBaoThue":
        assert (
            DossierEvent.objects.filter(dossier=processing, action="request_financial_obligation").count()
            == 1
        )
    else:
        assert Dossier.objects.filter(extra__MaHoSoDVCQG=data["MaHoSo"]).count() == 1


def test_the_envelope_helper_uses_vietnam_time():
    sent = envelope(
        kind="ThongBaoThue", data={}, key="K", sent_at=datetime(2026, 12, 7, 1, 0, tzinfo=ZoneInfo("UTC"))
    )
    assert sent["ThoiGianGui"] == "20261207080000"


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL")
def test_one_tax_notice_under_two_keys_at_once_is_applied_once(live_server, inbound, processing):
    barrier = threading.Barrier(2)

    def deliver(key: str):
        barrier.wait()
        try:
            return push(
                url=live_server.url + URL,
                message=msg("ThongBaoThue", tax(processing.code), key=key),
                secret=SECRET,
            )
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(deliver, ["HAI-KHOA-1", "HAI-KHOA-2"]))
    assert [a.body["error_code"] for a in answers] == [0, 0], [a.text for a in answers]
    assert DossierEvent.objects.filter(dossier=processing, action="request_financial_obligation").count() == 1
    assert InboundMessage.objects.count() == 2


def test_the_inbound_page_takes_the_same_queries_for_few_or_many_messages(
    client, inbound, processing, django_user_model
):
    from django.test.utils import CaptureQueriesContext

    monitor = django_user_model.objects.create_user(
        username="theodoi", password="x-Pass-1234", role=Role.MONITOR
    )
    client.force_login(monitor)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/dvcqg/thong-diep-den/").status_code == 200
        return len(captured)

    send(client, msg("HuyHoSo", {}))
    few = queries()
    for i in range(15):
        send(client, msg("HuyHoSo", {}, key=f"NHIEU-{i}"))
    assert queries() == few <= 8
