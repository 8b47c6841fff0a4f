"""The command line: `dvctt due` and `dvctt calendar_seed`."""

from __future__ import annotations

import json
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from dvctt.calendar.management.commands.due import Command as DueCommand
from dvctt.calendar.models import CalendarYear, DayException

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
        (["--received", "2027-01-04T09:00", "--limit", "2", "--unit", "ngay"], "năm 2027 chưa được cấu hình"),
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
    out = StringIO()
    call_command("calendar_seed", "--year", "2027", stdout=out)
    assert CalendarYear.objects.filter(year=2027).exists()
    assert DayException.objects.filter(year_id=2027, date__month=2).count() >= 5  # Tết 2027
    assert "2027" in out.getvalue()
    with pytest.raises(CommandError, match="Năm “hai nghìn” không hợp lệ"):
        call_command("calendar_seed", "--year", "hai nghìn")
