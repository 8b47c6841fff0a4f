"""The reference indicator engine: spec/indicators.md computed straight from interchange records.

This is the yardstick for the database rollups: it favours being obviously right over being clever. One pass
over the dossiers fills a vector of counts per unit; catalogue and officials are counted per unit apart;
units are then reported as they were in the period or folded into today's units; each figure becomes
numerator, denominator and a value rounded half up from the exact fraction. docs/indicators.md gives the
reading of every rule.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Mapping
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction
from typing import Any, Protocol

from dvctt.interchange.records import Agency, Dossier, Official, ProcedureVersion, Supplement

from .indicators import CODES, index_config

ONLINE = 2
ENDING_STATUSES = frozenset({3, 7, 8, 9, 10})
COMPLETED_STATUSES = frozenset({9, 10})
UNITS_MODES = ("period", "current")

# Slots of a unit's count vector.
(
    R,  # received in the period
    R_ONLINE,
    R_SYNCED,
    R_DIGITISED,  # digitisation numerator
    R_FEES,  # fees above 0
    R_PAID_ONLINE,
    R_COMPLAINTS,
    R_OFFERED_AT_RECEIPT,  # procedure offered online at NgayTiepNhan
    R_OFFERED_AT_RECEIPT_ONLINE,
    C_DOCUMENT,  # completed, procedure at receipt has a document result
    C_DOCUMENT_ELECTRONIC,
    P,  # to process
    LATE,
    CAT_ELIGIBLE,  # catalogue on `to`: DuDieuKienToanTrinh = 1
    CAT_ELIGIBLE_FULL,  # ... and MucDo 4
    CAT_FULL,  # MucDo 4
    CAT_FULL_NATIONAL,  # ... and TichHopDVCQG = 1
    OFFICIALS,
    OFFICIALS_ONLINE,
    SERVICES,  # (unit, procedure) pairs of R offered online on `to`
    SERVICES_ONLINE,
) = range(21)
SLOTS = 21

# indicator → (numerator slot, denominator slot); satisfaction_rate is computed apart.
RATIOS: dict[str, tuple[int, int]] = {
    "online_dossier_rate": (R_ONLINE, R),
    "full_process_coverage": (CAT_ELIGIBLE_FULL, CAT_ELIGIBLE),
    "national_portal_integration_rate": (CAT_FULL_NATIONAL, CAT_FULL),
    "official_usage_rate": (OFFICIALS_ONLINE, OFFICIALS),
    "services_with_online_dossiers_rate": (SERVICES_ONLINE, SERVICES),
    "online_processing_rate": (R_OFFERED_AT_RECEIPT_ONLINE, R_OFFERED_AT_RECEIPT),
    "on_time_rate": (-1, P),  # numerator P − late
    "online_payment_rate": (R_PAID_ONLINE, R_FEES),
    "e_result_rate": (C_DOCUMENT_ELECTRONIC, C_DOCUMENT),
    "digitisation_rate": (R_DIGITISED, R),
    "sync_rate": (R_SYNCED, R),
}
CATALOGUE_SLOTS = (CAT_ELIGIBLE, CAT_ELIGIBLE_FULL, CAT_FULL, CAT_FULL_NATIONAL)


class Records(Protocol):
    agencies: list[Agency]
    procedures: list[ProcedureVersion]
    officials: list[Official]
    dossiers: list[Dossier]


class Catalogue:
    """Procedure versions by code: which version is in force on a day.

    A version is in force from its HieuLucTu until the day before the next version of the code starts. A
    HieuLucDen on any version abolishes the procedure after that day (the earliest one, if several).
    """

    def __init__(self, versions: Iterable[ProcedureVersion]):
        grouped: dict[str, list[ProcedureVersion]] = {}
        for version in versions:
            grouped.setdefault(version.code, []).append(version)
        self._by_code: dict[str, tuple[list[date], list[ProcedureVersion], date | None]] = {}
        for code, items in grouped.items():
            items.sort(key=lambda version: version.valid_from)
            ends = [version.valid_to for version in items if version.valid_to is not None]
            self._by_code[code] = ([v.valid_from for v in items], items, min(ends) if ends else None)
        self._cache: dict[tuple[str, date], ProcedureVersion | None] = {}

    @property
    def codes(self) -> list[str]:
        return list(self._by_code)

    def at(self, code: str, day: date) -> ProcedureVersion | None:
        key = (code, day)
        try:
            return self._cache[key]
        except KeyError:
            pass
        found = None
        entry = self._by_code.get(code)
        if entry is not None:
            starts, versions, abolished_after = entry
            if abolished_after is None or day <= abolished_after:
                index = bisect_right(starts, day) - 1
                if index >= 0:
                    found = versions[index]
        self._cache[key] = found
        return found

    def in_force_on(self, day: date) -> list[ProcedureVersion]:
        return [version for code in self._by_code if (version := self.at(code, day)) is not None]


def _half_up_ten_thousandths(value: Fraction) -> int:
    """floor(|v|·10⁴ + ½) with v's sign, in integers, so a tie is a tie whatever the denominator."""
    return _half_up_quotient(value.numerator, value.denominator)


def _half_up_quotient(numerator: int, denominator: int) -> int:
    """floor(|n/d|·10⁴ + ½) with the sign of n/d (d > 0); n/d need not be in lowest terms, the floor of a
    quotient does not change when both of its terms are multiplied by the same factor."""
    sign = -1 if numerator < 0 else 1
    return sign * ((abs(numerator) * 20000 + denominator) // (2 * denominator))


def round_half_up(value: Fraction) -> Decimal:
    """The exact fraction rounded half up to 4 decimals (2/64 = 0.03125 → 0.0313), never through a float."""
    return Decimal(_half_up_ten_thousandths(value)).scaleb(-4)


def round_half_up_float(value: Fraction) -> float:
    """``float(round_half_up(value))`` without the Decimal: an integer divided by 10⁴ is the float nearest the
    4-decimal number, as the Decimal's conversion is (both round the same exact value once)."""
    return _half_up_ten_thousandths(value) / 10_000


def ratio_value(numerator: int, denominator: int) -> float | None:
    """numerator / denominator rounded half up to 4 decimals, as a float (``float(round_half_up(...))``: a KPI
    object holds hundreds of these, so without building the Fraction); None for a zero denominator."""
    if denominator == 0:
        return None
    if denominator < 0:
        numerator, denominator = -numerator, -denominator
    return _half_up_quotient(numerator, denominator) / 10_000


def satisfaction(late: int, to_process: int, complaints: int, received: int) -> float | None:
    """max(0, 1 − late/P − complaints/R); a term with a zero denominator counts as 0; null when both are 0."""
    if to_process == 0 and received == 0:
        return None
    value = Fraction(1)
    if to_process:
        value -= Fraction(late, to_process)
    if received:
        value -= Fraction(complaints, received)
    return float(round_half_up(max(Fraction(0), value)))


def supplement_requests(dossier: Dossier) -> list[Supplement]:
    """The entries of ``DanhSachHoSoBoSung`` asked at or after ``NgayTiepNhan``: an entry asked before receipt is
    guidance given before the dossier was accepted (Decree 61, art. 15), which every late rule ignores."""
    received = dossier.received_at
    if received is None:
        return []
    return [s for s in dossier.supplements or () if s.requested_at is not None and s.requested_at >= received]


def is_late(dossier: Dossier, ended_at: datetime | None, period_end: datetime) -> bool:
    """The late rules 1–5 of indicators.md for a dossier of P (``ended_at``: its end, or None)."""
    supplements = supplement_requests(dossier)
    if len(supplements) > 1:  # rule 1
        return True
    due = dossier.due_at
    if due is None:  # rule 2
        return False
    judging = ended_at if ended_at is not None and ended_at < period_end else period_end  # rule 3
    waiting = [
        s.requested_at
        for s in supplements
        if s.requested_at is not None
        and s.requested_at < judging
        and (s.completed_at is None or s.completed_at >= judging)
    ]
    if waiting:
        judging = min(waiting)
    paused = timedelta(0)  # rule 4
    for s in supplements:
        if s.requested_at is not None and s.completed_at is not None and s.completed_at < judging:
            paused += s.completed_at - s.requested_at
    return judging - paused > due  # rule 5


def dossier_ended_at(dossier: Dossier) -> datetime | None:
    """Only statuses 3, 7, 8, 9, 10 end a dossier: at NgayKetThucXuLy, else NgayTra; with neither, not ended."""
    if dossier.status not in ENDING_STATUSES:
        return None
    return dossier.processing_ended_at or dossier.returned_at


def is_excluded(dossier: Dossier) -> bool:
    """Test dossiers and inter-agency children are excluded everywhere."""
    return dossier.is_test == 1 or bool(dossier.parent_code and dossier.parent_code.strip())


def _count_dossiers(
    dossiers: Iterable[Dossier], catalogue: Catalogue, start: datetime, end: datetime, last_day: date
) -> tuple[dict[str, list[int]], set[str]]:
    """One pass: per unit counts, and the applicants of online dossiers submitted in the period."""
    counts: dict[str, list[int]] = {}
    services: dict[str, dict[str, bool]] = {}
    online_applicants: set[str] = set()
    at = catalogue.at
    # The version on `to` depends only on the code: decided once per code, not once per dossier.
    offered_on_last_day = {
        code: version is not None and version.level in (3, 4)
        for code in catalogue.codes
        for version in (at(code, last_day),)
    }
    for dossier in dossiers:
        if dossier.is_test == 1 or (dossier.parent_code and dossier.parent_code.strip()):
            continue
        online = dossier.channel == ONLINE
        received = dossier.received_at
        if online and dossier.applicant_id:
            submitted = dossier.submitted_at or received
            if submitted is not None and start <= submitted < end:
                online_applicants.add(dossier.applicant_id)
        if received is None:
            continue  # in neither R nor P; a completed dossier without receipt has no procedure at receipt
        status = dossier.status
        if received >= end:
            # In neither R nor P, but C does not ask when it was received: a dossier processed inside the period
            # and (in inconsistent data) received after it still counts there.
            finished = dossier.processing_ended_at
            if status in COMPLETED_STATUSES and finished is not None and start <= finished < end:
                version = at(dossier.procedure_code, received.date())
                if version is not None and version.result_is_document == 1:
                    late_receipt = counts.setdefault(dossier.unit_code, [0] * SLOTS)
                    late_receipt[C_DOCUMENT] += 1
                    if dossier.has_electronic_result:
                        late_receipt[C_DOCUMENT_ELECTRONIC] += 1
            continue
        unit = dossier.unit_code
        row = counts.get(unit)
        if row is None:
            row = counts[unit] = [0] * SLOTS
        in_received = start <= received
        finished = dossier.processing_ended_at
        in_completed = status in COMPLETED_STATUSES and finished is not None and start <= finished < end
        lacks_electronic_result = False
        if in_received or in_completed:
            version = at(dossier.procedure_code, received.date())
            if in_completed and version is not None and version.result_is_document == 1:
                row[C_DOCUMENT] += 1
                if dossier.has_electronic_result:
                    row[C_DOCUMENT_ELECTRONIC] += 1
                else:
                    lacks_electronic_result = True
            if in_received:
                row[R] += 1
                if online:
                    row[R_ONLINE] += 1
                if dossier.synced_national == 1:
                    row[R_SYNCED] += 1
                if dossier.digitised_components == 1 and not lacks_electronic_result:
                    row[R_DIGITISED] += 1
                if dossier.fees and dossier.fee_total > 0:
                    row[R_FEES] += 1
                    if dossier.paid_online in (1, 2):
                        row[R_PAID_ONLINE] += 1
                if dossier.complained == 1:
                    row[R_COMPLAINTS] += 1
                if version is not None and version.level in (3, 4):
                    row[R_OFFERED_AT_RECEIPT] += 1
                    if online:
                        row[R_OFFERED_AT_RECEIPT_ONLINE] += 1
                if offered_on_last_day.get(dossier.procedure_code, False):
                    pairs = services.get(unit)
                    if pairs is None:
                        pairs = services[unit] = {}
                    pairs[dossier.procedure_code] = pairs.get(dossier.procedure_code, False) or online
        ended_at = dossier_ended_at(dossier)
        if ended_at is None or ended_at >= start:  # P: received before the period end, not ended before start
            row[P] += 1
            if is_late(dossier, ended_at, end):
                row[LATE] += 1
    for unit, pairs in services.items():
        row = counts[unit]
        row[SERVICES] = len(pairs)
        row[SERVICES_ONLINE] = sum(pairs.values())
    return counts, online_applicants


def _count_catalogue(versions: list[ProcedureVersion], counts: dict[str, list[int]]) -> list[int]:
    """Adds the catalogue on `to` per unit listed in CoQuanThucHien; returns the province's (each procedure once)."""
    province = [0] * SLOTS
    for version in versions:
        eligible = version.full_process_eligible == 1
        full = version.level == 4
        flags = (
            (CAT_ELIGIBLE, eligible),
            (CAT_ELIGIBLE_FULL, eligible and full),
            (CAT_FULL, full),
            (CAT_FULL_NATIONAL, full and version.national_portal == 1),
        )
        for unit in set(version.units):
            row = counts.get(unit)
            if row is None:
                row = counts[unit] = [0] * SLOTS
            for slot, flag in flags:
                row[slot] += flag
        for slot, flag in flags:
            province[slot] += flag
    return province


def _count_officials(
    officials: Iterable[Official], last_day: date, online_applicants: set[str], counts: dict[str, list[int]]
) -> None:
    in_post: dict[str, set[str]] = {}
    for official in officials:
        if official.in_post_on(last_day):
            in_post.setdefault(official.unit_code, set()).add(official.national_id)
    for unit, ids in in_post.items():
        row = counts.get(unit)
        if row is None:
            row = counts[unit] = [0] * SLOTS
        row[OFFICIALS] = len(ids)
        row[OFFICIALS_ONLINE] = len(ids & online_applicants)


def _render(row: list[int]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for code in CODES:
        if code == "satisfaction_rate":
            value = satisfaction(row[LATE], row[P], row[R_COMPLAINTS], row[R])
            out[code] = {"numerator": None, "denominator": None, "value": value}
            continue
        numerator_slot, denominator_slot = RATIOS[code]
        denominator = row[denominator_slot]
        numerator = row[P] - row[LATE] if numerator_slot < 0 else row[numerator_slot]
        out[code] = {
            "numerator": numerator,
            "denominator": denominator,
            "value": ratio_value(numerator, denominator),
        }
    return out


def _fold_target(agency: Agency, agencies: Mapping[str, Agency]) -> str | None:
    """The unit that has not ended which an agency's figures go to under ``--units current``: itself when it
    has not ended, else the end of its MaDonViKeThua chain; None when the chain stops at an ended unit with no
    successor, names an unknown unit, or loops."""
    seen: set[str] = set()
    current = agency
    while current.has_ended:
        seen.add(current.code)
        successor = current.successor_code
        if not successor or successor in seen or successor not in agencies:
            return None
        current = agencies[successor]
    return current.code


def compute_kpis(
    records: Records, date_from: date, date_to: date, units_mode: str = "period"
) -> dict[str, Any]:
    """The JSON object of indicators.md's Output section for the period ``[date_from, date_to]``.

    ``units_mode`` "period": every unit that exists on some day of the period, as it was. "current": every
    unit that has not ended, ended units folded into their successors. The province is the same in both.
    """
    if units_mode not in UNITS_MODES:
        raise ValueError(f"units_mode must be one of {UNITS_MODES}, not {units_mode!r}")
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    start = datetime.combine(date_from, time.min)
    end = datetime.combine(date_to + timedelta(days=1), time.min)
    catalogue = Catalogue(records.procedures)

    counts, online_applicants = _count_dossiers(records.dossiers, catalogue, start, end, date_to)
    province_catalogue = _count_catalogue(catalogue.in_force_on(date_to), counts)
    _count_officials(records.officials, date_to, online_applicants, counts)

    province = [0] * SLOTS
    for row in counts.values():
        for slot in range(SLOTS):
            province[slot] += row[slot]
    for slot in CATALOGUE_SLOTS:
        province[slot] = province_catalogue[slot]

    agencies = {agency.code: agency for agency in records.agencies}
    units: dict[str, list[int]] = {}
    if units_mode == "period":
        for agency in records.agencies:
            if agency.valid_from <= date_to and (agency.valid_to is None or agency.valid_to >= date_from):
                units[agency.code] = counts.get(agency.code) or [0] * SLOTS
    else:
        for agency in records.agencies:
            if not agency.has_ended:
                units[agency.code] = [0] * SLOTS
        for agency in records.agencies:
            target = _fold_target(agency, agencies)
            own = counts.get(agency.code)
            if target is None or own is None:
                continue
            folded = units[target]
            for slot in range(SLOTS):
                folded[slot] += own[slot]

    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "province": _render(province),
        "units": {code: _render(row) for code, row in units.items()},
    }


def compute_index_scores(
    kpis: Mapping[str, Any], config: Mapping[str, tuple[Decimal, Decimal]] | None = None
) -> dict[str, Any]:
    """National index scores from a ``compute_kpis`` object: score = P × min(1, ratio / T) per indicator.

    ``config`` maps indicator code → (points P, threshold T); the registry's by default. The ratio is the exact
    numerator/denominator where there is one (satisfaction_rate: its value); the score is rounded half up to 4
    decimals; null when the ratio is null. ``total`` adds the scores that are not null.
    """
    config = index_config() if config is None else config

    def score(figures: Mapping[str, Any]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        total = Fraction(0)
        maximum = Fraction(0)
        for code, (points, threshold) in config.items():
            figure = figures.get(code) or {}
            if figure.get("denominator"):
                ratio: Fraction | None = Fraction(figure["numerator"], figure["denominator"])
            elif figure.get("value") is not None:
                ratio = Fraction(Decimal(str(figure["value"])))
            else:
                ratio = None
            p = Fraction(points)
            maximum += p
            if ratio is None:
                value = None
            else:
                exact = p * min(Fraction(1), ratio / Fraction(threshold))
                total += exact
                value = float(round_half_up(exact))
            out[code] = {"points": float(points), "threshold": float(threshold), "score": value}
        return {"indicators": out, "total": float(round_half_up(total)), "max": float(maximum)}

    return {
        "from": kpis.get("from"),
        "to": kpis.get("to"),
        "province": score(kpis["province"]),
        "units": {code: score(figures) for code, figures in kpis.get("units", {}).items()},
    }
