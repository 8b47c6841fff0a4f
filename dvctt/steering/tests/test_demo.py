"""The demo's steering data: Plan 165's tasks with their lead units, progress, difficulties in several states;
idempotent; overdue and nearly due tasks for the dashboards."""

from __future__ import annotations

import io

import pytest
from django.utils import timezone

from dvctt.accounts import demo as accounts_demo
from dvctt.accounts.models import User
from dvctt.agencies import demo as agencies_demo
from dvctt.plans import demo as plans_demo
from dvctt.steering import demo
from dvctt.steering.models import Difficulty, PlanTask, TaskProgress
from dvctt.steering.selectors import dashboard_task_summary

pytestmark = pytest.mark.django_db


def test_the_demo_loads_plan_165_tasks_once():
    for loader in (agencies_demo, accounts_demo, plans_demo):
        loader.load(stdout=io.StringIO(), scale=1.0)
    summary = demo.load(stdout=io.StringIO(), scale=1.0)
    assert summary.startswith("8 nhiệm vụ mới")
    assert demo.load(stdout=io.StringIO(), scale=1.0).startswith("0 nhiệm vụ mới (8 nhiệm vụ), 0 khó khăn")
    tasks = {t.code: t for t in PlanTask.objects.select_related("lead_unit")}
    assert tasks["NV-01"].state == "done" and tasks["NV-01"].percent == 100
    assert tasks["NV-02"].lead_unit.name == "Sở Khoa học và Công nghệ" and tasks["NV-02"].percent == 70
    assert tasks["NV-04"].lead_unit.name == "Sở Nội vụ"
    assert TaskProgress.objects.count() == 4
    assert set(Difficulty.objects.values_list("state", flat=True)) == {
        "filed",
        "assigned",
        "escalated_ppc",
        "answered",
        "closed",
    }
    monitor = dashboard_task_summary(User.objects.get(username="giamsat"), timezone.localdate())
    assert monitor.overdue == 2 and monitor.nearly_due >= 1 and monitor.open_difficulties == 3
    justice = dashboard_task_summary(User.objects.get(username="lanhdao.stp"), timezone.localdate())
    assert "NV-08" in [t.code for t in justice.nearly_due_tasks]
