"""Properties of the due-time functions over the seeded 2023–2026 calendar (hypothesis)."""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from dvctt.calendar.deadlines import (
    TZ,
    add_working_seconds,
    due_time,
    is_working_moment,
    next_working_moment,
    working_seconds_between,
)
from dvctt.calendar.tests.conftest import build_snapshot

CALENDAR = build_snapshot()
FIRST = datetime(2023, 1, 1, tzinfo=TZ)

moments = st.integers(min_value=0, max_value=(3 * 365 + 180) * 24 * 60).map(
    lambda minutes: FIRST + timedelta(minutes=minutes)
)
day_limits = st.decimals(min_value=0, max_value=60, places=2)
units = st.sampled_from(["ngay_lam_viec", "gio_lam_viec", "ngay"])


def _limit(limit: Decimal, unit: str) -> Decimal:
    return Decimal(max(1, int(limit))) if unit == "ngay" else limit


@settings(max_examples=200, deadline=None)
@given(received=moments, limit=day_limits, unit=units)
def test_due_is_never_before_received(received, limit, unit):
    assert due_time(received, _limit(limit, unit), unit, CALENDAR) >= received


@settings(max_examples=200, deadline=None)
@given(received=moments, limit=day_limits, extra=day_limits, unit=units)
def test_more_time_is_never_earlier(received, limit, extra, unit):
    shorter = due_time(received, _limit(limit, unit), unit, CALENDAR)
    longer = due_time(received, _limit(limit + extra, unit), unit, CALENDAR)
    assert longer >= shorter


@settings(max_examples=200, deadline=None)
@given(moment=moments)
def test_a_working_moment_plus_zero_is_itself(moment):
    start = next_working_moment(moment, CALENDAR)
    assert is_working_moment(start, CALENDAR)
    assert start >= moment
    assert add_working_seconds(start, 0, CALENDAR) == start
    assert due_time(start, 0, "gio_lam_viec", CALENDAR) == start


@settings(max_examples=200, deadline=None)
@given(moment=moments, seconds=st.integers(min_value=0, max_value=40 * 8 * 3600))
def test_add_and_between_are_inverse(moment, seconds):
    end = add_working_seconds(moment, seconds, CALENDAR)
    assert working_seconds_between(moment, end, CALENDAR) == seconds


@settings(max_examples=200, deadline=None)
@given(a=moments, b=moments)
def test_between_then_add_lands_on_the_working_moment(a, b):
    start, end = sorted((next_working_moment(a, CALENDAR), next_working_moment(b, CALENDAR)))
    seconds = working_seconds_between(start, end, CALENDAR)
    landed = add_working_seconds(start, seconds, CALENDAR)
    if seconds == 0:
        # two working moments with no working time between them are the same moment
        assert start == end == landed
    else:
        # the span ends at end, or, when end opens a period, at the close of the previous one
        assert landed <= end
        assert next_working_moment(landed, CALENDAR) == end
