"""Parsing of due-time requests from text (the command line and the API share it)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from django.utils.translation import gettext as _

from dvctt.calendar.deadlines import (
    TZ,
    DeadlineError,
    WorkingCalendar,
    due_by_cutoff,
    due_time,
    next_working_moment,
    normalise_limit,
)

# "2025-01-24T16:00 07:00": a "+" left unencoded in a query string arrives as a space.
_SPACE_OFFSET = re.compile(r"^(.*\d) (\d{2}:?\d{2})$")


def parse_received(text: str) -> datetime:
    """ISO 8601 date-time; without an offset it is read as Vietnam time (Asia/Ho_Chi_Minh)."""
    value = (text or "").strip()
    match = _SPACE_OFFSET.match(value)
    if match and "T" in value:
        value = f"{match.group(1)}+{match.group(2)}"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise DeadlineError(
            _("Thời điểm tiếp nhận “%(value)s” không hợp lệ; dùng dạng ISO 8601, ví dụ 2025-01-24T16:00.")
            % {"value": text},
            fields={"received": [_("Không đúng dạng ISO 8601.")]},
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=TZ)
    return moment.astimezone(TZ)


def parse_year(text: str | int | None) -> int:
    try:
        year = int(str(text).strip())
    except (TypeError, ValueError):
        raise DeadlineError(
            _("Năm “%(value)s” không hợp lệ.") % {"value": text}, fields={"year": [_("Không phải số năm.")]}
        ) from None
    if not 2000 <= year <= 2100:
        raise DeadlineError(_("Năm phải trong khoảng 2000–2100."), fields={"year": [_("Ngoài khoảng.")]})
    return year


@dataclass(frozen=True)
class DueResult:
    received: datetime
    start: datetime
    due: datetime
    limit: Decimal
    unit: str
    calendar_revision: int


def due_compute(*, received: str, limit: str, unit: str, calendar: WorkingCalendar) -> DueResult:
    moment = parse_received(received)
    value = normalise_limit(limit, unit)
    return DueResult(
        received=moment,
        start=next_working_moment(moment, calendar),
        due=due_time(moment, value, unit, calendar),
        limit=value,
        unit=unit,
        calendar_revision=calendar.revision,
    )


_CUTOFF = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_cutoff(text: str) -> time:
    """A same-day cut-off hour ``HH:MM`` (Vietnam time)."""
    match = _CUTOFF.match((text or "").strip())
    if match is None:
        raise DeadlineError(
            _("Giờ chốt “%(value)s” không hợp lệ; dùng dạng HH:MM, ví dụ 15:00.") % {"value": text},
            fields={"cutoff": [_("Không đúng dạng HH:MM.")]},
        )
    return time(int(match.group(1)), int(match.group(2)))


@dataclass(frozen=True)
class CutoffResult:
    received: datetime
    start: datetime
    due: datetime
    cutoff: time
    calendar_revision: int


def due_compute_cutoff(*, received: str, cutoff: str, calendar: WorkingCalendar) -> CutoffResult:
    """The appointment of a procedure with a same-day cut-off hour (it replaces the limit)."""
    moment = parse_received(received)
    hour = parse_cutoff(cutoff)
    return CutoffResult(
        received=moment,
        start=next_working_moment(moment, calendar),
        due=due_by_cutoff(moment, hour, calendar),
        cutoff=hour,
        calendar_revision=calendar.revision,
    )


def iso(moment: datetime | date) -> str:
    return moment.isoformat()
