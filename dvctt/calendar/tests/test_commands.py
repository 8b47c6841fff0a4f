"""The command line: `dvctt due` and `dvctt calendar_seed`."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from dvctt.calendar.management.commands.due import Command as DueCommand
from dvctt.calendar.models import CalendarYear, DayException
from dvctt.calendar.seeding import seed_entries, years_to_seed

pytestmark = pytest.mark.django_db


def test_due_prints_iso_with_offset(seeded_calendar):
    out = StringIO()
    call_command(
        "due", "--received", "2025-01-24T16:00", "--limit", "3", "--unit", "ngay_lam_viec", stdout=out
    )
    assert out.getvalue().strip() == "2025-02-05T16:00:00+07:00"


def test_due_verbose_json(seeded_calendar):
    out = StringIO()
    call_command(
        "due",
        "--received",
        "2025-03-10T18:00",
        "--limit",
        "1",
        "--unit",
        "ngay",
        "--verbose-json",
        stdout=out,
    )
    body = json.loads(out.getvalue())
    assert body["start"] == "2025-03-11T07:00:00+07:00"
    assert body["due"] == "2025-03-11T17:00:00+07:00"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--received", "2025-01-24T16:00", "--limit", "3", "--unit", "tuan"], "Đơn vị thời hạn “tuan”"),
        (["--received", "2025-01-24T16:00", "--limit", "-2", "--unit", "ngay"], "không được âm"),
        (["--received", "hôm qua", "--limit", "2", "--unit", "ngay"], "Thời điểm tiếp nhận “hôm qua”"),
        (["--received", "2090-01-04T09:00", "--limit", "2", "--unit", "ngay"], "năm 2090 chưa được cấu hình"),
    ],
)
def test_due_bad_input_exits_non_zero_with_a_vietnamese_message(seeded_calendar, capsys, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("due", *args)
    # run as from the shell: message on stderr, exit status 1
    with mock.patch("django.core.management.base.connections"), pytest.raises(SystemExit) as exited:
        DueCommand().run_from_argv(["dvctt", "due", *args])
    assert exited.value.code == 1
    captured = capsys.readouterr()
    assert message in captured.err
    assert captured.out == ""


def test_calendar_seed_a_new_year():
    # given a year that migrate did not seed (the test database has the known years through next year)
    assert not CalendarYear.objects.filter(year=2090).exists()
    out = StringIO()
    # when it is seeded from the command line
    call_command("calendar_seed", "--year", "2090", stdout=out)
    # then it is configured with the seed plan's days (Tết 2090 among them), each with its legal basis
    assert CalendarYear.objects.filter(year=2090).exists()
    days = DayException.objects.filter(year_id=2090)
    assert days.count() == len(seed_entries(2090)) >= 11
    assert not days.filter(legal_basis="").exists()
    assert "2090" in out.getvalue()
    with pytest.raises(CommandError, match="Năm “hai nghìn” không hợp lệ"):
        call_command("calendar_seed", "--year", "hai nghìn")


def test_due_works_on_a_freshly_migrated_database_with_no_seeding_step():
    # given the test database as `migrate` left it (pytest-django migrated it; no calendar_seed, no fixture)
    years = set(CalendarYear.objects.values_list("year", flat=True))
    assert set(years_to_seed(timezone.localdate())) <= years
    assert {2023, 2024, 2025, 2026, timezone.localdate().year + 1} <= years
    # when a due time is asked across New Year 2026
    out = StringIO()
    call_command(
        "due", "--received", "2025-12-31T08:00+07:00", "--limit", "2", "--unit", "ngay_lam_viec", stdout=out
    )
    # then 1 Jan (holiday), Friday 2 Jan (day off, letter 12729/VPCP-KGVX) and the weekend are skipped:
    # 7 h on 31 Dec, 8 h on Monday 5 Jan, 1 h on Tuesday 6 Jan
    assert out.getvalue().strip() == "2026-01-06T08:00:00+07:00"


def test_due_counts_the_worked_saturday_10_january_2026():
    # given the seeded calendar: Saturday 10 Jan 2026 is worked in exchange for Friday 2 Jan
    out = StringIO()
    # when a dossier is received on Friday 9 Jan 2026 at 16:00 with 2 working hours
    call_command(
        "due", "--received", "2026-01-09T16:00", "--limit", "2", "--unit", "gio_lam_viec", stdout=out
    )
    # then the second hour is worked on Saturday morning
    assert out.getvalue().strip() == "2026-01-10T08:00:00+07:00"
