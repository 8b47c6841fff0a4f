"""The report's own rule ("early") and the derived columns, on hand-made timelines."""

from __future__ import annotations

from datetime import datetime, timedelta

from dvctt.reports import figures as f

DUE = datetime(2025, 3, 10, 17, 0)


def test_no_supplement_early_is_the_end_day_before_the_appointment_day():
    # given an appointment on 10/03 at 17:00
    # when the dossier ends on 09/03 late in the evening, or on 10/03 at dawn
    # then the first is early, the second is on the appointment's day (not early)
    assert f.is_early(ended_at=datetime(2025, 3, 9, 23, 59), due_at=DUE, supplements=[])
    assert not f.is_early(ended_at=datetime(2025, 3, 10, 0, 0), due_at=DUE, supplements=[])


def test_without_appointment_nothing_is_early():
    assert not f.is_early(ended_at=datetime(2025, 1, 1), due_at=None, supplements=[])


def test_a_completed_request_moves_the_end_back_by_the_paused_time():
    # given a request asked 01/03 08:00 and answered 04/03 08:00 (3 days paused)
    request = [(datetime(2025, 3, 1, 8), datetime(2025, 3, 4, 8))]
    # when the dossier ends on 12/03 at 10:00: minus 3 days it is 09/03, before the appointment's day
    # then it is early; ending on 13/03 at 10:00 (→ 10/03) it is not
    assert f.is_early(ended_at=datetime(2025, 3, 12, 10), due_at=DUE, supplements=request)
    assert not f.is_early(ended_at=datetime(2025, 3, 13, 10), due_at=DUE, supplements=request)


def test_a_request_still_waiting_at_the_end_pauses_nothing():
    # given a request asked before the end and answered after it (or never)
    for done in (None, datetime(2025, 3, 20)):
        request = [(datetime(2025, 3, 5), done)]
        # then the paused time is 0 (the judging time moved to the request; nothing completed before it)
        assert f.paused_time(judging=datetime(2025, 3, 12), supplements=request) == timedelta(0)
        assert not f.is_early(ended_at=datetime(2025, 3, 12), due_at=DUE, supplements=request)


def test_a_request_answered_exactly_at_the_end_is_still_waiting():
    request = [(datetime(2025, 3, 5), datetime(2025, 3, 12))]
    assert f.paused_time(judging=datetime(2025, 3, 12), supplements=request) == timedelta(0)


def test_the_derived_columns_follow_the_base_counts():
    # given two online, one at the counter, one carried over; three resolved (one late, one early); one overdue
    vector = f.zero()
    f.count_dossier(vector, slot=f.ONLINE, resolved=True, late=True, early=False, overdue=False)
    f.count_dossier(vector, slot=f.ONLINE, resolved=True, late=False, early=True, overdue=False)
    f.count_dossier(vector, slot=f.DIRECT_POST, resolved=True, late=False, early=False, overdue=False)
    f.count_dossier(vector, slot=f.CARRIED, resolved=False, late=False, early=False, overdue=True)
    # when rendered
    row = f.render(vector)
    # then
    assert list(row) == list(f.COLUMNS)
    assert row == {
        "received_total": 4,
        "received_online": 2,
        "received_direct_post": 1,
        "carried_over": 1,
        "resolved_total": 3,
        "resolved_early": 1,
        "resolved_on_time": 1,
        "resolved_late": 1,
        "in_progress_total": 1,
        "in_progress_within": 0,
        "in_progress_overdue": 1,
    }
