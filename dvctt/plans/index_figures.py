"""The national index's figures that the KPI engine has no figure for (``index_config.INDEX_ONLY``), and the items
behind each of them ("explain this number").

Same conventions as spec/indicators.md: a period is ``[from 00:00, to + 1 day 00:00)`` local time; test dossiers
and inter-agency children are excluded (the dossier facts hold neither); a unit's value uses the dossiers whose
processing unit it is, the procedures whose version in force on ``to`` lists it, the complaints addressed to it;
the province's dossier and complaint figures are the sums of the units', its catalogue figures count each
procedure once. Ratios are rounded half up to 4 decimals, ``null`` on a zero denominator. Units mode "current"
folds an ended unit's counts into its heir (agencies.selectors.unit_heir_map), as the KPI engine does.

Definitions (formula texts in index_config.INDEX_ONLY):
- ``online_offered_rate`` (3.1): catalogue on ``to`` with level 3 or 4 / catalogue on ``to``.
- ``fee_procedures_online_rate`` (3.4): catalogue on ``to`` with fees and level 3 or 4 / catalogue on ``to``
  with fees (``has_fees`` or a fee line above 0). The platform takes every fee of an online dossier online
  (docs/payments.md): a fee procedure offered online is one whose fees can be paid online.
- ``online_submission_rate`` (3.3): R online, except those whose procedure's result is a paper-type document and
  that have no electronic result / R (domain.md §7, 3.3).
- ``data_reuse_rate`` (4.3): R with at least one component taken from the repository (``DuocLayTuKhoDMQG``) or
  reused from the applicant's stored papers ("Giấy tờ của tôi", ``DuocTaiSuDung``) / R.
- ``complaint_on_time_rate`` (5.2): PAKN to answer = received before the period end and not answered before its
  start; late = answered in the period after its due time, or still unanswered at the period end with a due
  time before it; numerator = to answer − late. A PAKN without a due time (filed before handling existed) is
  never late, like a dossier without an appointment.
- ``complaint_satisfaction_rate`` (5.3): ratings of answers given in the period that are "rất hài lòng" or
  "hài lòng" / ratings given in the period.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from fractions import Fraction
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet

from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_heir_map
from dvctt.catalog.models import FeeLine, ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.complaints.models import Complaint
from dvctt.dossiers.models import DossierFile
from dvctt.monitoring.models import DossierFact
from dvctt.monitoring.reference import round_half_up_float
from dvctt.plans.index_config import INDEX_ONLY
from dvctt.plans.scores import IndexConfigData

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
DOSSIERS, PROCEDURES, COMPLAINTS = "dossiers", "procedures", "complaints"
CATALOGUE_CODES = frozenset({"online_offered_rate", "fee_procedures_online_rate"})
DOSSIER_CODES = frozenset({"online_submission_rate", "data_reuse_rate"})
COMPLAINT_CODES = frozenset({"complaint_on_time_rate", "complaint_satisfaction_rate"})
ONLINE_LEVELS = (3, 4)

Counts = dict[str, tuple[int, int]]  # code → (numerator, denominator)


def kind_of(code: str) -> str:
    if code in CATALOGUE_CODES:
        return PROCEDURES
    if code in COMPLAINT_CODES:
        return COMPLAINTS
    return DOSSIERS


def figure(numerator: int, denominator: int) -> dict[str, Any]:
    value = None if not denominator else round_half_up_float(Fraction(numerator, denominator))
    return {"numerator": numerator, "denominator": denominator, "value": value}


def bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """The period's start and end (exclusive) as aware local datetimes."""
    return (
        datetime.combine(date_from, time.min, tzinfo=TZ),
        datetime.combine(date_to + timedelta(days=1), time.min, tzinfo=TZ),
    )


# Conditions (shared by the figures and the lists, so a list's count is its figure) ---------------------------


def _received(f: date, t: date) -> Q:
    return Q(r_day__gte=f, r_day__lte=t)


def _reused() -> Exists:
    return Exists(
        DossierFile.objects.filter(dossier_id=OuterRef("dossier_id")).filter(
            Q(reused_from_repository=True) | Q(reused_from__isnull=False)
        )
    )


def dossier_q(code: str, numerator: bool, f: date, t: date) -> Q:
    received = _received(f, t)
    if not numerator:
        return received
    if code == "online_submission_rate":
        return received & Q(online=True) & (Q(document_at_r=False) | Q(e_result=True))
    if code == "data_reuse_rate":
        return received & Q(_reused())
    raise KeyError(code)


def _fees() -> Q:
    return Q(has_fees=True) | Q(Exists(FeeLine.objects.filter(version=OuterRef("pk"), amount__gt=0)))


def catalogue_q(code: str, numerator: bool) -> Q:
    online = Q(online_level__in=ONLINE_LEVELS)
    if code == "online_offered_rate":
        return online if numerator else Q()
    if code == "fee_procedures_online_rate":
        return _fees() & online if numerator else _fees()
    raise KeyError(code)


def complaint_q(code: str, numerator: bool, f: date, t: date) -> Q:
    start, end = bounds(f, t)
    counted = Q(dossier__is_test=False)
    if code == "complaint_satisfaction_rate":
        rated = counted & Q(rating__isnull=False, rated_at__gte=start, rated_at__lt=end)
        return rated & Q(rating__in=[2, 3]) if numerator else rated
    if code != "complaint_on_time_rate":
        raise KeyError(code)
    to_answer = counted & Q(received_at__lt=end) & (Q(answered_at__isnull=True) | Q(answered_at__gte=start))
    if not numerator:
        return to_answer
    answered_in = Q(answered_at__gte=start, answered_at__lt=end)
    open_at_end = Q(answered_at__isnull=True) | Q(answered_at__gte=end)
    return to_answer & (
        answered_in & (Q(due_at__isnull=True) | Q(answered_at__lte=F("due_at")))
        | open_at_end & (Q(due_at__isnull=True) | Q(due_at__gte=end))
    )


# Figures ----------------------------------------------------------------------------------------------------


def _grouped(qs: QuerySet[Any], field: str | None, parts: dict[str, Q]) -> dict[int | None, dict[str, int]]:
    """One aggregate query: for each named condition the count of rows, per ``field`` (None: in total)."""
    counts = {name: Count("pk", filter=condition) for name, condition in parts.items()}
    if field is None:
        return {None: {name: int(n or 0) for name, n in qs.aggregate(**counts).items()}}
    rows = qs.values(field).annotate(**counts).order_by()
    return {row[field]: {name: int(row[name] or 0) for name in parts} for row in rows}


def _parts(codes: list[str], q_of: Any) -> dict[str, Q]:
    parts: dict[str, Q] = {}
    for code in codes:
        parts[f"{code}:n"] = q_of(code, True)
        parts[f"{code}:d"] = q_of(code, False)
    return parts


def _merge(
    out: dict[int | None, Counts], grouped: dict[int | None, dict[str, int]], codes: list[str]
) -> None:
    for key, row in grouped.items():
        for code in codes:
            out[key][code] = (row[f"{code}:n"], row[f"{code}:d"])


def _counts(
    codes: Iterable[str], date_from: date, date_to: date, *, by_unit: bool
) -> dict[int | None, Counts]:
    """code → (numerator, denominator), per unit id (``by_unit``) or for the province (key None). One aggregate
    query per family (dossier facts, catalogue, complaints); the province's catalogue counts each procedure once.
    """
    out: dict[int | None, Counts] = defaultdict(dict)
    wanted = set(codes)
    f, t = date_from, date_to
    dossier_codes = sorted(wanted & DOSSIER_CODES)
    if dossier_codes:
        received = DossierFact.objects.filter(_received(f, t))
        parts = _parts(dossier_codes, lambda code, num: dossier_q(code, num, f, t))
        _merge(out, _grouped(received, "unit_id" if by_unit else None, parts), dossier_codes)
    catalogue_codes = sorted(wanted & CATALOGUE_CODES)
    if catalogue_codes:
        in_force = catalogue_on(on=t)
        if by_unit:
            through = ProcedureVersion.units.through.objects.filter(
                procedureversion__in=in_force.values("pk")
            )
            parts = _parts(
                catalogue_codes,
                lambda code, num: Q(
                    procedureversion__in=in_force.filter(catalogue_q(code, num)).values("pk")
                ),
            )
            _merge(out, _grouped(through, "unit_id", parts), catalogue_codes)
        else:
            parts = _parts(catalogue_codes, catalogue_q)
            _merge(out, _grouped(in_force, None, parts), catalogue_codes)
    complaint_codes = sorted(wanted & COMPLAINT_CODES)
    if complaint_codes:
        complaints = Complaint.objects.filter(unit__isnull=False)
        parts = _parts(complaint_codes, lambda code, num: complaint_q(code, num, f, t))
        _merge(out, _grouped(complaints, "unit_id" if by_unit else None, parts), complaint_codes)
    return out


def index_only_figures(
    *, codes: Iterable[str], date_from: date, date_to: date, units_mode: str = "period", units: bool = True
) -> dict[str, Any]:
    """``{"province": {code: figure}, "units": {unit code: {code: figure}}}`` for the index-only ``codes``
    (``units`` False: the province's alone, three queries at most)."""
    wanted = [code for code in codes if code in INDEX_ONLY]
    province = _counts(wanted, date_from, date_to, by_unit=False)[None]
    by_code: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(lambda: [0, 0]))
    if units:
        per_unit = _counts(wanted, date_from, date_to, by_unit=True)
        codes_of = dict(Unit.objects.filter(pk__in=per_unit.keys()).values_list("pk", "code"))
        heirs = unit_heir_map() if units_mode == "current" else None
        for unit_id, counts in per_unit.items():
            unit_code = codes_of.get(unit_id) if unit_id is not None else None
            target = unit_code if heirs is None or unit_code is None else heirs.get(unit_code)
            if target is None:
                continue
            for code, (num, den) in counts.items():
                by_code[target][code][0] += num
                by_code[target][code][1] += den
    return {
        "province": {code: figure(*province.get(code, (0, 0))) for code in wanted},
        "units": {unit: {code: figure(*counts[code]) for code in wanted} for unit, counts in by_code.items()},
    }


def index_only_codes(config: IndexConfigData) -> list[str]:
    return [item.indicator for item in config.items if not item.reason and item.indicator in INDEX_ONLY]


def kpis_with_index_figures(
    kpis: dict[str, Any], config: IndexConfigData, *, date_from: date, date_to: date, units_mode: str
) -> dict[str, Any]:
    """``kpis`` with the figures ``config`` needs and the KPI engine lacks (a new dict: cached KPI objects are
    not touched). Unchanged when the configuration needs none (version 2025.1)."""
    codes = index_only_codes(config)
    if not codes:
        return kpis
    units = kpis.get("units") or {}
    extra = index_only_figures(
        codes=codes, date_from=date_from, date_to=date_to, units_mode=units_mode, units=bool(units)
    )
    empty = {code: figure(0, 0) for code in codes}
    return dict(kpis) | {
        "province": dict(kpis.get("province") or {}) | extra["province"],
        "units": {
            code: dict(figures) | empty | extra["units"].get(code, {}) for code, figures in units.items()
        },
    }


# Explain lists ----------------------------------------------------------------------------------------------

DOSSIER_VALUES = (
    "dossier__code",
    "dossier__unit__code",
    "dossier__procedure__code",
    "dossier__procedure_version__name",
    "dossier__received_at",
    "dossier__due_at",
    "dossier__ended_at",
    "dossier__status",
)
PROCEDURE_VALUES = ("procedure__code", "name", "online_level", "eligible_full_process", "integrated_national")
COMPLAINT_VALUES = (
    "pk",
    "unit__code",
    "dossier__code",
    "subject",
    "received_at",
    "due_at",
    "answered_at",
    "state",
    "rating",
)


def explain_index_only(
    *, code: str, numerator: bool, date_from: date, date_to: date, unit_ids: set[int] | None
) -> QuerySet[Any]:
    """The rows behind the numerator or denominator of an index-only indicator (a unit's, or the province's when
    ``unit_ids`` is None). Row shapes: the dashboards' dossier and procedure lists, or complaints."""
    kind = kind_of(code)
    if kind == DOSSIERS:
        qs = DossierFact.objects.filter(dossier_q(code, numerator, date_from, date_to))
        if unit_ids is not None:
            qs = qs.filter(unit_id__in=unit_ids)
        return qs.values(*DOSSIER_VALUES).order_by("dossier_id")
    if kind == PROCEDURES:
        in_force = catalogue_on(on=date_to).filter(catalogue_q(code, numerator))
        if unit_ids is None:
            return in_force.values(*PROCEDURE_VALUES).order_by("procedure__code")
        through = ProcedureVersion.units.through
        return (
            through.objects.filter(procedureversion__in=in_force.values("pk"), unit_id__in=unit_ids)
            .values(*[f"procedureversion__{v}" for v in PROCEDURE_VALUES], "unit__code")
            .order_by("procedureversion__procedure__code", "unit__code")
        )
    complaints = Complaint.objects.filter(
        complaint_q(code, numerator, date_from, date_to), unit__isnull=False
    )
    if unit_ids is not None:
        complaints = complaints.filter(unit_id__in=unit_ids)
    return complaints.values(*COMPLAINT_VALUES).order_by("received_at", "pk")
