"""The reductions the rollups rest on, against the reference rules (no database)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from dvctt.interchange.records import Dossier, Supplement
from dvctt.monitoring.facts import late_threshold, supplement_requests
from dvctt.monitoring.kpi import cover
from dvctt.monitoring.reference import is_late

_times = st.datetimes(min_value=datetime(2025, 1, 1), max_value=datetime(2025, 1, 20)).map(
    lambda t: t.replace(microsecond=0)
)


@st.composite
def _supplements(draw):
    requested = draw(st.lists(_times, max_size=2))
    out = []
    for moment in requested:
        answered = draw(
            st.none() | st.timedeltas(timedelta(0), timedelta(days=5)).map(lambda d, m=moment: m + d)
        )
        out.append((moment, answered))
    return out


@given(
    due=st.none() | _times,
    received=_times,
    supplements=_supplements(),
    judged=st.lists(_times, min_size=1, max_size=6),
)
def test_late_iff_the_judging_time_passes_the_threshold(due, received, supplements, judged):
    # given a dossier's receipt, appointment and supplement entries (some maybe guidance before receipt)
    record = Dossier(
        code="X",
        procedure_code="T",
        unit_code="U",
        channel=1,
        status=4,
        received_at=received,
        due_at=due,
        supplements=tuple(Supplement(requested_at=q, completed_at=a) for q, a in supplements),
    )
    requests = supplement_requests(received_at=received, supplements=supplements)
    always, threshold = late_threshold(due_at=due, supplements=requests)
    for moment in judged:
        # when it is judged at any time (as an end inside the period, or as the period end)
        as_end = is_late(record, moment, moment + timedelta(days=1))
        as_period_end = is_late(record, None, moment)
        # then the reference's verdict is "judging time > L"
        expected = always or (threshold is not None and moment > threshold)
        assert as_end == expected
        assert as_period_end == expected


def test_threshold_moves_by_the_paused_time_only_when_the_request_came_before_the_appointment():
    due = datetime(2025, 1, 10, 9)
    asked, answered = datetime(2025, 1, 8, 9), datetime(2025, 1, 9, 15)
    assert late_threshold(due_at=due, supplements=[(asked, answered)]) == (False, due + (answered - asked))
    assert late_threshold(due_at=due, supplements=[(due + timedelta(hours=1), None)]) == (False, due)
    assert late_threshold(due_at=due, supplements=[(asked, None)]) == (False, None)
    assert late_threshold(due_at=None, supplements=[(asked, None), (asked, answered)]) == (True, None)
    assert late_threshold(due_at=None, supplements=[]) == (False, None)


@given(
    first=st.dates(min_value=date(2019, 1, 1), max_value=date(2027, 12, 31)),
    length=st.integers(0, 1500),
)
def test_cover_is_exactly_the_days_of_the_range(first, length):
    # given a range of days
    last = first + timedelta(days=length)
    # when it is covered with year, month and day rows
    covered: list[date] = []
    for grain, lo, hi in cover(first, last):
        start = lo
        while start <= hi:
            if grain == "y":
                end = date(start.year, 12, 31)
                nxt = date(start.year + 1, 1, 1)
            elif grain == "m":
                nxt = date(start.year + start.month // 12, start.month % 12 + 1, 1)
                end = nxt - timedelta(days=1)
            else:
                end, nxt = start, start + timedelta(days=1)
            covered += [start + timedelta(days=i) for i in range((end - start).days + 1)]
            start = nxt
    # then every day is covered once and nothing else
    assert covered == [first + timedelta(days=i) for i in range(length + 1)]
