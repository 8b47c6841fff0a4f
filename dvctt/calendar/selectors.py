"""Reads of the working-day calendar. Other apps compute due times with ``working_calendar()``."""

from __future__ import annotations

import threading
from datetime import date, datetime

from django.conf import settings
from django.db.models import Max, QuerySet

from dvctt.calendar.deadlines import WorkingCalendar, calendar_from_rows
from dvctt.calendar.models import (
    CalendarRevision,
    CalendarYear,
    DayException,
    DayKind,
    DayStatus,
    WorkingSchedule,
)

# Used as valid_from of the settings' working periods, the default before any WorkingSchedule row.
DEFAULT_SCHEDULE_FROM = date(2000, 1, 1)

_cache_lock = threading.Lock()
_cached: tuple[tuple[int, datetime | None], WorkingCalendar] | None = None


def calendar_revision_current() -> int:
    """The calendar revision now in force (0 before any change). Store it beside every computed due time."""
    return CalendarRevision.objects.aggregate(latest=Max("id"))["latest"] or 0


def _revision_key() -> tuple[int, datetime | None]:
    # The id alone is not enough for the cache: SQLite reuses the id of a rolled-back revision.
    row = CalendarRevision.objects.order_by("-id").values_list("id", "created_at").first()
    return row if row is not None else (0, None)


def calendar_years_configured() -> QuerySet[CalendarYear]:
    return CalendarYear.objects.all()


def calendar_days_for_year(*, year: int) -> QuerySet[DayException]:
    """Every exception of ``year``, those still to confirm included (they carry their status)."""
    return DayException.objects.filter(year_id=year).order_by("date")


def calendar_days_to_confirm() -> QuerySet[DayException]:
    """Days seeded or entered "to confirm": not counted in the working calendar until confirmed."""
    return DayException.objects.filter(status=DayStatus.TO_CONFIRM).order_by("date")


def working_schedules() -> list[tuple[date, str]]:
    """``(valid_from, periods text)`` pairs; the settings' default applies before the first row."""
    rows = list(WorkingSchedule.objects.order_by("valid_from").values_list("valid_from", "periods"))
    if not rows or rows[0][0] > DEFAULT_SCHEDULE_FROM:
        rows.insert(0, (DEFAULT_SCHEDULE_FROM, settings.DVCTT_WORKING_PERIODS))
    return rows


def _build(revision: int) -> WorkingCalendar:
    days_off: list[date] = []
    worked: list[date] = []
    # A day still to confirm is not counted: the law does not (yet) make it a day off or a working day.
    for day, kind in DayException.objects.filter(status=DayStatus.CONFIRMED).values_list("date", "kind"):
        (worked if kind == DayKind.MAKEUP_WORKDAY else days_off).append(day)
    return calendar_from_rows(
        days_off=days_off,
        worked_days=worked,
        schedules=working_schedules(),
        configured_years=CalendarYear.objects.values_list("year", flat=True),
        revision=revision,
    )


def working_calendar() -> WorkingCalendar:
    """The calendar snapshot at the current revision, cached in process memory per revision.

    One query when the cached snapshot is current; a rebuild (four more) after any change.
    """
    global _cached
    key = _revision_key()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    with _cache_lock:
        # Build, then check that no change slipped in meanwhile; if one did, build again.
        for _attempt in range(3):
            snapshot = _build(key[0])
            latest = _revision_key()
            if latest == key:
                break
            key = latest
        _cached = (key, snapshot)
    return snapshot


def working_calendar_cache_clear() -> None:
    global _cached
    _cached = None
