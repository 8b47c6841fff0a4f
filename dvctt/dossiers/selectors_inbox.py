"""Read-only queries of the back office: the inbox, its counts, the leader's watch list, search and exports.

Everything starts from :func:`dvctt.dossiers.selectors.dossiers_visible_to`, so a list never shows a dossier the
reader may not open. Due colours are computed in SQL from ``effective_due_at`` (the appointment moved by answered
supplement pauses, the time the late rule judges against), as the periodic watch does, so the counts are one
grouped query and the list can sort on the partial ``(unit, effective_due_at)`` index of open dossiers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db.models import Case, Count, F, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from dvctt.accounts.models import Role, User
from dvctt.accounts.scopes import unit_ids_in_scope
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.selectors import dossiers_visible_to
from dvctt.dossiers.states import RUNNING_STATUSES, Status

#: Statuses a dossier waits in for an official (a processed dossier waits for its result to be handed over).
OPEN_STATUSES = (
    Status.NEW,
    Status.RECEIVED,
    Status.PROCESSING,
    Status.SUPPLEMENT_REQUESTED,
    Status.FINANCIAL_OBLIGATION,
    Status.WITHDRAWAL_REQUESTED,
    Status.PROCESSED,
)
#: Statuses the one-stop unit acts on (check and receive, supplements at the counter, withdrawals, results).
ONE_STOP_STATUSES = (
    Status.NEW,
    Status.RECEIVED,
    Status.SUPPLEMENT_REQUESTED,
    Status.WITHDRAWAL_REQUESTED,
    Status.PROCESSED,
)

LATE = "late"
DUE_SOON = "soon"
ON_TRACK = "on_track"
PAUSED = "paused"
NO_DUE = "none"
DUE_STATES = (LATE, DUE_SOON, ON_TRACK, PAUSED, NO_DUE)

#: The work to do now: new dossiers (to check and receive), then received ones, then the rest; within each, the
#: nearest effective due time first (new dossiers have none yet: the longest waiting first).
WORK_ORDER = (
    Case(
        When(status=Status.NEW, then=Value(0)),
        When(status=Status.RECEIVED, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    ).asc(),
    F("effective_due_at").asc(nulls_last=True),
    F("submitted_at").asc(nulls_last=True),
    "id",
)

SORTS: dict[str, tuple[Any, ...]] = {
    "work": WORK_ORDER,
    "due": (F("effective_due_at").asc(nulls_last=True), "id"),
    "-due": (F("effective_due_at").desc(nulls_last=True), "-id"),
    "received": (F("received_at").asc(nulls_last=True), "id"),
    "-received": (F("received_at").desc(nulls_last=True), "-id"),
    "code": ("code",),
    "-code": ("-code",),
    "-ended": (F("ended_at").desc(nulls_last=True), "-id"),
}


def open_filter() -> Q:
    """Dossiers still waiting for an official: an accepted withdrawal (7 with an end time) is over."""
    return Q(status__in=[s for s in OPEN_STATUSES if s != Status.WITHDRAWAL_REQUESTED]) | Q(
        status=Status.WITHDRAWAL_REQUESTED, ended_at__isnull=True
    )


def due_soon_limit(*, now: datetime) -> datetime:
    """One working day (eight working hours) after ``now``: the line between "on track" and "due soon"."""
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    try:
        return deadlines.add_working_seconds(now, 8 * 3600, working_calendar())
    except Exception:  # calendar not configured that far: a calendar day is the safe approximation
        return now + timedelta(days=1)


def _running() -> Q:
    return Q(status__in=list(RUNNING_STATUSES), effective_due_at__isnull=False)


def due_filter(state: str, *, now: datetime, soon: datetime) -> Q:
    if state == LATE:
        return _running() & Q(effective_due_at__lte=now)
    if state == DUE_SOON:
        return _running() & Q(effective_due_at__gt=now, effective_due_at__lte=soon)
    if state == ON_TRACK:
        return _running() & Q(effective_due_at__gt=soon)
    if state == PAUSED:
        return Q(status__in=[Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION])
    return ~Q(status__in=[*RUNNING_STATUSES, Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION]) | Q(
        status__in=list(RUNNING_STATUSES), effective_due_at__isnull=True
    )


def due_state(dossier: Dossier, *, now: datetime, soon: datetime) -> str:
    """The colour of one row, by the same rules as :func:`due_filter`."""
    if dossier.status in (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION):
        return PAUSED
    if dossier.status not in RUNNING_STATUSES or dossier.effective_due_at is None:
        return NO_DUE
    if dossier.effective_due_at <= now:
        return LATE
    if dossier.effective_due_at <= soon:
        return DUE_SOON
    return ON_TRACK


@dataclass
class InboxFilters:
    mine: bool = False
    status: int | None = None
    procedure: str = ""
    channel: int | None = None
    due: str = ""
    sort: str = "work"
    #: Finished dossiers (no longer waiting for an official) instead of the work to do.
    finished: bool = False


def inbox_base(*, user: User, mine: bool = False) -> QuerySet[Dossier]:
    """Open dossiers the user may see; ``mine`` narrows to what the role works on itself."""
    qs = dossiers_visible_to(user).filter(open_filter())
    if mine:
        if user.role == Role.ONE_STOP_OFFICER:
            qs = qs.filter(status__in=list(ONE_STOP_STATUSES))
        elif user.role == Role.SPECIALIST:
            qs = qs.filter(assignee=user)
    return qs


def inbox_finished(*, user: User, mine: bool = False) -> QuerySet[Dossier]:
    """Dossiers the user may see that no longer wait for an official (shown only when asked)."""
    qs = dossiers_visible_to(user).exclude(open_filter())
    if mine and user.role == Role.SPECIALIST:
        qs = qs.filter(assignee=user)
    return qs


def inbox_filter(qs: QuerySet[Dossier], *, filters: InboxFilters, now: datetime, soon: datetime) -> QuerySet:
    if filters.procedure:
        qs = qs.filter(procedure__code=filters.procedure)
    if filters.channel:
        qs = qs.filter(channel=filters.channel)
    if filters.due in DUE_STATES:
        qs = qs.filter(due_filter(filters.due, now=now, soon=soon))
    return qs


@dataclass
class InboxCounts:
    by_status: dict[int, int] = field(default_factory=dict)
    by_due: dict[str, int] = field(default_factory=dict)
    #: (status, due colour) → count: lets the list know its length without a second COUNT(*).
    by_status_due: dict[tuple[int, str], int] = field(default_factory=dict)

    def count_for(self, *, status: int | None, due: str) -> int:
        """How many rows a list filtered by status and/or due colour holds (no query)."""
        if not due:
            return self.by_status.get(status, 0) if status else self.total
        if status:
            return self.by_status_due.get((status, due), 0)
        return self.by_due.get(due, 0)

    @property
    def total(self) -> int:
        return sum(self.by_status.values())


def inbox_counts(qs: QuerySet[Dossier], *, now: datetime, soon: datetime) -> InboxCounts:
    """Counts per status and per due colour in ONE grouped query (never per row)."""
    rows = (
        qs.order_by()
        .values("status")
        .annotate(
            n=Count("id"),
            late=Count("id", filter=due_filter(LATE, now=now, soon=soon)),
            soon=Count("id", filter=due_filter(DUE_SOON, now=now, soon=soon)),
            on_track=Count("id", filter=due_filter(ON_TRACK, now=now, soon=soon)),
        )
    )
    counts = InboxCounts(by_due=dict.fromkeys(DUE_STATES, 0))
    for row in rows:
        status = row["status"]
        per_due = {LATE: row["late"], DUE_SOON: row["soon"], ON_TRACK: row["on_track"], PAUSED: 0, NO_DUE: 0}
        if status in (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION):
            per_due[PAUSED] = row["n"]
        else:
            per_due[NO_DUE] = row["n"] - row["late"] - row["soon"] - row["on_track"]
        counts.by_status[status] = row["n"]
        for key, n in per_due.items():
            counts.by_due[key] += n
            counts.by_status_due[(status, key)] = n
    return counts


def inbox_rows(qs: QuerySet[Dossier], *, sort: str) -> QuerySet[Dossier]:
    """The list's rows with what a row shows (one query per page)."""
    return (
        qs.select_related("procedure_version", "procedure", "assignee")
        .only(
            "id",
            "code",
            "status",
            "channel",
            "assisted",
            "applicant_name",
            "applicant_id_number",
            "unit_id",
            "submitted_at",
            "received_at",
            "due_at",
            "effective_due_at",
            "ended_at",
            "version",
            "procedure__code",
            "procedure_version__name",
            "assignee__username",
            "assignee__full_name",
        )
        .order_by(*SORTS.get(sort, SORTS["work"]))
    )


def dossier_search(*, user: User, query: str, limit: int = 50) -> list[Dossier]:
    """By code (exact or prefix), identification number (exact) or applicant name (contains, as typed).

    Names are matched by the database as typed (accents included): the dossier has no folded name column yet.
    """
    text = " ".join(query.split())
    if not text:
        return []
    qs = dossiers_visible_to(user).select_related("procedure_version", "procedure")
    if text.isdigit() and 9 <= len(text) <= 12:
        found = qs.filter(applicant_id_number=text)
    elif any(c.isdigit() for c in text) and "-" in text:
        found = qs.filter(code__startswith=text.upper())
        scope = unit_ids_in_scope(user) if user.role not in (Role.CITIZEN, Role.BUSINESS) else set()
        if scope:
            # A dossier received here for another commune's competent unit (reception regardless of
            # administrative boundaries) is found by its code too: the code carries the receiving unit's.
            received_here = Dossier.objects.filter(
                receiving_unit_id__in=scope, code__startswith=text.upper()
            ).exclude(unit_id__in=scope)
            found = found | received_here.select_related("procedure_version", "procedure")
    else:
        found = qs.filter(applicant_name__icontains=text)
    return list(found.order_by("-id")[:limit])


@dataclass
class WatchGroup:
    key: str
    label: str
    late: int
    soon: int


def leader_watch(*, user: User, now: datetime, soon: datetime) -> tuple[list[WatchGroup], list[WatchGroup]]:
    """Late and nearly late dossiers of the leader's scope, by officer and by procedure (two grouped queries)."""
    qs = dossiers_visible_to(user).filter(_running(), effective_due_at__lte=soon)
    late = Count("id", filter=Q(effective_due_at__lte=now))
    near = Count("id", filter=Q(effective_due_at__gt=now))
    by_officer = [
        WatchGroup(
            key=row["assignee__username"] or "",
            label=row["assignee__full_name"] or row["assignee__username"] or "",
            late=row["late"],
            soon=row["soon"],
        )
        for row in qs.order_by()
        .values("assignee__username", "assignee__full_name")
        .annotate(late=late, soon=near)
        .order_by("-late", "-soon", "assignee__username")
    ]
    by_procedure = [
        WatchGroup(
            key=row["procedure__code"],
            label=row["procedure_version__name"] or row["procedure__code"],
            late=row["late"],
            soon=row["soon"],
        )
        for row in qs.order_by()
        .values("procedure__code", "procedure_version__name")
        .annotate(late=late, soon=near)
        .order_by("-late", "-soon", "procedure__code")[:50]
    ]
    return by_officer, by_procedure


def leader_watch_rows(*, user: User, now: datetime, soon: datetime, limit: int = 200) -> QuerySet[Dossier]:
    return inbox_rows(dossiers_visible_to(user).filter(_running(), effective_due_at__lte=soon), sort="due")[
        :limit
    ]


def forward_units(*, exclude_unit_id: int | None, on: date) -> list[tuple[str, str]]:
    """(code, name) of the units in force on ``on`` a dossier can be sent to (liên thông), by name."""
    from dvctt.agencies.selectors import units_in_force

    qs = units_in_force(on=on).order_by("name", "code")
    if exclude_unit_id is not None:
        qs = qs.exclude(pk=exclude_unit_id)
    return [(code, f"{name} ({code})") for code, name in qs.values_list("code", "name")]


def unit_officers(*, unit_ids: set[int] | None, roles: tuple[str, ...]) -> QuerySet[User]:
    qs = User.objects.filter(is_active=True, role__in=roles).order_by("full_name", "username")
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs


# --- exports -----------------------------------------------------------------------------------------------

EXPORT_FIELDS = (
    "code",
    "procedure__code",
    "procedure_version__name",
    "applicant_name",
    "applicant_id_number",
    "unit_id",
    "channel",
    "status",
    "submitted_at",
    "received_at",
    "due_at",
    "ended_at",
    "assignee__full_name",
)


def export_late_rows(*, user: User, now: datetime) -> Iterator[tuple[Any, ...]]:
    """Running dossiers (statuses 2 and 4) past their appointment, in scope, most overdue first."""
    qs = (
        dossiers_visible_to(user)
        .filter(_running() & Q(effective_due_at__lte=now))
        .order_by("effective_due_at", "id")
        .values_list(*EXPORT_FIELDS)
    )
    return qs.iterator(chunk_size=2000)


def export_received_rows(*, user: User, start: date, end: date) -> Iterator[tuple[Any, ...]]:
    """Dossiers received between two local days (both included), in scope, in receipt order."""
    tz = timezone.get_current_timezone()
    since = datetime.combine(start, datetime.min.time(), tzinfo=tz)
    until = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=tz)
    qs = (
        dossiers_visible_to(user)
        .filter(received_at__gte=since, received_at__lt=until)
        .order_by("received_at", "id")
        .values_list(*EXPORT_FIELDS)
    )
    return qs.iterator(chunk_size=2000)
