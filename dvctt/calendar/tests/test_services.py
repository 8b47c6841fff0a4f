"""Writes through services: validation, seeding, revisions, history, the cached snapshot."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.utils import timezone

from dvctt.calendar.deadlines import TZ, CalendarNotConfigured, due_time
from dvctt.calendar.models import CalendarYear, DayException, DayKind
from dvctt.calendar.seeding import years_to_seed
from dvctt.calendar.selectors import calendar_revision_current, working_calendar
from dvctt.calendar.services import (
    calendar_day_remove,
    calendar_day_set,
    calendar_year_create,
    calendar_year_remove,
    calendar_year_seed,
    working_schedule_set,
)
from dvctt.calendar.tests.conftest import build_snapshot, revisions_since
from dvctt.common.errors import ConflictError, DomainError

pytestmark = pytest.mark.django_db

BASIS = "Văn bản thử nghiệm (chỉ dùng trong kiểm thử)"
# A year no test database seeds (the seeded ones end next year).
FAR_YEAR = 2090


def test_seed_matches_the_pure_plan_and_is_idempotent(seeded_calendar):
    # given 2023–2026 seeded through the service (and the years migrate seeded)
    revision = calendar_revision_current()
    # when seeding 2025 again, then nothing is added and the revision stays
    result = calendar_year_seed(year=2025)
    assert (result.added, result.created_year) == (0, False)
    assert calendar_revision_current() == revision
    # and the database snapshot equals the one built without the database
    years = sorted(seeded_calendar.configured_years)
    assert years == years_to_seed(timezone.localdate())
    assert {2023, 2024, 2025, 2026} <= set(years)
    pure = build_snapshot(years=years)
    assert seeded_calendar.days_off == pure.days_off
    assert seeded_calendar.worked_days == pure.worked_days


def test_seeded_2025_reconciles_holidays_with_the_known_breaks(seeded_calendar):
    days = {row.date: row for row in DayException.objects.filter(year_id=2025)}
    # Tết 25 Jan–2 Feb whole, weekend days included
    assert all(date(2025, 1, d) in days for d in range(25, 32)) and date(2025, 2, 2) in days
    assert days[date(2025, 4, 26)].kind == DayKind.MAKEUP_WORKDAY
    assert days[date(2025, 5, 2)].kind == DayKind.DAY_OFF
    assert days[date(2025, 4, 30)].kind == DayKind.PUBLIC_HOLIDAY
    assert {date(2025, 9, 1), date(2025, 9, 2)} <= set(days)
    # a holiday on a weekend is its own row (2 Sep 2023 is a Saturday), its day off another (4 Sep)
    assert DayException.objects.get(date=date(2023, 9, 2)).kind == DayKind.PUBLIC_HOLIDAY
    assert DayException.objects.get(date=date(2023, 9, 4)).kind == DayKind.DAY_OFF


def test_seed_keeps_an_edited_row(seeded_calendar):
    # given an officer renamed a day
    calendar_day_set(
        day=date(2025, 1, 1), kind=DayKind.PUBLIC_HOLIDAY, name="Tết Dương lịch 2025", legal_basis=BASIS
    )
    # when the year is seeded again, then the edit stays (the table wins)
    calendar_year_seed(year=2025)
    assert DayException.objects.get(date=date(2025, 1, 1)).name == "Tết Dương lịch 2025"


def test_each_change_bumps_the_revision_and_keeps_history(seeded_calendar):
    before = calendar_revision_current()
    received = datetime(2025, 3, 13, 9, tzinfo=TZ)  # Thursday
    assert due_time(received, 1, "ngay_lam_viec", working_calendar()) == datetime(2025, 3, 14, 9, tzinfo=TZ)
    # when Friday 14 Mar 2025 becomes a day off
    calendar_day_set(day=date(2025, 3, 14), kind=DayKind.DAY_OFF, name="Nghỉ đột xuất", legal_basis=BASIS)
    # then the revision moves and the snapshot follows it
    assert revisions_since(before) == 1
    snapshot = working_calendar()
    assert snapshot.revision == calendar_revision_current() > before
    assert due_time(received, 1, "ngay_lam_viec", snapshot) == datetime(2025, 3, 17, 9, tzinfo=TZ)
    # setting the same again is no change
    calendar_day_set(day=date(2025, 3, 14), kind=DayKind.DAY_OFF, name="Nghỉ đột xuất", legal_basis=BASIS)
    assert revisions_since(before) == 1
    # removing it is a change, and history keeps both
    calendar_day_remove(day=date(2025, 3, 14))
    assert revisions_since(before) == 2
    assert DayException.history.filter(date=date(2025, 3, 14)).count() == 2
    assert due_time(received, 1, "ngay_lam_viec", working_calendar()) == datetime(2025, 3, 14, 9, tzinfo=TZ)


def test_working_hours_change_bumps_the_revision(seeded_calendar):
    before = calendar_revision_current()
    working_schedule_set(valid_from=date(2025, 6, 1), periods="07:30-11:30, 13:00-17:00")
    assert revisions_since(before) == 1
    received = datetime(2025, 6, 2, 11, tzinfo=TZ)
    assert due_time(received, 1, "gio_lam_viec", working_calendar()) == datetime(
        2025, 6, 2, 13, 30, tzinfo=TZ
    )


def test_cached_snapshot_costs_one_query(seeded_calendar, django_assert_num_queries):
    first = working_calendar()
    with django_assert_num_queries(1):
        assert working_calendar() is first


@pytest.mark.parametrize(
    ("day", "kind", "message"),
    [
        (date(2025, 3, 12), DayKind.MAKEUP_WORKDAY, "thứ Bảy hoặc Chủ nhật"),
        (date(FAR_YEAR, 3, 16), DayKind.DAY_OFF, "chưa được cấu hình"),
        (date(2025, 3, 15), "unknown", "loại: .*không phải là lựa chọn hợp lệ"),
        (date(2025, 3, 15), DayKind.DAY_OFF, "tên: .*để trắng"),
        (date(2025, 3, 14), DayKind.DAY_OFF, "căn cứ pháp lý: .*phải ghi căn cứ pháp lý"),
    ],
)
def test_day_validation(seeded_calendar, day, kind, message):
    before = calendar_revision_current()
    name = "" if "để trắng" in message else "Ngày thử"
    basis = "" if "căn cứ" in message else BASIS
    with pytest.raises(DomainError, match=message):
        calendar_day_set(day=day, kind=kind, name=name, legal_basis=basis)
    # nothing half-saved
    assert not DayException.objects.filter(date=day).exists()
    assert calendar_revision_current() == before


def test_holiday_on_a_weekend_and_makeup_on_a_sunday_are_allowed(seeded_calendar):
    calendar_day_set(
        day=date(2025, 3, 15), kind=DayKind.PUBLIC_HOLIDAY, name="Lễ rơi vào thứ Bảy", legal_basis=BASIS
    )
    calendar_day_set(
        day=date(2025, 3, 16), kind=DayKind.MAKEUP_WORKDAY, name="Làm bù Chủ nhật", legal_basis=BASIS
    )
    snapshot = working_calendar()
    assert snapshot.is_working_day(date(2025, 3, 16))
    assert not snapshot.is_working_day(date(2025, 3, 15))


def test_overlapping_periods_are_refused(db):
    before = calendar_revision_current()
    with pytest.raises(DomainError, match="chồng lên"):
        working_schedule_set(valid_from=date(2025, 1, 1), periods="07:00-11:30,11:00-17:00")
    assert calendar_revision_current() == before


def test_unconfigured_year_from_the_database(db):
    calendar_year_create(year=FAR_YEAR)
    with pytest.raises(CalendarNotConfigured, match=str(FAR_YEAR + 1)):
        due_time(datetime(FAR_YEAR, 12, 29, 16, tzinfo=TZ), 1, "ngay_lam_viec", working_calendar())
    # a configured year without any exception: every Monday–Friday is worked (1 Jan 2090 is a Sunday)
    assert due_time(
        datetime(FAR_YEAR, 1, 2, 9, tzinfo=TZ), 1, "gio_lam_viec", working_calendar()
    ) == datetime(FAR_YEAR, 1, 2, 10, tzinfo=TZ)


def test_a_year_with_days_cannot_be_removed(seeded_calendar):
    with pytest.raises(ConflictError, match="2025"):
        calendar_year_remove(year=2025)
    calendar_year_create(year=FAR_YEAR)
    calendar_year_remove(year=FAR_YEAR)
    assert not CalendarYear.objects.filter(year=FAR_YEAR).exists()


def test_default_working_periods_come_from_settings(db, settings):
    settings.DVCTT_WORKING_PERIODS = "08:00-12:00"
    calendar_year_create(year=2025)
    assert due_time(datetime(2025, 3, 10, 9, tzinfo=TZ), 4, "gio_lam_viec", working_calendar()) == datetime(
        2025, 3, 11, 9, tzinfo=TZ
    )
