"""The demo generator makes dossiers the services could have made: legal moves, right codes, right due times."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import pytest

from dvctt.dossiers import services
from dvctt.dossiers.generator import Generator
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import BEFORE_WITHDRAWAL, RESUME, SAME, Status, transition_check
from dvctt.dossiers.tests.conftest import submission, vn


@pytest.fixture
def generated(procedure, unit, other_unit):
    generator = Generator(seed=7, now=vn(2025, 4, 15, 12))
    written = generator.run(count=400, start=date(2025, 1, 2), end=date(2025, 4, 15), batch=150)
    return written


def test_every_event_is_a_legal_move_in_order(generated):
    assert generated > 250
    dossiers = Dossier.objects.prefetch_related("events").all()
    for d in dossiers:
        status = None
        for event in d.events.all():
            if event.seq == 1 and d.parent_id is not None:
                assert event.action == "forward"
                status = event.to_status
                continue
            spec = transition_check(move=event.action, status=status)
            assert event.from_status == status
            if spec.target not in (RESUME, SAME, BEFORE_WITHDRAWAL):
                assert event.to_status == int(spec.target), (d.code, event.action)
            status = event.to_status
        assert status == d.status, d.code
        assert [e.seq for e in d.events.all()] == list(range(1, d.events.count() + 1))


def test_codes_are_gapless_per_unit_and_day_and_numbering_continues(generated, procedure, unit, citizen):
    numbers = defaultdict(list)
    for code in Dossier.objects.values_list("code", flat=True):
        prefix, number = code.rsplit("-", 1)
        numbers[prefix].append(int(number))
    for prefix, found in numbers.items():
        assert sorted(found) == list(range(1, len(found) + 1)), prefix
    last_day = max(p for p in numbers if p.startswith(unit.code))
    day = date(2000 + int(last_day[-6:-4]), int(last_day[-4:-2]), int(last_day[-2:]))
    fresh = services.dossier_submit(
        actor=citizen, submission=submission(unit), at=vn(day.year, day.month, day.day, 20)
    )
    assert int(fresh.code.rsplit("-", 1)[1]) == len(numbers[last_day]) + 1


def test_due_times_are_the_calendar_s(generated):
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    calendar = working_calendar()
    received = Dossier.objects.filter(received_at__isnull=False, parent__isnull=True).select_related(
        "procedure_version"
    )
    assert received.exists()
    for d in received:
        v = d.procedure_version
        assert d.first_due_at == deadlines.due_time(d.received_at, v.time_limit, v.time_limit_unit, calendar)
        assert d.due_at >= d.first_due_at


def test_states_have_their_times(generated):
    for d in Dossier.objects.all():
        if d.status in (Status.NOT_ACCEPTED, Status.STOPPED, Status.PROCESSED, Status.RETURNED):
            assert d.ended_at is not None, d.code
        if d.status == Status.RETURNED:
            assert d.returned_at is not None and d.returned_at >= d.ended_at
        if d.status in (Status.RECEIVED, Status.PROCESSING):
            assert d.ended_at is None
        assert d.submitted_at <= vn(2025, 4, 15, 12)


def test_proportions_are_realistic(generated):
    parents = Dossier.objects.filter(parent__isnull=True)
    total = parents.count()
    online = parents.filter(channel=2).count() / total
    assert 0.45 < online < 0.85  # early 2025: between the 2023 and the late-2025 shares
    ended = parents.filter(status__in=[9, 10], ended_at__isnull=False)
    late = sum(1 for d in ended if d.due_at and d.ended_at > d.due_at) / max(1, ended.count())
    assert 0.02 < late < 0.30


def test_officials_roster_uses_online_dossiers_of_the_year(generated, unit):
    from dvctt.accounts.models import Official
    from dvctt.dossiers.demo import officials_seed

    summary = officials_seed(today=date(2025, 4, 15))
    roster = set(Official.objects.values_list("national_id", flat=True))
    assert (
        len(roster) == Official.objects.count() == 12 * 2
    )  # two departments in force, twelve officials each
    used = set(
        Dossier.objects.filter(
            channel=2, submitted_at__year=2025, applicant_id_number__in=roster
        ).values_list("applicant_id_number", flat=True)
    )
    assert 0 < len(used) < len(roster)
    assert f"{len(used)} đã nộp" in summary
