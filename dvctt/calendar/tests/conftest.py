"""Calendar fixtures. Tests never rely on demo data: they seed what they need here.

The test database is migrated, so the known years are already seeded (``handlers.py``); ``empty_calendar``
clears them for a test that needs a blank table. Other apps may import ``seeded_calendar`` /
``calendar_snapshot`` from this module in their own conftest.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from dvctt.calendar.deadlines import WorkingCalendar, calendar_from_rows
from dvctt.calendar.seeding import CONFIRMED, MAKEUP_WORKDAY, seed_entries
from dvctt.calendar.selectors import working_calendar, working_calendar_cache_clear

SEEDED_YEARS = (2023, 2024, 2025, 2026)
DEFAULT_PERIODS = "07:00-11:30,13:30-17:00"


def build_snapshot(years=SEEDED_YEARS, periods: str = DEFAULT_PERIODS) -> WorkingCalendar:
    """A calendar built from the seed plan without the database (for the pure tests).

    Like the database calendar, it counts only the confirmed days (not those "to confirm").
    """
    entries = [entry for year in years for entry in seed_entries(year) if entry.status == CONFIRMED]
    return calendar_from_rows(
        days_off=[entry.day for entry in entries if entry.kind != MAKEUP_WORKDAY],
        worked_days=[entry.day for entry in entries if entry.kind == MAKEUP_WORKDAY],
        schedules=[(date(2000, 1, 1), periods)],
        configured_years=years,
    )


def revisions_since(revision: int) -> int:
    """How many calendar revisions were recorded after ``revision``.

    Not ``current - revision``: on PostgreSQL a rolled-back test consumes ids of the sequence.
    """
    from dvctt.calendar.models import CalendarRevision

    return CalendarRevision.objects.filter(pk__gt=revision).count()


@pytest.fixture(scope="session")
def calendar_snapshot() -> WorkingCalendar:
    return build_snapshot()


@pytest.fixture(autouse=True)
def _fresh_calendar_cache() -> Iterator[None]:
    working_calendar_cache_clear()
    yield
    working_calendar_cache_clear()


@pytest.fixture
def empty_calendar(db) -> None:
    """No calendar year and no day: the state of a database before its calendar is seeded."""
    from dvctt.calendar.models import CalendarYear, DayException

    DayException.objects.all().delete()
    CalendarYear.objects.all().delete()
    working_calendar_cache_clear()


@pytest.fixture
def seeded_calendar(db) -> WorkingCalendar:
    """The database calendar seeded for 2023–2026 (at least) through the service; returns its snapshot."""
    from dvctt.calendar.services import calendar_year_seed

    for year in SEEDED_YEARS:
        calendar_year_seed(year=year)
    return working_calendar()
