"""Tracking, my dossiers and the owner's actions over HTTP: who sees what, supplement, result, rating, PAKN."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dvctt.complaints.models import Complaint
from dvctt.dossiers import services
from dvctt.dossiers.models import DossierEvent
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import PDF, vn

pytestmark = pytest.mark.django_db


def _lookup(client: Client, code: str):
    return client.get(reverse("portal:dossier_lookup"), {"ma": code})


@pytest.fixture
def approved(processing: Any, leader: Any) -> Any:
    return services.dossier_approve(
        dossier_id=processing.pk,
        actor=leader,
        results=[services.ResultDocument("Giấy khai sinh", SimpleUploadedFile("giay-khai-sinh.pdf", PDF))],
        at=vn(2025, 3, 4, 9),
    )


def test_lookup_form_without_code(client: Client) -> None:
    response = client.get(reverse("portal:dossier_lookup"))
    assert response.status_code == 200
    assert 'name="ma"' in response.content.decode()


def test_anonymous_lookup_shows_status_history_due_time_and_no_personal_data(
    client: Client, received: Any
) -> None:
    response = _lookup(client, received.code)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Được tiếp nhận" in html
    # history with dd/mm/yyyy HH:MM and the appointment (due 06/03/2025 09:00)
    assert "03/03/2025 08:30" in html and "Nộp hồ sơ" in html and "Tiếp nhận hồ sơ" in html
    assert "06/03/2025 09:00" in html
    # no personal data: neither the applicant's name, id nor the officer's name
    assert "Nguyễn Văn An" not in html and "020199001234" not in html and "Motcua" not in html


def test_lookup_needs_the_exact_code(client: Client, received: Any) -> None:
    assert _lookup(client, received.code[:-1]).status_code == 404
    response = _lookup(client, "KHONG-CO")
    assert response.status_code == 404
    assert "Không tìm thấy hồ sơ có mã “KHONG-CO”" in response.content.decode()


def test_lookup_takes_the_code_in_any_case_and_with_spaces(client: Client, received: Any) -> None:
    # as typed on a phone or pasted from a message: lower case, spaces around, groups spaced, a no-break space
    unit, day, number = received.code.rsplit("-", 2)
    for typed in (
        received.code.lower(),
        f"  {received.code}\t",
        f"{unit} - {day} - {number}",
        f"\u00a0{received.code.lower()}\u00a0",
    ):
        response = _lookup(client, typed)
        assert response.status_code == 200, typed
        assert "Được tiếp nhận" in response.content.decode()
    api = client.get(reverse("api:dossier-track", args=[f" {received.code.lower()} "]))
    assert api.status_code == 200 and api.json()["code"] == received.code


def test_another_citizen_sees_only_the_public_view(client: Client, received: Any, other_citizen: Any) -> None:
    client.force_login(other_citizen)
    html = _lookup(client, received.code).content.decode()
    assert "Được tiếp nhận" in html and "Nguyễn Văn An" not in html
    assert reverse("portal:dossier_complaint", args=[received.code]) not in html


def test_owner_answers_a_supplement_request_online_and_the_clock_resumes(
    client: Client, processing: Any, specialist: Any, citizen: Any
) -> None:
    # Given a supplement request on a dossier being processed
    services.dossier_request_supplement(
        dossier_id=processing.pk,
        actor=specialist,
        content="Bổ sung bản sao giấy chứng sinh",
        at=vn(2025, 3, 3, 11),
    )
    client.force_login(citizen)
    html = _lookup(client, processing.code).content.decode()
    assert (
        "Bổ sung bản sao giấy chứng sinh" in html
        and reverse("portal:dossier_supplement", args=[processing.code]) in html
    )
    # When the owner sends a note and a file
    response = client.post(
        reverse("portal:dossier_supplement", args=[processing.code]),
        {"note": "Gửi bản sao", "files": SimpleUploadedFile("chung-sinh.pdf", PDF)},
    )
    # Then the dossier is back in processing, with the file kept
    assert response.status_code == 302
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING
    assert processing.files.filter(kind="supplement").count() == 1
    assert processing.supplements.get().answer_note == "Gửi bản sao"


def test_the_owner_gets_the_new_appointment_and_the_reissued_receipt_after_a_supplement(
    client: Client, processing: Any, specialist: Any, citizen: Any
) -> None:
    from dvctt.dossiers.tests.test_slips import pdf_text

    # given a dossier due Thu 06/03/2025 09:00, asked for a supplement Mon 03/03 16:00, answered Tue 04/03 08:00
    services.dossier_request_supplement(
        dossier_id=processing.pk, actor=specialist, content="Bổ sung", at=vn(2025, 3, 3, 16)
    )
    services.dossier_answer_supplement(
        dossier_id=processing.pk, actor=citizen, note="Đã bổ sung", at=vn(2025, 3, 4, 8)
    )
    # when the owner opens the dossier
    client.force_login(citizen)
    html = _lookup(client, processing.code).content.decode()
    # then the appointment shown is the new one (19 working hours resumed from the answer), with the first beside it
    assert "06/03/2025 11:00" in html and "hẹn lần đầu 06/03/2025 09:00" in html
    # and the receipt, among the slips addressed to them, prints the new appointment
    receipt = reverse("api:dossier-slip", kwargs={"code": processing.code, "kind": "receipt"})
    assert receipt in html and 'data-slip="supplement"' in html
    text = " ".join(pdf_text(client.get(receipt).content).split())
    assert "Hẹn trả kết quả mới sau khi Ông/Bà bổ sung hồ sơ" in text and "06/03/2025 11:00" in text


def test_supplement_answer_needs_note_or_file_and_only_the_owner(
    client: Client, processing: Any, specialist: Any, other_citizen: Any, citizen: Any
) -> None:
    services.dossier_request_supplement(
        dossier_id=processing.pk, actor=specialist, content="Bổ sung", at=vn(2025, 3, 3, 11)
    )
    url = reverse("portal:dossier_supplement", args=[processing.code])
    client.force_login(other_citizen)
    assert client.post(url, {"note": "x"}).status_code == 404
    client.force_login(citizen)
    response = client.post(url, {"note": ""}, follow=True)
    assert "Hãy ghi nội dung bổ sung hoặc đính kèm ít nhất một tệp." in response.content.decode()
    processing.refresh_from_db()
    assert processing.status == Status.SUPPLEMENT_REQUESTED


def test_result_download_only_for_the_owner(
    client: Client, approved: Any, citizen: Any, other_citizen: Any
) -> None:
    result = approved.files.get(kind="result")
    url = reverse("portal:dossier_file", args=[approved.code, result.pk])
    assert client.get(url).status_code == 302  # to sign in
    client.force_login(other_citizen)
    assert client.get(url).status_code == 404
    client.force_login(citizen)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_owner_rates_the_result(client: Client, approved: Any, citizen: Any) -> None:
    client.force_login(citizen)
    html = _lookup(client, approved.code).content.decode()
    assert reverse("portal:dossier_rate", args=[approved.code]) in html
    assert "Tải về: Giấy khai sinh" in html
    # a post without a choice is refused with a message
    client.post(reverse("portal:dossier_rate", args=[approved.code]), {})
    approved.refresh_from_db()
    assert approved.rating is None
    html = _lookup(client, approved.code).content.decode()
    assert "Rất hài lòng" in html and 'name="level" value="1"' in html  # the national three levels
    client.post(reverse("portal:dossier_rate", args=[approved.code]), {"level": "1", "comment": "Chậm"})
    approved.refresh_from_db()
    assert approved.rating == 1 and approved.has_complaint
    assert "Không hài lòng" in _lookup(client, approved.code).content.decode()
    assert DossierEvent.objects.filter(dossier=approved, action="rate").get().payload["comment"] == "Chậm"


def test_complaint_errors_beside_fields_then_filed(client: Client, received: Any, citizen: Any) -> None:
    client.force_login(citizen)
    url = reverse("portal:dossier_complaint", args=[received.code])
    assert client.get(url).status_code == 200
    response = client.post(url, {"kind": "phan_anh", "subject": "", "content": "ngắn"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Trường này là bắt buộc." in html and "ít nhất 10 ký tự" in html
    assert 'value="phan_anh"' in html and "ngắn" in html  # what was typed is kept
    response = client.post(
        url, {"kind": "kien_nghi", "subject": "Chậm tiếp nhận", "content": "Đã ba ngày chưa tiếp nhận hồ sơ."}
    )
    assert response.status_code == 302
    complaint = Complaint.objects.get()
    assert complaint.kind == "kien_nghi" and complaint.author == citizen
    received.refresh_from_db()
    assert received.has_complaint
    assert DossierEvent.objects.filter(dossier=received, action="complaint").exists()


def test_only_the_owner_files_a_complaint(
    client: Client, received: Any, one_stop: Any, other_citizen: Any
) -> None:
    for user in (one_stop, other_citizen):
        client.force_login(user)
        assert client.get(reverse("portal:dossier_complaint", args=[received.code])).status_code == 404


def test_my_dossiers_lists_own_dossiers_with_what_is_expected(
    client: Client,
    processing: Any,
    specialist: Any,
    citizen: Any,
    other_citizen: Any,
    django_assert_max_num_queries: Any,
) -> None:
    services.dossier_request_supplement(
        dossier_id=processing.pk, actor=specialist, content="Bổ sung", at=vn(2025, 3, 3, 11)
    )
    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert processing.code in html and "Cần bổ sung hồ sơ" in html
    client.force_login(other_citizen)
    html = client.get(reverse("portal:my_dossiers")).content.decode()
    assert processing.code not in html and "Bạn chưa nộp hồ sơ nào." in html


def test_my_dossiers_needs_sign_in(client: Client) -> None:
    assert client.get(reverse("portal:my_dossiers")).status_code == 302


def test_owner_sees_fee_payment_button(client: Client, submitted: Any, citizen: Any) -> None:
    client.force_login(citizen)
    html = _lookup(client, submitted.code).content.decode()
    assert reverse("portal:payment_begin", args=[submitted.code]) in html and "8.000" in html


def test_payment_begin_redirects_to_the_gateway(
    client: Client, submitted: Any, citizen: Any, settings: Any
) -> None:
    # the addresses the gateway calls back are the platform's public ones, not the one this server answers on
    settings.PUBLIC_BASE_URL = "https://dichvucong.langson.gov.vn/"
    client.force_login(citizen)
    response = client.post(reverse("portal:payment_begin", args=[submitted.code]), {"purpose": "fees"})
    assert response.status_code == 302
    assert response["Location"].startswith("/sandbox-gateway/pay/?")
    assert "ipn_url=https%3A%2F%2Fdichvucong.langson.gov.vn%2Fthanh-toan%2Fipn%2F" in response["Location"]
    assert (
        "return_url=https%3A%2F%2Fdichvucong.langson.gov.vn%2Fthanh-toan%2Fket-qua%2F" in response["Location"]
    )
    assert "testserver" not in response["Location"]
