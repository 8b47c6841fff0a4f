"""The dossier's appointment, paused time and remaining time, on the province's working calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from dvctt.dossiers.models import Dossier, DossierEvent


@dataclass(frozen=True)
class Appointment:
    start: datetime
    due: datetime | None
    calendar_revision: int


def appointment_for(*, dossier: Dossier, received_at: datetime) -> Appointment:
    """The due time for a dossier received now, from its procedure version.

    A same-day cut-off hour (``same_day_cutoff``, e.g. certification of copies) decides when the version has
    one, whatever its limit; otherwise the legal limit, per channel when ``time_limit_by_channel`` names the
    dossier's channel (a number in the version's unit, or ``{"limit": …, "unit": …}``); no limit, no due time.
    """
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    calendar = working_calendar()
    start = deadlines.next_working_moment(received_at, calendar)
    version = dossier.procedure_version
    cutoff = version.same_day_cutoff if version is not None else None
    if cutoff is not None:
        if isinstance(cutoff, str):  # set in memory from text, not yet read back from the database
            cutoff = time.fromisoformat(cutoff)
        due = deadlines.due_by_cutoff(received_at, cutoff, calendar)
        return Appointment(start=start, due=due, calendar_revision=calendar.revision)
    if version is None:
        return Appointment(start=start, due=None, calendar_revision=calendar.revision)
    limit = version.time_limit
    unit = version.time_limit_unit
    override = (version.time_limit_by_channel or {}).get(str(dossier.channel))
    if isinstance(override, dict):
        if override.get("limit") is not None:
            limit = override["limit"]
            unit = override.get("unit", unit)
    elif override not in (None, ""):
        limit = override  # the catalogue stores a channel's limit as a decimal string, in the version's unit
    if limit is None:
        return Appointment(start=start, due=None, calendar_revision=calendar.revision)
    due = deadlines.due_time(received_at, limit, unit, calendar)
    return Appointment(start=start, due=due, calendar_revision=calendar.revision)


def paused_time(*, dossier: Dossier, until: datetime) -> timedelta:
    """Time between supplement requests and their answers (still running ones count up to ``until``); guidance
    before receipt pauses nothing."""
    total = timedelta()
    for request in dossier.supplements.all():
        if request.is_guidance or request.requested_at >= until:
            continue
        end = request.answered_at if request.answered_at and request.answered_at < until else until
        total += end - request.requested_at
    return total


def resumed_due(*, due: datetime, paused_at: datetime, resumed_at: datetime) -> datetime:
    """The appointment after a pause: the working time left at ``paused_at`` resumes at ``resumed_at`` on the
    working calendar (never by clock hours). A pause that began at or after the appointment moves nothing.

    Example (hours 07:00–11:30, 13:30–17:00): due Wed 10:00, paused Mon 16:00, resumed Tue 08:00: 12 working
    hours were left, so the new appointment is Wed 14:00.
    """
    if paused_at >= due:
        return due
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    calendar = working_calendar()
    left = deadlines.working_seconds_between(paused_at, due, calendar)
    if left <= 0:  # paused outside working time after the last working moment before the appointment
        return due
    return deadlines.add_working_seconds(resumed_at, left, calendar)


@dataclass(frozen=True)
class Pause:
    """A pause of the clock now running (status 5 after receipt, or 6): since when, and the working time left."""

    since: datetime
    due_before: datetime | None
    left_seconds: float | None


def pause_running(*, dossier: Dossier, events: Sequence[DossierEvent] | None = None) -> Pause | None:
    """The pause running now, or None (not paused, or guidance before receipt, which pauses nothing).

    Reads the dossier's supplements (prefetch them) or, in status 6, its latest obligation request event (from
    ``events``, the dossier's events in order, when the caller has them).
    """
    from dvctt.dossiers.states import Status

    since: datetime | None = None
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        pending = [r for r in dossier.supplements.all() if r.answered_at is None and r.expired_at is None]
        if pending and not pending[-1].is_guidance:
            since = pending[-1].requested_at
    elif dossier.status == Status.FINANCIAL_OBLIGATION:
        if events is None:
            from dvctt.dossiers.selectors import dossier_obligation_request

            event = dossier_obligation_request(dossier=dossier)
        else:
            event = next((e for e in reversed(events) if e.action == "request_financial_obligation"), None)
        since = event.at if event is not None else None
    if since is None:
        return None
    due = dossier.effective_due_at
    left = None
    if due is not None:
        from dvctt.calendar import deadlines
        from dvctt.calendar.selectors import working_calendar

        left = (
            max(0.0, deadlines.working_seconds_between(since, due, working_calendar()))
            if since < due
            else 0.0
        )
    return Pause(since=since, due_before=due, left_seconds=left)
