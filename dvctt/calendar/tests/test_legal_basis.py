"""Each seeded day names its legal basis; a day the law does not back yet waits "to confirm"; the known years
are seeded at migrate; existing calendars are completed by migration 0003."""

from __future__ import annotations

import importlib
from datetime import date, datetime

import pytest
from django.apps import apps as django_apps
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

from dvctt.calendar import seeding
from dvctt.calendar.deadlines import TZ, due_time
from dvctt.calendar.handlers import _schema_is_current, calendar_seed_after_migrate
from dvctt.calendar.models import CalendarYear, DayException, DayKind, DayStatus
from dvctt.calendar.selectors import calendar_revision_current, working_calendar
from dvctt.calendar.services import (
    calendar_day_remove,
    calendar_day_set,
    calendar_days_confirm,
    calendar_year_remove,
)
from dvctt.calendar.tests.conftest import build_snapshot, revisions_since
from dvctt.common.errors import DomainError, NotFoundError

LETTER = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
BASIS = "Văn bản thử nghiệm (chỉ dùng trong kiểm thử)"


def plan(year: int) -> dict[date, seeding.SeedEntry]:
    return {entry.day: entry for entry in seeding.seed_entries(year)}


# --- the seed plan (pure) -----------------------------------------------------------------------------------


def test_new_year_2026_follows_the_government_office_letter():
    # given the 2026 plan; then Friday 2 Jan is off and Saturday 10 Jan worked, under letter 12729/VPCP-KGVX
    days = plan(2026)
    assert (days[date(2026, 1, 2)].kind, days[date(2026, 1, 2)].legal_basis) == (seeding.DAY_OFF, LETTER)
    assert (days[date(2026, 1, 10)].kind, days[date(2026, 1, 10)].legal_basis) == (
        seeding.MAKEUP_WORKDAY,
        LETTER,
    )
    assert all(days[date(2026, 1, d)].status == seeding.CONFIRMED for d in (1, 2, 3, 4, 10))
    # and 31 Dec 2025 08:00 + 2 working days is Tuesday 6 Jan 08:00 (it was Monday 5 Jan)
    calendar = build_snapshot(years=(2025, 2026))
    assert due_time(datetime(2025, 12, 31, 8, tzinfo=TZ), 2, "ngay_lam_viec", calendar) == datetime(
        2026, 1, 6, 8, tzinfo=TZ
    )


@pytest.mark.parametrize("year", [2023, 2024, 2025, 2026, 2027, 2090])
def test_every_seeded_day_names_its_legal_basis(year):
    for entry in seeding.seed_entries(year):
        assert entry.legal_basis, entry
        if entry.status == seeding.TO_CONFIRM:
            assert entry.legal_basis.startswith("Chưa có căn cứ"), entry
        else:
            assert not entry.legal_basis.startswith("Chưa có căn cứ"), entry


@pytest.mark.parametrize(
    ("day", "kind", "status", "basis"),
    [
        # statutory holidays: Labour Code 2019 art. 112
        (date(2024, 1, 1), seeding.PUBLIC_HOLIDAY, seeding.CONFIRMED, seeding.LABOUR_CODE_HOLIDAY),
        (date(2027, 4, 16), seeding.PUBLIC_HOLIDAY, seeding.CONFIRMED, seeding.LABOUR_CODE_HOLIDAY),
        # a holiday on a weekend gives the next working day off: Hùng Kings 2026 (Sunday 26 Apr) → Monday 27
        (date(2026, 4, 27), seeding.DAY_OFF, seeding.CONFIRMED, seeding.LABOUR_CODE_IN_LIEU),
        # a statutory holiday inside a known break: the Labour Code and the Prime Minister's decision
        (
            date(2025, 1, 29),
            seeding.PUBLIC_HOLIDAY,
            seeding.CONFIRMED,
            f"{seeding.LABOUR_CODE_HOLIDAY}; {seeding.pm_plan('Tết Nguyên đán', 2025)}",
        ),
        (date(2025, 5, 2), seeding.DAY_OFF, seeding.CONFIRMED, seeding.pm_plan("lễ 30/4 và 1/5", 2025)),
        (
            date(2025, 4, 26),
            seeding.MAKEUP_WORKDAY,
            seeding.CONFIRMED,
            seeding.pm_plan("lễ 30/4 và 1/5", 2025),
        ),
        # Vietnam Culture Day: a policy, no law yet
        (date(2026, 11, 24), seeding.PUBLIC_HOLIDAY, seeding.TO_CONFIRM, seeding.POLICY_ONLY),
        (date(2027, 11, 24), seeding.PUBLIC_HOLIDAY, seeding.TO_CONFIRM, seeding.POLICY_ONLY),
        # the 2024 swap fixed by the Government Office's letter 2450/VPCP-KGVX
        (date(2024, 4, 29), seeding.DAY_OFF, seeding.CONFIRMED, seeding.LETTER_2450_2024),
        (date(2024, 5, 4), seeding.MAKEUP_WORKDAY, seeding.CONFIRMED, seeding.LETTER_2450_2024),
        # a swap that only the holidays package lists (no known decision yet)
        (date(2026, 8, 31), seeding.DAY_OFF, seeding.TO_CONFIRM, seeding.PACKAGE_SWAP),
        (date(2026, 8, 22), seeding.MAKEUP_WORKDAY, seeding.TO_CONFIRM, seeding.PACKAGE_SWAP),
    ],
)
def test_seed_plan_kind_status_and_basis(day, kind, status, basis):
    entry = plan(day.year)[day]
    assert (entry.kind, entry.status, entry.legal_basis) == (kind, status, basis)


def test_the_pure_calendar_ignores_days_to_confirm():
    calendar = build_snapshot(years=(2026,))
    assert calendar.is_working_day(date(2026, 11, 24))  # Tuesday, to confirm
    assert calendar.is_working_day(date(2026, 8, 31))  # Monday, a swap to confirm
    assert not calendar.is_working_day(date(2026, 8, 22))  # Saturday, its make-up day, to confirm
    assert not calendar.is_working_day(date(2026, 4, 27))  # Monday, confirmed day off in lieu


def test_years_to_seed_run_from_the_first_known_year_through_next_year():
    assert seeding.years_to_seed(date(2026, 12, 7)) == [2023, 2024, 2025, 2026, 2027]
    assert seeding.years_to_seed(date(2030, 1, 1)) == list(range(2023, 2032))


# --- confirming and removing (services) ---------------------------------------------------------------------


@pytest.mark.django_db
def test_a_day_to_confirm_counts_only_once_confirmed(seeded_calendar):
    received = datetime(2026, 11, 23, 9, tzinfo=TZ)  # Monday
    # given 24 Nov 2026 seeded "to confirm": Tuesday is still a working day
    assert DayException.objects.get(date=date(2026, 11, 24)).status == DayStatus.TO_CONFIRM
    assert due_time(received, 1, "ngay_lam_viec", working_calendar()) == datetime(2026, 11, 24, 9, tzinfo=TZ)
    before = calendar_revision_current()
    # when an administrator confirms it under a basis
    calendar_days_confirm(days=[date(2026, 11, 24)], legal_basis=f"  {BASIS} ")
    # then it is a day off, under a new revision, and history keeps both states
    assert revisions_since(before) == 1
    snapshot = working_calendar()
    assert snapshot.revision == calendar_revision_current() > before
    assert due_time(received, 1, "ngay_lam_viec", snapshot) == datetime(2026, 11, 25, 9, tzinfo=TZ)
    row = DayException.objects.get(date=date(2026, 11, 24))
    assert (row.status, row.legal_basis) == (DayStatus.CONFIRMED, BASIS)
    assert list(
        DayException.history.filter(date=date(2026, 11, 24))
        .order_by("history_id")
        .values_list("status", flat=True)
    ) == [DayStatus.TO_CONFIRM, DayStatus.CONFIRMED]
    # confirming again under the same basis is no change
    calendar_days_confirm(days=[date(2026, 11, 24)], legal_basis=BASIS)
    assert revisions_since(before) == 1
    # removing it is a change too
    calendar_day_remove(day=date(2026, 11, 24))
    assert revisions_since(before) == 2
    assert due_time(received, 1, "ngay_lam_viec", working_calendar()) == datetime(2026, 11, 24, 9, tzinfo=TZ)


@pytest.mark.django_db
def test_confirming_several_days_is_one_revision(seeded_calendar):
    before = calendar_revision_current()
    calendar_days_confirm(days=[date(2026, 8, 31), date(2026, 8, 22)], legal_basis=BASIS)
    assert revisions_since(before) == 1
    snapshot = working_calendar()
    assert not snapshot.is_working_day(date(2026, 8, 31))
    assert snapshot.is_working_day(date(2026, 8, 22))


@pytest.mark.django_db
def test_confirming_needs_a_basis_and_an_existing_day(seeded_calendar):
    before = calendar_revision_current()
    with pytest.raises(DomainError, match="căn cứ pháp lý"):
        calendar_days_confirm(days=[date(2026, 11, 24)], legal_basis="  ")
    with pytest.raises(NotFoundError, match="25/11/2026"):
        calendar_days_confirm(days=[date(2026, 11, 24), date(2026, 11, 25)], legal_basis=BASIS)
    # nothing half-done
    assert DayException.objects.get(date=date(2026, 11, 24)).status == DayStatus.TO_CONFIRM
    assert calendar_revision_current() == before


@pytest.mark.django_db
def test_a_day_entered_to_confirm_does_not_count(seeded_calendar):
    # given an administrator enters a day off whose decision has not come yet
    calendar_day_set(
        day=date(2025, 3, 14), kind=DayKind.DAY_OFF, name="Nghỉ dự kiến", status=DayStatus.TO_CONFIRM
    )
    # then Friday 14 Mar 2025 is still worked
    assert working_calendar().is_working_day(date(2025, 3, 14))
    calendar_days_confirm(days=[date(2025, 3, 14)], legal_basis=BASIS)
    assert not working_calendar().is_working_day(date(2025, 3, 14))


# --- seeding at migrate -------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_migrate_seeds_the_known_years_and_never_an_edited_one():
    known = seeding.years_to_seed(timezone.localdate())
    last = known[-1]
    # given the migrated test database: every known year is there, each day with its basis
    assert set(CalendarYear.objects.values_list("year", flat=True)) >= set(known)
    assert not DayException.objects.filter(legal_basis="").exists()
    # and an administrator's edits: a day removed from 2026, the last year removed altogether
    calendar_day_remove(day=date(2026, 2, 16))
    for day in DayException.objects.filter(year_id=last).values_list("date", flat=True):
        calendar_day_remove(day=day)
    calendar_year_remove(year=last)
    revision = calendar_revision_current()
    # when migrate ends again (post_migrate)
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    # then only the missing year is seeded; the edited year keeps its edit
    assert CalendarYear.objects.filter(year=last).exists()
    assert DayException.objects.filter(year_id=last).count() == len(seeding.seed_entries(last))
    assert not DayException.objects.filter(date=date(2026, 2, 16)).exists()
    assert revisions_since(revision) == 1
    # and a second run changes nothing
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert revisions_since(revision) == 1


@pytest.mark.django_db
def test_post_migrate_waits_for_the_calendar_schema(empty_calendar):
    # given a migration back to the first calendar migration (no legal basis column yet)
    state = MigrationLoader(connection).project_state(("workcalendar", "0001_initial")).apps
    assert not _schema_is_current(state)
    # when post_migrate runs with that state, then it writes nothing (the services would fail on that schema)
    calendar_seed_after_migrate(None, verbosity=0, using="default", apps=state)
    assert not CalendarYear.objects.exists()
    # and with today's schema it seeds
    calendar_seed_after_migrate(None, verbosity=0, using="default", apps=django_apps)
    assert CalendarYear.objects.exists()


# --- migration 0003 on an existing calendar -----------------------------------------------------------------


@pytest.mark.django_db
def test_migration_0003_completes_an_existing_calendar(seeded_calendar):
    fill = importlib.import_module("dvctt.calendar.migrations.0003_dayexception_legal_basis_data").fill
    history = DayException.history.model
    # given a calendar seeded before the legal basis existed: no basis, every row counted, New Year 2026 without
    # its swap (never entered: no history either)
    new_year = [date(2026, 1, d) for d in (2, 3, 4, 10)]
    DayException.objects.filter(date__in=new_year).delete()
    history.objects.filter(date__in=new_year).delete()
    DayException.objects.update(legal_basis="", status=DayStatus.CONFIRMED)
    # and an administrator's changes: 24 Nov renamed, 1 Sep 2025 removed (history keeps the removal)
    DayException.objects.filter(date=date(2026, 11, 24)).update(name="Ngày Văn hoá (tỉnh)")
    DayException.objects.get(date=date(2025, 9, 1)).delete()
    revision = calendar_revision_current()
    # when the data migration runs
    fill(django_apps, None)
    # then the rows as seeded have their basis and status, the swap is added, and the calendar has a new revision
    rows = {row.date: row for row in DayException.objects.all()}
    assert rows[date(2025, 4, 30)].legal_basis.startswith(seeding.LABOUR_CODE_HOLIDAY)
    assert (rows[date(2026, 8, 31)].status, rows[date(2026, 8, 31)].legal_basis) == (
        DayStatus.TO_CONFIRM,
        seeding.PACKAGE_SWAP,
    )
    assert (rows[date(2026, 1, 2)].kind, rows[date(2026, 1, 2)].legal_basis) == (DayKind.DAY_OFF, LETTER)
    assert rows[date(2026, 1, 10)].kind == DayKind.MAKEUP_WORKDAY
    assert revisions_since(revision) == 1
    assert history.objects.filter(date=date(2026, 1, 2), history_type="+").exists()
    assert history.objects.filter(
        date=date(2026, 8, 31), history_type="~", status=DayStatus.TO_CONFIRM
    ).exists()
    # and the administrator's changes stand
    assert (rows[date(2026, 11, 24)].status, rows[date(2026, 11, 24)].legal_basis) == (
        DayStatus.CONFIRMED,
        "",
    )
    assert date(2025, 9, 1) not in rows
    # and the working calendar follows: 31 Dec 2025 08:00 + 2 working days → 6 Jan 2026
    assert due_time(datetime(2025, 12, 31, 8, tzinfo=TZ), 2, "ngay_lam_viec", working_calendar()) == datetime(
        2026, 1, 6, 8, tzinfo=TZ
    )
    # a second run changes nothing
    fill(django_apps, None)
    assert revisions_since(revision) == 1
