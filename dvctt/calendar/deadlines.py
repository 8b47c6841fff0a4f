"""Due times on a working-day calendar: a pure module (no ORM, no I/O).

A :class:`WorkingCalendar` is a frozen snapshot of the calendar tables (days off, worked weekend days,
working periods, configured years, revision). The functions here only read it, so a due time is a pure
function of (received, limit, unit, snapshot): the dossier stores the result and the revision it was computed
under, and a later change of the calendar never rewrites it silently.

Working time is measured on a "position" axis: the number of working microseconds since 1 January of the
first configured year. The snapshot precomputes the position at the start of every day, so adding N working
hours is one binary search (no minute loops, no day loops): a due time costs a few microseconds.

Conventions (domain.md §5):

* a working moment lies inside a period, start included, end excluded (11:30 is not working time);
* a due time that falls exactly at the end of a period stays there (Thursday 17:00, not Friday 07:00);
* "the close of a day" is the end of its last working period (17:00 by default);
* every datetime is aware; results are in Asia/Ho_Chi_Minh.

Units of a limit: ``ngay_lam_viec`` and ``gio_lam_viec`` count working time; ``buoi_lam_viec`` counts working
sessions (the periods of a working day); ``ngay`` and ``thang`` follow the Civil Code 2015 (art. 147–148) and
end at the close of a day. A same-day cut-off hour (:func:`due_by_cutoff`) is a rule of its own, not a limit.
"""

from __future__ import annotations

import bisect
import calendar as gregorian
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Final, Literal
from zoneinfo import ZoneInfo

from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError

TZ: Final = ZoneInfo("Asia/Ho_Chi_Minh")
US_PER_SECOND: Final = 1_000_000
US_PER_HOUR: Final = 3600 * US_PER_SECOND

Unit = Literal["ngay_lam_viec", "gio_lam_viec", "buoi_lam_viec", "ngay", "thang"]
UNITS: Final[tuple[str, ...]] = ("ngay_lam_viec", "gio_lam_viec", "buoi_lam_viec", "ngay", "thang")
#: Units counted in whole steps: a fraction of a session, a calendar day or a month has no legal meaning.
WHOLE_UNITS: Final = frozenset({"buoi_lam_viec", "ngay", "thang"})

# A period of the day as (start, end) in microseconds after midnight, start < end.
Period = tuple[int, int]


class DeadlineError(DomainError):
    """A due time cannot be computed from this input (unknown unit, negative limit, ...)."""

    code = "invalid_deadline"


class CalendarNotConfigured(DeadlineError):
    """The computation needs a day of a year that has no row in the calendar years table."""

    code = "calendar_not_configured"

    def __init__(self, year: int):
        super().__init__(
            _(
                "Lịch làm việc năm %(year)s chưa được cấu hình (ngày nghỉ lễ, ngày làm bù). "
                "Quản trị viên cần khởi tạo năm này (dvctt calendar_seed --year %(year)s)."
            )
            % {"year": year}
        )
        self.year = year


def parse_periods(text: str) -> tuple[Period, ...]:
    """Parse ``"07:00-11:30,13:30-17:00"`` into sorted periods; raise ``ValueError`` (Vietnamese) if bad."""
    periods: list[Period] = []
    for chunk in text.split(","):
        chunk = chunk.strip()
        if not chunk:
            continue
        try:
            start_text, end_text = (part.strip() for part in chunk.split("-"))
            start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
        except ValueError:
            raise ValueError(
                _("Khoảng giờ làm việc “%(chunk)s” không đúng dạng HH:MM-HH:MM.") % {"chunk": chunk}
            ) from None
        periods.append((_time_us(start), _time_us(end)))
    return validate_periods(periods)


def validate_periods(periods: Iterable[Period]) -> tuple[Period, ...]:
    ordered = tuple(sorted(periods))
    if not ordered:
        raise ValueError(_("Cần ít nhất một khoảng giờ làm việc trong ngày."))
    for start, end in ordered:
        if not start < end:
            raise ValueError(
                _("Khoảng giờ làm việc %(period)s phải kết thúc sau khi bắt đầu.")
                % {"period": format_period((start, end))}
            )
    for (_s1, end1), (start2, end2) in itertools.pairwise(ordered):
        if start2 < end1:
            raise ValueError(
                _("Khoảng giờ làm việc %(period)s chồng lên khoảng trước nó.")
                % {"period": format_period((start2, end2))}
            )
    return ordered


def format_period(period: Period) -> str:
    return f"{_us_time(period[0]):%H:%M}-{_us_time(period[1]):%H:%M}"


def format_periods(periods: Iterable[Period]) -> str:
    return ",".join(format_period(period) for period in periods)


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * US_PER_SECOND + value.microsecond


def _us_time(us: int) -> time:
    seconds, micro = divmod(us, US_PER_SECOND)
    minutes, second = divmod(seconds, 60)
    hour, minute = divmod(minutes, 60)
    return time(hour, minute, second, micro)


@dataclass(frozen=True)
class WorkingCalendar:
    """A frozen snapshot of the calendar.

    ``days_off``: weekdays (or any day) not worked; ``worked_days``: weekend days worked (make-up days);
    ``schedules``: ``(valid_from, periods)`` pairs, the latest one not after a day applies to it;
    ``configured_years``: years whose days off are known; any other year raises CalendarNotConfigured.
    """

    days_off: frozenset[date]
    worked_days: frozenset[date]
    schedules: tuple[tuple[date, tuple[Period, ...]], ...]
    configured_years: frozenset[int]
    revision: int = 0
    # Precomputed index (see module docstring); filled in __post_init__.
    _origin: int = field(init=False, repr=False, compare=False, default=0)
    _day_periods: tuple[tuple[Period, ...], ...] = field(init=False, repr=False, compare=False, default=())
    _cum: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())
    # Working sessions (periods of worked days) before each day: the axis of ``buoi_lam_viec``.
    _sessions_cum: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())
    _unconfigured_cum: tuple[int, ...] = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self) -> None:
        if not self.schedules:
            raise ValueError("a working calendar needs at least one schedule of working periods")
        schedules = tuple(sorted(self.schedules))
        object.__setattr__(self, "schedules", schedules)
        if not self.configured_years:
            return
        first, last = date(min(self.configured_years), 1, 1), date(max(self.configured_years), 12, 31)
        schedule_starts = [valid_from for valid_from, _periods in schedules]
        day_periods: list[tuple[Period, ...]] = []
        cum = [0]
        sessions = [0]
        unconfigured = [0]
        day = first
        one_day = timedelta(days=1)
        while day <= last:
            configured = day.year in self.configured_years
            periods: tuple[Period, ...] = ()
            if configured and self._is_working_day(day):
                index = bisect.bisect_right(schedule_starts, day) - 1
                periods = schedules[max(index, 0)][1]
            day_periods.append(periods)
            cum.append(cum[-1] + sum(end - start for start, end in periods))
            sessions.append(sessions[-1] + len(periods))
            unconfigured.append(unconfigured[-1] + (0 if configured else 1))
            day += one_day
        object.__setattr__(self, "_origin", first.toordinal())
        object.__setattr__(self, "_day_periods", tuple(day_periods))
        object.__setattr__(self, "_cum", tuple(cum))
        object.__setattr__(self, "_sessions_cum", tuple(sessions))
        object.__setattr__(self, "_unconfigured_cum", tuple(unconfigured))

    def _is_working_day(self, day: date) -> bool:
        if day in self.worked_days:
            return True
        return day.weekday() < 5 and day not in self.days_off

    # -- public helpers -------------------------------------------------------------------------------

    def is_working_day(self, day: date) -> bool:
        return bool(self._periods_of(self._index(day)))

    def periods_on(self, day: date) -> tuple[Period, ...]:
        """The working periods in force on ``day`` (whether or not the day is worked)."""
        starts = [valid_from for valid_from, _periods in self.schedules]
        return self.schedules[max(bisect.bisect_right(starts, day) - 1, 0)][1]

    def seconds_per_day(self, day: date) -> int:
        return sum(end - start for start, end in self.periods_on(day)) // US_PER_SECOND

    # -- the position axis ----------------------------------------------------------------------------

    def _index(self, day: date) -> int:
        """Index of a configured day; raise CalendarNotConfigured otherwise."""
        index = day.toordinal() - self._origin
        if not self.configured_years or index < 0 or index >= len(self._day_periods):
            raise CalendarNotConfigured(day.year)
        if self._unconfigured_cum[index + 1] != self._unconfigured_cum[index]:
            raise CalendarNotConfigured(day.year)
        return index

    def _periods_of(self, index: int) -> tuple[Period, ...]:
        return self._day_periods[index]

    def _check_span(self, first: int, last: int) -> None:
        """Every day from index ``first`` to ``last`` (inclusive) must belong to a configured year."""
        if self._unconfigured_cum[last + 1] != self._unconfigured_cum[first]:
            origin = date.fromordinal(self._origin)
            for year in range(
                (origin + timedelta(days=first)).year, (origin + timedelta(days=last)).year + 1
            ):
                if year not in self.configured_years:
                    raise CalendarNotConfigured(year)

    def _position(self, moment: datetime) -> tuple[int, int]:
        """(day index, working microseconds from the origin up to ``moment``)."""
        local = moment.astimezone(TZ)
        index = self._index(local.date())
        t = _time_us(local.time())
        worked = 0
        for start, end in self._day_periods[index]:
            if t <= start:
                break
            worked += min(t, end) - start
        return index, self._cum[index] + worked

    def _moment(self, index: int, us_of_day: int) -> datetime:
        day = date.fromordinal(self._origin + index)
        return datetime.combine(day, time(), tzinfo=TZ) + timedelta(microseconds=us_of_day)

    def _beyond(self) -> CalendarNotConfigured:
        return CalendarNotConfigured(max(self.configured_years) + 1)

    def _locate_start(self, position: int, from_index: int) -> datetime:
        """The earliest working moment at ``position`` (the next working moment)."""
        index = bisect.bisect_right(self._cum, position) - 1
        if index >= len(self._day_periods):
            raise self._beyond()
        self._check_span(from_index, index)
        offset = position - self._cum[index]
        for start, end in self._day_periods[index]:
            if offset < end - start:
                return self._moment(index, start + offset)
            offset -= end - start
        raise AssertionError("unreachable: a located day has working time after the offset")

    def _locate_end(self, position: int, from_index: int) -> datetime:
        """The moment when working time reaches ``position`` (> the start): may be a period's end."""
        index = bisect.bisect_left(self._cum, position) - 1
        if index >= len(self._day_periods):
            raise self._beyond()
        self._check_span(from_index, index)
        offset = position - self._cum[index]
        for start, end in self._day_periods[index]:
            if offset <= end - start:
                return self._moment(index, start + offset)
            offset -= end - start
        raise AssertionError("unreachable: a located day holds the position")


def _require_aware(value: datetime, name: str) -> None:
    if not isinstance(value, datetime):
        raise TypeError(f"{name} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware (naive datetime {value.isoformat()} refused)")


def is_working_moment(moment: datetime, calendar: WorkingCalendar) -> bool:
    _require_aware(moment, "moment")
    local = moment.astimezone(TZ)
    index = calendar._index(local.date())
    t = _time_us(local.time())
    return any(start <= t < end for start, end in calendar._day_periods[index])


def next_working_moment(moment: datetime, calendar: WorkingCalendar) -> datetime:
    """``moment`` itself if it is working time, else the start of the next working period."""
    _require_aware(moment, "moment")
    index, position = calendar._position(moment)
    if is_working_moment(moment, calendar):
        return moment.astimezone(TZ)
    return calendar._locate_start(position, index)


def working_seconds_between(start: datetime, end: datetime, calendar: WorkingCalendar) -> float:
    """Working seconds in [start, end) (negative when end is before start); microsecond-exact."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    first, start_position = calendar._position(start)
    last, end_position = calendar._position(end)
    calendar._check_span(min(first, last), max(first, last))
    return (end_position - start_position) / US_PER_SECOND


def add_working_seconds(
    start: datetime, seconds: float | int | Decimal, calendar: WorkingCalendar
) -> datetime:
    """The moment when ``seconds`` of working time have passed after ``start`` (``seconds`` >= 0).

    Adding 0 gives the next working moment; a result exactly at the end of a period stays there.
    """
    _require_aware(start, "start")
    micro = _to_us(Decimal(str(seconds)) * US_PER_SECOND)
    if micro < 0:
        raise DeadlineError(_("Thời gian cộng thêm không được âm."))
    return _add_us(start, micro, calendar)


def _add_us(start: datetime, micro: int, calendar: WorkingCalendar) -> datetime:
    index, position = calendar._position(start)
    if micro == 0:
        return next_working_moment(start, calendar)
    return calendar._locate_end(position + micro, index)


def _to_us(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def normalise_limit(limit: Decimal | int | float | str, unit: str) -> Decimal:
    """Check a processing-time limit and unit; return the limit as a Decimal."""
    if unit not in UNITS:
        raise DeadlineError(
            _("Đơn vị thời hạn “%(unit)s” không hợp lệ; dùng một trong: %(units)s.")
            % {"unit": unit, "units": ", ".join(UNITS)},
            fields={"unit": [_("Đơn vị không hợp lệ.")]},
        )
    if isinstance(limit, bool):
        raise DeadlineError(_("Thời hạn phải là một số."), fields={"limit": [_("Không phải số.")]})
    try:
        value = Decimal(str(limit).strip())
    except (InvalidOperation, ValueError):
        raise DeadlineError(
            _("Thời hạn “%(limit)s” không phải là một số.") % {"limit": limit},
            fields={"limit": [_("Không phải số.")]},
        ) from None
    if not value.is_finite():
        raise DeadlineError(_("Thời hạn phải là một số hữu hạn."), fields={"limit": [_("Không hợp lệ.")]})
    if value < 0:
        raise DeadlineError(
            _("Thời hạn không được âm (nhận được %(limit)s).") % {"limit": limit},
            fields={"limit": [_("Không được âm.")]},
        )
    if unit in WHOLE_UNITS and (value != value.to_integral_value() or value < 1):
        if unit == "thang":
            message = _(
                "Thời hạn tính theo tháng (thang) phải là số nguyên dương: không tính được một phần tháng "
                "(nhận được %(limit)s). Hãy quy đổi sang ngày hoặc ngày làm việc."
            )
        elif unit == "buoi_lam_viec":
            message = _(
                "Thời hạn tính theo buổi làm việc (buoi_lam_viec) phải là số nguyên dương (nhận được %(limit)s)."
            )
        else:
            message = _("Thời hạn tính theo ngày (ngay) phải là số nguyên dương (nhận được %(limit)s).")
        raise DeadlineError(message % {"limit": limit}, fields={"limit": [_("Phải là số nguyên dương.")]})
    return value


def due_time(
    received: datetime,
    limit: Decimal | int | float,
    unit: str,
    calendar: WorkingCalendar,
) -> datetime:
    """The due time of a dossier received at ``received`` with a processing limit of ``limit`` ``unit``.

    * ``ngay_lam_viec``: the clock starts at the next working moment; due = start + limit × the working
      hours of a day (of the schedule in force on the start day); fractions allowed.
    * ``gio_lam_viec``: due = start + limit working hours.
    * ``buoi_lam_viec``: due is the close of the limit-th working session that begins after ``received`` (the
      session under way at receipt is not counted; one not yet begun is).
    * ``ngay`` (Civil Code art. 147–148): the receipt day is not counted; due is the close of working hours
      of the limit-th following day, or of the next working day when that day is not worked.
    * ``thang`` (Civil Code art. 147–148): the receipt day is not counted; the period ends on the day of the
      limit-th following month that bears the receipt day's number (the last day of that month when it has
      none), at the close of working hours, or at the close of the next working day when that day is not
      worked.
    """
    _require_aware(received, "received")
    value = normalise_limit(limit, unit)
    if unit == "ngay":
        return _due_calendar_days(received, int(value), calendar)
    if unit == "thang":
        return _due_months(received, int(value), calendar)
    if unit == "buoi_lam_viec":
        return _due_sessions(received, int(value), calendar)
    start = next_working_moment(received, calendar)
    if unit == "gio_lam_viec":
        micro = _to_us(value * US_PER_HOUR)
    else:
        day_us = sum(end - begin for begin, end in calendar.periods_on(start.date()))
        micro = _to_us(value * day_us)
    return _add_us(start, micro, calendar)


def _due_calendar_days(received: datetime, days: int, calendar: WorkingCalendar) -> datetime:
    local = received.astimezone(TZ)
    first = calendar._index(local.date())
    try:
        last_day = local.date() + timedelta(days=days)
    except OverflowError:
        raise calendar._beyond() from None
    return _close_on_or_after(first, last_day.year, last_day.month, last_day.day, calendar)


def _due_months(received: datetime, months: int, calendar: WorkingCalendar) -> datetime:
    """Civil Code art. 148: the corresponding day of the last month, or that month's last day."""
    local = received.astimezone(TZ).date()
    first = calendar._index(local)
    year, month0 = divmod(local.month - 1 + months, 12)
    year += local.year
    return _close_on_or_after(first, year, month0 + 1, local.day, calendar)


def _close_on_or_after(first: int, year: int, month: int, day: int, calendar: WorkingCalendar) -> datetime:
    """The close of ``year-month-day`` (clamped to the month's last day) or of the next working day after it;
    every day from index ``first`` on must be configured."""
    if not calendar.configured_years or year > max(calendar.configured_years):
        raise CalendarNotConfigured(max(calendar.configured_years, default=year - 1) + 1)
    last_day = date(year, month, min(day, gregorian.monthrange(year, month)[1]))
    index = calendar._index(last_day)
    # The next day with working time: days without any have equal cumulative positions.
    following = bisect.bisect_right(calendar._cum, calendar._cum[index]) - 1
    if following >= len(calendar._day_periods):
        raise calendar._beyond()
    calendar._check_span(first, following)
    return calendar._moment(following, calendar._day_periods[following][-1][1])


def _due_sessions(received: datetime, sessions: int, calendar: WorkingCalendar) -> datetime:
    """The close of the ``sessions``-th working session that begins after ``received``.

    Sessions are numbered along the calendar (``_sessions_cum``), so this is one binary search. A session
    that has begun at ``received`` (its start included, as everywhere in this module) is the session of
    receipt and is not counted; a later one of the same day is.
    """
    local = received.astimezone(TZ)
    index = calendar._index(local.date())
    t = _time_us(local.time())
    begun = sum(1 for start, _end in calendar._day_periods[index] if start <= t)
    target = calendar._sessions_cum[index] + begun + sessions - 1  # 0-based number of the last session
    day = bisect.bisect_right(calendar._sessions_cum, target) - 1
    if day >= len(calendar._day_periods):
        raise calendar._beyond()
    calendar._check_span(index, day)
    return calendar._moment(day, calendar._day_periods[day][target - calendar._sessions_cum[day]][1])


def due_by_cutoff(received: datetime, cutoff: time, calendar: WorkingCalendar) -> datetime:
    """The appointment of a same-day procedure with a cut-off hour (e.g. certification of copies, 15:00).

    Received on a working day before ``cutoff`` (Vietnam time) and before that day's close: due at the close
    of that day. Otherwise (at or after the cut-off, after the close, or on a day not worked): due at the
    close of the next working day.
    """
    _require_aware(received, "received")
    if not isinstance(cutoff, time):
        raise TypeError(f"cutoff must be a datetime.time, got {type(cutoff).__name__}")
    local = received.astimezone(TZ)
    index = calendar._index(local.date())
    t = _time_us(local.time())
    periods = calendar._day_periods[index]
    if periods and t < _time_us(cutoff) and t < periods[-1][1]:
        return calendar._moment(index, periods[-1][1])
    # The first day after the receipt day with working time (days without any add nothing to ``_cum``).
    following = bisect.bisect_right(calendar._cum, calendar._cum[index + 1]) - 1
    if following >= len(calendar._day_periods):
        raise calendar._beyond()
    calendar._check_span(index, following)
    return calendar._moment(following, calendar._day_periods[following][-1][1])


def calendar_from_rows(
    *,
    days_off: Iterable[date],
    worked_days: Iterable[date],
    schedules: Iterable[tuple[date, str | tuple[Period, ...]]],
    configured_years: Iterable[int],
    revision: int = 0,
) -> WorkingCalendar:
    """Build a snapshot; schedule periods may be given as text (``"07:00-11:30,13:30-17:00"``)."""
    parsed = tuple(
        (valid_from, parse_periods(periods) if isinstance(periods, str) else validate_periods(periods))
        for valid_from, periods in schedules
    )
    return WorkingCalendar(
        days_off=frozenset(days_off),
        worked_days=frozenset(worked_days),
        schedules=parsed,
        configured_years=frozenset(configured_years),
        revision=revision,
    )


__all__ = [
    "TZ",
    "UNITS",
    "CalendarNotConfigured",
    "DeadlineError",
    "WorkingCalendar",
    "add_working_seconds",
    "calendar_from_rows",
    "due_by_cutoff",
    "due_time",
    "format_periods",
    "is_working_moment",
    "next_working_moment",
    "normalise_limit",
    "parse_periods",
    "working_seconds_between",
]
