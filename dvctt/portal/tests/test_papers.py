"""“Giấy tờ của tôi” over HTTP, stored papers chosen when applying, and the e-form prefilled from the account
(verified fields locked and enforced on the server)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import NationalIdentity
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierFile, HiddenPaper
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn
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


@pytest.fixture
def earlier(online_procedure: Any, unit: Any, citizen: Any) -> Dossier:
    """An earlier dossier of the citizen with two uploaded papers (a birth certificate among them)."""
    return services.dossier_submit(
        actor=citizen,
        submission=submission(
            unit,
            components=[
                services.ComponentUpload("Tờ khai đăng ký khai sinh", pdf_upload("to-khai-cu.pdf")),
                services.ComponentUpload(
                    "Giấy chứng sinh", pdf_upload("chung-sinh.pdf", b"%PDF-1.4\ngiay chung sinh\n%%EOF\n")
                ),
            ],
        ),
        at=vn(2025, 3, 3, 8, 30),
    )


def _paper(dossier: Dossier, name: str) -> DossierFile:
    return dossier.files.get(name=name)


def _draft(client: Client, code: str = "1.001193") -> ApplicationDraft:
    response = client.get(reverse("portal:apply", args=[code]))
    assert response.status_code == 302
    return ApplicationDraft.objects.get(pk=int(response["Location"].split("/")[2]))


# --- "Giấy tờ của tôi" ----------------------------------------------------------------------------------------


def test_my_papers_lists_own_papers_with_download_links(
    client: Client, earlier: Dossier, citizen: Any, other_citizen: Any
) -> None:
    client.force_login(citizen)
    html = client.get(reverse("portal:my_papers")).content.decode()
    certificate = _paper(earlier, "Giấy chứng sinh")
    assert "Giấy chứng sinh" in html and "chung-sinh.pdf" in html
    assert earlier.code in html
    assert timezone.localdate(certificate.uploaded_at).strftime("%d/%m/%Y") in html
    download = reverse("portal:dossier_file", args=[earlier.code, certificate.pk])
    assert f'href="{download}"' in html
    assert client.get(download).status_code == 200
    # Another citizen sees none of them and cannot download them
    client.force_login(other_citizen)
    other = client.get(reverse("portal:my_papers")).content.decode()
    assert "chung-sinh.pdf" not in other and "Bạn chưa có giấy tờ nào" in other
    assert client.get(download).status_code == 404


def test_hide_and_show_again(client: Client, earlier: Dossier, citizen: Any, other_citizen: Any) -> None:
    certificate = _paper(earlier, "Giấy chứng sinh")
    # Another citizen's forged hide: 404, nothing written
    client.force_login(other_citizen)
    assert client.post(reverse("portal:my_paper_hide", args=[certificate.pk])).status_code == 404
    assert not HiddenPaper.objects.exists()
    # The owner hides it: gone from the list, listed among the hidden ones, the dossier's file unchanged
    client.force_login(citizen)
    response = client.post(reverse("portal:my_paper_hide", args=[certificate.pk]), follow=True)
    html = response.content.decode()
    assert "Đã ẩn giấy tờ." in html and "chung-sinh.pdf" not in html
    assert "Xem 1 giấy tờ đã ẩn" in html
    hidden = client.get(reverse("portal:my_papers") + "?da-an=1").content.decode()
    assert "chung-sinh.pdf" in hidden and "Hiện lại" in hidden
    assert earlier.files.filter(pk=certificate.pk, file=certificate.file.name).exists()
    # Shown again
    client.post(reverse("portal:my_paper_unhide", args=[certificate.pk]))
    assert "chung-sinh.pdf" in client.get(reverse("portal:my_papers")).content.decode()
    # A GET does not hide
    assert client.get(reverse("portal:my_paper_hide", args=[certificate.pk])).status_code == 405


def test_my_papers_needs_sign_in_and_is_linked_from_the_profile(client: Client, citizen: Any) -> None:
    response = client.get(reverse("portal:my_papers"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))
    client.force_login(citizen)
    assert reverse("portal:my_papers") in client.get(reverse("accounts:profile")).content.decode()
    assert reverse("portal:my_papers") in client.get(reverse("portal:my_dossiers")).content.decode()


def test_my_papers_query_count_is_bounded(
    client: Client, earlier: Dossier, citizen: Any, unit: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(3):
        services.dossier_submit(
            actor=citizen,
            submission=submission(unit, components=[services.ComponentUpload("X", pdf_upload())]),
        )
    client.force_login(citizen)
    with django_assert_max_num_queries(8):
        assert client.get(reverse("portal:my_papers")).status_code == 200


# --- choosing a stored paper when applying ------------------------------------------------------------------------


def test_apply_with_a_stored_paper_instead_of_an_upload(
    client: Client, earlier: Dossier, citizen: Any
) -> None:
    certificate = _paper(earlier, "Giấy chứng sinh")
    form = _paper(earlier, "Tờ khai đăng ký khai sinh")
    original = DossierFile.objects.filter(pk=form.pk).values().get()
    client.force_login(citizen)
    draft = _draft(client)
    assert client.post(reverse("portal:draft_details", args=[draft.pk]), DETAILS).status_code == 302
    # The files step offers the papers, those of the same name first
    html = client.get(reverse("portal:draft_files", args=[draft.pk])).content.decode()
    picker = re.search(r'<select id="id_paper-2".*?</select>', html, re.S)
    assert picker is not None
    same = re.search(r'<optgroup label="Cùng tên giấy tờ">(.*?)</optgroup>', picker.group(0), re.S)
    assert same is not None and f'value="{certificate.pk}"' in same.group(1)
    assert '<label for="id_paper-2">' in html
    # When the citizen chooses their earlier form for the required component, and goes on
    response = client.post(
        reverse("portal:draft_files", args=[draft.pk]), {"paper-1": str(form.pk), "action": "next"}
    )
    assert response.status_code == 302 and response["Location"].endswith("/xem-lai/")
    kept = DraftFile.objects.get(draft=draft)
    assert kept.source_id == form.pk and not kept.file and kept.name == "to-khai-cu.pdf"
    # Then the review lists it, and the dossier submitted shares the earlier file's bytes
    assert "to-khai-cu.pdf" in client.get(reverse("portal:draft_review", args=[draft.pk])).content.decode()
    response = client.post(reverse("portal:draft_review", args=[draft.pk]))
    assert response.status_code == 302
    dossier = Dossier.objects.exclude(pk=earlier.pk).get()
    attached = dossier.files.get()
    assert attached.name == "Tờ khai đăng ký khai sinh"
    assert attached.file.name == form.file.name and attached.reused_from_id == form.pk
    # The earlier dossier's file is untouched and still there (the draft did not delete the shared bytes)
    assert DossierFile.objects.filter(pk=form.pk).values().get() == original
    assert form.file.storage.exists(form.file.name)
    assert not DraftFile.objects.filter(draft=draft).exists()


def test_a_forged_paper_id_is_refused_beside_the_field_and_nothing_is_written(
    client: Client, earlier: Dossier, other_citizen: Any, online_procedure: Any
) -> None:
    certificate = _paper(earlier, "Giấy chứng sinh")
    client.force_login(other_citizen)
    draft = _draft(client)
    not_found = "Không tìm thấy giấy tờ này trong “Giấy tờ của tôi”."
    for forged, message in (
        (str(certificate.pk), not_found),
        ("999999", not_found),
        ("abc", "Giấy tờ đã chọn không hợp lệ."),
    ):
        response = client.post(
            reverse("portal:draft_files", args=[draft.pk]), {"paper-2": forged, "action": "save"}
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert f'id="id_component-2-error" aria-live="polite"><li>{message}</li>' in html
        assert "chung-sinh.pdf" not in html
    assert not DraftFile.objects.exists()


def test_hidden_papers_are_not_offered_nor_accepted(client: Client, earlier: Dossier, citizen: Any) -> None:
    certificate = _paper(earlier, "Giấy chứng sinh")
    services.paper_hide(actor=citizen, paper_id=certificate.pk)
    client.force_login(citizen)
    draft = _draft(client)
    html = client.get(reverse("portal:draft_files", args=[draft.pk])).content.decode()
    assert f'<option value="{certificate.pk}"' not in html
    response = client.post(
        reverse("portal:draft_files", args=[draft.pk]), {"paper-2": str(certificate.pk), "action": "save"}
    )
    assert response.status_code == 400
    assert "Không tìm thấy giấy tờ này trong “Giấy tờ của tôi”." in response.content.decode()
    assert not DraftFile.objects.exists()


def test_removing_a_chosen_paper_or_the_draft_keeps_the_stored_bytes(
    client: Client, earlier: Dossier, citizen: Any, django_capture_on_commit_callbacks: Any
) -> None:
    form = _paper(earlier, "Tờ khai đăng ký khai sinh")
    client.force_login(citizen)
    draft = _draft(client)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("portal:draft_files", args=[draft.pk]), {"paper-1": str(form.pk), "action": "save"}
        )
        client.post(
            reverse("portal:draft_files", args=[draft.pk]), {"paper-1": str(form.pk), "action": "save"}
        )
        assert DraftFile.objects.filter(draft=draft).count() == 1  # the same paper twice is kept once
        chosen = DraftFile.objects.get(draft=draft)
        client.post(reverse("portal:draft_file_delete", args=[draft.pk, chosen.pk]))
        client.post(
            reverse("portal:draft_files", args=[draft.pk]), {"paper-1": str(form.pk), "action": "save"}
        )
        client.post(reverse("portal:draft_delete", args=[draft.pk]))
    assert not ApplicationDraft.objects.filter(pk=draft.pk).exists()
    assert form.file.storage.exists(form.file.name)


# --- the e-form prefilled from the account ------------------------------------------------------------------------

PERSON_FORM = [
    {"name": "ho_ten", "label": "Họ và tên người yêu cầu", "type": "text", "required": True},
    {"name": "so_dinh_danh", "label": "Số định danh cá nhân", "type": "id_number", "required": True},
    {"name": "ngay_sinh_nguoi_yeu_cau", "label": "Ngày sinh", "type": "date", "prefill": "birth_date"},
    {"name": "noi_thuong_tru", "label": "Nơi thường trú", "type": "textarea", "prefill": "address"},
    {"name": "dien_thoai", "label": "Số điện thoại", "type": "phone", "required": True},
    {"name": "email", "label": "Thư điện tử", "type": "email"},
    # a birth date without a declared role is someone else's: never filled
    {"name": "ngay_sinh", "label": "Ngày sinh của trẻ", "type": "date", "required": True},
    {"name": "ho_ten_cha", "label": "Họ tên cha", "type": "text", "prefill": "none"},
]


@pytest.fixture
def person_procedure(unit: Any, calendar_seeded: Any) -> Any:
    from dvctt.catalog.services import procedure_version_create

    return procedure_version_create(
        code="1.000894",
        valid_from=date(2020, 1, 1),
        name="Cấp bản sao trích lục hộ tịch",
        unit_codes=[unit.code],
        online_level=4,
        time_limit=1,
        time_limit_unit="ngay_lam_viec",
        eform=PERSON_FORM,
        components=[{"name": "Tờ khai", "required": False}],
    )


def _identity(user: Any) -> NationalIdentity:
    return NationalIdentity.objects.create(
        user=user,
        tech_id="tech-0001",
        subject="sub-0001",
        full_name="Nguyễn Văn An",
        id_number="020199001234",
        date_of_birth=date(1990, 5, 17),
        address="Số 5 Đường Trần Đăng Ninh, Phường Chi Lăng, Lạng Sơn",
        verified_at=timezone.now(),
    )


def _input(html: str, name: str) -> str:
    found = re.search(rf'<(?:input|textarea) id="ef-{name}"[^>]*>', html)
    assert found is not None, name
    return found.group(0)


def test_eform_prefilled_from_a_local_account_and_editable(
    client: Client, person_procedure: Any, citizen: Any
) -> None:
    citizen.phone, citizen.email = "0912345678", "an@example.vn"
    citizen.save()
    client.force_login(citizen)
    draft = _draft(client, "1.000894")
    # The new draft holds the account's values in the mapped fields, and nothing else
    assert draft.form_data == {
        "ho_ten": "Nguyễn Văn An",
        "so_dinh_danh": "020199001234",
        "dien_thoai": "0912345678",
        "email": "an@example.vn",
    }
    html = client.get(reverse("portal:draft_details", args=[draft.pk])).content.decode()
    assert 'value="Nguyễn Văn An"' in _input(html, "ho_ten") and "readonly" not in _input(html, "ho_ten")
    assert 'value=""' in _input(html, "ngay_sinh")  # the child's birth date is not the applicant's
    assert "đã xác thực" not in html
    # A local account's values can be changed; a field emptied on purpose stays empty
    post = {
        **{k: v for k, v in DETAILS.items() if not k.startswith("ef-")},
        "ef-ho_ten": "Nguyễn Văn Ân",
        "ef-so_dinh_danh": "020199001234",
        "ef-dien_thoai": "0987654321",
        "ef-email": "",
        "ef-ngay_sinh": "01/02/2025",
        "action": "save",
    }
    assert client.post(reverse("portal:draft_details", args=[draft.pk]), post).status_code == 302
    draft.refresh_from_db()
    assert draft.form_data["ho_ten"] == "Nguyễn Văn Ân" and draft.form_data["email"] == ""
    html = client.get(reverse("portal:draft_details", args=[draft.pk])).content.decode()
    assert 'value=""' in _input(html, "email")


def test_verified_fields_are_read_only_and_enforced_on_the_server(
    client: Client, person_procedure: Any, citizen: Any
) -> None:
    _identity(citizen)
    client.force_login(citizen)
    draft = _draft(client, "1.000894")
    html = client.get(reverse("portal:draft_details", args=[draft.pk])).content.decode()
    # Name, number, birth date and address come from the national identity: read-only, said so
    for name in ("ho_ten", "so_dinh_danh", "ngay_sinh_nguoi_yeu_cau", "noi_thuong_tru"):
        assert "readonly" in _input(html, name), name
        assert 'aria-describedby="verified-form-hint' in _input(html, name)
    assert 'value="17/05/1990"' in _input(html, "ngay_sinh_nguoi_yeu_cau")
    assert "Số 5 Đường Trần Đăng Ninh" in html
    assert 'id="verified-form-hint"' in html and "Họ và tên người yêu cầu (đã xác thực)" in html
    assert "readonly" not in _input(html, "dien_thoai") and "readonly" not in _input(html, "ho_ten_cha")
    # When a forged post changes the verified values
    post = {
        **{k: v for k, v in DETAILS.items() if not k.startswith("ef-")},
        "ef-ho_ten": "Người Khác",
        "ef-so_dinh_danh": "099999999999",
        "ef-ngay_sinh_nguoi_yeu_cau": "01/01/2000",
        "ef-noi_thuong_tru": "Nơi khác",
        "ef-dien_thoai": "0987654321",
        "ef-ngay_sinh": "01/02/2025",
    }
    response = client.post(reverse("portal:draft_details", args=[draft.pk]), post)
    assert response.status_code == 302
    # Then the identity's values are kept, the editable ones are the applicant's
    draft.refresh_from_db()
    assert draft.form_data["ho_ten"] == "Nguyễn Văn An"
    assert draft.form_data["so_dinh_danh"] == "020199001234"
    assert draft.form_data["ngay_sinh_nguoi_yeu_cau"] == "17/05/1990"
    assert draft.form_data["noi_thuong_tru"].startswith("Số 5 Đường Trần Đăng Ninh")
    assert draft.form_data["dien_thoai"] == "0987654321"
    # And so is the dossier submitted
    client.post(reverse("portal:draft_files", args=[draft.pk]), {"action": "next"})
    assert client.post(reverse("portal:draft_review", args=[draft.pk])).status_code == 302
    dossier = Dossier.objects.get(procedure_version=person_procedure)
    assert dossier.form_data["ho_ten"] == "Nguyễn Văn An"
    assert dossier.form_data["so_dinh_danh"] == "020199001234"
    assert str(dossier.form_data["ngay_sinh_nguoi_yeu_cau"]) == "1990-05-17"
