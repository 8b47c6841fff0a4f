"""The tracking register as PDF laid out by ReportLab, and the long register written in the background.

Text is read back in pure Python (pypdf), so nothing here needs a system tool; the background path runs through the
tests' task backend (the immediate backend: the task runs for real, in the request that queued it).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from pypdf import PdfReader

from dvctt.dossiers.models import Dossier, DossierEvent, RegisterExport
from dvctt.dossiers.slips import register_exports
from dvctt.dossiers.slips.register import COLUMNS, register_open, register_pdf

VN = ZoneInfo("Asia/Ho_Chi_Minh")
ROWS = 1_200
START = datetime(2025, 3, 3, 7, 30, tzinfo=VN)


def pdftotext(pdf: bytes, *, layout: bool = False) -> str:
    """The PDF's text, read in pure Python (pypdf: no system tool, so nothing is skipped on a new machine)."""
    reader = PdfReader(BytesIO(pdf))
    mode = "layout" if layout else "plain"
    return "\n".join(page.extract_text(extraction_mode=mode) for page in reader.pages)


def pdf_pages(pdf: bytes) -> int:
    return len(PdfReader(BytesIO(pdf)).pages)


def _load(unit, procedure, rows: int) -> list[str]:
    """``rows`` dossiers of the unit received from 03/03/2025 on, every 20 minutes, with Vietnamese names; a third
    still in processing, one in five returned late; a forward event each. Returns the codes in receipt order."""
    batch = []
    for i in range(rows):
        received = START + timedelta(minutes=20 * i)
        due = received + timedelta(days=3)
        ended = received + timedelta(days=2 if i % 5 else 4)
        batch.append(
            Dossier(
                code=f"{unit.code}-{received:%y%m%d}-{i:04d}",
                procedure=procedure.procedure,
                procedure_version=procedure,
                unit=unit,
                receiving_unit=unit,
                channel=2,
                status=10 if i % 3 else 4,
                outcome="approved" if i % 3 else "",
                applicant_name=f"Trần Thị Hằng {i}",
                applicant_address="Phường Đông Kinh, tỉnh Lạng Sơn",
                applicant_phone="0912345678",
                submitted_at=received,
                received_at=received,
                due_at=due,
                first_due_at=due,
                ended_at=ended if i % 3 else None,
                returned_at=ended + timedelta(hours=1) if i % 3 else None,
            )
        )
    Dossier.objects.bulk_create(batch, batch_size=500)
    DossierEvent.objects.bulk_create(
        [
            DossierEvent(
                dossier=d, seq=1, action="forward", to_status=4, at=d.received_at + timedelta(hours=1)
            )
            for d in Dossier.objects.filter(unit=unit).only("id", "received_at")
        ],
        batch_size=500,
    )
    return [d.code for d in batch]


@pytest.fixture
def long_register(unit, procedure):
    codes = _load(unit, procedure, ROWS)
    last = (START + timedelta(minutes=20 * (ROWS - 1))).astimezone(VN).date()
    return codes, date(2025, 3, 1), last


@pytest.fixture
def short_limit_register(unit, procedure, settings):
    """60 rows, with the request-time limit lowered to 20: the background path without a long layout."""
    settings.DVCTT_REGISTER_PDF_INLINE_ROWS = 20
    codes = _load(unit, procedure, 60)
    return codes, date(2025, 3, 1), date(2025, 3, 31)


# --- the layout ---------------------------------------------------------------------------------------------
def test_pdf_of_1200_rows_has_every_row_and_the_vietnamese_text(long_register, unit):
    codes, start, end = long_register
    # Given a register of 1,200 rows
    register = register_open(unit=unit, start=start, end=end)
    # When it is laid out as PDF (no row cap: the background task's path)
    pdf = register_pdf(register=register, max_rows=None)
    text = pdftotext(pdf)
    # Then every dossier code is there exactly once, and nothing else looks like a code
    found = re.findall(re.escape(unit.code) + r"-\d{6}-\d{4}", text)
    assert sorted(found) == sorted(codes)
    # in receipt order (the layout mode reads row by row)
    in_order = re.findall(re.escape(unit.code) + r"-\d{6}-\d{4}", pdftotext(pdf, layout=True))
    assert in_order == codes
    # with the form's heading, columns and totals, diacritics intact (as the WeasyPrint layout had them)
    flat = re.sub(r"\s+", " ", text)
    for phrase in (
        "Mẫu số 06 — ban hành kèm theo Thông tư số 01/2018/TT-VPCP",
        "SỞ TƯ PHÁP",
        "SỔ THEO DÕI HỒ SƠ",
        f"Từ ngày 01/03/2025 đến ngày {end:%d/%m/%Y}",
        "Trần Thị Hằng 1199",
        "Phường Đông Kinh,",
        "Đăng ký khai sinh",
        "Đang xử lý",
        "Quá hạn",
        "Đúng hạn",
        "Tổng số: 1200 hồ sơ; đã có kết quả: 800 (đúng hạn 640, quá hạn 160); đã trả kết quả: 800.",
    ):
        assert phrase in flat, phrase
    words = set(flat.split())
    for _key, label, _w in COLUMNS:
        assert set(str(label).split()) <= words, label
    assert "03/03/2025" in text and "07:30" in text  # receipt of the first row, local time
    # and the pages are A4 landscape, numbered "Trang n/N"
    pages = pdf_pages(pdf)
    assert pages > 20
    # (the total is drawn after the last page is known: a text reader may put a space before it)
    assert re.search(rf"Trang 1/ ?{pages}\b", flat) and re.search(rf"Trang {pages}/ ?{pages}\b", flat)
    assert re.search(rb"/MediaBox \[\s*0 0 841\.88\d* 595\.27\d*\s*\]", pdf)


def test_progress_is_told_as_pages_are_written(long_register, unit):
    from dvctt.dossiers.slips.register_pdf import register_pdf_write

    _codes, start, end = long_register
    seen: list[int] = []
    out = BytesIO()
    rows = register_pdf_write(
        register=register_open(unit=unit, start=start, end=end), out=out, progress=seen.append
    )
    assert rows == ROWS
    assert len(seen) >= 5 and seen == sorted(seen) and seen[-1] == ROWS
    assert out.getvalue().startswith(b"%PDF")


# --- the background path, over HTTP -------------------------------------------------------------------------
def _register_url(unit, start, end) -> str:
    return f"/api/v1/registers/?unit={unit.code}&from={start:%Y-%m-%d}&to={end:%Y-%m-%d}&format=pdf"


def test_a_long_register_is_made_in_the_background_with_progress(
    client, long_register, unit, one_stop, monkeypatch
):
    codes, start, end = long_register
    # Progress is written to the export's row as the task goes: read it back at each step
    stored: list[tuple[int, int | None]] = []
    real = register_exports._progress

    def spy(export_id: int, done: int) -> None:
        real(export_id, done)
        row = RegisterExport.objects.get(pk=export_id)
        stored.append((row.rows_done, row.rows_total))

    monkeypatch.setattr(register_exports, "_progress", spy)
    client.force_login(one_stop)
    # When the officer asks for the PDF of 1,200 rows (more than the 500 made at once)
    response = client.get(_register_url(unit, start, end))
    # Then the request answers 202 with where to follow it
    assert response.status_code == 202, response.content
    body = response.json()
    assert response["Location"] == body["status_url"] == f"/api/v1/registers/exports/{body['id']}/"
    # and the task (run by the tests' backend) counted the rows and moved the progress forward page by page
    assert len(stored) >= 5
    assert [done for done, _t in stored] == sorted(done for done, _t in stored)
    assert all(total == ROWS for _d, total in stored) and stored[-1][0] == ROWS
    status = client.get(body["status_url"]).json()
    assert status["state"] == "done" and status["rows_done"] == status["rows_total"] == ROWS
    assert status["from"] == "2025-03-01" and status["finished_at"]
    # and the file downloads for the one who asked, with every row
    download = client.get(status["download_url"])
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    assert 'filename="so-theo-doi-000.00.12.H38-20250301-' in download["Content-Disposition"]
    pdf = b"".join(download.streaming_content)
    assert status["size"] == len(pdf)
    assert sorted(re.findall(re.escape(unit.code) + r"-\d{6}-\d{4}", pdftotext(pdf))) == sorted(codes)


def test_an_open_export_is_reused_and_not_served_before_it_is_done(
    client, short_limit_register, unit, one_stop
):
    _codes, start, end = short_limit_register
    queued = RegisterExport.objects.create(requested_by=one_stop, unit=unit, start=start, end=end)
    client.force_login(one_stop)
    # The same request while one is queued returns it (no second task)
    body = client.get(_register_url(unit, start, end)).json()
    assert body["id"] == queued.pk and body["state"] == "queued" and body["download_url"] is None
    # and its file is not served yet: 409 in the API's shape
    response = client.get(f"/api/v1/registers/exports/{queued.pk}/file/")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "not_ready"
    # Once the open one is older than 30 minutes (its worker taken for lost), asking again starts a new one; the
    # list holds both, newest first
    RegisterExport.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(minutes=31))
    again = client.get(_register_url(unit, start, end)).json()
    assert again["id"] != queued.pk and again["state"] == "done" and again["rows_done"] == 60
    assert [e.pk for e in register_exports.register_exports_for_user(user=one_stop)] == [
        again["id"],
        queued.pk,
    ]


def test_another_user_cannot_follow_or_download_it(
    client, short_limit_register, unit, one_stop, specialist, citizen
):
    _codes, start, end = short_limit_register
    client.force_login(one_stop)
    body = client.get(_register_url(unit, start, end)).json()
    status_url, file_url = body["status_url"], f"/api/v1/registers/exports/{body['id']}/file/"
    assert client.get(file_url).status_code == 200
    # A colleague of the same unit (who could ask for the same register) and a citizen: not found
    for other in (specialist, citizen):
        client.force_login(other)
        for url in (status_url, file_url):
            response = client.get(url)
            assert response.status_code == 404, (other.username, url)
            assert response.json()["error"]["code"] == "not_found"
        assert client.get(f"/mot-cua/so-danh-sach/ban-in/{body['id']}/").status_code in (403, 404)
    # Anonymous: refused
    client.logout()
    assert client.get(file_url).status_code in (401, 403)


def test_permission_is_checked_again_at_download(client, short_limit_register, unit, other_unit, one_stop):
    _codes, start, end = short_limit_register
    client.force_login(one_stop)
    body = client.get(_register_url(unit, start, end)).json()
    # Given the officer moved to another unit after asking
    one_stop.unit = other_unit
    one_stop.save(update_fields=["unit"])
    # Then the finished file is refused
    response = client.get(f"/api/v1/registers/exports/{body['id']}/file/")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_a_failed_layout_is_recorded_not_left_running(
    client, short_limit_register, unit, one_stop, monkeypatch
):
    from dvctt.dossiers.slips import register_pdf as layout

    def broken(**kwargs):
        kwargs["progress"](100)
        raise OSError("disk full")

    monkeypatch.setattr(layout, "register_pdf_write", broken)
    _codes, start, end = short_limit_register
    client.force_login(one_stop)
    response = client.get(_register_url(unit, start, end))
    assert response.status_code == 202
    export = RegisterExport.objects.get(pk=response.json()["id"])
    assert export.state == "failed" and "disk full" in export.error and not export.file
    # Running the task again leaves a finished (failed) export as it is
    assert register_exports.register_export_run(export_id=export.pk).state == "failed"


# --- the back office ------------------------------------------------------------------------------------------
def test_back_office_short_register_downloads_at_once(client, unit, one_stop):
    client.force_login(one_stop)
    response = client.post(
        "/mot-cua/so-danh-sach/so-theo-doi-pdf/", {"tu_ngay": "01/03/2025", "den_ngay": "31/03/2025"}
    )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert not RegisterExport.objects.exists()


def test_back_office_long_register_shows_progress_then_the_link(client, short_limit_register, unit, one_stop):
    _codes, start, end = short_limit_register
    client.force_login(one_stop)
    # The exports page offers the PDF as a form (POST, CSRF) once a period is chosen
    page = client.get(
        "/mot-cua/so-danh-sach/", {"tu_ngay": f"{start:%d/%m/%Y}", "den_ngay": f"{end:%d/%m/%Y}"}
    )
    assert 'action="/mot-cua/so-danh-sach/so-theo-doi-pdf/"' in page.content.decode()
    # When the officer asks for the long register
    response = client.post(
        "/mot-cua/so-danh-sach/so-theo-doi-pdf/",
        {"tu_ngay": f"{start:%d/%m/%Y}", "den_ngay": f"{end:%d/%m/%Y}"},
    )
    # Then they land on its status page: done (the tests' backend ran it), with the download link, no reload
    export = RegisterExport.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/mot-cua/so-danh-sach/ban-in/{export.pk}/"
    )
    html = client.get(response["Location"]).content.decode()
    assert "Đã lập xong" in html and "60/60 dòng" in html
    assert f'href="/api/v1/registers/exports/{export.pk}/file/"' in html
    assert "register_export.js" not in html  # nothing left to follow
    # and the exports page lists it
    assert (
        f"/mot-cua/so-danh-sach/ban-in/{export.pk}/" in client.get("/mot-cua/so-danh-sach/").content.decode()
    )
    # While one is still being written, the page shows where it is and loads the script that follows it
    running = RegisterExport.objects.create(
        requested_by=one_stop,
        unit=unit,
        start=start,
        end=end,
        state="running",
        rows_total=ROWS,
        rows_done=400,
    )
    html = client.get(f"/mot-cua/so-danh-sach/ban-in/{running.pk}/").content.decode()
    assert 'src="/static/backoffice/js/register_export.js" defer' in html
    assert f'data-status-url="/api/v1/registers/exports/{running.pk}/"' in html
    assert f"400/{ROWS} dòng" in html and f'max="{ROWS}" value="400"' in html
    assert "<script>" not in html and "http-equiv" not in html


def test_back_office_bad_period_is_a_vietnamese_message(client, unit, one_stop):
    client.force_login(one_stop)
    response = client.post(
        "/mot-cua/so-danh-sach/so-theo-doi-pdf/", {"tu_ngay": "31/03/2025", "den_ngay": "1/3/2025"}
    )
    assert response.status_code == 400
    assert "“Từ ngày” phải trước hoặc bằng “Đến ngày”." in response.content.decode()
