"""Per-dossier constants for the indicators (a ``DossierFact`` per counted dossier).

Every indicator of spec/indicators.md asks of a dossier only whether a few moments fall before a period's end
or inside the period. Period bounds are local midnights, so "t < to + 1 day 00:00" is "local date of t ≤ to":
a dossier reduces to a handful of local dates and flags, computed once here and recomputed when it changes.

The one rule that is not about a single moment is lateness (rules 1–5), which judges only the supplement requests
asked at or after receipt (:func:`supplement_requests`). :func:`late_threshold` turns it into
one: a moment ``L`` such that a dossier of P judged at time J is late exactly when J > L. Proof (at most one
supplement request, ``q`` asked, ``a`` answered or none; more than one request is rule 1, L = −∞; no
appointment ``due`` is rule 2, L = +∞). With f(J) = judging time − paused time after rules 3–4:

* J ≤ q: nothing is waiting (q < J fails) and nothing is completed before J (a ≥ q ≥ J), so f(J) = J;
* q < J ≤ a (or a is none): the request is waiting at J, the judging time becomes q, and nothing was
  completed before q, so f(J) = q;
* J > a: the request was completed before J, so f(J) = J − (a − q).

f is continuous and non-decreasing, so {J : f(J) > due} is an interval (L, +∞): if due < q it is J > due
(f(J) = J there, and f ≥ q > due beyond q); if due ≥ q, f stays ≤ due up to a and then J − (a − q) > due
⇔ J > due + (a − q) (never, when a is none). Without a request f(J) = J and L = due. ``tests/test_facts.py``
checks the threshold against the reference's ``is_late`` on random timelines.

A dossier of P is judged at J = its end if it ended before the period end, else the period end. So it is late
either because it ended inside the period with end > L (a constant of the dossier: ``late_at_end``), or
because it had not ended by the period end and L < period end (``L``'s local date ≤ ``to``). See rollups.py
for how these become counts of single days.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from dvctt.dossiers.models import SyncState
from dvctt.dossiers.states import ENDING_STATUSES, Channel, Status

LOCAL = ZoneInfo(settings.TIME_ZONE)
COMPLETED_STATUSES = frozenset({Status.PROCESSED, Status.RETURNED})
#: Stands for L = −∞ (late whenever it is in P): before any day a dossier can have.
ALWAYS = date.min


def local_day(moment: datetime | None) -> date | None:
    return None if moment is None else moment.astimezone(LOCAL).date()


def supplement_requests(
    *, received_at: datetime | None, supplements: Sequence[tuple[datetime, datetime | None]]
) -> list[tuple[datetime, datetime | None]]:
    """The supplement requests the late rules judge: those asked at or after receipt. One asked before receipt is
    guidance given before the dossier was accepted (Decree 61, art. 15): it starts no clock (indicators.md)."""
    if received_at is None:
        return []
    return [s for s in supplements if s[0] >= received_at]


def late_threshold(
    *, due_at: datetime | None, supplements: Sequence[tuple[datetime, datetime | None]]
) -> tuple[bool, datetime | None]:
    """``(always, L)``: late whenever in P (rule 1) when ``always``; else late ⇔ judging time > L, L None = +∞.

    ``supplements``: (requested_at, answered_at or None) of every request judged (:func:`supplement_requests`).
    Proof in the module docstring.
    """
    if len(supplements) > 1:
        return True, None
    if due_at is None:
        return False, None
    if not supplements:
        return False, due_at
    requested, answered = supplements[0]
    if due_at < requested:
        return False, due_at
    if answered is None:
        return False, None
    try:
        return False, due_at + (answered - requested)
    except OverflowError:  # an appointment near year 9999: never reached
        return False, None


@dataclass(frozen=True, slots=True)
class VersionInfo:
    valid_from: date
    online: bool  # MucDo 3 or 4
    document: bool  # KetQuaLaGiayTo


class VersionLookup:
    """The version of a procedure in force on a day, by catalog's rule (catalog.selectors.catalogue_on):
    the last version started on or before the day, none after the earliest ``abolished_after`` of any version.

    Built from ``(procedure_id, valid_from, abolished_after, online_level, result_is_document)`` rows.
    """

    def __init__(self, rows: Iterable[tuple[int, date, date | None, int, bool]]):
        grouped: dict[int, list[tuple[date, date | None, int, bool]]] = {}
        for procedure_id, valid_from, abolished_after, level, document in rows:
            grouped.setdefault(procedure_id, []).append((valid_from, abolished_after, level, document))
        self._by_procedure: dict[int, tuple[list[date], list[VersionInfo], date | None]] = {}
        for procedure_id, items in grouped.items():
            items.sort(key=lambda item: item[0])
            ends = [item[1] for item in items if item[1] is not None]
            infos = [VersionInfo(item[0], item[2] in (3, 4), bool(item[3])) for item in items]
            self._by_procedure[procedure_id] = (
                [i.valid_from for i in infos],
                infos,
                min(ends) if ends else None,
            )

    def at(self, procedure_id: int, day: date) -> VersionInfo | None:
        entry = self._by_procedure.get(procedure_id)
        if entry is None:
            return None
        starts, infos, abolished_after = entry
        if abolished_after is not None and day > abolished_after:
            return None
        index = bisect_right(starts, day) - 1
        return infos[index] if index >= 0 else None


@dataclass(frozen=True, slots=True)
class Fact:
    """What the indicators need of one counted dossier. Days are local dates; None means "no such moment"."""

    unit_id: int
    procedure_id: int
    r_day: date | None  # NgayTiepNhan
    e_day: date | None  # the end (statuses 3/7/8/9/10: NgayKetThucXuLy, else NgayTra)
    c_day: date | None  # completed: status 9/10 and NgayKetThucXuLy
    l_day: date | None  # the late threshold's day; ALWAYS for rule 1; None for "never late"
    late_at_end: bool  # judged at its end it is late (end > L)
    online: bool
    synced: bool
    digitised: bool
    fees: bool  # fees sum above 0
    paid_online: bool  # fees above 0 and paid online (1 or 2)
    complaint: bool
    offered_at_r: bool  # procedure at NgayTiepNhan is offered online
    document_at_r: bool  # procedure at NgayTiepNhan has a document result
    e_result: bool
    applicant_id: str
    s_day: date | None  # NgayNopHoSo, else NgayTiepNhan (official usage)
    # online and filed by an officer on the applicant's behalf: the assisted share, beside the spec's figures
    assisted: bool = False

    @property
    def irregular(self) -> bool:
        """Ended on a day before it was received: the identities of rollups.py do not hold; counted apart."""
        return self.r_day is not None and self.e_day is not None and self.e_day < self.r_day


def is_counted(*, is_test: bool, parent_code: str) -> bool:
    """Test dossiers and inter-agency children are excluded everywhere (children count through the parent)."""
    return not is_test and not (parent_code and parent_code.strip())


def fact_build(
    *,
    unit_id: int,
    procedure_id: int,
    status: int,
    channel: int,
    received_at: datetime | None,
    submitted_at: datetime | None,
    due_at: datetime | None,
    ended_at: datetime | None,
    returned_at: datetime | None,
    paid_online: int,
    fee_total: int,
    digitised: bool,
    has_e_result: bool,
    synced: bool,
    has_complaint: bool,
    applicant_id_number: str,
    supplements: Sequence[tuple[datetime, datetime | None]],
    versions: VersionLookup,
    assisted: bool = False,
) -> Fact:
    """The fact of one counted dossier (the caller has checked :func:`is_counted`)."""
    end = (ended_at or returned_at) if status in ENDING_STATUSES else None
    completed = ended_at if status in COMPLETED_STATUSES else None
    always, threshold = late_threshold(
        due_at=due_at, supplements=supplement_requests(received_at=received_at, supplements=supplements)
    )
    if always:
        l_day: date | None = ALWAYS
        late_at_end = True
    else:
        l_day = local_day(threshold)
        late_at_end = threshold is not None and end is not None and end > threshold
    r_day = local_day(received_at)
    version = versions.at(procedure_id, r_day) if r_day is not None else None
    fees = fee_total > 0
    return Fact(
        unit_id=unit_id,
        procedure_id=procedure_id,
        r_day=r_day,
        e_day=local_day(end),
        c_day=local_day(completed),
        l_day=l_day,
        late_at_end=late_at_end,
        online=channel == Channel.ONLINE,
        synced=synced,
        digitised=digitised,
        fees=fees,
        paid_online=fees and paid_online in (1, 2),
        complaint=has_complaint,
        offered_at_r=version is not None and version.online,
        document_at_r=version is not None and version.document,
        e_result=has_e_result,
        applicant_id=applicant_id_number or "",
        s_day=local_day(submitted_at or received_at),
        assisted=assisted and channel == Channel.ONLINE,
    )


def period_moment(day: date) -> datetime:
    """The local midnight that starts ``day`` (a period's start, or the end of the day before)."""
    return datetime(day.year, day.month, day.day, tzinfo=LOCAL)


def next_day(day: date) -> date:
    return day + timedelta(days=1)


# --- the same facts, set-based (PostgreSQL) ----------------------------------------------------------------

#: A ``parent_code`` with one of these is surely a code (``strip()`` leaves it). One that is not empty but has
#: none may be only (Unicode) whitespace, which Python's ``str.strip()`` decides and SQL does not: the SQL path
#: leaves those few dossiers to :func:`fact_build`.
PARENT_CODE_CHAR = "[0-9A-Za-z]"


def facts_select_sql(*, dossiers: str, supplements: str, versions: str, time_zone: str) -> str:
    """A PostgreSQL SELECT of ``(dossier_id, irregular, *FACT_FIELDS)`` for every counted dossier with an empty
    ``parent_code`` (the others are children, or undecided in SQL: :data:`PARENT_CODE_CHAR`), equal to :func:`fact_build`.

    The arguments are table names and the time zone name from the settings (never user input). It mirrors
    fact_build line by line: local days are ``(t AT TIME ZONE zone)::date`` (the same IANA rules as zoneinfo);
    the version on the receipt day is the one whose [valid_from, next valid_from) holds the day, none after
    the earliest ``abolished_after`` of the procedure (VersionLookup); the threshold follows late_threshold,
    including its "never" when due + pause leaves Python's datetime range.
    """
    zone = time_zone.replace("'", "''")

    def day(expression: str) -> str:
        return f"(({expression}) AT TIME ZONE '{zone}')::date"

    ending = ", ".join(str(int(s)) for s in sorted(ENDING_STATUSES))
    completed = ", ".join(str(int(s)) for s in sorted(COMPLETED_STATUSES))
    # Python's aware datetimes stop at year 9999 (UTC fields): past it late_threshold says "never".
    lowest, highest = "'0001-01-01 00:00:00+00'::timestamptz", "'9999-12-31 23:59:59.999999+00'::timestamptz"
    sql = f"""
WITH sup AS (
    SELECT x.dossier_id, count(*) AS n, min(x.requested_at) AS q, min(x.answered_at) AS a
    FROM {supplements} x JOIN {dossiers} dd ON dd.id = x.dossier_id
    WHERE x.requested_at >= dd.received_at
    GROUP BY x.dossier_id
), ver AS (
    SELECT procedure_id, valid_from,
        lead(valid_from) OVER (PARTITION BY procedure_id ORDER BY valid_from) AS next_from,
        min(abolished_after) OVER (PARTITION BY procedure_id) AS abolished,
        online_level IN (3, 4) AS online, result_is_document AS document
    FROM {versions}
), base AS (
    SELECT d.id, d.unit_id, d.procedure_id, d.channel, d.paid_online, d.fee_total, d.digitised,
        d.has_e_result, d.sync_state, d.has_complaint, d.applicant_id_number, d.assisted,
        {day("d.received_at")} AS r_day,
        {day("coalesce(d.submitted_at, d.received_at)")} AS s_day,
        CASE WHEN d.status IN ({ending}) THEN coalesce(d.ended_at, d.returned_at) END AS end_at,
        CASE WHEN d.status IN ({completed}) THEN d.ended_at END AS completed_at,
        coalesce(s.n, 0) > 1 AS always,
        CASE
            WHEN coalesce(s.n, 0) > 1 OR d.due_at IS NULL THEN NULL
            WHEN s.n IS NULL OR d.due_at < s.q THEN d.due_at
            WHEN s.a IS NULL THEN NULL
            ELSE d.due_at + (s.a - s.q)
        END AS threshold
    FROM {dossiers} d LEFT JOIN sup s ON s.dossier_id = d.id
    WHERE NOT d.is_test AND d.parent_code = ''
), judged AS (
    SELECT b.*,
        CASE WHEN b.threshold BETWEEN {lowest} AND {highest} THEN b.threshold END AS limit_at,
        {day("b.end_at")} AS e_day
    FROM base b
)
SELECT j.id, (j.r_day IS NOT NULL AND j.e_day IS NOT NULL AND j.e_day < j.r_day) AS irregular,
    j.unit_id, j.procedure_id, j.r_day, j.e_day, {day("j.completed_at")} AS c_day,
    CASE WHEN j.always THEN DATE '0001-01-01' ELSE {day("j.limit_at")} END AS l_day,
    j.always OR coalesce(j.end_at > j.limit_at, false) AS late_at_end,
    j.channel = {int(Channel.ONLINE)} AS online,
    j.sync_state = '{SyncState.SYNCED.value}' AS synced,
    j.digitised,
    j.fee_total > 0 AS fees,
    j.fee_total > 0 AND j.paid_online IN (1, 2) AS paid_online,
    j.has_complaint AS complaint,
    coalesce(v.online, false) AS offered_at_r,
    coalesce(v.document, false) AS document_at_r,
    j.has_e_result AS e_result,
    j.applicant_id_number AS applicant_id,
    j.s_day,
    j.assisted AND j.channel = {int(Channel.ONLINE)} AS assisted
FROM judged j
LEFT JOIN ver v ON v.procedure_id = j.procedure_id AND j.r_day >= v.valid_from
    AND (v.next_from IS NULL OR j.r_day < v.next_from) AND (v.abolished IS NULL OR j.r_day <= v.abolished)
ORDER BY j.id
"""  # noqa: S608  (table names from the models, constants)
    return sql
