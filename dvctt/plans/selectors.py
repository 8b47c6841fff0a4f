"""Reads: plans and targets, the index configuration in force, PAR rules, and scores over the KPI engine.

The score selectors are thin: they fetch the KPI object from ``dvctt.monitoring.kpi.kpi_compute`` and the
configuration from the database, then call the pure functions of ``scores.py``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.monitoring.indicators import BY_CODE
from dvctt.plans.index_config import code_config_on, default_index_config
from dvctt.plans.models import IndexConfig, IndexItem, ParCriterion, Plan, Target
from dvctt.plans.scores import (
    IndexConfigData,
    IndexItemData,
    ParCriterionData,
    forecast_year_end,
    index_scores,
    par_scores,
    ratio_of,
    target_status,
)
from dvctt.plans.sheets import UnitInfo, plan_indicators

UNITS_MODES = ("period", "current")
LEVEL_ORDER: dict[str, int] = {
    UnitLevel.PROVINCE: 0,
    UnitLevel.DEPARTMENT: 1,
    UnitLevel.DISTRICT: 2,
    UnitLevel.COMMUNE: 3,
}
#: Indicators whose monthly counts add up to the year's (dossiers received or completed in the period). The
#: catalogue, officials, service pairs and to-process counts are snapshots or distinct sets: no forecast.
FORECASTABLE = frozenset(
    {
        "online_dossier_rate",
        "online_processing_rate",
        "online_payment_rate",
        "e_result_rate",
        "digitisation_rate",
        "sync_rate",
    }
)


# Plans and targets ------------------------------------------------------------------------------------------


def plan_list() -> QuerySet[Plan]:
    return Plan.objects.annotate(
        province_target_count=Count("targets", filter=Q(targets__unit__isnull=True)),
        unit_target_count=Count("targets", filter=Q(targets__unit__isnull=False)),
    ).order_by("-start_year", "decision_number")


def plan_get(*, plan_id: int) -> Plan:
    plan = Plan.objects.filter(pk=plan_id).first()
    if plan is None:
        raise NotFoundError(_("Không tìm thấy kế hoạch số hiệu %(id)s.") % {"id": plan_id})
    return plan


def targets_of(*, plan: Plan, year: int | None = None) -> QuerySet[Target]:
    # The province's row (no unit) first on every database (PostgreSQL sorts NULL last by default).
    qs = plan.targets.select_related("unit").order_by(
        "year", F("unit__code").asc(nulls_first=True), "indicator"
    )
    return qs if year is None else qs.filter(year=year)


def units_active_in(*, year: int) -> QuerySet[Unit]:
    """Units that exist on some day of ``year`` (a district ended on 30/06/2025 still has 2025 targets)."""
    return Unit.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=date(year, 1, 1)), valid_from__lte=date(year, 12, 31)
    ).order_by("code")


def unit_infos() -> dict[str, UnitInfo]:
    return {
        code: UnitInfo(code, name, valid_from, valid_to)
        for code, name, valid_from, valid_to in Unit.objects.values_list(
            "code", "name", "valid_from", "valid_to"
        )
    }


@dataclass
class GridRow:
    code: str | None  # None: the province
    name: str
    level: str
    values: dict[str, Target | None] = field(default_factory=dict)


@dataclass
class TargetGrid:
    year: int
    indicators: list[Any]
    rows: list[GridRow]


def target_grid(*, plan: Plan, year: int) -> TargetGrid:
    """Province row, then every unit active in ``year`` (and any other unit holding a target that year)."""
    indicators = plan_indicators()
    targets = list(targets_of(plan=plan, year=year))
    by_key = {(t.unit.code if t.unit else None, t.indicator): t for t in targets}
    units = sorted(units_active_in(year=year), key=lambda u: (LEVEL_ORDER.get(u.level, 9), u.code))
    known = {u.code for u in units}
    units += sorted({t.unit for t in targets if t.unit and t.unit.code not in known}, key=lambda u: u.code)
    rows = [GridRow(None, _("Toàn tỉnh"), "")]
    rows += [GridRow(u.code, u.name, u.get_level_display()) for u in units]
    for row in rows:
        row.values = {i.code: by_key.get((row.code, i.code)) for i in indicators}
    return TargetGrid(year=year, indicators=indicators, rows=rows)


# Index configuration and PAR rules --------------------------------------------------------------------------


def index_config_in_force(*, on: date) -> IndexConfigData:
    """The version valid on ``on``: of the stored versions and the code's (index_config.CODE_VERSIONS), the one
    with the latest start ≤ on (a stored one wins a tie); the registry's default when none has started."""
    config = (
        IndexConfig.objects.filter(valid_from__lte=on)
        .prefetch_related(Prefetch("items", queryset=IndexItem.objects.order_by("ref", "indicator")))
        .order_by("-valid_from")
        .first()
    )
    code_start, code_config = code_config_on(on)
    if config is None or (code_start <= on and code_start > config.valid_from):
        return code_config if code_start <= on else default_index_config()
    return IndexConfigData(
        version=config.version,
        group_points={group: Decimal(str(points)) for group, points in config.group_points.items()},
        items=tuple(
            IndexItemData(
                group=i.group, indicator=i.indicator, points=i.points, threshold=i.threshold, ref=i.ref
            )
            for i in config.items.all()
        ),
    )


def par_criteria_of(*, year: int) -> QuerySet[ParCriterion]:
    return ParCriterion.objects.filter(year=year).order_by("indicator")


def par_criteria_data(*, year: int) -> list[ParCriterionData]:
    return [
        ParCriterionData(
            indicator=c.indicator,
            points=c.points,
            threshold=c.threshold,
            rule=c.rule,
            steps=tuple(tuple(step) for step in c.steps),
            label=c.label or str(BY_CODE[c.indicator].name),
        )
        for c in par_criteria_of(year=year)
    ]


def par_years() -> list[int]:
    return list(ParCriterion.objects.values_list("year", flat=True).distinct().order_by("-year"))


# KPIs and scores --------------------------------------------------------------------------------------------


def check_period(date_from: date, date_to: date) -> None:
    if date_from > date_to:
        raise DomainError(
            _("Kỳ không hợp lệ: ngày bắt đầu %(f)s sau ngày kết thúc %(t)s.")
            % {"f": date_from.strftime("%d/%m/%Y"), "t": date_to.strftime("%d/%m/%Y")},
            fields={"from": ["after_to"]},
        )


class KpiUnavailable(DomainError):
    code = "kpi_unavailable"
    http_status = 503


def _kpi_engine() -> Callable[..., dict[str, Any]]:
    try:
        module = importlib.import_module("dvctt.monitoring.kpi")
    except ModuleNotFoundError:
        raise KpiUnavailable(_("Chưa có bộ tính chỉ số từ cơ sở dữ liệu.")) from None
    engine: Callable[..., dict[str, Any]] = module.kpi_compute
    return engine


def kpis_for(*, date_from: date, date_to: date, units_mode: str = "period") -> dict[str, Any]:
    check_period(date_from, date_to)
    if units_mode not in UNITS_MODES:
        raise DomainError(_("Cách gộp đơn vị “%(m)s” không hợp lệ.") % {"m": units_mode})
    return _kpi_engine()(date_from=date_from, date_to=date_to, units_mode=units_mode)


def year_period(year: int, *, today: date | None = None) -> tuple[date, date]:
    """The year so far: 1/1 to 31/12, or to today for the running year (a future year is refused)."""
    today = today or timezone.localdate()
    if year > today.year:
        raise DomainError(_("Năm %(year)s chưa bắt đầu.") % {"year": year})
    return date(year, 1, 1), min(date(year, 12, 31), today)


def index_scores_for(*, date_from: date, date_to: date, units_mode: str = "period") -> dict[str, Any]:
    """The national index of a period (province and units), with the configuration in force on its last day and
    the figures that configuration needs beyond the KPI engine's (plans.index_figures)."""
    from dvctt.plans.index_figures import kpis_with_index_figures

    kpis = kpis_for(date_from=date_from, date_to=date_to, units_mode=units_mode)
    config = index_config_in_force(on=date_to)
    kpis = kpis_with_index_figures(kpis, config, date_from=date_from, date_to=date_to, units_mode=units_mode)
    return index_scores(kpis, config)


def par_scores_for(*, year: int, units_mode: str = "period", today: date | None = None) -> dict[str, Any]:
    criteria = par_criteria_data(year=year)
    date_from, date_to = year_period(year, today=today)
    kpis = kpis_for(date_from=date_from, date_to=date_to, units_mode=units_mode)
    result = par_scores(kpis, criteria)
    result["year"] = year
    result["criteria"] = [
        {"indicator": c.indicator, "label": c.label, "points": float(c.points)} for c in criteria
    ]
    return result


def target_progress(*, plan: Plan, year: int, today: date | None = None) -> list[dict[str, Any]]:
    """Each target of the year with the value so far, the year-end forecast and its status.

    One KPI computation for the year so far; for a running year, also one per month so far for the
    forecast of the indicators in ``FORECASTABLE`` (a finished year needs no forecast).
    """
    today = today or timezone.localdate()
    date_from, date_to = year_period(year, today=today)
    kpis = kpis_for(date_from=date_from, date_to=date_to)
    targets = list(targets_of(plan=plan, year=year))
    monthly: list[dict[str, Any]] = []
    if date_to < date(year, 12, 31) and any(t.indicator in FORECASTABLE for t in targets):
        for month in range(1, date_to.month + 1):
            start = date(year, month, 1)
            end = date(year, month + 1, 1) if month < 12 else date(year + 1, 1, 1)
            end = min(date_to, date.fromordinal(end.toordinal() - 1))
            monthly.append(kpis_for(date_from=start, date_to=end))
    rows = []
    for target in targets:
        code = target.unit.code if target.unit else None
        figures = kpis["province"] if code is None else kpis.get("units", {}).get(code, {})
        ratio = ratio_of(figures.get(target.indicator))
        value = None if ratio is None else float(ratio)
        series: list[tuple[int, int] | None] = []
        for month_kpis in monthly if target.indicator in FORECASTABLE else []:
            scope = month_kpis["province"] if code is None else month_kpis.get("units", {}).get(code, {})
            figure = scope.get(target.indicator) or {}
            if figure.get("denominator") is None:
                series.append(None)
            else:
                series.append((int(figure["numerator"]), int(figure["denominator"])))
        forecast = forecast_year_end(series) if series else None
        rows.append(
            {
                "target": target,
                "unit_code": code,
                "value": value,
                "forecast": forecast,
                "status": target_status(value, target.value, kind=target.kind, forecast=forecast),
            }
        )
    return rows
