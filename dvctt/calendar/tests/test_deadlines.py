"""The pure due-time rules (no database)."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from dvctt.calendar.deadlines import (
    TZ,
    CalendarNotConfigured,
    DeadlineError,
    add_working_seconds,
    calendar_from_rows,
    due_time,
    is_working_moment,
    next_working_moment,
    parse_periods,
    working_seconds_between,
)
from dvctt.calendar.tests.conftest import build_snapshot
from dvctt.common.tests.sample import SAMPLE_DIR

CASES_FILE = SAMPLE_DIR / "due_cases.jsonl"
CASES = [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TZ)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c['received']}+{c['limit']}{c['unit']}")
def test_sample_due_cases(case, calendar_snapshot):
    # given the seeded 2023–2026 calendar, when the due time is computed, then it matches the sample
    assert due_time(at(case["received"]), case["limit"], case["unit"], calendar_snapshot) == at(case["due"])


def test_sample_file_has_all_25_cases():
    assert len(CASES) == 25 or not CASES_FILE.exists()


@pytest.mark.parametrize(
    ("received", "limit", "unit", "due"),
    [
        # The examples: Monday 09:00 + 3 days → Thursday 09:00; Monday 18:00 → Thursday 17:00.
        ("2025-03-10T09:00", 3, "ngay_lam_viec", "2025-03-13T09:00"),
        ("2025-03-10T18:00", 3, "ngay_lam_viec", "2025-03-13T17:00"),
        # Lunch break: received at 12:00 starts at 13:30; 2 hours from 10:30 crosses lunch.
        ("2025-03-10T12:00", 1, "gio_lam_viec", "2025-03-10T14:30"),
        ("2025-03-10T10:30", 2, "gio_lam_viec", "2025-03-10T14:30"),
        ("2025-03-10T10:30", 1, "gio_lam_viec", "2025-03-10T11:30"),
        # Before opening: starts at 07:00 that day.
        ("2025-03-10T05:00", 1, "ngay_lam_viec", "2025-03-10T17:00"),
        # Fractional day: half a working day is 4 hours.
        ("2025-03-10T07:00", Decimal("0.5"), "ngay_lam_viec", "2025-03-10T11:00"),
        ("2025-03-10T07:00", 0.5, "ngay_lam_viec", "2025-03-10T11:00"),
        # Zero: the start itself.
        ("2025-03-08T09:00", 0, "ngay_lam_viec", "2025-03-10T07:00"),
        # Tết 2024 (8–14 Feb): received Wednesday 7 Feb 15:00, one day → Thursday 15 Feb 15:00.
        ("2024-02-07T15:00", 1, "ngay_lam_viec", "2024-02-15T15:00"),
        # Received during Tết 2024: starts Thursday 15 Feb 07:00.
        ("2024-02-12T09:00", 2, "ngay_lam_viec", "2024-02-16T17:00"),
        # Tết 2025 (25 Jan–2 Feb): Friday 24 Jan 10:00 + 1 day → Monday 3 Feb 10:00.
        ("2025-01-24T10:00", 1, "ngay_lam_viec", "2025-02-03T10:00"),
        ("2025-01-24T16:00", 3, "ngay_lam_viec", "2025-02-05T16:00"),
        # Tết 2026 (14–22 Feb): Friday 13 Feb 09:00 + 1 day → Monday 23 Feb 09:00.
        ("2026-02-13T09:00", 1, "ngay_lam_viec", "2026-02-23T09:00"),
        # Saturday 26 Apr 2025 is worked: Friday 25 Apr 09:00 + 1 day → Saturday 09:00.
        ("2025-04-25T09:00", 1, "ngay_lam_viec", "2025-04-26T09:00"),
        # ... and a dossier received on that Saturday starts at once.
        ("2025-04-26T09:00", 4, "gio_lam_viec", "2025-04-26T15:00"),
        # ... then 30 Apr–4 May off: Tuesday 29 Apr 09:00 + 1 day → Monday 5 May 09:00.
        ("2025-04-29T09:00", 1, "ngay_lam_viec", "2025-05-05T09:00"),
        # 2 Sep 2024 break (31 Aug–3 Sep).
        ("2024-08-30T16:00", 2, "gio_lam_viec", "2024-09-04T08:00"),
    ],
)
def test_working_time_rules(received, limit, unit, due, calendar_snapshot):
    assert due_time(at(received), limit, unit, calendar_snapshot) == at(due)


@pytest.mark.parametrize(
    ("received", "limit", "due"),
    [
        # Receipt day not counted: Monday + 3 days → Thursday, at the close of working hours.
        ("2025-03-10T09:00", 3, "2025-03-13T17:00"),
        # Received after hours changes nothing: the day of receipt is still the day of the event.
        ("2025-03-10T20:00", 3, "2025-03-13T17:00"),
        # Last day a Saturday → the close of the next working day (Monday).
        ("2025-03-10T09:00", 5, "2025-03-17T17:00"),
        # Last day inside Tết 2025 (30 Jan) → Monday 3 Feb 17:00.
        ("2025-01-20T09:00", 10, "2025-02-03T17:00"),
        # Last day the worked Saturday 26 Apr 2025 → that Saturday.
        ("2025-04-21T09:00", 5, "2025-04-26T17:00"),
        # Received on a holiday: counted from the next calendar day all the same.
        ("2025-09-02T09:00", 1, "2025-09-03T17:00"),
    ],
)
def test_calendar_days_rule(received, limit, due, calendar_snapshot):
    assert due_time(at(received), limit, "ngay", calendar_snapshot) == at(due)


def test_next_working_moment_and_is_working_moment(calendar_snapshot):
    assert is_working_moment(at("2025-03-10T07:00"), calendar_snapshot)
    assert not is_working_moment(at("2025-03-10T11:30"), calendar_snapshot)  # period end excluded
    assert not is_working_moment(at("2025-01-29T09:00"), calendar_snapshot)  # Tết
    assert is_working_moment(at("2025-04-26T09:00"), calendar_snapshot)  # make-up Saturday
    assert next_working_moment(at("2025-03-10T11:30"), calendar_snapshot) == at("2025-03-10T13:30")
    assert next_working_moment(at("2025-03-14T17:00"), calendar_snapshot) == at("2025-03-17T07:00")
    assert next_working_moment(at("2025-03-10T09:15"), calendar_snapshot) == at("2025-03-10T09:15")


def test_working_seconds_between_and_add(calendar_snapshot):
    # Friday 24 Jan 2025 16:00 to Monday 3 Feb 08:00: 1 h before Tết, 1 h after.
    assert working_seconds_between(at("2025-01-24T16:00"), at("2025-02-03T08:00"), calendar_snapshot) == 7200
    assert working_seconds_between(at("2025-02-03T08:00"), at("2025-01-24T16:00"), calendar_snapshot) == -7200
    assert add_working_seconds(at("2025-01-24T16:00"), 7200, calendar_snapshot) == at("2025-02-03T08:00")


def test_other_offsets_are_converted(calendar_snapshot):
    # given 02:00 UTC, which is 09:00 in Viet Nam
    received = at("2025-03-10T09:00").astimezone(UTC)
    due = due_time(received, 1, "gio_lam_viec", calendar_snapshot)
    # then the result is in Vietnam time
    assert due == at("2025-03-10T10:00")
    assert due.utcoffset() == timedelta(hours=7)


def test_naive_datetimes_are_refused(calendar_snapshot):
    with pytest.raises(ValueError, match="timezone-aware"):
        due_time(datetime(2025, 3, 10, 9), 1, "ngay_lam_viec", calendar_snapshot)
    with pytest.raises(ValueError, match="timezone-aware"):
        working_seconds_between(at("2025-03-10T09:00"), datetime(2025, 3, 11), calendar_snapshot)


@pytest.mark.parametrize(
    ("limit", "unit", "message"),
    [
        (1, "tuan", "Đơn vị thời hạn"),
        (-1, "ngay_lam_viec", "không được âm"),
        ("abc", "gio_lam_viec", "không phải là một số"),
        (float("nan"), "gio_lam_viec", "hữu hạn"),
        (1.5, "ngay", "số nguyên dương"),
        (0, "ngay", "số nguyên dương"),
        (True, "ngay", "phải là một số"),
    ],
)
def test_bad_limits_and_units(limit, unit, message, calendar_snapshot):
    with pytest.raises(DeadlineError, match=message):
        due_time(at("2025-03-10T09:00"), limit, unit, calendar_snapshot)


def test_unconfigured_year_is_named(calendar_snapshot):
    # Received in a year with no row.
    with pytest.raises(CalendarNotConfigured, match="2027") as raised:
        due_time(at("2027-03-10T09:00"), 1, "ngay_lam_viec", calendar_snapshot)
    assert raised.value.year == 2027
    assert raised.value.code == "calendar_not_configured"
    # Received in a configured year, but the due time needs the next one.
    with pytest.raises(CalendarNotConfigured, match="2027"):
        due_time(at("2026-12-30T09:00"), 5, "ngay_lam_viec", calendar_snapshot)
    with pytest.raises(CalendarNotConfigured, match="2027"):
        due_time(at("2026-12-30T09:00"), 5, "ngay", calendar_snapshot)
    with pytest.raises(CalendarNotConfigured, match="2022"):
        due_time(at("2022-12-30T09:00"), 1, "gio_lam_viec", calendar_snapshot)
    # The last working moments of a configured year still work.
    assert due_time(at("2026-12-31T09:00"), 1, "gio_lam_viec", calendar_snapshot) == at("2026-12-31T10:00")


def test_a_gap_year_in_the_middle_is_refused():
    # given 2023 and 2025 configured but not 2024
    calendar = build_snapshot(years=(2023, 2025))
    # then crossing 2024 names it, and 2023 alone still works
    with pytest.raises(CalendarNotConfigured, match="2024"):
        due_time(at("2023-12-29T09:00"), 5, "ngay_lam_viec", calendar)
    with pytest.raises(CalendarNotConfigured, match="2024"):
        working_seconds_between(at("2023-12-29T09:00"), at("2025-01-03T09:00"), calendar)
    assert due_time(at("2023-12-28T09:00"), 1, "ngay_lam_viec", calendar) == at("2023-12-29T09:00")


def test_no_configured_year_at_all():
    calendar = calendar_from_rows(
        days_off=[], worked_days=[], schedules=[(date(2000, 1, 1), "07:00-17:00")], configured_years=[]
    )
    with pytest.raises(CalendarNotConfigured, match="2025"):
        due_time(at("2025-03-10T09:00"), 1, "ngay_lam_viec", calendar)
    with pytest.raises(CalendarNotConfigured, match="2025"):
        due_time(at("2025-03-10T09:00"), 1, "ngay", calendar)


def test_working_hours_are_data():
    # given summer hours from 1 May 2025 (07:00–11:00, 13:00–17:00: still 8 h)
    calendar = calendar_from_rows(
        days_off=[],
        worked_days=[],
        schedules=[
            (date(2000, 1, 1), "07:00-11:30,13:30-17:00"),
            (date(2025, 5, 1), "07:00-11:00,13:00-17:00"),
        ],
        configured_years=[2025],
    )
    assert due_time(at("2025-04-30T12:00"), 1, "gio_lam_viec", calendar) == at("2025-04-30T14:30")
    assert due_time(at("2025-05-02T12:00"), 1, "gio_lam_viec", calendar) == at("2025-05-02T14:00")
    # a single-period schedule of 6 h makes a working day 6 h
    short = calendar_from_rows(
        days_off=[], worked_days=[], schedules=[(date(2000, 1, 1), "08:00-14:00")], configured_years=[2025]
    )
    assert due_time(at("2025-03-10T08:00"), Decimal("1.5"), "ngay_lam_viec", short) == at("2025-03-11T11:00")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("07:00-11:30,11:00-17:00", "chồng lên"),
        ("11:30-07:00", "kết thúc sau"),
        ("7h-11h", "HH:MM-HH:MM"),
        ("", "ít nhất một"),
    ],
)
def test_bad_working_periods(text, message):
    with pytest.raises(ValueError, match=message):
        parse_periods(text)


def test_snapshot_is_frozen(calendar_snapshot):
    with pytest.raises(AttributeError):
        calendar_snapshot.revision = 5
