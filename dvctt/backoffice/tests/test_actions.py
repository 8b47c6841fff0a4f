"""Moves from the back office: forms, permission, slips to print, stale forms and double clicks."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dvctt.backoffice.tests.conftest import client_for
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import PDF

pytestmark = pytest.mark.django_db


def _post(client, dossier, move, **data):
    return client.post(reverse("backoffice:dossier_action", args=[dossier.code, move]), data)


def test_receive_offers_the_receipt_slip(one_stop_client, submitted):
    # given a new online dossier; when the one-stop officer receives it with the form's version
    response = _post(one_stop_client, submitted, "receive", expected_version=submitted.version)
    # then it is received and the page offers the receipt and control slips (PDF links)
    assert response.status_code == 302
    assert Dossier.objects.get(pk=submitted.pk).status == Status.RECEIVED
    page = one_stop_client.get(response["Location"])
    html = page.content.decode()
    assert f"/api/v1/dossiers/{submitted.code}/slips/receipt.pdf" in html
    assert f"/api/v1/dossiers/{submitted.code}/slips/control.pdf" in html


def test_double_click_applies_once_and_shows_the_conflict(one_stop_client, submitted):
    # given the same form posted twice (double click)
    first = _post(one_stop_client, submitted, "receive", expected_version=submitted.version)
    second = _post(one_stop_client, submitted, "receive", expected_version=submitted.version)
    # then the first applies, the second is a 409 naming the dossier and showing the fresh state
    assert first.status_code == 302
    assert second.status_code == 409
    html = second.content.decode()
    assert "đã được người khác cập nhật" in html
    assert "Được tiếp nhận" in html
    assert DossierEvent.objects.filter(dossier=submitted, action="receive").count() == 1


def test_stale_form_after_another_officer_moved_the_dossier(one_stop, specialist, received, leader):
    # given the specialist opened "request supplement" on version v, then the leader forwarded the dossier
    stale_version = received.version
    _post(client_for(leader), received, "forward", expected_version=stale_version, assignee=specialist.pk)
    # when the specialist posts the stale form
    response = _post(
        client_for(specialist),
        received,
        "request_supplement",
        expected_version=stale_version,
        content="Bản sao",
    )
    # then nothing is applied; the conflict shows the fresh form (new version) to try again
    assert response.status_code == 409
    assert Dossier.objects.get(pk=received.pk).status == Status.PROCESSING
    fresh = Dossier.objects.get(pk=received.pk).version
    assert f'name="expected_version" value="{fresh}"' in response.content.decode()


def test_move_not_allowed_for_role_is_refused_on_get(specialist_client, submitted):
    # a specialist may not receive at the counter
    response = specialist_client.get(reverse("backoffice:dossier_action", args=[submitted.code, "receive"]))
    assert response.status_code == 409
    assert "Không thể" in response.content.decode()


def test_outside_scope_is_404(foreign_officer, received):
    client = client_for(foreign_officer)
    assert client.get(reverse("backoffice:dossier", args=[received.code])).status_code == 404
    assert _post(client, received, "forward", expected_version=received.version).status_code == 404


def test_missing_reasons_keep_the_form_with_an_error(one_stop_client, submitted):
    response = _post(one_stop_client, submitted, "refuse_acceptance", expected_version=submitted.version)
    assert response.status_code == 400
    assert "errorlist" in response.content.decode()
    assert Dossier.objects.get(pk=submitted.pk).status == Status.NEW


def test_full_path_with_result_file_and_return(one_stop_client, specialist, submitted):
    # receive → forward to the specialist → approve with a result file → return
    d = submitted
    assert _post(one_stop_client, d, "receive", expected_version=d.version).status_code == 302
    d.refresh_from_db()
    assert (
        _post(one_stop_client, d, "forward", expected_version=d.version, assignee=specialist.pk).status_code
        == 302
    )
    d.refresh_from_db()
    result = SimpleUploadedFile("giay-khai-sinh.pdf", PDF, content_type="application/pdf")
    response = client_for(specialist).post(
        reverse("backoffice:dossier_action", args=[d.code, "approve"]),
        {"expected_version": d.version, "result_name": "Giấy khai sinh", "result_file": result},
    )
    assert response.status_code == 302
    d.refresh_from_db()
    assert d.status == Status.PROCESSED and d.has_e_result
    assert DossierFile.objects.filter(dossier=d, kind="result", name="Giấy khai sinh").exists()
    assert (
        _post(one_stop_client, d, "return_result", expected_version=d.version, method="counter").status_code
        == 302
    )
    d.refresh_from_db()
    assert d.status == Status.RETURNED


def test_supplement_request_and_answer_at_the_counter(one_stop_client, received):
    r = _post(
        one_stop_client,
        received,
        "request_supplement",
        expected_version=received.version,
        content="Bản sao CCCD",
    )
    assert r.status_code == 302 and "xong=request_supplement" in r["Location"]
    page = one_stop_client.get(r["Location"]).content.decode()
    assert "slips/supplement.pdf" in page
    received.refresh_from_db()
    upload = SimpleUploadedFile("cccd.pdf", PDF, content_type="application/pdf")
    r = one_stop_client.post(
        reverse("backoffice:dossier_action", args=[received.code, "answer_supplement"]),
        {"expected_version": received.version, "file_name": "Bản sao CCCD", "file": upload},
    )
    assert r.status_code == 302
    received.refresh_from_db()
    assert received.status == Status.RECEIVED
    assert received.files.filter(kind="supplement").count() == 1


def test_apology_after_due_is_refused_with_a_clear_message(leader_client, processing):
    # the fixture dossier was due 06/03/2025: an apology now is too late (only before the due time)
    response = _post(
        leader_client,
        processing,
        "apologise",
        expected_version=processing.version,
        new_due_at="10/03/2025 17:00",
        reason="Cần xác minh",
    )
    assert response.status_code == 409
    assert "phiếu xin lỗi phải được lập trước thời hạn" in response.content.decode()


def test_leader_reassigns_from_the_watch_page(leader_client, leader, processing, unit):
    from dvctt.accounts.models import Role, User

    other = User.objects.create_user(username="cv.b", password="x-Pass-1234", role=Role.SPECIALIST, unit=unit)
    page = leader_client.get(reverse("backoffice:leader"))
    assert page.status_code == 200
    assert processing.code in page.content.decode()
    assert page.context["by_officer"][0].late == 1
    response = leader_client.post(
        reverse("backoffice:dossier_action", args=[processing.code, "forward"]),
        {"expected_version": processing.version, "assignee": other.pk, "next": reverse("backoffice:leader")},
    )
    assert response.status_code == 302 and response["Location"] == reverse("backoffice:leader")
    assert Dossier.objects.get(pk=processing.pk).assignee == other


def test_leader_page_refused_to_specialist(specialist_client):
    assert specialist_client.get(reverse("backoffice:leader")).status_code == 403


def test_dossier_page_query_count(one_stop, processing, django_assert_num_queries):
    client = client_for(one_stop)
    url = reverse("backoffice:dossier", args=[processing.code])
    client.get(url)  # warm the calendar cache
    # session with its user (accounts/sessions.py), scope (2), dossier, events, files, supplements, extensions,
    # children
    with django_assert_num_queries(9):
        response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Quá trình xử lý" in html and "06/03/2025 09:00" in html


def test_component_file_download_is_scoped(one_stop_client, foreign_officer, submitted):
    f = submitted.files.get()
    url = reverse("backoffice:dossier_file", args=[submitted.code, f.pk])
    response = one_stop_client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client_for(foreign_officer).get(url).status_code == 404


def test_a_file_gone_from_storage_is_a_404_not_a_500(one_stop_client, submitted):
    f = submitted.files.get()
    f.file.storage.delete(f.file.name)  # the disk lost it, or media was restored from an older backup
    response = one_stop_client.get(reverse("backoffice:dossier_file", args=[submitted.code, f.pk]))
    assert response.status_code == 404  # the platform's own 404 page (it was an unhandled OSError, a 500)


def test_unknown_move_is_404(one_stop_client, submitted):
    assert (
        one_stop_client.get(reverse("backoffice:dossier_action", args=[submitted.code, "fly"])).status_code
        == 404
    )


def test_xlsx_exports(one_stop_client, received):
    from openpyxl import load_workbook

    late = one_stop_client.get(reverse("backoffice:export_late"))
    assert late.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(late.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][1] == received.code and rows[2][10] == "06/03/2025 09:00"
    period = one_stop_client.get(
        reverse("backoffice:export_received"), {"tu_ngay": "01/03/2025", "den_ngay": "31/03/2025"}
    )
    book = load_workbook(io.BytesIO(b"".join(period.streaming_content)))
    assert [r[1] for r in book.active.iter_rows(min_row=3, values_only=True)] == [received.code]
    bad = one_stop_client.get(
        reverse("backoffice:export_received"), {"tu_ngay": "31/03/2025", "den_ngay": "01/03/2025"}
    )
    assert bad.status_code == 400
    page = one_stop_client.get(
        reverse("backoffice:exports"), {"tu_ngay": "01/03/2025", "den_ngay": "31/03/2025"}
    )
    assert "/api/v1/registers/?unit=000.00.12.H38&amp;from=2025-03-01" in page.content.decode()
