"""Importing tasks from a sheet (every error with its line, nothing written on any), exporting them back, and the
daily reminders (once per task per day, to the lead unit's leaders, through the notification channels)."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core import mail
from django.core.management import call_command
from openpyxl import load_workbook

from dvctt.common.errors import AccessDenied
from dvctt.steering import services
from dvctt.steering.models import PlanTask, StaffNotification, TaskEvent
from dvctt.steering.sheets import tasks_workbook

from .conftest import sheet_bytes

GOOD = [
    [
        1,
        "NV-01",
        "Nâng cao chất lượng dịch vụ công trực tuyến",
        "S14",
        "S03; Sở Nội vụ",
        "02/08/2023",
        "31/12/2025",
        "Báo cáo rà soát",
    ],
    [
        2,
        "NV-02",
        "Cung cấp dịch vụ toàn trình",
        "Sở Khoa học và Công nghệ",
        "",
        date(2024, 1, 1),
        date(2025, 6, 30),
        "",
    ],
]


def test_a_good_sheet_creates_the_tasks(plan, units, people):
    result = services.tasks_import(actor=people["monitor"], plan=plan, stream=sheet_bytes(GOOD))
    assert result == {"rows": 2, "created": 2, "updated": 0}
    first = PlanTask.objects.get(code="NV-01")
    assert (
        first.lead_unit == units["sci"]
        and first.deadline == date(2025, 12, 31)
        and first.start_date == date(2023, 8, 2)
    )
    assert set(first.cooperating_units.values_list("code", flat=True)) == {"S03", "S02"}
    assert PlanTask.objects.get(code="NV-02").lead_unit == units["sci"]  # found by its name
    assert list(first.events.values_list("action", "payload")) == [("import", {"row": 3})]


def test_every_error_has_its_line_and_nothing_is_written(plan, units, people):
    rows = [
        GOOD[0],
        [2, "NV-02", "", "S14", "", "", "31/12/2025", ""],  # no title
        [3, "NV-03", "Tích hợp Cổng DVCQG", "S99", "", "", "31/12/2025", ""],  # unknown lead
        [
            4,
            "NV-04",
            "Cán bộ sử dụng DVCTT",
            "S02",
            "Sở Không Có",
            "",
            "31/13/2025",
            "",
        ],  # bad unit, bad date
        [5, "NV-01", "Trùng mã", "S14", "", "", "31/12/2025", ""],  # duplicate code
        [6, "NV-06", "Kiểm tra", "S14", "", "01/06/2025", "01/01/2025", ""],  # deadline before start
    ]
    with pytest.raises(services.TaskSheetRejected) as caught:
        services.tasks_import(actor=people["monitor"], plan=plan, stream=sheet_bytes(rows))
    found = {(e.row, e.column) for e in caught.value.errors}
    assert found == {(4, "C"), (5, "D"), (6, "E"), (6, "G"), (7, "B"), (8, "G")}
    messages = " | ".join(str(e) for e in caught.value.errors)
    assert "dòng 5, cột D: không có đơn vị “S99”" in messages
    assert "dòng 7, cột B: mã “NV-01” đã có ở dòng 3" in messages
    assert "dòng 8, cột G: hạn hoàn thành 01/01/2025 trước ngày bắt đầu 01/06/2025" in messages
    assert PlanTask.objects.count() == 0 and TaskEvent.objects.count() == 0


def test_a_sheet_without_the_columns_or_not_a_workbook_is_refused(plan, units, people):
    with pytest.raises(services.TaskSheetRejected, match="thiếu cột “Hạn hoàn thành”"):
        services.tasks_import(
            actor=people["monitor"],
            plan=plan,
            stream=sheet_bytes([["NV-01", "x", "S14"]], header=["Mã nhiệm vụ", "Nhiệm vụ", "Đơn vị chủ trì"]),
        )
    with pytest.raises(services.TaskSheetRejected, match="không phải là bảng tính"):
        services.tasks_import(actor=people["monitor"], plan=plan, stream=b"not a workbook")
    with pytest.raises(AccessDenied):
        services.tasks_import(actor=people["sci_leader"], plan=plan, stream=sheet_bytes(GOOD))


def test_the_export_reads_back_and_a_second_import_updates(plan, units, people):
    services.tasks_import(actor=people["monitor"], plan=plan, stream=sheet_bytes(GOOD))
    rows = [
        {
            "code": t.code,
            "title": t.title + " (sửa)",
            "description": t.description,
            "lead": t.lead_unit.code,
            "cooperating": "; ".join(u.code for u in t.cooperating_units.all()),
            "start_date": t.start_date,
            "deadline": t.deadline,
            "expected_result": t.expected_result,
            "state": t.get_state_display(),
            "percent": t.percent,
        }
        for t in PlanTask.objects.order_by("code")
    ]
    exported = tasks_workbook(title="Nhiệm vụ", rows=rows)
    sheet = load_workbook(io.BytesIO(exported)).active
    assert sheet["B3"].value == "NV-01" and sheet["G4"].value.date() == date(2024, 1, 1)
    result = services.tasks_import(actor=people["monitor"], plan=plan, stream=exported)
    assert result == {"rows": 2, "created": 0, "updated": 2}
    task = PlanTask.objects.get(code="NV-01")
    assert task.title.endswith("(sửa)")
    changed = task.events.get(action="import_update").payload["changed"]
    assert set(changed) == {"title"}


def test_reminders_go_once_per_task_per_day_to_the_lead_leader(
    plan, units, people, settings, django_capture_on_commit_callbacks
):
    settings.DVCTT_NOTIFICATION_CHANNELS = ["email"]
    today = date(2025, 4, 24)
    for code, lead, deadline in (
        ("A", "sci", date(2025, 4, 20)),
        ("B", "just", date(2025, 5, 5)),
        ("C", "home", date(2025, 4, 1)),
        ("D", "sci", date(2025, 5, 6)),
    ):
        services.task_create(
            actor=people["monitor"],
            plan=plan,
            code=code,
            title=f"Nhiệm vụ {code}",
            lead_unit=units[lead],
            deadline=deadline,
        )
    mail.outbox.clear()
    # when the reminder runs twice on the same day
    with django_capture_on_commit_callbacks(execute=True):
        first = services.tasks_remind(today=today)
    with django_capture_on_commit_callbacks(execute=True):
        second = services.tasks_remind(today=today)
    # then A (overdue, Science) and B (due in 5 working days, Justice) are reminded once; C's unit has no leader;
    # D is due after the window
    assert first == {"tasks": 3, "messages": 2, "leaderless": 1, "retried": 0}
    assert second == {"tasks": 0, "messages": 0, "leaderless": 0, "retried": 0}
    assert sorted(m.to[0] for m in mail.outbox) == [
        "lanhdao.skhcn@langson.gov.vn",
        "lanhdao.stp@langson.gov.vn",
    ]
    overdue = next(m for m in mail.outbox if m.to == ["lanhdao.skhcn@langson.gov.vn"])
    assert "Nhiệm vụ A đã quá hạn" in overdue.subject and "đã quá hạn 4 ngày" in overdue.body
    assert StaffNotification.objects.filter(state="sent").count() == 2
    # and the next day they are reminded again, by the command, with D now within five working days (25/04 → 06/05)
    with django_capture_on_commit_callbacks(execute=True):
        call_command("steering_remind", "--date", "2025-04-25", stdout=io.StringIO())
    assert len(mail.outbox) == 5
    assert TaskEvent.objects.filter(action="reminded").count() == 7
