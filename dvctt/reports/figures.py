"""The columns of the periodic report (form 06 and 07a, spec/reports.md) and what both engines share.

Each engine decides, dossier by dossier, which of seven *base* counts it enters (:data:`BASE`); the other
columns follow from them exactly as the spec defines them (``received_total`` is the sum of the three received
columns, ``resolved_on_time`` = total − late − early, and so on), so no engine can make them disagree.

``resolved_early`` compares "end minus paused time" with the day of the appointment. Paused time is rule 4 of
indicators.md at the judging time of rule 3 (the end): :func:`paused_time` is that rule over (asked, completed)
pairs, the supplement requests the late rules judge (asked at or after receipt).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime, timedelta
from typing import Any

FORM_UNITS = "06"
FORM_FIELDS = "07a"
FORMS = (FORM_UNITS, FORM_FIELDS)
UNITS_MODES = ("period", "current")

#: The eleven columns, in the form's order (and the spec's JSON order).
COLUMNS = (
    "received_total",
    "received_online",
    "received_direct_post",
    "carried_over",
    "resolved_total",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "in_progress_total",
    "in_progress_within",
    "in_progress_overdue",
)

# Slots of the base vector an engine counts into.
(ONLINE, DIRECT_POST, CARRIED, RESOLVED, RESOLVED_LATE, RESOLVED_EARLY, OVERDUE) = range(7)
BASE = 7

#: ``KenhThucHien`` values: 2 online; 1 (in person) and 3 (post) make "direct or by post".
CHANNEL_ONLINE = 2
CHANNELS_DIRECT_POST = frozenset({1, 3})

Supplements = Sequence[tuple[datetime, datetime | None]]


def zero() -> list[int]:
    return [0] * BASE


def add(target: list[int], source: Iterable[int]) -> None:
    for slot, value in enumerate(source):
        target[slot] += value


def paused_time(*, judging: datetime, supplements: Supplements) -> timedelta:
    """Rules 3–4 of indicators.md: the judging time moves back to a request still waiting at it; paused time is
    the total of completed − asked over the requests completed before that judging time."""
    waiting = [asked for asked, done in supplements if asked < judging and (done is None or done >= judging)]
    if waiting:
        judging = min(waiting)
    paused = timedelta(0)
    for asked, done in supplements:
        if done is not None and done < judging:
            paused += done - asked
    return paused


def is_early(*, ended_at: datetime, due_at: datetime | None, supplements: Supplements) -> bool:
    """A resolved dossier (not late) whose end minus paused time falls on a calendar day before the day of
    ``NgayHenTra``. Both times are local wall-clock times (naive, or aware in the province's zone)."""
    if due_at is None:
        return False
    moved = ended_at - paused_time(judging=ended_at, supplements=supplements)
    return moved.date() < due_at.date()


def count_dossier(
    vector: list[int], *, slot: int, resolved: bool, late: bool, early: bool, overdue: bool
) -> None:
    """One dossier of ``received_total`` (``slot``: ONLINE, DIRECT_POST or CARRIED) into a base vector."""
    vector[slot] += 1
    if resolved:
        vector[RESOLVED] += 1
        if late:
            vector[RESOLVED_LATE] += 1
        elif early:
            vector[RESOLVED_EARLY] += 1
    elif overdue:
        vector[OVERDUE] += 1


def render(vector: Sequence[int]) -> dict[str, int]:
    """The eleven columns of a base vector, in the form's order."""
    received = vector[ONLINE] + vector[DIRECT_POST] + vector[CARRIED]
    resolved = vector[RESOLVED]
    in_progress = received - resolved
    return {
        "received_total": received,
        "received_online": vector[ONLINE],
        "received_direct_post": vector[DIRECT_POST],
        "carried_over": vector[CARRIED],
        "resolved_total": resolved,
        "resolved_early": vector[RESOLVED_EARLY],
        "resolved_on_time": resolved - vector[RESOLVED_LATE] - vector[RESOLVED_EARLY],
        "resolved_late": vector[RESOLVED_LATE],
        "in_progress_total": in_progress,
        "in_progress_within": in_progress - vector[OVERDUE],
        "in_progress_overdue": vector[OVERDUE],
    }


def report_object(
    *,
    form: str,
    date_from: date,
    date_to: date,
    units_mode: str,
    province: Sequence[int],
    rows: Mapping[str, Sequence[int]],
) -> dict[str, Any]:
    """The spec's object; rows with no dossier in any column are left out (``rows`` keeps its order)."""
    return {
        "form": form,
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "units": units_mode,
        "province": render(province),
        "rows": {key: render(vector) for key, vector in rows.items() if any(vector)},
    }
