"""The law on the slips: receipt contents, the control slip's hand-overs, the written refusal, form sets as data."""

from __future__ import annotations

import importlib
import re
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.core.exceptions import ValidationError

from dvctt.catalog.models import DossierComponent, PaperForm
from dvctt.dossiers import services
from dvctt.dossiers.models import DossierFile, Notification, SlipForm, SlipFormSet, Status
from dvctt.dossiers.slips import DEFAULT_FORM_SETS, form_set_for, slip_html, slip_render
from dvctt.dossiers.slips.content import time_limit_text
from dvctt.dossiers.slips.wording import WordingError, wording_render
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn
from dvctt.dossiers.tests.test_slips import pdf_text

SEED = importlib.import_module("dvctt.dossiers.migrations.0008_form_sets_data")


@pytest.fixture(autouse=True)
def form_sets(db):
    """The seeded sets, also after a transactional test flushed the tables (the seed is idempotent)."""
    SEED.seed(django_apps, None)


def pdftotext(pdf: bytes) -> str:
    """The text of the PDF, white space collapsed (pure Python: no system tool needed on a new machine)."""
    return re.sub(r"\s+", " ", pdf_text(pdf))


def rows(html: str) -> list[str]:
    return html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]


# --- receipt (form 01) --------------------------------------------------------------------------------------
@pytest.fixture
def components(procedure):
    version = procedure
    DossierComponent.objects.create(
        version=version, position=1, name="Tờ khai đăng ký khai sinh", paper_form=PaperForm.ORIGINAL, copies=1
    )
    DossierComponent.objects.create(
        version=version,
        position=2,
        name="Giấy chứng sinh",
        paper_form=PaperForm.CERTIFIED_COPY,
        copies=2,
    )
    return version


def _received(unit, citizen, one_stop, *, channel: int, names: list[str], key: str):
    dossier = services.dossier_submit(
        actor=citizen if channel == 2 else one_stop,
        submission=submission(
            unit,
            channel=channel,
            client_key=key,
            components=[services.ComponentUpload(n, pdf_upload()) for n in names],
        ),
        at=vn(2025, 3, 3, 8, 30),
    )
    return services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))


def test_receipt_prints_legal_time_paper_forms_copies_and_where_the_result_comes(
    components, unit, citizen, one_stop
):
    # Given an online dossier of a 3-working-day procedure whose birth certificate is a certified copy, 2 copies
    dossier = _received(
        unit, citizen, one_stop, channel=2, names=["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"], key="r1"
    )
    # When its receipt is printed
    text = pdftotext(slip_render(dossier=dossier, kind="receipt"))
    # Then it states the legal processing time, each paper's form and copies, and that the result comes online
    assert "Thời hạn giải quyết theo quy định: 03 ngày làm việc" in text
    assert "Giấy chứng sinh" in text and "bản sao có chứng thực" in text and "2 bản" in text
    assert "Tờ khai đăng ký khai sinh" in text and "bản chính" in text
    assert "Nơi nhận kết quả: Trực tuyến" in text
    assert f"tra-cuu/?ma={dossier.code}" in text.replace(" ", "")


def test_receipt_of_a_counter_dossier_sends_the_applicant_to_the_one_stop_unit(
    components, unit, citizen, one_stop
):
    # Given a dossier handed in on paper at the counter (no electronic file)
    dossier = _received(unit, citizen, one_stop, channel=1, names=[], key="r2")
    text = pdftotext(slip_render(dossier=dossier, kind="receipt"))
    # Then the required papers of the procedure are listed with their forms, and the result is at the counter
    assert "Giấy chứng sinh" in text and "bản sao có chứng thực" in text
    assert "Nơi nhận kết quả: Tại bộ phận một cửa — Sở Tư pháp" in text


def test_receipt_of_a_postal_dossier_returns_by_post(procedure, unit, citizen, one_stop):
    dossier = _received(unit, citizen, one_stop, channel=3, names=["Tờ khai"], key="r3")
    text = pdftotext(slip_render(dossier=dossier, kind="receipt"))
    assert "Nơi nhận kết quả: Qua bưu chính công ích — gửi đến địa chỉ" in text


@pytest.mark.parametrize(
    ("limit", "unit", "by_channel", "expected"),
    [
        (Decimal(3), "ngay_lam_viec", {}, "03 ngày làm việc"),
        (Decimal(15), "ngay", {}, "15 ngày"),
        (Decimal("0.5"), "ngay_lam_viec", {}, "0,5 ngày làm việc"),
        (Decimal(8), "gio_lam_viec", {}, "08 giờ làm việc"),
        (Decimal(3), "ngay_lam_viec", {"2": "1"}, "01 ngày làm việc"),  # the online channel's own limit
    ],
)
def test_legal_time_as_official_papers_write_it(limit, unit, by_channel, expected):
    from dvctt.catalog.models import ProcedureVersion

    version = ProcedureVersion(time_limit=limit, time_limit_unit=unit, time_limit_by_channel=by_channel)
    assert time_limit_text(version, 2) == expected


# --- the control slip (form 05 / 06) ------------------------------------------------------------------------
def test_control_slip_has_one_row_per_hand_over_with_both_sides_and_signature_boxes(
    processing, leader, one_stop, other_unit
):
    # Given a dossier received, forwarded to the specialist, then to another unit, decided and returned
    services.dossier_forward(
        dossier_id=processing.pk, actor=leader, to_unit_codes=[other_unit.code], at=vn(2025, 3, 4, 9)
    )
    for child in processing.children.all():
        child.status = Status.PROCESSED
        child.save(update_fields=["status"])
    services.dossier_approve(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 5, 10))
    dossier = services.dossier_return_result(
        dossier_id=processing.pk, actor=one_stop, method="counter", at=vn(2025, 3, 5, 15)
    )
    # When the control slip is laid out
    html = slip_html(dossier=dossier, kind="control")
    table = rows(html)
    text = pdftotext(slip_render(dossier=dossier, kind="control"))
    # Then there is one row per hand-over (not per event: the submission is no hand-over), giver and receiver
    assert len(table) == 5
    receive, to_specialist, to_unit, result_back, returned = table
    assert "Nguyễn Văn An" in receive and "Motcua" in receive and "Sở Tư pháp" in receive
    assert "Motcua" in to_specialist and "Chuyenvien" in to_specialist
    assert "Lanhdao" in to_unit and "Sở Tài chính" in to_unit
    assert "Lanhdao" in result_back and "Chuyển kết quả về Bộ phận Một cửa" in result_back
    assert "Motcua" in returned and "Nguyễn Văn An" in returned and "Tại bộ phận một cửa" in returned
    # each with the time, the judgement against the appointment (06/03/2025 09:00), and two signature boxes
    assert "05/03/2025 10:00" in result_back and "Trước hạn" in result_back
    assert all(r.count('class="sign"') == 2 for r in table)
    assert "Người giao ký" in text and "Người nhận ký" in text
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ".upper() in text


def test_a_step_after_the_appointment_is_late(processing, leader):
    # Given the appointment 06/03/2025 09:00 and a decision on 07/03
    dossier = services.dossier_approve(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 7, 10))
    result_back = rows(slip_html(dossier=dossier, kind="control"))[-1]
    assert "Quá hạn" in result_back and "06/03/2025 09:00" in result_back


def test_a_step_on_the_appointment_day_is_on_time(processing, leader):
    dossier = services.dossier_approve(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 6, 8, 30))
    assert "Đúng hạn" in rows(slip_html(dossier=dossier, kind="control"))[-1]


def test_an_apology_moves_the_appointment_the_later_steps_are_judged_against(processing, leader):
    # Given an apology on 05/03 that moves the appointment from 06/03 09:00 to 10/03 09:00
    services.dossier_apologise(
        dossier_id=processing.pk,
        actor=leader,
        new_due_at=vn(2025, 3, 10, 9),
        reason="Cần xác minh",
        at=vn(2025, 3, 5, 15),
    )
    # When the result goes back on 07/03 (after the first appointment, before the new one)
    dossier = services.dossier_approve(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 7, 10))
    table = rows(slip_html(dossier=dossier, kind="control"))
    # Then that step is early against the appointment in force then, and the apology is noted on it
    assert "Trước hạn" in table[-1] and "10/03/2025 09:00" in table[-1]
    assert "Xin lỗi, hẹn lại ngày trả kết quả: 10/03/2025 09:00" in table[-1]
    # while the forward, before the apology, was judged against the first appointment
    assert "06/03/2025 09:00" in table[1]


def test_a_supplement_pause_moves_the_appointment(processing, specialist, citizen, leader):
    # Given a supplement asked on 03/03 11:00 and answered on 05/03 09:00 (the clock paused in between)
    services.dossier_request_supplement(
        dossier_id=processing.pk, actor=specialist, content="Bổ sung giấy chứng sinh", at=vn(2025, 3, 3, 11)
    )
    answered = services.dossier_answer_supplement(
        dossier_id=processing.pk, actor=citizen, note="Đã bổ sung", at=vn(2025, 3, 5, 9)
    )
    new_due = answered.effective_due_at
    assert new_due is not None and new_due > vn(2025, 3, 6, 9)
    # When the result goes back on 06/03 16:00, after the first appointment but before the resumed one
    dossier = services.dossier_approve(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 6, 16))
    table = rows(slip_html(dossier=dossier, kind="control"))
    # Then the supplement hand-overs are rows, and the decision is not late
    assert any("Trả hồ sơ để bổ sung, hoàn thiện" in r for r in table)
    assert any("Nhận hồ sơ đã bổ sung" in r for r in table)
    assert "Quá hạn" not in table[-1]
    assert new_due.astimezone(vn(2025, 1, 1).tzinfo).strftime("%d/%m/%Y %H:%M") in table[-1]


# --- the written refusal to grant ---------------------------------------------------------------------------
def test_refusal_after_processing_is_kept_as_the_dossiers_electronic_result(processing, leader):
    # When the leader refuses to grant, with reasons
    dossier = services.dossier_refuse(
        dossier_id=processing.pk,
        actor=leader,
        reasons="Người đề nghị không thuộc đối tượng được cấp",
        at=vn(2025, 3, 5, 10),
    )
    # Then the dossier keeps the written refusal as an electronic result document (PDF)
    (stored,) = DossierFile.objects.filter(dossier=dossier, kind=DossierFile.Kind.RESULT)
    assert stored.electronic and stored.content_type == "application/pdf"
    pdf = stored.file.read()
    assert pdf.startswith(b"%PDF") and stored.size == len(pdf)
    text = pdftotext(pdf)
    # with its reasons, the agency, the date and the legal wording
    assert "Người đề nghị không thuộc đối tượng được cấp" in text
    assert "Văn bản từ chối giải quyết hồ sơ".upper() in text
    assert "Sở Tư pháp từ chối giải quyết hồ sơ nêu trên" in text
    assert "ngày 05 tháng 03 năm 2025" in text
    assert "Căn cứ Nghị định số 61/2018/NĐ-CP" in text
    assert "Lanhdao" in text and dossier.code in text


def test_the_refusal_is_stored_once(processing, leader):
    from dvctt.dossiers.slips.documents import dossier_document_store
    from dvctt.dossiers.slips.forms import SlipKind

    dossier = services.dossier_refuse(dossier_id=processing.pk, actor=leader, reasons="Không đủ điều kiện")
    again = dossier_document_store(dossier=dossier, kind=SlipKind.REFUSAL_DECISION)
    assert DossierFile.objects.filter(dossier=dossier, kind=DossierFile.Kind.RESULT).get() == again


def test_refusal_and_its_document_are_one_transaction(processing, leader, monkeypatch):
    # Given a renderer that fails
    from dvctt.dossiers.slips import documents

    def broken(**kwargs):
        raise RuntimeError("pango is gone")

    monkeypatch.setattr(documents, "slip_render", broken)
    # When the refusal is made, it fails as a whole: no refused dossier without its written refusal
    with pytest.raises(RuntimeError):
        services.dossier_refuse(dossier_id=processing.pk, actor=leader, reasons="Không đủ điều kiện")
    processing.refresh_from_db()
    assert processing.status == Status.PROCESSING and processing.outcome == ""
    assert not DossierFile.objects.filter(dossier=processing, kind=DossierFile.Kind.RESULT).exists()


def test_the_applicant_is_notified_and_downloads_the_refusal(
    processing, leader, citizen, client, django_capture_on_commit_callbacks
):
    # When the refusal commits
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_refuse(
            dossier_id=processing.pk, actor=leader, reasons="Không đủ điều kiện"
        )
    # Then the applicant is notified with the reasons and where to download the written refusal
    notification = Notification.objects.get(event__dossier=dossier, event__action="refuse")
    assert notification.recipient == "an@example.vn"
    assert "Không đủ điều kiện" in notification.body
    assert "Văn bản từ chối giải quyết hồ sơ" in notification.body and dossier.code in notification.body
    # and downloads it from the dossier's page
    stored = DossierFile.objects.get(dossier=dossier, kind=DossierFile.Kind.RESULT)
    client.force_login(citizen)
    response = client.get(f"/ho-so/{dossier.code}/tep/{stored.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")


# --- form sets as data --------------------------------------------------------------------------------------
def _receipt_form(code: str = "2018") -> SlipForm:
    return SlipForm.objects.get(form_set__code=code, kind="receipt")


def test_seeded_defaults_equal_the_coded_ones_and_are_unconfirmed(db):
    # Given the seed of migration 0008 run on an empty table
    SlipForm.objects.all().delete()
    SlipFormSet.objects.all().delete()
    SEED.seed(django_apps, None)
    # Then the stored sets are the coded defaults (numbers, titles, dates), none of them confirmed
    for default in DEFAULT_FORM_SETS:
        stored = SlipFormSet.objects.get(code=default.code)
        assert (stored.circular, stored.valid_from, stored.valid_to) == (
            default.circular,
            default.valid_from,
            default.valid_to,
        )
        assert str(stored.legal_reference) == str(default.legal_reference)
        assert sorted((f.kind, f.number, f.title) for f in stored.forms.all()) == sorted(
            (f.kind.value, f.number, str(f.title)) for f in default.forms
        )
        assert not stored.confirmed and "Chưa xác nhận" in stored.note
        assert not stored.forms.filter(confirmed=True).exists()


def test_seeding_again_keeps_an_administrators_edits(db):
    form = _receipt_form()
    form.title = "Giấy tiếp nhận (đã sửa)"
    form.save()
    SlipFormSet.objects.filter(code="2025").update(valid_from=date(2025, 9, 15))
    SEED.seed(django_apps, None)
    assert _receipt_form().title == "Giấy tiếp nhận (đã sửa)"
    assert SlipFormSet.objects.get(code="2025").valid_from == date(2025, 9, 15)
    assert SlipForm.objects.filter(kind="receipt").count() == 2


def test_no_stored_set_falls_back_to_the_coded_defaults(db):
    SlipForm.objects.all().delete()
    SlipFormSet.objects.all().delete()
    assert form_set_for(date(2025, 7, 1)).circular == "03/2025/TT-VPCP"


def test_an_administrators_wording_appears_in_the_next_slip(admin_client, received):
    # Given the administrator rewords form 01 of the 2018 set in the admin
    form = _receipt_form()
    wording = (
        '{% include "slips/_applicant.html" %}\n'
        "<p>Cơ quan xác nhận đã nhận đủ hồ sơ mã {{ d.code }}; hẹn trả {{ v.due_at }}.</p>"
    )
    response = admin_client.post(
        f"/admin/dossiers/slipform/{form.pk}/change/",
        {
            "form_set": form.form_set_id,
            "kind": form.kind,
            "number": form.number,
            "title": form.title,
            "legal_reference": "",
            "wording": wording,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    # When the receipt is printed next
    text = pdftotext(slip_render(dossier=received, kind="receipt"))
    # Then it carries the new wording (the frame stays)
    assert f"Cơ quan xác nhận đã nhận đủ hồ sơ mã {received.code}; hẹn trả 06/03/2025 09:00." in text
    assert "Nguyễn Văn An" in text and "Mẫu số 01" in text
    assert "Vào Sổ theo dõi hồ sơ" not in text  # the default wording is replaced
    # and the change is in the form's history, with its author
    latest = _receipt_form().history.first()
    assert latest.history_user.username == "admin" and latest.wording == wording
    assert admin_client.get(f"/admin/dossiers/slipform/{form.pk}/history/").status_code == 200


@pytest.mark.parametrize(
    "wording",
    [
        "{{ v.reasons|safe }}",
        "{% autoescape off %}{{ v.reasons }}{% endautoescape %}",
        "{% load static %}",
        '{% include "slips/_base.html" %}',
        '{% extends "slips/_base.html" %}',
        "{% debug %}",
        "{% if %}",
    ],
)
def test_the_admin_refuses_wording_outside_the_sandbox(admin_client, wording):
    form = _receipt_form()
    response = admin_client.post(
        f"/admin/dossiers/slipform/{form.pk}/change/",
        {
            "form_set": form.form_set_id,
            "kind": form.kind,
            "number": form.number,
            "title": form.title,
            "legal_reference": "",
            "wording": wording,
        },
    )
    assert response.status_code == 200  # the form again, with the error
    page = response.content.decode()
    assert "errorlist" in page
    assert "Nội dung mẫu không hợp lệ" in page or "Nội dung mẫu chỉ được chèn các phần" in page
    assert _receipt_form().wording == ""


def test_wording_is_autoescaped_and_reads_no_model(received):
    html = wording_render(
        source="{{ v.reasons }}|{{ d.unit.delete }}|{{ d.applicant.password }}",
        context={"v": {"reasons": "<script>x</script>"}, "d": {"unit": {"name": "Sở"}}},
    )
    assert html == "&lt;script&gt;x&lt;/script&gt;||"
    with pytest.raises(WordingError):
        wording_render(source='{% include "portal/home.html" %}', context={})


def test_validity_dates_choose_the_numbering_and_title_printed(procedure, unit, citizen, one_stop):
    # Given the administrator moves the 2025 set's start to 15/09/2025 and retitles its control slip
    SlipFormSet.objects.filter(code="2018").update(valid_to=date(2025, 9, 14))
    SlipFormSet.objects.filter(code="2025").update(valid_from=date(2025, 9, 15))
    SlipForm.objects.filter(form_set__code="2025", kind="control").update(title="Phiếu kiểm soát (mẫu 2025)")
    # When dossiers received on 01/07/2025 and 15/09/2025 print their control slips
    from dvctt.dossiers.tests.test_slips import received_on

    july = received_on(procedure, unit, citizen, one_stop, date(2025, 7, 1), key="jul")
    september = received_on(procedure, unit, citizen, one_stop, date(2025, 9, 15), key="sep")
    july_html = slip_html(dossier=july, kind="control")
    september_html = slip_html(dossier=september, kind="control")
    # Then July prints form 05 of the 2018 set, September form 06 with the new title
    assert "Mẫu số 05" in july_html and "01/2018/TT-VPCP" in july_html
    assert "Mẫu số 06" in september_html and "03/2025/TT-VPCP" in september_html
    assert "Phiếu kiểm soát (mẫu 2025)" in september_html and "Phiếu kiểm soát (mẫu 2025)" not in july_html


def test_overlapping_sets_are_refused(db):
    overlapping = SlipFormSet(code="x", circular="99/2025/TT-VPCP", valid_from=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="trùng"):
        overlapping.full_clean()


def test_admin_lists_unconfirmed_first_and_records_who_confirms(admin_client, admin_user):
    # Given both seeded sets unconfirmed
    url = "/admin/dossiers/slipformset/"
    page = admin_client.get(url).content.decode()
    assert page.count("Chưa xác nhận") >= 2
    # When the administrator confirms the 2018 set
    first = SlipFormSet.objects.get(code="2018")
    response = admin_client.post(url, {"action": "confirm", "_selected_action": [first.pk]})
    assert response.status_code == 302
    # Then who and when are recorded, and the unconfirmed 2025 set is listed before it
    first.refresh_from_db()
    assert first.confirmed and first.confirmed_by == admin_user and first.confirmed_at is not None
    page = admin_client.get(url).content.decode()
    assert page.index("03/2025/TT-VPCP") < page.index("01/2018/TT-VPCP")
    forms_page = admin_client.get("/admin/dossiers/slipform/").content.decode()
    assert "Chưa xác nhận" in forms_page
