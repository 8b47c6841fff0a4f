"""The appointment given on receipt at the boundaries of the day and of the limit: a same-day cut-off hour, limits
in months and in working sessions, and a channel's own limit (through ``appointment_for`` and the services)."""

from __future__ import annotations

from datetime import date, time

import pytest

from dvctt.catalog.models import ProcedureVersion
from dvctt.common.errors import DomainError
from dvctt.dossiers import services
from dvctt.dossiers.deadlines import appointment_for
from dvctt.dossiers.states import Channel
from dvctt.dossiers.tests.conftest import vn

CODE = "2.000815"


def _version(unit, **attributes) -> ProcedureVersion:
    from dvctt.catalog.services import procedure_version_create

    values = {
        "time_limit": 3,
        "time_limit_unit": "ngay_lam_viec",
        "valid_from": date(2020, 1, 1),
    } | attributes
    return procedure_version_create(
        code=CODE,
        name="Chứng thực bản sao từ bản chính",
        unit_codes=[unit.code],
        online_level=3,
        **values,
    )


def _counter_intake(one_stop, unit, at):
    return services.dossier_intake(
        actor=one_stop,
        submission=services.Submission(
            procedure_code=CODE,
            unit_code=unit.code,
            channel=Channel.IN_PERSON,
            applicant=services.Applicant(name="Nguyễn Thị Lan"),
        ),
        at=at,
    )


@pytest.mark.parametrize(
    ("received", "due"),
    [
        # Monday 10/03/2025 before 15:00: due at that day's close, not in 3 working days.
        (vn(2025, 3, 10, 14, 59), vn(2025, 3, 10, 17)),
        # At or after the cut-off: the close of the next working day.
        (vn(2025, 3, 10, 15), vn(2025, 3, 11, 17)),
        # Friday after the cut-off: Monday's close.
        (vn(2025, 3, 14, 16), vn(2025, 3, 17, 17)),
    ],
)
def test_a_same_day_cutoff_decides_the_appointment(calendar_seeded, unit, one_stop, received, due):
    # given certification of copies: 3 working days in the catalogue, but a 15:00 same-day cut-off
    _version(unit, same_day_cutoff=time(15, 0))
    # when it is received at the counter, then the cut-off gives the appointment, stored with the revision
    dossier = _counter_intake(one_stop, unit, received)
    assert dossier.due_at == dossier.first_due_at == dossier.effective_due_at == due
    assert dossier.due_calendar_revision is not None


def test_without_a_cutoff_the_limit_decides(calendar_seeded, unit, one_stop):
    _version(unit)
    dossier = _counter_intake(one_stop, unit, vn(2025, 3, 10, 14))
    assert dossier.due_at == vn(2025, 3, 13, 14)


def test_a_cutoff_given_as_text_is_read_as_an_hour(calendar_seeded, unit, one_stop):
    # given the catalogue service receiving the hour as text (an import, an API), then it stores an hour
    version = _version(unit, same_day_cutoff="15:00")
    assert version.same_day_cutoff == time(15, 0)
    with pytest.raises(DomainError, match="giờ chốt trả trong ngày “3pm” không hợp lệ"):
        _version(unit, same_day_cutoff="3pm", valid_from=date(2021, 1, 1))


def test_a_limit_in_months_through_receipt(calendar_seeded, unit, one_stop):
    _version(unit, time_limit=1, time_limit_unit="thang")
    dossier = _counter_intake(one_stop, unit, vn(2025, 1, 31, 9))
    assert dossier.due_at == vn(2025, 2, 28, 17)


def test_a_limit_in_sessions_through_receipt(calendar_seeded, unit, one_stop):
    _version(unit, time_limit=2, time_limit_unit="buoi_lam_viec")
    # Monday 09:00: Monday afternoon, Tuesday morning
    dossier = _counter_intake(one_stop, unit, vn(2025, 3, 10, 9))
    assert dossier.due_at == vn(2025, 3, 11, 11, 30)


@pytest.mark.parametrize("unit_name", ["thang", "buoi_lam_viec"])
def test_the_catalogue_refuses_a_fraction_of_a_month_or_a_session(calendar_seeded, unit, unit_name):
    with pytest.raises(DomainError, match="phải là số nguyên dương"):
        _version(unit, time_limit="1.5", time_limit_unit=unit_name)
    with pytest.raises(DomainError, match="phải là số nguyên dương"):
        _version(unit, time_limit=1, time_limit_unit=unit_name, time_limit_by_channel={"1": "0.5"})
    assert not ProcedureVersion.objects.exists()


def test_a_channels_own_limit_as_the_catalogue_stores_it(calendar_seeded, unit, one_stop, citizen):
    # given 3 working days, but 1 at the counter (the catalogue keeps {"1": "1"})
    version = _version(unit, time_limit_by_channel={"1": 1})
    assert version.time_limit_by_channel == {"1": "1"}
    # then the counter dossier is due in one working day, an online one in three
    counter = _counter_intake(one_stop, unit, vn(2025, 3, 10, 9))
    assert counter.due_at == vn(2025, 3, 11, 9)
    online = services.dossier_submit(
        actor=citizen,
        submission=services.Submission(
            procedure_code=CODE,
            unit_code=unit.code,
            channel=Channel.ONLINE,
            applicant=services.Applicant(name="Nguyễn Văn An"),
        ),
        at=vn(2025, 3, 10, 8),
    )
    assert appointment_for(dossier=online, received_at=vn(2025, 3, 10, 9)).due == vn(2025, 3, 13, 9)


def test_a_version_without_limit_or_cutoff_gives_no_due_time(calendar_seeded, unit, one_stop):
    _version(unit, time_limit=None)
    dossier = _counter_intake(one_stop, unit, vn(2025, 3, 10, 9))
    assert dossier.due_at is None
