"""Reads of tasks and difficulties, scoped to the reader (steering.access), and the flags the dashboards show.

Overdue: the deadline has passed (it is before today) and the task is still open. Nearly due: still open, the
deadline is today or within the next :data:`NEARLY_DUE_WORKING_DAYS` working days on the province's working
calendar (dvctt.calendar), so a deadline after Tết is not "nearly due" a week before it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.common.errors import NotFoundError

from . import access
from .models import (
    OPEN_DIFFICULTY_STATES,
    Difficulty,
    DifficultyState,
    PlanTask,
    TaskProgress,
    TaskProgressFile,
    TaskState,
)

NEARLY_DUE_WORKING_DAYS = 5
OVERDUE, NEARLY_DUE = "overdue", "nearly_due"
FLAG_LABELS = {OVERDUE: gettext_lazy("Quá hạn"), NEARLY_DUE: gettext_lazy("Sắp đến hạn")}


def working_days_ahead(*, today: date, days: int) -> date:
    """The ``days``-th working day after ``today`` (the working calendar); ``today`` itself for 0.

    Where the calendar has no row for a year (CalendarNotConfigured), weekdays stand in for working days: a
    reminder a day early is better than none.
    """
    from dvctt.calendar.deadlines import CalendarNotConfigured
    from dvctt.calendar.selectors import working_calendar

    calendar = working_calendar()
    day, left = today, days
    guard = 0
    while left > 0 and guard < 366:
        day += timedelta(days=1)
        guard += 1
        try:
            working = calendar.is_working_day(day)
        except CalendarNotConfigured:
            working = day.weekday() < 5
        if working:
            left -= 1
    return day


def nearly_due_limit(*, today: date) -> date:
    return working_days_ahead(today=today, days=NEARLY_DUE_WORKING_DAYS)


def overdue_q(*, today: date) -> Q:
    return Q(state=TaskState.OPEN, deadline__lt=today)


def nearly_due_q(*, today: date, limit: date) -> Q:
    return Q(state=TaskState.OPEN, deadline__gte=today, deadline__lte=limit)


def task_flag(task: PlanTask, *, today: date, limit: date) -> str:
    """ "overdue", "nearly_due" or ""."""
    if task.state != TaskState.OPEN:
        return ""
    if task.deadline < today:
        return OVERDUE
    if task.deadline <= limit:
        return NEARLY_DUE
    return ""


def _cooperating_task_ids(unit_ids: set[int]) -> QuerySet[Any]:
    through = PlanTask.cooperating_units.through
    return through.objects.filter(unit_id__in=unit_ids).values("plantask_id")


def tasks_visible_to(user: Any) -> QuerySet[PlanTask]:
    """Every task for the province's roles; for a unit's officials those their scope leads or cooperates on."""
    tasks = PlanTask.objects.select_related("plan", "lead_unit")
    if access.reads_all_tasks(user):
        return tasks
    if not access.can_use_steering(user):
        return tasks.none()
    scope = access.scope_ids(user)
    if scope is None:
        return tasks
    if not scope:
        return tasks.none()
    return tasks.filter(Q(lead_unit_id__in=scope) | Q(pk__in=_cooperating_task_ids(scope)))


@dataclass(frozen=True)
class TaskFilters:
    unit: str = ""  # a unit's code: tasks it leads or cooperates on
    state: str = ""
    overdue: bool = False
    due_within: int | None = None  # working days
    plan_id: int | None = None
    query: str = ""


def task_list(*, user: Any, filters: TaskFilters, today: date) -> QuerySet[PlanTask]:
    """The reader's tasks under ``filters``, soonest deadline first, with their cooperating units."""
    tasks = tasks_visible_to(user).prefetch_related("cooperating_units")
    if filters.plan_id:
        tasks = tasks.filter(plan_id=filters.plan_id)
    if filters.unit:
        from dvctt.agencies.models import Unit

        unit_ids = set(Unit.objects.filter(code=filters.unit).values_list("pk", flat=True))
        tasks = tasks.filter(Q(lead_unit_id__in=unit_ids) | Q(pk__in=_cooperating_task_ids(unit_ids)))
    if filters.state:
        tasks = tasks.filter(state=filters.state)
    if filters.overdue:
        tasks = tasks.filter(overdue_q(today=today))
    if filters.due_within is not None:
        limit = working_days_ahead(today=today, days=filters.due_within)
        tasks = tasks.filter(nearly_due_q(today=today, limit=limit))
    if filters.query:
        tasks = tasks.filter(Q(code__icontains=filters.query) | Q(title__icontains=filters.query))
    return tasks.order_by("deadline", "code")


def task_get_for(*, user: Any, task_id: int) -> PlanTask:
    """A task the reader may see, with its progress (files, authors) and events; NotFoundError otherwise."""
    task = (
        tasks_visible_to(user)
        .prefetch_related(
            "cooperating_units",
            Prefetch(
                "progress",
                queryset=TaskProgress.objects.select_related("unit", "author").prefetch_related("files"),
            ),
        )
        .filter(pk=task_id)
        .first()
    )
    if task is None:
        raise NotFoundError(_("Không có nhiệm vụ này, hoặc bạn không được xem."))
    return task


def progress_file_get_for(*, user: Any, file_id: int) -> TaskProgressFile:
    """A file of evidence of a task the reader may see; NotFoundError otherwise."""
    found = (
        TaskProgressFile.objects.select_related("progress")
        .filter(pk=file_id, progress__task__in=tasks_visible_to(user).values("pk"))
        .first()
    )
    if found is None:
        raise NotFoundError(_("Không có tệp này, hoặc bạn không được xem."))
    return found


def task_units(task: PlanTask) -> list[Any]:
    """The lead unit then the cooperating units."""
    return [task.lead_unit, *[u for u in task.cooperating_units.all() if u.pk != task.lead_unit_id]]


def task_report_units(*, user: Any, task: PlanTask) -> list[Any]:
    """The units of the task for which ``user`` may report progress (empty: may not report)."""
    units = task_units(task)
    if access.is_department(user):
        return units
    if not access.can_use_steering(user) or access.reads_all_tasks(user):
        return []
    scope = access.scope_ids(user) or set()
    return [u for u in units if u.pk in scope]


def task_may_complete(*, user: Any, task: PlanTask) -> bool:
    """The department, or the leader of the lead unit (or of a unit above it / carrying it on)."""
    from dvctt.accounts.models import Role

    if access.is_department(user):
        return True
    if not access.can_use_steering(user) or user.role != Role.UNIT_LEADER:
        return False
    return task.lead_unit_id in (access.scope_ids(user) or set())


# Difficulties -----------------------------------------------------------------------------------------------


def difficulties_visible_to(user: Any) -> QuerySet[Difficulty]:
    """All for the department; escalated ones for PPC leaders; a unit's (filed by or assigned to its scope, or to
    the reader) for its officials."""
    items = Difficulty.objects.select_related("filer_unit", "author", "assigned_unit", "assigned_user")
    if access.is_department(user):
        return items
    if access.is_ppc_leader(user):
        return items.filter(escalated_at__isnull=False)
    if not access.can_use_steering(user):
        return items.none()
    scope = access.scope_ids(user) or set()
    return items.filter(
        Q(filer_unit_id__in=scope) | Q(assigned_unit_id__in=scope) | Q(assigned_user_id=user.pk)
    )


def difficulty_get_for(*, user: Any, difficulty_id: int) -> Difficulty:
    found = (
        difficulties_visible_to(user)
        .select_related("procedure", "task")
        .prefetch_related("events__actor")
        .filter(pk=difficulty_id)
        .first()
    )
    if found is None:
        raise NotFoundError(_("Không có khó khăn, đề xuất này, hoặc bạn không được xem."))
    return found


def difficulty_age_days(item: Difficulty, *, today: date) -> int:
    """Days since it was filed, up to its answer (or today while it waits)."""
    end = timezone.localdate(item.answered_at) if item.answered_at else today
    return max(0, (end - timezone.localdate(item.filed_at)).days)


def difficulties_open() -> QuerySet[Difficulty]:
    """Every open difficulty of the province, oldest first (the PPC brief)."""
    return (
        Difficulty.objects.filter(state__in=OPEN_DIFFICULTY_STATES)
        .select_related("filer_unit")
        .order_by("filed_at", "pk")
    )


def tasks_overdue(*, today: date) -> QuerySet[PlanTask]:
    """Every overdue task of the province, most overdue first (the PPC brief, the reminders)."""
    return (
        PlanTask.objects.filter(overdue_q(today=today))
        .select_related("lead_unit")
        .order_by("deadline", "code")
    )


# The dashboard panel -----------------------------------------------------------------------------------------

PANEL_LIST = 5
#: Five working days never span more than this many calendar days (Tết's longest break is nine): a task due later
#: is not nearly due, whatever the calendar says.
CALENDAR_HORIZON_DAYS = 31
#: The panel's figures are kept this long per reader and day, or until a steering write (:func:`steering_changed`).
SUMMARY_SECONDS = 60
_VERSION_KEY = "dvctt:steering:version"


def _data_version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        version = 0
        cache.add(_VERSION_KEY, version, None)
    return int(version)


def steering_changed() -> None:
    """A task or a difficulty was written: cached panel figures are read again (called by the services at the
    write and again after commit, so that neither the writer nor other readers keep the old figures)."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:
        cache.set(_VERSION_KEY, 1, None)


@dataclass
class TaskSummary:
    open: int = 0
    overdue: int = 0
    nearly_due: int = 0
    done: int = 0
    overdue_tasks: list[PlanTask] = field(default_factory=list)
    nearly_due_tasks: list[PlanTask] = field(default_factory=list)
    open_difficulties: int = 0
    escalated_difficulties: int = 0
    oldest_open_days: int | None = None
    nearly_due_limit: date | None = None
    today: date | None = None


def dashboard_task_summary(user: Any, today: date) -> TaskSummary:
    """:func:`task_summary_compute`, kept in the cache per reader and day for :data:`SUMMARY_SECONDS` or until
    the next steering write (the dashboards' pages then cost no query for the panel)."""
    key = f"dvctt:steering:summary:{_data_version()}:{getattr(user, 'pk', 0)}:{today.isoformat()}"
    summary = cache.get(key)
    if summary is None:
        summary = task_summary_compute(user, today)
        cache.set(key, summary, SUMMARY_SECONDS)
    return summary


def task_summary_compute(user: Any, today: date) -> TaskSummary:
    """What the dashboards' steering panel shows ``user``: counts of open, overdue and nearly due tasks in their
    scope, the five most overdue and the five soonest due, and the open difficulties they see with the oldest's
    age. Two queries when no open task falls due within :data:`CALENDAR_HORIZON_DAYS` (the working calendar is not
    read then), else one or two more; one more for each list that is not empty."""
    tasks = tasks_visible_to(user)
    counts = tasks.aggregate(
        open=Count("pk", filter=Q(state=TaskState.OPEN)),
        done=Count("pk", filter=Q(state=TaskState.DONE)),
        overdue=Count("pk", filter=overdue_q(today=today)),
        upcoming=Min("deadline", filter=Q(state=TaskState.OPEN, deadline__gte=today)),
    )
    upcoming = counts.pop("upcoming")
    summary = TaskSummary(**counts, today=today)
    if upcoming is not None and upcoming <= today + timedelta(days=CALENDAR_HORIZON_DAYS):
        limit = nearly_due_limit(today=today)
        summary.nearly_due_limit = limit
        soon = list(tasks.filter(nearly_due_q(today=today, limit=limit)).order_by("deadline", "code"))
        summary.nearly_due = len(soon)
        summary.nearly_due_tasks = soon[:PANEL_LIST]
    if summary.overdue:
        summary.overdue_tasks = list(
            tasks.filter(overdue_q(today=today)).order_by("deadline", "code")[:PANEL_LIST]
        )
    open_items = difficulties_visible_to(user).filter(state__in=OPEN_DIFFICULTY_STATES)
    difficulty_counts = open_items.aggregate(
        n=Count("pk"),
        escalated=Count("pk", filter=Q(state=DifficultyState.ESCALATED_PPC)),
        oldest=Min("filed_at"),
    )
    summary.open_difficulties = difficulty_counts["n"]
    summary.escalated_difficulties = difficulty_counts["escalated"]
    if difficulty_counts["oldest"] is not None:
        summary.oldest_open_days = max(0, (today - timezone.localdate(difficulty_counts["oldest"])).days)
    return summary
