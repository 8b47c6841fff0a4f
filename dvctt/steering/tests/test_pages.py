"""The task and difficulty pages over HTTP: who gets what, filters, the progress form with a file, import errors
on the page, the XLSX export, and the dashboards' panel."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from dvctt.steering import services
from dvctt.steering.models import Difficulty, PlanTask, TaskProgress

from .conftest import sheet_bytes

PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture
def tasks(plan, units, people) -> dict[str, PlanTask]:
    today = timezone.localdate()
    make = lambda code, lead, deadline, coop=(): services.task_create(  # noqa: E731
        actor=people["monitor"],
        plan=plan,
        code=code,
        title=f"Nhiệm vụ {code}",
        lead_unit=units[lead],
        deadline=deadline,
        cooperating_units=[units[c] for c in coop],
    )
    return {
        "late": make("NV-02", "sci", today - timedelta(days=15), ["just"]),
        "soon": make("NV-03", "sci", today),
        "later": make("NV-07", "home", today + timedelta(days=90)),
    }


def test_lists_and_filters(client, tasks, people):
    client.force_login(people["monitor"])
    page = client.get(reverse("steering:tasks"))
    assert page.status_code == 200
    html = page.content.decode()
    assert (
        'data-code="NV-02" data-flag="overdue"' in html and 'data-code="NV-03" data-flag="nearly_due"' in html
    )
    assert 'data-code="NV-07" data-flag=""' in html
    assert "Quá hạn 15 ngày" in html
    overdue = client.get(reverse("steering:tasks"), {"qh": "1"}).content.decode()
    assert "NV-02" in overdue and "NV-03" not in overdue
    soon = client.get(reverse("steering:tasks"), {"han": "5"}).content.decode()
    assert "NV-03" in soon and "NV-02" not in soon and "NV-07" not in soon
    by_unit = client.get(reverse("steering:tasks"), {"dv": "S03"}).content.decode()
    assert "NV-02" in by_unit and "NV-07" not in by_unit
    for bad in ({"han": "abc"}, {"tt": "zzz"}, {"kh": "x"}, {"trang": "99"}):
        response = client.get(reverse("steering:tasks"), bad)
        assert response.status_code in (400, 404) and "không" in response.content.decode().lower()


def test_who_gets_the_pages(client, tasks, people):
    url = reverse("steering:task", args=[tasks["later"].pk])
    assert client.get(url).status_code == 302  # anonymous → login
    client.force_login(people["citizen"])
    assert client.get(reverse("steering:tasks")).status_code == 403
    client.force_login(people["just_officer"])
    html = client.get(reverse("steering:tasks")).content.decode()
    assert "NV-02" in html and "NV-07" not in html
    assert client.get(url).status_code == 404  # another unit's task
    assert client.get(reverse("steering:task_create")).status_code == 403
    assert client.get(reverse("steering:task_import")).status_code == 403


def test_reporting_progress_with_a_file(client, tasks, people, units):
    client.force_login(people["just_officer"])
    url = reverse("steering:task", args=[tasks["late"].pk])
    assert 'name="percent"' in client.get(url).content.decode()
    response = client.post(
        reverse("steering:task_report", args=[tasks["late"].pk]),
        {
            "unit": units["just"].pk,
            "percent": "40",
            "text": "Đã rà soát 40 thủ tục lĩnh vực hộ tịch.",
            "links": "https://stp.langson.gov.vn/bao-cao\n",
            "evidence": [SimpleUploadedFile("bao-cao.pdf", PDF, content_type="application/pdf")],
        },
    )
    assert response.status_code == 302
    progress = TaskProgress.objects.get()
    html = client.get(url).content.decode()
    assert "Đã rà soát 40 thủ tục lĩnh vực hộ tịch." in html and "bao-cao.pdf" in html
    file_url = reverse("steering:progress_file", args=[progress.files.get().pk])
    download = client.get(file_url)
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    # another unit's official cannot download it
    client.force_login(people["home_officer"])
    assert client.get(file_url).status_code == 404
    # bad input stays on the page with a Vietnamese message, nothing written
    client.force_login(people["just_officer"])
    bad = client.post(
        reverse("steering:task_report", args=[tasks["late"].pk]),
        {"unit": units["just"].pk, "percent": "40", "text": "x", "links": "ftp://x"},
    )
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    assert TaskProgress.objects.count() == 1


def test_import_page_shows_every_error_with_its_line_and_export(client, plan, units, people):
    client.force_login(people["monitor"])
    rows = [
        [1, "NV-01", "Nhiệm vụ", "S99", "", "", "31/12/2025", ""],
        [2, "NV-02", "Nhiệm vụ", "S14", "", "", "hôm nay", ""],
    ]
    upload = SimpleUploadedFile("nhiem-vu.xlsx", sheet_bytes(rows))
    response = client.post(reverse("steering:task_import"), {"plan": plan.pk, "file": upload})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Bảng tính có 2 lỗi, không lưu nhiệm vụ nào" in html
    assert '<td class="num">3</td><td>D</td>' in html and '<td class="num">4</td><td>G</td>' in html
    assert PlanTask.objects.count() == 0
    good = SimpleUploadedFile(
        "nhiem-vu.xlsx", sheet_bytes([[1, "NV-01", "Nhiệm vụ một", "S14", "S03", "", "31/12/2025", ""]])
    )
    assert client.post(reverse("steering:task_import"), {"plan": plan.pk, "file": good}).status_code == 302
    export = client.get(reverse("steering:tasks"), {"xuat": "xlsx"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[3]][1:5] == ["NV-01", "Nhiệm vụ một", None, "S14"]
    template = client.get(reverse("steering:task_template"))
    assert (
        template.status_code == 200
        and load_workbook(io.BytesIO(template.content)).active["B2"].value == "Mã nhiệm vụ"
    )


def test_task_entered_on_the_page(client, plan, units, people):
    client.force_login(people["monitor"])
    data = {
        "plan": plan.pk,
        "code": "NV-09",
        "title": "Tập huấn",
        "lead_unit": units["home"].pk,
        "cooperating_units": [units["sci"].pk],
        "deadline": "31/12/2025",
        "start_date": "01/01/2026",
    }
    refused = client.post(reverse("steering:task_create"), data)
    assert refused.status_code == 400 and "trước ngày bắt đầu" in refused.content.decode()
    data["start_date"] = "01/06/2025"
    assert client.post(reverse("steering:task_create"), data).status_code == 302
    assert PlanTask.objects.get(code="NV-09").deadline == date(2025, 12, 31)


def test_difficulty_pages(client, people, units):
    client.force_login(people["just_officer"])
    assert (
        client.post(
            reverse("steering:difficulty_create"), {"category": "", "subject": "", "content": ""}
        ).status_code
        == 400
    )
    response = client.post(
        reverse("steering:difficulty_create"),
        {
            "category": "platform",
            "subject": "Biểu mẫu chưa tự điền",
            "content": "Người dân phải nhập lại.",
            "procedure": "",
        },
    )
    assert response.status_code == 302
    item = Difficulty.objects.get()
    listing = client.get(reverse("steering:difficulties"), {"tt": "mo"}).content.decode()
    assert "Biểu mẫu chưa tự điền" in listing
    client.force_login(people["home_officer"])
    assert client.get(reverse("steering:difficulty", args=[item.pk])).status_code == 404
    client.force_login(people["ppc"])
    assert client.get(reverse("steering:difficulty", args=[item.pk])).status_code == 404  # not escalated
    client.force_login(people["monitor"])
    client.post(reverse("steering:difficulty_move", args=[item.pk, "escalate"]), {"ghi_chu": "Trình UBND"})
    client.force_login(people["ppc"])
    page = client.get(reverse("steering:difficulty", args=[item.pk])).content.decode()
    assert "Trả lời" in page and 'name="tra_loi"' in page
    client.post(reverse("steering:difficulty_move", args=[item.pk, "answer"]), {"tra_loi": "Giao Sở KH&CN."})
    item.refresh_from_db()
    assert item.state == "answered" and item.answered_by == people["ppc"]


def test_the_dashboard_overview_shows_the_panel(client, tasks, people):
    client.force_login(people["monitor"])
    html = client.get(reverse("dashboards:overview")).content.decode()
    assert "Nhiệm vụ và khó khăn, đề xuất" in html
    assert "1 quá hạn" in html and "NV-02" in html


def test_the_summary_query_count_is_pinned(tasks, people, django_assert_num_queries):
    from django.core.cache import cache

    from dvctt.steering.selectors import dashboard_task_summary

    today = timezone.localdate()
    dashboard_task_summary(people["monitor"], today)  # builds the working calendar's snapshot once
    cache.clear()
    # the tasks' counts, the calendar's revision, the nearly due and overdue lists, the difficulties' counts
    with django_assert_num_queries(5):
        summary = dashboard_task_summary(people["monitor"], today)
    assert (summary.overdue, summary.nearly_due, summary.open) == (1, 1, 3)
    # then from the cache, until a steering write
    with django_assert_num_queries(0):
        assert dashboard_task_summary(people["monitor"], today).overdue == 1
    services.task_move(actor=people["monitor"], task_id=tasks["late"].pk, action="done")
    assert dashboard_task_summary(people["monitor"], today).overdue == 0
