"""Limits in months and in working sessions, and the same-day cut-off: the pure rules and `dvctt due`."""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dvctt.calendar.deadlines import (
    TZ,
    UNITS,
    CalendarNotConfigured,
    DeadlineError,
    calendar_from_rows,
    due_by_cutoff,
    due_time,
    normalise_limit,
)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


def test_the_new_units_are_known():
    assert {"buoi_lam_viec", "thang"} <= set(UNITS)


# --- months (Civil Code 2015, art. 147-148) -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "months", "due"),
    [
        # The corresponding day of the following month, at the close of working hours.
        ("2025-03-14T09:00", 1, "2025-04-14T17:00"),
        # The receipt day is not counted whatever the hour: after closing changes nothing.
        ("2025-03-14T20:00", 1, "2025-04-14T17:00"),
        # No 31 February: the last day of February (2025 is not a leap year, 2024 is).
        ("2025-01-31T09:00", 1, "2025-02-28T17:00"),
        ("2024-01-31T10:00", 1, "2024-02-29T17:00"),
        # Across a year end, and two months on.
        ("2024-12-29T09:00", 2, "2025-02-28T17:00"),
        # Last day a public holiday (30 Apr 2025; 30 Apr–4 May off) → the close of the next working day.
        ("2025-03-31T09:00", 1, "2025-05-05T17:00"),
        # Last day the National Day break (1–2 Sep 2025) → Wednesday 3 Sep.
        ("2025-08-02T09:00", 1, "2025-09-03T17:00"),
        # Received on a holiday: counted from the next calendar day all the same.
        ("2025-09-02T09:00", 1, "2025-10-02T17:00"),
        # 29 Feb 2026 does not exist → 28 Feb 2026, a Saturday → Monday 2 Mar.
        ("2025-03-29T09:00", 11, "2026-03-02T17:00"),
        # Twelve months: the same day a year later.
        ("2025-06-10T09:00", 12, "2026-06-10T17:00"),
        # Last day the worked Saturday 26 Apr 2025 → that Saturday.
        ("2025-03-26T09:00", 1, "2025-04-26T17:00"),
    ],
)
def test_months_end_on_the_corresponding_day(received, months, due, calendar_snapshot):
    assert due_time(at(received), months, "thang", calendar_snapshot) == at(due)


def test_a_month_ends_at_the_close_of_the_last_period_of_that_day():
    # given working hours 07:30-11:30, 13:00-16:30
    calendar = calendar_from_rows(
        days_off=[],
        worked_days=[],
        schedules=[(date(2000, 1, 1), "07:30-11:30,13:00-16:30")],
        configured_years=[2025],
    )
    # when a one-month limit runs from Friday 14 March, then it ends Monday 14 April at 16:30
    assert due_time(at("2025-03-14T09:00"), 1, "thang", calendar) == at("2025-04-14T16:30")


@pytest.mark.parametrize("limit", [Decimal("1.5"), "0.5", 2.25, 0, Decimal("1.01")])
def test_a_fraction_of_a_month_is_refused_in_vietnamese(limit, calendar_snapshot):
    with pytest.raises(DeadlineError, match="tháng") as raised:
        due_time(at("2025-03-10T09:00"), limit, "thang", calendar_snapshot)
    assert raised.value.fields == {"limit": ["Phải là số nguyên dương."]}


def test_a_whole_month_written_as_a_decimal_is_accepted(calendar_snapshot):
    # The catalogue stores limits as DECIMAL(7, 2): "1.00" is one month.
    assert normalise_limit("1.00", "thang") == 1
    assert due_time(at("2025-03-14T09:00"), Decimal("1.00"), "thang", calendar_snapshot) == at(
        "2025-04-14T17:00"
    )


def test_months_into_an_unconfigured_year_name_it(calendar_snapshot):
    with pytest.raises(CalendarNotConfigured, match="2027"):
        due_time(at("2026-12-10T09:00"), 1, "thang", calendar_snapshot)
    # a limit far beyond any calendar is a configuration question, not a crash
    with pytest.raises(CalendarNotConfigured, match="2027"):
        due_time(at("2026-06-10T09:00"), 100_000, "thang", calendar_snapshot)


# --- working sessions (buổi làm việc) ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "sessions", "due"),
    [
        # The examples, hours 07:00-11:30 and 13:30-17:00.
        ("2025-03-10T06:30", 1, "2025-03-10T11:30"),  # before the morning begins: the morning counts
        ("2025-03-10T09:00", 1, "2025-03-10T17:00"),  # during the morning: the afternoon is the first
        ("2025-03-10T16:00", 1, "2025-03-11T11:30"),  # during the afternoon: next working morning
        # A session under way at its very start is the session of receipt (start included, as everywhere).
        ("2025-03-10T07:00", 1, "2025-03-10T17:00"),
        # Lunch: the afternoon has not begun, so it counts.
        ("2025-03-10T12:00", 1, "2025-03-10T17:00"),
        ("2025-03-10T11:30", 1, "2025-03-10T17:00"),
        # After closing: the next working morning.
        ("2025-03-10T17:30", 1, "2025-03-11T11:30"),
        # Several sessions: afternoon, Tuesday morning, Tuesday afternoon, Wednesday morning.
        ("2025-03-10T09:00", 4, "2025-03-12T11:30"),
        # Friday afternoon → Monday morning; the weekend has no sessions.
        ("2025-03-14T16:00", 1, "2025-03-17T11:30"),
        # Tết 2025 (25 Jan–2 Feb): Friday afternoon, then Monday 3 Feb morning and afternoon.
        ("2025-01-24T09:00", 3, "2025-02-03T17:00"),
        # The worked Saturday 26 Apr 2025 has its sessions.
        ("2025-04-25T16:00", 1, "2025-04-26T11:30"),
        # Received on a holiday: the next working day's morning is the first session.
        ("2025-09-02T09:00", 2, "2025-09-03T17:00"),
    ],
)
def test_sessions_count_from_the_next_session_to_begin(received, sessions, due, calendar_snapshot):
    assert due_time(at(received), sessions, "buoi_lam_viec", calendar_snapshot) == at(due)


def test_sessions_are_the_periods_of_the_schedule_in_force():
    # given a single period a day from 1 May 2025 (08:00-14:00), two before
    calendar = calendar_from_rows(
        days_off=[],
        worked_days=[],
        schedules=[(date(2000, 1, 1), "07:00-11:30,13:30-17:00"), (date(2025, 5, 1), "08:00-14:00")],
        configured_years=[2025],
    )
    # then a session is the whole day after the change, half a day before it
    assert due_time(at("2025-05-05T09:00"), 1, "buoi_lam_viec", calendar) == at("2025-05-06T14:00")
    assert due_time(at("2025-04-29T09:00"), 1, "buoi_lam_viec", calendar) == at("2025-04-29T17:00")
    # Wednesday 30 April afternoon, then Thursday 1 May (one session)
    assert due_time(at("2025-04-30T09:00"), 2, "buoi_lam_viec", calendar) == at("2025-05-01T14:00")


@pytest.mark.parametrize("limit", [Decimal("1.5"), 0, "0.5"])
def test_a_fraction_of_a_session_is_refused(limit, calendar_snapshot):
    with pytest.raises(DeadlineError, match="buổi làm việc"):
        due_time(at("2025-03-10T09:00"), limit, "buoi_lam_viec", calendar_snapshot)


def test_sessions_beyond_the_calendar_name_the_year(calendar_snapshot):
    assert due_time(at("2026-12-31T09:00"), 1, "buoi_lam_viec", calendar_snapshot) == at("2026-12-31T17:00")
    with pytest.raises(CalendarNotConfigured, match="2027"):
        due_time(at("2026-12-31T16:00"), 1, "buoi_lam_viec", calendar_snapshot)
    with pytest.raises(CalendarNotConfigured, match="2022"):
        due_time(at("2022-12-30T09:00"), 1, "buoi_lam_viec", calendar_snapshot)


# --- same-day cut-off ---------------------------------------------------------------------------------------

CUTOFF = time(15, 0)


@pytest.mark.parametrize(
    ("received", "due"),
    [
        ("2025-03-10T14:59", "2025-03-10T17:00"),  # before the cut-off: the close of that day
        ("2025-03-10T06:00", "2025-03-10T17:00"),  # before opening is before the cut-off too
        ("2025-03-10T15:00", "2025-03-11T17:00"),  # at the cut-off: the close of the next working day
        ("2025-03-10T17:30", "2025-03-11T17:00"),
        ("2025-03-14T16:00", "2025-03-17T17:00"),  # Friday after the cut-off → Monday
        ("2025-03-15T09:00", "2025-03-17T17:00"),  # Saturday (not worked) → Monday
        ("2025-04-26T10:00", "2025-04-26T17:00"),  # the worked Saturday 26 Apr 2025 is a working day
        ("2025-01-24T15:30", "2025-02-03T17:00"),  # Friday before Tết 2025 → Monday 3 Feb
        ("2025-01-28T09:00", "2025-02-03T17:00"),  # received during Tết
    ],
)
def test_same_day_cutoff(received, due, calendar_snapshot):
    assert due_by_cutoff(at(received), CUTOFF, calendar_snapshot) == at(due)


def test_a_cutoff_after_closing_never_gives_a_due_time_before_receipt(calendar_snapshot):
    # given a cut-off set at 18:00 (after the 17:00 close); when received at 17:30, then the next day's close
    assert due_by_cutoff(at("2025-03-10T17:30"), time(18, 0), calendar_snapshot) == at("2025-03-11T17:00")


def test_cutoff_needs_aware_times_and_configured_years(calendar_snapshot):
    with pytest.raises(ValueError, match="timezone-aware"):
        due_by_cutoff(datetime(2025, 3, 10, 9), CUTOFF, calendar_snapshot)
    with pytest.raises(CalendarNotConfigured, match="2027"):
        due_by_cutoff(at("2026-12-31T16:00"), CUTOFF, calendar_snapshot)


# --- the command line ---------------------------------------------------------------------------------------


def run_due(*args: str) -> str:
    out = StringIO()
    call_command("due", *args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "due"),
    [
        (["--received", "2025-01-31T09:00", "--limit", "1", "--unit", "thang"], "2025-02-28T17:00:00+07:00"),
        (
            ["--received", "2025-03-10T16:00", "--limit", "1", "--unit", "buoi_lam_viec"],
            "2025-03-11T11:30:00+07:00",
        ),
        (["--received", "2025-03-10T14:00", "--cutoff", "15:00"], "2025-03-10T17:00:00+07:00"),
        (["--received", "2025-03-10T15:00", "--cutoff", "15:00"], "2025-03-11T17:00:00+07:00"),
        # The cut-off decides instead of the limit, as on receipt.
        (
            [
                "--received",
                "2025-03-10T14:00",
                "--limit",
                "3",
                "--unit",
                "ngay_lam_viec",
                "--cutoff",
                "15:00",
            ],
            "2025-03-10T17:00:00+07:00",
        ),
    ],
)
def test_due_command_months_sessions_and_cutoff(seeded_calendar, args, due):
    assert run_due(*args) == due


@pytest.mark.django_db
def test_due_command_cutoff_verbose_json(seeded_calendar):
    # given a dossier received on Saturday morning (not worked)
    body = json.loads(run_due("--received", "2025-03-15T09:00", "--cutoff", "15:00", "--verbose-json"))
    # then its clock starts on Monday morning and it is due at Monday's close
    assert body["start"] == "2025-03-17T07:00:00+07:00"
    assert body["due"] == "2025-03-17T17:00:00+07:00"
    assert body["cutoff"] == "15:00"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--received", "2025-03-10T09:00", "--limit", "1.5", "--unit", "thang"],
            "không tính được một phần tháng",
        ),
        (["--received", "2025-03-10T09:00", "--limit", "0.5", "--unit", "buoi_lam_viec"], "số nguyên dương"),
        (["--received", "2025-03-10T09:00", "--cutoff", "25:00"], "Giờ chốt “25:00” không hợp lệ"),
        (["--received", "2025-03-10T09:00", "--cutoff", "15:00", "--unit", "tuan", "--limit", "1"], "“tuan”"),
        (["--received", "2025-03-10T09:00"], "Cần --limit và --unit"),
        (["--received", "2025-03-10T09:00", "--limit", "1"], "Cần --limit và --unit"),
    ],
)
def test_due_command_refuses_bad_input_in_vietnamese(seeded_calendar, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("due", *args)
