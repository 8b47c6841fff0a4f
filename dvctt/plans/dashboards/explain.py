""" "Explain this number": the exact items behind a numerator or a denominator.

For every indicator and part, a queryset whose rows are the very set the figure counts (so its ``count()`` is
the figure): dossier facts for the dossier indicators, catalogue entries for the catalogue indicators,
officials for ``official_usage_rate``, (unit, procedure) pairs from the rollups for
``services_with_online_dossiers_rate``. The conditions restate kpi.py's identities on the facts (monitoring.facts:
days of reception ``r``, end ``e``, completion ``c`` and the late threshold ``l``); tests compare every count
with the figure on the sample data, for the province and units, both units modes.

Scope: ``unit_ids`` None is the province (every record); otherwise the unit and, in "current" mode, the units
folded into it (selectors.folded_unit_ids). The catalogue of a unit counts each (version, unit listed) pair,
the province each procedure once; officials count once per (unit, national id), as the figures do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Exists, Max, OuterRef, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dvctt.accounts.models import Official
from dvctt.agencies.models import Unit
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.common.masking import mask_id
from dvctt.complaints.models import ComplaintRating, ComplaintState
from dvctt.dossiers.states import Status
from dvctt.monitoring import guided
from dvctt.monitoring.indicators import BY_CODE
from dvctt.monitoring.kpi import cover
from dvctt.monitoring.models import DossierFact, KpiCount
from dvctt.monitoring.rollups import Metric
from dvctt.plans import index_figures
from dvctt.plans.dashboards.periods import Period
from dvctt.plans.index_config import INDEX_ONLY

NUMERATOR, DENOMINATOR = "tu", "mau"
LATE, TO_PROCESS, COMPLAINTS, RECEIVED = "trehan", "phaigiaiquyet", "phananh", "tiepnhan"
#: The online rate's third list: its online dossiers filed by an officer for the applicant (monitoring.assisted).
ASSISTED = "nopthay"
#: The guidance rate's third list: officials in post who guided no one in the period (monitoring.guided).
NOT_GUIDED = "chuahuongdan"
PART_LABELS: dict[str, str | Promise] = {
    NUMERATOR: _("Tử số"),
    DENOMINATOR: _("Mẫu số"),
    LATE: _("Hồ sơ trễ hạn"),
    TO_PROCESS: _("Hồ sơ phải giải quyết"),
    COMPLAINTS: _("Hồ sơ có phản ánh"),
    RECEIVED: _("Hồ sơ tiếp nhận"),
    ASSISTED: _("Cán bộ nộp thay"),
    NOT_GUIDED: _("Cán bộ chưa hướng dẫn"),
}
SATISFACTION_PARTS = (LATE, TO_PROCESS, COMPLAINTS, RECEIVED)
CATALOGUE_INDICATORS = frozenset({"full_process_coverage", "national_portal_integration_rate"})
DOSSIERS, PROCEDURES, PAIRS, OFFICIALS = "dossiers", "procedures", "pairs", "officials"


def parts_of(code: str) -> tuple[str, ...]:
    if code == "online_dossier_rate":
        return (NUMERATOR, DENOMINATOR, ASSISTED)
    if code == guided.CODE:
        return (NUMERATOR, DENOMINATOR, NOT_GUIDED)
    return SATISFACTION_PARTS if code == "satisfaction_rate" else (NUMERATOR, DENOMINATOR)


def kind_of(code: str) -> str:
    if code in INDEX_ONLY:
        return index_figures.kind_of(code)
    if code in CATALOGUE_INDICATORS:
        return PROCEDURES
    if code in ("official_usage_rate", guided.CODE):
        return OFFICIALS
    if code == "services_with_online_dossiers_rate":
        return PAIRS
    return DOSSIERS


# Dossiers -------------------------------------------------------------------------------------------------


def _dossier_q(code: str, part: str, f: date, t: date) -> Q:
    received = Q(r_day__gte=f, r_day__lte=t)
    # kpi.py counts a completion only for a dossier received by the period's end (always so unless irregular).
    completed = Q(c_day__gte=f, c_day__lte=t, r_day__isnull=False, r_day__lte=t)
    to_process = Q(r_day__isnull=False, r_day__lte=t) & (Q(e_day__isnull=True) | Q(e_day__gte=f))
    open_at_end = Q(e_day__isnull=True) | Q(e_day__gt=t)
    late = to_process & (Q(e_day__gte=f, e_day__lte=t, late_at_end=True) | open_at_end & Q(l_day__lte=t))
    on_time = to_process & (
        open_at_end & (Q(l_day__isnull=True) | Q(l_day__gt=t))
        | Q(e_day__gte=f, e_day__lte=t, late_at_end=False)
    )
    table: dict[tuple[str, str], Q] = {
        ("online_dossier_rate", NUMERATOR): received & Q(online=True),
        ("online_dossier_rate", DENOMINATOR): received,
        ("online_dossier_rate", ASSISTED): received & Q(online=True, assisted=True),
        ("online_processing_rate", NUMERATOR): received & Q(offered_at_r=True, online=True),
        ("online_processing_rate", DENOMINATOR): received & Q(offered_at_r=True),
        ("on_time_rate", NUMERATOR): on_time,
        ("on_time_rate", DENOMINATOR): to_process,
        ("online_payment_rate", NUMERATOR): received & Q(paid_online=True),
        ("online_payment_rate", DENOMINATOR): received & Q(fees=True),
        ("e_result_rate", NUMERATOR): completed & Q(document_at_r=True, e_result=True),
        ("e_result_rate", DENOMINATOR): completed & Q(document_at_r=True),
        ("digitisation_rate", NUMERATOR): received & Q(digitised=True) & _not_lacking_e(f, t),
        ("digitisation_rate", DENOMINATOR): received,
        ("sync_rate", NUMERATOR): received & Q(synced=True),
        ("sync_rate", DENOMINATOR): received,
        ("satisfaction_rate", LATE): late,
        ("satisfaction_rate", TO_PROCESS): to_process,
        ("satisfaction_rate", COMPLAINTS): received & Q(complaint=True),
        ("satisfaction_rate", RECEIVED): received,
    }
    return table[code, part]


def _not_lacking_e(f: date, t: date) -> Q:
    """Not (completed in the period, document result at receipt, no electronic result), written out so that
    NULL days read as "not completed" (a negated Q would need IS NOT NULL guards on every column)."""
    return (
        Q(c_day__isnull=True)
        | Q(c_day__lt=f)
        | Q(c_day__gt=t)
        | Q(r_day__isnull=True)
        | Q(r_day__gt=t)
        | Q(document_at_r=False)
        | Q(e_result=True)
    )


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


def explain_dossiers(*, code: str, part: str, period: Period, unit_ids: set[int] | None) -> QuerySet[Any]:
    qs = DossierFact.objects.filter(_dossier_q(code, part, period.date_from, period.date_to))
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs.values(*DOSSIER_VALUES).order_by("dossier_id")


# Catalogue ------------------------------------------------------------------------------------------------


def _catalogue_q(code: str, part: str, prefix: str = "") -> Q:
    table: dict[tuple[str, str], dict[str, object]] = {
        ("full_process_coverage", NUMERATOR): {"eligible_full_process": True, "online_level": 4},
        ("full_process_coverage", DENOMINATOR): {"eligible_full_process": True},
        ("national_portal_integration_rate", NUMERATOR): {"online_level": 4, "integrated_national": True},
        ("national_portal_integration_rate", DENOMINATOR): {"online_level": 4},
    }
    conditions = table[code, part]
    return Q(**{prefix + key: value for key, value in conditions.items()})


def explain_procedures(*, code: str, part: str, period: Period, unit_ids: set[int] | None) -> QuerySet[Any]:
    in_force = catalogue_on(on=period.date_to)
    if unit_ids is None:
        return (
            in_force.filter(_catalogue_q(code, part))
            .values("procedure__code", "name", "online_level", "eligible_full_process", "integrated_national")
            .order_by("procedure__code")
        )
    through = ProcedureVersion.units.through
    return (
        through.objects.filter(
            _catalogue_q(code, part, "procedureversion__"),
            procedureversion__in=in_force,
            unit_id__in=unit_ids,
        )
        .values(
            "procedureversion__procedure__code",
            "procedureversion__name",
            "procedureversion__online_level",
            "procedureversion__eligible_full_process",
            "procedureversion__integrated_national",
            "unit__code",
        )
        .order_by("procedureversion__procedure__code", "unit__code")
    )


# Service pairs --------------------------------------------------------------------------------------------


def _period_q(period: Period) -> Q:
    q = Q(pk__in=[])
    for grain, lo, hi in cover(period.date_from, period.date_to):
        q |= Q(grain=grain, day__gte=lo, day__lte=hi)
    return q


def explain_pairs(*, code: str, part: str, period: Period, unit_ids: set[int] | None) -> QuerySet[Any]:
    """(unit, procedure) pairs of dossiers received in the period whose procedure is offered online on its last
    day; the numerator keeps those with an online dossier."""
    offered = catalogue_on(on=period.date_to).filter(online_level__in=(3, 4)).values("procedure_id")
    qs = KpiCount.objects.filter(
        _period_q(period), metric__in=[Metric.PAIR, Metric.PAIR_ONLINE], procedure_id__in=offered
    )
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    grouped = (
        qs.values("unit_id", "procedure_id")
        .annotate(
            received=Sum("value", filter=Q(metric=Metric.PAIR)),
            online=Sum("value", filter=Q(metric=Metric.PAIR_ONLINE)),
        )
        .order_by("unit_id", "procedure_id")
    )
    return grouped.filter(online__gt=0) if part == NUMERATOR else grouped.filter(received__gt=0)


# Officials ------------------------------------------------------------------------------------------------


def _applied_online(period: Period) -> Exists:
    """True for an official (``national_id``) who is the applicant of an online dossier submitted in the period.

    A correlated EXISTS, one probe of the facts' partial index (online, applicant_id, s_day) per official: the
    officials of a unit are a few dozen, the online applicants of a year millions (``NOT IN`` their list took
    2 s at 10M dossiers)."""
    return Exists(
        DossierFact.objects.filter(
            applicant_id=OuterRef("national_id"),
            online=True,
            s_day__gte=period.date_from,
            s_day__lte=period.date_to,
        )
    )


def officials_in_post(*, period: Period, unit_ids: set[int] | None) -> QuerySet[Any]:
    on = period.date_to
    qs = Official.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
    if unit_ids is not None:
        qs = qs.filter(unit_id__in=unit_ids)
    return qs


def _official_rows(qs: QuerySet[Any]) -> QuerySet[Any]:
    # One row per (unit, national id): the figure counts a person once per unit.
    return (
        qs.values("unit__code", "national_id")
        .annotate(full_name=Max("full_name"))
        .order_by("unit__code", "national_id")
    )


def explain_officials(*, code: str, part: str, period: Period, unit_ids: set[int] | None) -> QuerySet[Any]:
    qs = officials_in_post(period=period, unit_ids=unit_ids)
    if code == guided.CODE:
        # who guided (or not) a relative's online dossier submitted in the period (monitoring.guided)
        guiding = guided.guided_exists(date_from=period.date_from, date_to=period.date_to)
        if part == NUMERATOR:
            qs = qs.filter(guiding)
        elif part == NOT_GUIDED:
            qs = qs.filter(~guiding)
    elif part == NUMERATOR:
        qs = qs.filter(_applied_online(period))
    return _official_rows(qs)


def officials_not_using(*, period: Period, unit_ids: set[int]) -> QuerySet[Any]:
    """Officials in post on the period's last day who applied for nothing online in the period."""
    return _official_rows(
        officials_in_post(period=period, unit_ids=unit_ids).filter(~_applied_online(period))
    )


# One entry point ------------------------------------------------------------------------------------------

Column = tuple[str | Promise, Callable[[dict[str, Any]], Any]]


def _local(moment: datetime | None) -> datetime | None:
    return None if moment is None else timezone.localtime(moment)


def _yes(flag: bool) -> str:
    return str(_("có")) if flag else str(_("không"))


def _status(value: int | None) -> str:
    if value is None:
        return ""
    try:
        return str(Status(value).label)
    except ValueError:
        return str(value or "")


@dataclass(frozen=True, slots=True)
class Listing:
    kind: str
    rows: QuerySet[Any]
    columns: tuple[Column, ...]
    has_names: bool = False
    # Filled per page for pairs: codes and names need the unit and catalogue (one query each per page).
    enrich: Callable[[list[dict[str, Any]]], list[dict[str, Any]]] | None = None

    def cells(self, rows: list[dict[str, Any]]) -> Iterator[list[Any]]:
        if self.enrich is not None:
            rows = self.enrich(rows)
        for row in rows:
            yield [getter(row) for _label, getter in self.columns]


DOSSIER_COLUMNS: tuple[Column, ...] = (
    (_("Mã hồ sơ"), lambda r: r["dossier__code"]),
    (_("Đơn vị"), lambda r: r["dossier__unit__code"]),
    (_("Mã TTHC"), lambda r: r["dossier__procedure__code"]),
    (_("Tên thủ tục"), lambda r: r["dossier__procedure_version__name"] or ""),
    (_("Tiếp nhận"), lambda r: _local(r["dossier__received_at"])),
    (_("Hẹn trả"), lambda r: _local(r["dossier__due_at"])),
    (_("Kết thúc xử lý"), lambda r: _local(r["dossier__ended_at"])),
    (_("Trạng thái"), lambda r: _status(r["dossier__status"])),
)


def _procedure_columns(unit: bool) -> tuple[Column, ...]:
    p = "procedureversion__" if unit else ""
    columns: tuple[Column, ...] = (
        (_("Mã TTHC"), lambda r: r[p + "procedure__code"]),
        (_("Tên thủ tục"), lambda r: r[p + "name"]),
        (_("Mức độ"), lambda r: r[p + "online_level"]),
        (_("Đủ điều kiện toàn trình"), lambda r: _yes(r[p + "eligible_full_process"])),
        (_("Tích hợp Cổng DVCQG"), lambda r: _yes(r[p + "integrated_national"])),
    )
    if unit:
        columns += ((_("Đơn vị thực hiện"), lambda r: r["unit__code"]),)
    return columns


PAIR_COLUMNS: tuple[Column, ...] = (
    (_("Đơn vị"), lambda r: r.get("unit_code", "")),
    (_("Mã TTHC"), lambda r: r.get("procedure_code", "")),
    (_("Tên thủ tục"), lambda r: r.get("procedure_name", "")),
    (_("Hồ sơ tiếp nhận"), lambda r: r["received"] or 0),
    (_("Hồ sơ trực tuyến"), lambda r: r["online"] or 0),
)


def official_columns(*, names: bool) -> tuple[Column, ...]:
    columns: tuple[Column, ...] = ((_("Đơn vị"), lambda r: r["unit__code"]),)
    if names:
        columns += ((_("Họ và tên"), lambda r: r["full_name"]),)
    columns += ((_("Số định danh"), lambda r: mask_id(r["national_id"])),)
    return columns


def _pairs_enricher(period: Period) -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    def enrich(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
        unit_ids = {r["unit_id"] for r in rows}
        procedure_ids = {r["procedure_id"] for r in rows}
        units = dict(Unit.objects.filter(pk__in=unit_ids).values_list("pk", "code")) if unit_ids else {}
        names = (
            {
                pid: (code, name)
                for pid, code, name in catalogue_on(on=period.date_to)
                .filter(procedure_id__in=procedure_ids)
                .values_list("procedure_id", "procedure__code", "name")
            }
            if procedure_ids
            else {}
        )
        return [
            r
            | {
                "unit_code": units.get(r["unit_id"], ""),
                "procedure_code": names.get(r["procedure_id"], ("", ""))[0],
                "procedure_name": names.get(r["procedure_id"], ("", ""))[1],
            }
            for r in rows
        ]

    return enrich


def explain_listing(
    *, code: str, part: str, period: Period, unit_ids: set[int] | None, names: bool = False
) -> Listing:
    """The items behind ``part`` of indicator ``code`` (the caller has checked both and the reader's access)."""
    if code in INDEX_ONLY:
        return _index_only_listing(code=code, part=part, period=period, unit_ids=unit_ids)
    kind = kind_of(code)
    if kind == PROCEDURES:
        return Listing(
            kind,
            explain_procedures(code=code, part=part, period=period, unit_ids=unit_ids),
            _procedure_columns(unit_ids is not None),
        )
    if kind == OFFICIALS:
        return Listing(
            kind,
            explain_officials(code=code, part=part, period=period, unit_ids=unit_ids),
            official_columns(names=names),
            has_names=names,
        )
    if kind == PAIRS:
        return Listing(
            kind,
            explain_pairs(code=code, part=part, period=period, unit_ids=unit_ids),
            PAIR_COLUMNS,
            enrich=_pairs_enricher(period),
        )
    return Listing(
        kind, explain_dossiers(code=code, part=part, period=period, unit_ids=unit_ids), DOSSIER_COLUMNS
    )


def figure_for(code: str, part: str, figures: dict[str, Any]) -> int | None:
    """The count the listing must have: the figure's numerator or denominator; for satisfaction's parts, the
    counts it is computed from (late = P − on-time, P, R; complaints are not in the figures: None). The assisted
    list's count is not in the figures either (monitoring.assisted): None."""
    if part == ASSISTED:
        return None
    if part == NOT_GUIDED:
        raw = figures.get(code) or {}
        if raw.get("denominator") is None:
            return None
        return int(raw["denominator"]) - int(raw["numerator"])
    if code != "satisfaction_rate":
        raw = figures.get(code) or {}
        return raw.get("numerator" if part == NUMERATOR else "denominator")
    on_time = figures.get("on_time_rate") or {}
    received = (figures.get("online_dossier_rate") or {}).get("denominator")
    if part == LATE and on_time.get("denominator") is not None:
        return int(on_time["denominator"]) - int(on_time["numerator"])
    if part == TO_PROCESS:
        return on_time.get("denominator")
    if part == RECEIVED:
        return received
    return None


def indicator_exists(code: str) -> bool:
    return code in BY_CODE or code in INDEX_ONLY


# The index's own indicators (plans.index_figures) -----------------------------------------------------------

COMPLAINT_COLUMNS: tuple[Column, ...] = (
    (_("Số PAKN"), lambda r: r["pk"]),
    (_("Đơn vị"), lambda r: r["unit__code"]),
    (_("Mã hồ sơ"), lambda r: r["dossier__code"]),
    (_("Tiếp nhận"), lambda r: _local(r["received_at"])),
    (_("Hạn trả lời"), lambda r: _local(r["due_at"])),
    (_("Trả lời"), lambda r: _local(r["answered_at"])),
    (_("Tình trạng"), lambda r: str(ComplaintState(r["state"]).label)),
    (_("Đánh giá"), lambda r: "" if r["rating"] is None else str(ComplaintRating(r["rating"]).label)),
)


def _index_only_listing(*, code: str, part: str, period: Period, unit_ids: set[int] | None) -> Listing:
    kind = index_figures.kind_of(code)
    rows = index_figures.explain_index_only(
        code=code,
        numerator=part == NUMERATOR,
        date_from=period.date_from,
        date_to=period.date_to,
        unit_ids=unit_ids,
    )
    if kind == PROCEDURES:
        return Listing(kind, rows, _procedure_columns(unit_ids is not None))
    if kind == index_figures.COMPLAINTS:
        return Listing(kind, rows, COMPLAINT_COLUMNS)
    return Listing(kind, rows, DOSSIER_COLUMNS)
