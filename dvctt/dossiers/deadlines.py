"""The dossier's appointment, paused time and remaining time, on the province's working calendar."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dvctt.dossiers.models import Dossier


@dataclass(frozen=True)
class Appointment:
    start: datetime
    due: datetime | None
    calendar_revision: int


def appointment_for(*, dossier: Dossier, received_at: datetime) -> Appointment:
    """The due time for a dossier received now, from its procedure version's legal limit (per channel)."""
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    calendar = working_calendar()
    start = deadlines.next_working_moment(received_at, calendar)
    version = dossier.procedure_version
    if version is None or version.time_limit is None:
        return Appointment(start=start, due=None, calendar_revision=calendar.revision)
    limit = version.time_limit
    unit = version.time_limit_unit
    override = (version.time_limit_by_channel or {}).get(str(dossier.channel))
    if isinstance(override, dict) and override.get("limit") is not None:
        limit = override["limit"]
        unit = override.get("unit", unit)
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


def completed_pauses(*, dossier: Dossier) -> timedelta:
    """Total time of the supplement requests already answered."""
    return sum(
        (
            r.answered_at - r.requested_at
            for r in dossier.supplements.all()
            if r.answered_at is not None and not r.is_guidance
        ),
        timedelta(),
    )


def effective_due(*, dossier: Dossier, until: datetime) -> datetime | None:
    """The appointment moved by the paused time: what the officer must beat."""
    if dossier.due_at is None:
        return None
    return dossier.due_at + paused_time(dossier=dossier, until=until)
