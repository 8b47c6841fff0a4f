"""Tasks through the services: who may enter, report and close them, what each role sees, overdue and nearly due
on the working calendar, and the history kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.steering import selectors, services
from dvctt.steering.models import PlanTask, TaskEvent, TaskProgress, TaskProgressFile, TaskState

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def task(plan, units, people) -> PlanTask:
    return services.task_create(
        actor=people["monitor"],
        plan=plan,
        code="NV-02",
        title="Cung cấp 100% thủ tục đủ điều kiện dưới dạng dịch vụ công trực tuyến toàn trình",
        lead_unit=units["sci"],
        cooperating_units=[units["just"], units["sci"]],
        start_date=date(2023, 8, 2),
        deadline=date(2025, 6, 30),
        expected_result="Quyết định công bố danh mục",
    )


def test_the_department_enters_a_task_with_its_event(task, people, units):
    # then the task is open, led by the department of science, with Justice cooperating (the lead is not repeated)
    assert task.state == TaskState.OPEN and task.percent == 0
    assert list(task.cooperating_units.values_list("code", flat=True)) == ["S03"]
    assert list(task.events.values_list("action", "actor__username")) == [("create", "giamsat")]


def test_only_the_department_enters_tasks_and_a_code_is_used_once(task, plan, units, people):
    for who in ("sci_leader", "just_officer", "ppc"):
        with pytest.raises(AccessDenied):
            services.task_create(
                actor=people[who],
                plan=plan,
                code="NV-09",
                title="x",
                lead_unit=units["sci"],
                deadline=date(2025, 1, 1),
            )
    with pytest.raises(ConflictError):
        services.task_create(
            actor=people["monitor"],
            plan=plan,
            code="NV-02",
            title="x",
            lead_unit=units["sci"],
            deadline=date(2025, 1, 1),
        )
    with pytest.raises(DomainError, match="trước ngày bắt đầu"):
        services.task_create(
            actor=people["monitor"],
            plan=plan,
            code="NV-10",
            title="x",
            lead_unit=units["sci"],
            start_date=date(2025, 2, 1),
            deadline=date(2025, 1, 1),
        )
    assert PlanTask.objects.count() == 1


def test_each_role_sees_its_tasks(task, plan, units, people):
    other = services.task_create(
        actor=people["monitor"],
        plan=plan,
        code="NV-07",
        title="Sửa Bộ chỉ số CCHC",
        lead_unit=units["home"],
        deadline=date(2025, 9, 30),
    )
    visible = {
        name: set(selectors.tasks_visible_to(user).values_list("code", flat=True))
        for name, user in people.items()
    }
    assert visible["monitor"] == visible["ppc"] == {"NV-02", "NV-07"}
    assert visible["sci_leader"] == {"NV-02"}  # leads it
    assert visible["just_officer"] == visible["just_leader"] == {"NV-02"}  # cooperates on it
    assert visible["home_officer"] == {"NV-07"}
    assert visible["citizen"] == set()
    assert other.pk not in set(selectors.tasks_visible_to(people["just_leader"]).values_list("pk", flat=True))


def test_progress_is_reported_by_the_task_units_with_evidence(task, units, people):
    # when Justice's officer (cooperating) reports, then Science's leader (lead) reports with a file and a link
    coop = services.task_progress_add(
        actor=people["just_officer"],
        task_id=task.pk,
        unit_id=units["just"].pk,
        text="Đã rà soát 40 thủ tục.",
        percent=40,
    )
    lead = services.task_progress_add(
        actor=people["sci_leader"],
        task_id=task.pk,
        unit_id=units["sci"].pk,
        text="Đã công bố 288 dịch vụ toàn trình.",
        percent=70,
        links=["https://dichvucong.langson.gov.vn/qd-288"],
        files=[
            services.EvidenceFile(name="quyet-dinh.pdf", upload=SimpleUploadedFile("quyet-dinh.pdf", PDF))
        ],
    )
    task.refresh_from_db()
    # then the lead unit's report sets the task's percent, the cooperating one does not
    assert task.percent == 70 and task.last_progress_at == lead.created_at
    assert coop.unit == units["just"] and lead.links == ["https://dichvucong.langson.gov.vn/qd-288"]
    stored = TaskProgressFile.objects.get(progress=lead)
    assert stored.size == len(PDF) and stored.content_type == "application/pdf"
    assert stored.file.read() == PDF
    assert list(task.events.values_list("action", flat=True)) == ["create", "progress", "progress"]


def test_progress_refused_outside_scope_and_for_bad_input_writes_nothing(task, units, people):
    cases = [
        (AccessDenied, dict(actor=people["home_officer"], unit_id=units["home"].pk)),
        (AccessDenied, dict(actor=people["just_officer"], unit_id=units["sci"].pk)),  # not their unit
        (AccessDenied, dict(actor=people["ppc"], unit_id=units["sci"].pk)),
        (DomainError, dict(actor=people["sci_leader"], unit_id=units["sci"].pk, percent=120)),
        (DomainError, dict(actor=people["sci_leader"], unit_id=units["sci"].pk, text="   ")),
        (
            DomainError,
            dict(actor=people["sci_leader"], unit_id=units["sci"].pk, links=["javascript:alert(1)"]),
        ),
        (
            DomainError,
            dict(
                actor=people["sci_leader"],
                unit_id=units["sci"].pk,
                files=[
                    services.EvidenceFile(
                        name="gia.pdf", upload=SimpleUploadedFile("gia.pdf", b"MZ not a pdf")
                    )
                ],
            ),
        ),
    ]
    for error, kwargs in cases:
        arguments = {"task_id": task.pk, "text": "Báo cáo", "percent": 10, **kwargs}
        with pytest.raises(error):
            services.task_progress_add(**arguments)
    assert TaskProgress.objects.count() == 0 and TaskProgressFile.objects.count() == 0


def test_the_lead_leader_completes_the_department_cancels_and_reopens(task, units, people):
    with pytest.raises(AccessDenied):
        services.task_move(actor=people["just_leader"], task_id=task.pk, action="done")
    done = services.task_move(
        actor=people["sci_leader"], task_id=task.pk, action="done", today=date(2025, 6, 20)
    )
    assert done.state == TaskState.DONE and done.percent == 100 and done.completed_on == date(2025, 6, 20)
    with pytest.raises(ConflictError):
        services.task_move(actor=people["sci_leader"], task_id=task.pk, action="done")
    with pytest.raises(ConflictError):  # no report on a finished task
        services.task_progress_add(
            actor=people["sci_leader"], task_id=task.pk, unit_id=units["sci"].pk, text="x", percent=1
        )
    with pytest.raises(AccessDenied):
        services.task_move(actor=people["sci_leader"], task_id=task.pk, action="reopen")
    reopened = services.task_move(
        actor=people["monitor"], task_id=task.pk, action="reopen", note="Còn 12 thủ tục"
    )
    assert reopened.state == TaskState.OPEN and reopened.completed_on is None
    with pytest.raises(DomainError):  # a cancellation says why
        services.task_move(actor=people["monitor"], task_id=task.pk, action="cancel")
    services.task_move(actor=people["monitor"], task_id=task.pk, action="cancel", note="Gộp vào NV-03")
    assert list(TaskEvent.objects.filter(task=task).values_list("action", flat=True)) == [
        "create",
        "done",
        "reopen",
        "cancel",
    ]


def test_overdue_and_nearly_due_follow_the_working_calendar(plan, units, people):
    # given Thursday 24/04/2025: Saturday 26/04 is worked, 30/04–04/05 are days off
    today = date(2025, 4, 24)
    # then five working days ahead is Monday 05/05 (25, 26, 28, 29 April and 5 May), not Thursday 01/05
    assert selectors.nearly_due_limit(today=today) == date(2025, 5, 5)

    def make(code: str, deadline: date) -> PlanTask:
        return services.task_create(
            actor=people["monitor"],
            plan=plan,
            code=code,
            title=code,
            lead_unit=units["sci"],
            deadline=deadline,
        )

    for code, deadline in (
        ("A", date(2025, 4, 23)),
        ("B", today),
        ("C", date(2025, 5, 5)),
        ("D", date(2025, 5, 6)),
    ):
        make(code, deadline)
    finished = make("E", date(2025, 4, 1))
    services.task_move(actor=people["monitor"], task_id=finished.pk, action="done")
    limit = selectors.nearly_due_limit(today=today)
    flags = {t.code: selectors.task_flag(t, today=today, limit=limit) for t in PlanTask.objects.all()}
    assert flags == {"A": "overdue", "B": "nearly_due", "C": "nearly_due", "D": "", "E": ""}
    summary = selectors.dashboard_task_summary(people["sci_leader"], today)
    assert (summary.open, summary.overdue, summary.nearly_due, summary.done) == (4, 1, 2, 1)
    assert [t.code for t in summary.overdue_tasks] == ["A"] and [
        t.code for t in summary.nearly_due_tasks
    ] == ["B", "C"]
    # and the list's filters agree
    filters = selectors.TaskFilters(overdue=True)
    assert [t.code for t in selectors.task_list(user=people["monitor"], filters=filters, today=today)] == [
        "A"
    ]
    filters = selectors.TaskFilters(due_within=5)
    assert [t.code for t in selectors.task_list(user=people["monitor"], filters=filters, today=today)] == [
        "B",
        "C",
    ]
    # a unit outside the tasks sees none of them
    assert selectors.dashboard_task_summary(people["home_officer"], today).open == 0
