"""Applying online over HTTP: draft, details with errors beside fields, uploads, review, submit, confirmation."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.dossiers.tests.conftest import PDF
from dvctt.portal.models import ApplicationDraft, DraftFile

pytestmark = pytest.mark.django_db

DETAILS = {
    "full_name": "Nguyễn Văn An",
    "national_id": "020199001234",
    "phone": "0912345678",
    "email": "an@example.vn",
    "address": "Phường Chi Lăng, Lạng Sơn",
    "unit": "000.00.12.H38",
    "ef-ho_ten_tre": "Nguyễn Văn Bình",
    "ef-ngay_sinh": "01/02/2025",
    "action": "next",
}


def _login(client: Client, user) -> Client:
    client.force_login(user)
    return client


def _draft(client: Client, code: str = "1.001193") -> ApplicationDraft:
    response = client.get(reverse("portal:apply", args=[code]))
    assert response.status_code == 302
    return ApplicationDraft.objects.get(pk=int(response["Location"].split("/")[2]))


def _complete(client: Client, draft: ApplicationDraft) -> None:
    assert client.post(reverse("portal:draft_details", args=[draft.pk]), DETAILS).status_code == 302
    upload = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    response = client.post(
        reverse("portal:draft_files", args=[draft.pk]), {"component-1": upload, "action": "next"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]


def test_anonymous_applicant_is_sent_to_sign_in(client: Client, online_procedure: Any) -> None:
    response = client.get(reverse("portal:apply", args=["1.001193"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert "next=/nop-ho-so/1.001193/" in response["Location"]


def test_draft_is_prefilled_from_the_account_and_resumed(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    # Given a signed-in citizen
    _login(client, citizen)
    # When they start applying twice
    first = _draft(client)
    second = _draft(client)
    # Then it is one draft, prefilled with the account's identity, and the single unit chosen
    assert first.pk == second.pk
    assert first.applicant_data["full_name"] == "Nguyễn Văn An"
    assert first.applicant_data["national_id"] == "020199001234"
    assert first.unit_code == "000.00.12.H38"
    page = client.get(reverse("portal:draft_details", args=[first.pk])).content.decode()
    assert 'value="020199001234"' in page


def test_details_errors_are_beside_fields_in_vietnamese_and_input_is_kept(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    # When the applicant posts a bad id, a bad date and no child's name
    bad = {
        **DETAILS,
        "national_id": "12345",
        "ef-ngay_sinh": "31/02/2025",
        "ef-ho_ten_tre": "",
        "phone": "0912 345 678",
    }
    response = client.post(reverse("portal:draft_details", args=[draft.pk]), bad)
    # Then the page comes back (400) with each message beside its field, and what was typed is still there
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        '<ul class="errorlist" id="id_national_id-error"><li>Số định danh cá nhân phải gồm đúng 12 chữ số.</li>'
        in html
    )
    assert 'id="ef-ngay_sinh-error"><li>Ngày sinh: ngày không hợp lệ (dd/mm/yyyy).</li>' in html
    assert 'id="ef-ho_ten_tre-error"><li>Họ tên trẻ: bắt buộc nhập.</li>' in html
    assert 'value="12345"' in html and 'value="31/02/2025"' in html
    assert 'aria-invalid="true"' in html
    # And the draft kept what was typed (so nothing is lost if the applicant leaves)
    draft.refresh_from_db()
    assert draft.form_data["ngay_sinh"] == "31/02/2025"


def test_save_draft_keeps_incomplete_input_without_errors(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    response = client.post(
        reverse("portal:draft_details", args=[draft.pk]), {**DETAILS, "ef-ho_ten_tre": "", "action": "save"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["ho_ten_tre"] == ""
    assert draft.applicant_data["address"] == "Phường Chi Lăng, Lạng Sơn"


def test_uploads_without_js_keep_good_files_and_refuse_bad_ones_beside_their_field(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    good = SimpleUploadedFile("to-khai.pdf", PDF, content_type="application/pdf")
    fake = SimpleUploadedFile("chung-sinh.pdf", b"not a pdf at all", content_type="application/pdf")
    response = client.post(
        reverse("portal:draft_files", args=[draft.pk]),
        {"component-1": good, "component-2": fake, "action": "next"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert (
        'id="id_component-2-error" aria-live="polite"><li>Nội dung tệp “chung-sinh.pdf” (Giấy chứng sinh)'
        in html
    )
    assert [f.name for f in DraftFile.objects.filter(draft=draft)] == ["to-khai.pdf"]


def test_required_component_missing_blocks_next_step(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    response = client.post(reverse("portal:draft_files", args=[draft.pk]), {"action": "next"})
    assert response.status_code == 400
    assert "“Tờ khai đăng ký khai sinh”: bắt buộc đính kèm." in response.content.decode()


def test_json_upload_one_file_at_a_time(client: Client, online_procedure: Any, citizen: Any) -> None:
    _login(client, citizen)
    draft = _draft(client)
    url = reverse("portal:draft_files", args=[draft.pk])
    ok = client.post(
        url,
        {"component": "1", "file": SimpleUploadedFile("a.pdf", PDF)},
        headers={"Accept": "application/json"},
    )
    assert ok.status_code == 200
    body = json.loads(ok.content)
    assert body["ok"] is True and body["file"]["name"] == "a.pdf"
    bad = client.post(
        url,
        {"component": "1", "file": SimpleUploadedFile("a.exe", b"MZ")},
        headers={"Accept": "application/json"},
    )
    assert bad.status_code == 400
    assert "không đúng định dạng cho phép" in json.loads(bad.content)["error"]
    # A retry after a dropped connection simply uploads the file again; the draft still holds the first one
    assert DraftFile.objects.filter(draft=draft).count() == 1
    removed = client.post(body["delete_url"], headers={"Accept": "application/json"})
    assert removed.status_code == 200
    assert DraftFile.objects.filter(draft=draft).count() == 0


def test_oversized_upload_refused_on_the_server(
    client: Client, online_procedure: Any, citizen: Any, settings
) -> None:
    settings.DVCTT_MAX_UPLOAD_BYTES = 100
    _login(client, citizen)
    draft = _draft(client)
    response = client.post(
        reverse("portal:draft_files", args=[draft.pk]),
        {"component": "1", "file": SimpleUploadedFile("big.pdf", PDF + b"x" * 200)},
        headers={"Accept": "application/json"},
    )
    assert response.status_code == 400
    assert "vượt quá giới hạn" in json.loads(response.content)["error"]


def test_submit_creates_one_dossier_even_when_posted_twice(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    _complete(client, draft)
    review = client.get(reverse("portal:draft_review", args=[draft.pk]))
    assert review.status_code == 200
    html = review.content.decode()
    assert "Lệ phí đăng ký khai sinh" in html and "8.000" in html
    # When the applicant double-clicks "Nộp hồ sơ"
    first = client.post(reverse("portal:draft_review", args=[draft.pk]))
    second = client.post(reverse("portal:draft_review", args=[draft.pk]))
    # Then one dossier exists, both answers lead to its confirmation
    assert Dossier.objects.count() == 1
    dossier = Dossier.objects.get()
    assert first["Location"] == second["Location"] == reverse("portal:dossier_submitted", args=[dossier.code])
    assert dossier.applicant == citizen and dossier.channel == 2 and dossier.applicant_phone == "0912345678"
    assert dossier.form_data["ho_ten_tre"] == "Nguyễn Văn Bình"
    assert list(dossier.files.values_list("kind", "name")) == [
        (DossierFile.Kind.COMPONENT, "Tờ khai đăng ký khai sinh")
    ]
    # And the draft is closed, its files gone (the dossier has its own copies)
    draft.refresh_from_db()
    assert draft.dossier_code == dossier.code and not draft.files.exists()
    # And applying again starts a new draft
    assert _draft(client).pk != draft.pk


def test_confirmation_shows_code_time_limit_and_unit_contacts(
    client: Client, online_procedure: Any, citizen: Any
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    _complete(client, draft)
    response = client.post(reverse("portal:draft_review", args=[draft.pk]), follow=True)
    html = response.content.decode()
    dossier = Dossier.objects.get()
    assert dossier.code in html
    assert "3 ngày làm việc kể từ khi hồ sơ được tiếp nhận" in html
    assert "Ngày hẹn trả chính thức được ghi khi cơ quan tiếp nhận hồ sơ" in html
    assert "Số 1 Đường Lê Lợi, TP Lạng Sơn" in html and "02053812345" in html and "stp@langson.gov.vn" in html
    assert reverse("portal:payment_begin", args=[dossier.code]) in html


def test_review_refuses_incomplete_draft(client: Client, online_procedure: Any, citizen: Any) -> None:
    _login(client, citizen)
    draft = _draft(client)
    response = client.post(reverse("portal:draft_review", args=[draft.pk]))
    assert response.status_code == 400
    assert "Hồ sơ chưa đủ để nộp" in response.content.decode()
    assert not Dossier.objects.exists()


@pytest.mark.parametrize("name", ["portal:draft_details", "portal:draft_files", "portal:draft_review"])
def test_nobody_sees_another_persons_draft(
    client: Client, online_procedure: Any, citizen: Any, other_citizen: Any, name: str
) -> None:
    _login(client, citizen)
    draft = _draft(client)
    client.force_login(other_citizen)
    assert client.get(reverse(name, args=[draft.pk])).status_code == 404
    assert client.post(reverse("portal:draft_delete", args=[draft.pk])).status_code == 404
    assert ApplicationDraft.objects.filter(pk=draft.pk).exists()


def test_officials_cannot_apply_as_citizens(client: Client, online_procedure: Any, one_stop: Any) -> None:
    _login(client, one_stop)
    response = client.get(reverse("portal:apply", args=["1.001193"]))
    assert response.status_code == 403


def test_offline_procedure_cannot_be_applied_for(client: Client, online_procedure: Any, citizen: Any) -> None:
    online_procedure.online_level = 2
    online_procedure.save()
    _login(client, citizen)
    response = client.get(reverse("portal:apply", args=["1.001193"]))
    assert response.status_code == 400
    assert "chưa được cung cấp trực tuyến" in response.content.decode()


def test_draft_delete(client: Client, online_procedure: Any, citizen: Any) -> None:
    _login(client, citizen)
    draft = _draft(client)
    assert client.post(reverse("portal:draft_delete", args=[draft.pk])).status_code == 302
    assert not ApplicationDraft.objects.exists()
