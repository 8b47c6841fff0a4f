"""Reads behind the dashboard pages: KPIs from the rollups (cached), targets, trend, ranking, a unit's page.

Figures come only from ``dvctt.monitoring.kpi.kpi_compute`` (rollups, never a scan of the dossiers), so every
number on a page equals the API's and the ``dvctt kpi`` command's. Each computed KPI object is kept in Django's
cache under its period, its units mode and a *data version* (:func:`data_version`): a change to the rollups,
the catalogue, the officials or the units changes the version within seconds, and the next page view
recomputes. The catalogue's counts on a day are kept apart under the catalogue's own version: a change of
dossiers does not make them read again. Scores, targets and statuses come from dvctt.plans (pure functions over
the KPI object).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Sum, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.selectors import unit_heir_map
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.common.errors import NotFoundError
from dvctt.dossiers.models import Dossier
from dvctt.monitoring import assisted as assisted_share
from dvctt.monitoring import guided
from dvctt.monitoring import reference as ref
from dvctt.monitoring.indicators import BY_CODE, INDICATORS, NATIONAL_INDEX, PLAN, Indicator
from dvctt.monitoring.kpi import (
    PROVINCE_KEY,
    CatalogueDay,
    CatalogueReader,
    catalogue_days,
    cover,
    kpi_compute,
    kpi_counts_many,
)
from dvctt.monitoring.models import KpiCount
from dvctt.monitoring.rollups import Metric
from dvctt.plans.dashboards.periods import Period, month_periods
from dvctt.plans.index_figures import kpis_with_index_figures
from dvctt.plans.models import IndexGroup, Plan, Target
from dvctt.plans.scores import forecast_year_end, index_scores, target_status
from dvctt.plans.selectors import FORECASTABLE, index_config_in_force

CACHE_SECONDS = 15 * 60
#: Tables whose changes move any figure: rollups and facts, catalogue, officials, units, targets and the index.
VERSION_TABLES = (
    "monitoring_kpiunitcount",
    "monitoring_kpicount",
    "monitoring_kpispancount",
    "monitoring_kpipairyear",
    "monitoring_dossierfact",
    "catalog_procedureversion",
    "catalog_procedureversion_units",
    "accounts_official",
    "agencies_unit",
    "plans_target",
    "plans_indexconfig",
    "plans_indexitem",
    "guidance_guidance",
)
#: The tables of the catalogue's counts (monitoring.kpi.catalogue_days), which have a version of their own.
CATALOGUE_TABLES = ("catalog_procedureversion", "catalog_procedureversion_units")
#: The trend's months may lag the data by this much (selectors.KpiSource.province); headline figures never do.
TREND_STALE_SECONDS = 60
#: Where there are no table statistics (SQLite in development), cached figures live this long.
FALLBACK_BUCKET_SECONDS = 10
LEVELS = (UnitLevel.PROVINCE, UnitLevel.DEPARTMENT, UnitLevel.DISTRICT, UnitLevel.COMMUNE)
PLAN_INDICATORS: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.group == PLAN)
INDEX_INDICATORS: tuple[Indicator, ...] = tuple(i for i in INDICATORS if i.group == NATIONAL_INDEX)
#: The platform's figure shown beside official_usage_rate (monitoring.guided; docs/guidance.md): on the pages and
#: in the ranking's columns, but not in the ranking's score, which stays the plan's indicators'.
GUIDANCE: Indicator = BY_CODE[guided.CODE]
DASHBOARD_INDICATORS: tuple[Indicator, ...] = tuple(
    x for i in PLAN_INDICATORS for x in ((i, GUIDANCE) if i.code == "official_usage_rate" else (i,))
)


@dataclass(frozen=True, slots=True)
class DataVersion:
    """Tokens that change within seconds of a write: ``figures`` of any write to VERSION_TABLES, ``catalogue`` of
    a write to CATALOGUE_TABLES only (the catalogue's counts stay valid while the dossiers change)."""

    figures: str
    catalogue: str


def data_version() -> DataVersion:
    """The current :class:`DataVersion`.

    PostgreSQL counts inserted, updated and deleted rows per table (``pg_stat_user_tables``; flushed at the end
    of each writing transaction, at most a second or so later): one catalogue read, no scan. Elsewhere a
    ten-second clock bucket for both.
    """
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0), count(*), "
                "coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) FILTER (WHERE relname = ANY(%s)), 0) "
                "FROM pg_stat_user_tables WHERE relname = ANY(%s)",
                [list(CATALOGUE_TABLES), list(VERSION_TABLES)],
            )
            changes, tables, catalogue = cursor.fetchone()
        return DataVersion(f"pg{changes}.{tables}", f"pg{catalogue}")
    bucket = f"t{int(time.time()) // FALLBACK_BUCKET_SECONDS}"
    return DataVersion(bucket, bucket)


@dataclass
class KpiSource:
    """One page's access to the figures: the data version is read once per page.

    Each entry of the cache holds the version it was computed under and when. An entry of the current version is
    served; so is one of an older version computed at most ``fresh_seconds`` ago (the setting
    DVCTT_DASHBOARD_FRESH_SECONDS, 30 s by default): the rollups follow the dossiers within seconds, and a busy
    day (a write every second) then costs one computation of a period per window, not one per page view.
    ``dvctt dashboards_warm --loop`` recomputes the usual periods in the background so that page views find them
    fresh. ``computed_at`` is when the oldest figures the page shows were computed (the page says it).
    """

    version: DataVersion = field(default_factory=lambda: data_version())
    fresh_seconds: float = field(default_factory=lambda: settings.DVCTT_DASHBOARD_FRESH_SECONDS)
    computed_at: float | None = None

    def _entry(self, key: str, compute: Callable[[], Any], *, stale_seconds: float) -> Any:
        now = time.time()
        entry = cache.get(key)
        if entry is not None and (entry[0] == self.version or now - entry[1] <= stale_seconds):
            value, at = entry[2], entry[1]
        else:
            value, at = compute(), now
            cache.set(key, (self.version, at, value), CACHE_SECONDS)
        self.computed_at = at if self.computed_at is None else min(self.computed_at, at)
        return value

    @property
    def computed_time(self) -> datetime | None:
        """``computed_at`` as an aware datetime (shown on the pages in local time)."""
        if self.computed_at is None:
            return None
        return datetime.fromtimestamp(self.computed_at, tz=timezone.get_current_timezone())

    def catalogue(self, days: Sequence[date], per_unit: bool) -> dict[date, CatalogueDay]:
        """monitoring.kpi.catalogue_days (a :data:`CatalogueReader`), each day's counts kept in the cache under
        the catalogue's version: computed once per day until the catalogue changes, whatever the dossiers do."""
        keys = {day: f"dvctt:dash:catalogue:{self.version.catalogue}:{day}:{int(per_unit)}" for day in days}
        found = cache.get_many(list(keys.values()))
        out = {day: found[key] for day, key in keys.items() if key in found}
        missing = [day for day in days if day not in out]
        if missing:
            computed = catalogue_days(missing, per_unit)
            cache.set_many({keys[day]: computed[day] for day in missing}, CACHE_SECONDS)
            out |= computed
        return out

    def kpis(self, period: Period) -> dict[str, Any]:
        key = f"dvctt:dash:kpi:{period.date_from}:{period.date_to}:{period.units_mode}"
        return self._entry(
            key,
            lambda: kpi_compute(
                date_from=period.date_from,
                date_to=period.date_to,
                units_mode=period.units_mode,
                catalogue=self.catalogue,
            ),
            stale_seconds=self.fresh_seconds,
        )

    def assisted(self, period: Period, *, unit_ids: set[int] | None = None) -> dict[str, Any]:
        """The assisted share of the period (monitoring.assisted) of these units (the province for None): the
        counts of every unit are computed in one query and cached like the figures."""
        key = f"dvctt:dash:assisted:{period.date_from}:{period.date_to}"
        counts: dict[int, tuple[int, int]] = self._entry(
            key,
            lambda: assisted_share.assisted_counts(date_from=period.date_from, date_to=period.date_to),
            stale_seconds=self.fresh_seconds,
        )
        chosen = [v for k, v in counts.items() if unit_ids is None or k in unit_ids]
        return assisted_share.figure(sum(a for a, _o in chosen), sum(o for _a, o in chosen))

    def guided(self, periods: list[Period]) -> list[dict[int, tuple[int, int]]]:
        """monitoring.guided's counts of each period (``{unit id: (guided, in post)}``), those not in the cache
        computed together (two queries for all of them), kept like the figures."""
        now = time.time()
        keys = [f"dvctt:dash:guided:{p.date_from}:{p.date_to}" for p in periods]
        found = cache.get_many(keys)
        out: list[dict[int, tuple[int, int]] | None] = []
        for key in keys:
            entry = found.get(key)
            if entry is not None and (entry[0] == self.version or now - entry[1] <= self.fresh_seconds):
                out.append(entry[2])
            else:
                out.append(None)
        missing = [i for i, counts in enumerate(out) if counts is None]
        if missing:
            computed = guided.guided_counts_many(
                [(periods[i].date_from, periods[i].date_to) for i in missing]
            )
            cache.set_many(
                {keys[i]: (self.version, now, counts) for i, counts in zip(missing, computed, strict=True)},
                CACHE_SECONDS,
            )
            for i, counts in zip(missing, computed, strict=True):
                out[i] = counts
        return [counts or {} for counts in out]

    def guided_figures(self, period: Period) -> dict[str, Any]:
        """monitoring.guided.guidance_figures of the period (``{"province", "units"}`` as kpi_compute's units for
        its units mode), cached like the figures."""
        key = f"dvctt:dash:guidedfig:{period.date_from}:{period.date_to}:{period.units_mode}"
        return self._entry(
            key,
            lambda: guided.guidance_figures(
                self.guided([period])[0],
                date_from=period.date_from,
                date_to=period.date_to,
                units_mode=period.units_mode,
            ),
            stale_seconds=self.fresh_seconds,
        )

    def province_series(self, periods: list[Period], *, stale_seconds: list[float]) -> list[dict[str, Any]]:
        """The province's figures of each period (the same in both units modes), those not in the cache computed
        together (monitoring.kpi.kpi_counts_many: one set of queries for all of them).

        Figures computed under an older data version at most ``stale_seconds[i]`` ago are served for period i:
        the overview's own period takes the freshness window, the trend's months TREND_STALE_SECONDS.
        """
        now = time.time()
        keys = [f"dvctt:dash:province:{p.date_from}:{p.date_to}" for p in periods]
        found = cache.get_many(keys)
        out: list[dict[str, Any] | None] = []
        for key, stale in zip(keys, stale_seconds, strict=True):
            entry = found.get(key)
            if entry is not None and (entry[0] == self.version or now - entry[1] <= stale):
                out.append(dict(entry[2]))
                self.computed_at = entry[1] if self.computed_at is None else min(self.computed_at, entry[1])
            else:
                out.append(None)
        missing = [i for i, figures in enumerate(out) if figures is None]
        if missing:
            computed = province_figures_many(
                [(periods[i].date_from, periods[i].date_to) for i in missing], catalogue=self.catalogue
            )
            cache.set_many(
                {keys[i]: (self.version, now, figures) for i, figures in zip(missing, computed, strict=True)},
                CACHE_SECONDS,
            )
            for i, figures in zip(missing, computed, strict=True):
                out[i] = figures
            self.computed_at = now if self.computed_at is None else min(self.computed_at, now)
        return [figures or {} for figures in out]

    def index(self, period: Period, *, units: bool, province: dict[str, Any] | None = None) -> dict[str, Any]:
        """The national index's scores (plans.scores) of the period; of the province only unless ``units``
        (scoring every unit in exact fractions costs tens of milliseconds: cached with the figures). The
        province's alone are scored from ``province`` (its figures) when given."""
        scope = "units" if units else "province"
        key = f"dvctt:dash:index:{scope}:{period.date_from}:{period.date_to}:{period.units_mode}"

        def compute() -> dict[str, Any]:
            if not units and province is not None:
                kpis: dict[str, Any] = {
                    "from": period.date_from.isoformat(),
                    "to": period.date_to.isoformat(),
                }
                kpis |= {"province": province, "units": {}}
            else:
                kpis = self.kpis(period)
                if not units:
                    kpis = kpis | {"units": {}}
            config = index_config_in_force(on=period.date_to)
            kpis = kpis_with_index_figures(
                kpis,
                config,
                date_from=period.date_from,
                date_to=period.date_to,
                units_mode=period.units_mode,
            )
            return index_scores(kpis, config)

        return self._entry(key, compute, stale_seconds=self.fresh_seconds)


def province_figures(*, date_from: date, date_to: date) -> dict[str, Any]:
    """``kpi_compute(...)["province"]``, without the assembly of every unit; tests/test_dashboard_pages.py checks
    the equality."""
    return province_figures_many([(date_from, date_to)])[0]


def province_figures_many(
    spans: list[tuple[date, date]], *, catalogue: CatalogueReader | None = None
) -> list[dict[str, Any]]:
    """:func:`province_figures` of several periods, computed together (kpi_counts_many, province only)."""
    counted = kpi_counts_many(spans, per_unit=False, catalogue=catalogue)
    return [ref._render(counts[PROVINCE_KEY]) for counts in counted]


# Targets ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetValue:
    value: Decimal
    kind: str
    source: str  # "unit", "province" (a unit without its own target), "registry" (no plan covers the year)
    plan: str = ""


def plan_for_year(year: int) -> Plan | None:
    """The plan covering ``year`` (the most recent decision if several do); else a plan carried on past its end,
    i.e. one whose targets were set for ``year`` until a new plan is issued. One query."""
    covers = Case(
        When(start_year__lte=year, end_year__gte=year, then=Value(1)),
        default=Value(0),
        output_field=IntegerField(),
    )
    return (
        Plan.objects.filter(
            Q(start_year__lte=year, end_year__gte=year)
            | Q(pk__in=Target.objects.filter(year=year).values("plan_id"))
        )
        .annotate(covers=covers)
        .order_by("-covers", "-decision_date", "-pk")
        .first()
    )


def targets_for_year(year: int) -> tuple[Plan | None, dict[tuple[int | None, str], TargetValue]]:
    """``{(unit id or None, indicator): target}`` of the plan covering ``year`` (two queries)."""
    plan = plan_for_year(year)
    out: dict[tuple[int | None, str], TargetValue] = {}
    if plan is not None:
        for unit_id, indicator, value, kind in Target.objects.filter(plan=plan, year=year).values_list(
            "unit_id", "indicator", "value", "kind"
        ):
            out[unit_id, indicator] = TargetValue(
                value, kind, "unit" if unit_id else "province", plan.decision_number
            )
    return plan, out


def target_of(
    targets: dict[tuple[int | None, str], TargetValue], unit_id: int | None, code: str
) -> TargetValue | None:
    """A unit's own target, else the province's, else the registry's plan target."""
    found = targets.get((unit_id, code)) if unit_id is not None else None
    if found is not None:
        return found
    province = targets.get((None, code))
    if province is not None:
        return province
    registry = BY_CODE[code].plan_target
    return TargetValue(registry, "at_least", "registry") if registry is not None else None


# Rows ------------------------------------------------------------------------------------------------------

STATUS_LABELS = {
    "green": (gettext_lazy("Đạt"), "success"),
    "amber": (gettext_lazy("Gần đạt"), "warning"),
    "red": (gettext_lazy("Chưa đạt"), "danger"),
    "none": (gettext_lazy("Chưa có số liệu"), "neutral"),
}
NO_TARGET = gettext_lazy("Không có chỉ tiêu")


def pct(value: float | Decimal | None) -> str:
    """A ratio as a Vietnamese percentage ("53,1 %"); a dash for none."""
    if value is None:
        return "–"
    return f"{float(value) * 100:.1f}".replace(".", ",") + " %"


@dataclass
class Figure:
    indicator: Indicator
    numerator: int | None
    denominator: int | None
    value: float | None
    target: TargetValue | None = None
    status: str = "none"
    forecast: float | None = None
    at_risk: bool = False
    trend: list[tuple[Period, dict[str, Any]]] = field(default_factory=list)

    @property
    def value_text(self) -> str:
        return pct(self.value)

    @property
    def target_text(self) -> str:
        return pct(self.target.value) if self.target else str(NO_TARGET)

    @property
    def forecast_text(self) -> str:
        return pct(self.forecast)

    @property
    def status_label(self) -> str:
        # a figure without a target is "no target", not "no data": its value is there and shown
        if self.status == "none" and self.target is None and self.value is not None:
            return str(NO_TARGET)
        return str(STATUS_LABELS[self.status][0])

    @property
    def status_class(self) -> str:
        return STATUS_LABELS[self.status][1]

    @property
    def attainment(self) -> float | None:
        """value / target, capped at 1 (what a ranking compares); None without a value or target."""
        if self.value is None or self.target is None:
            return None
        if self.target.value == 0:
            return 1.0
        return min(1.0, self.value / float(self.target.value))


def figure_of(indicator: Indicator, figures: dict[str, Any], target: TargetValue | None) -> Figure:
    raw = figures.get(indicator.code) or {}
    value = raw.get("value")
    figure = Figure(indicator, raw.get("numerator"), raw.get("denominator"), value, target)
    if target is not None:
        figure.status = target_status(value, target.value, kind=target.kind)
    return figure


def guided_raw(counts: dict[int, tuple[int, int]], unit_ids: set[int] | None = None) -> dict[str, Any]:
    """``{GUIDANCE code: figure}`` of these units (the province for None), from KpiSource.guided's counts."""
    chosen = [v for k, v in counts.items() if unit_ids is None or k in unit_ids]
    return {GUIDANCE.code: guided.figure(sum(g for g, _n in chosen), sum(n for _g, n in chosen))}


def with_guidance(figures: list[Figure], guidance: Figure) -> list[Figure]:
    """``figures`` with the guidance figure right after official_usage_rate's."""
    out: list[Figure] = []
    for figure in figures:
        out.append(figure)
        if figure.indicator.code == "official_usage_rate":
            out.append(guidance)
    return out


# Province overview -----------------------------------------------------------------------------------------


@dataclass
class Overview:
    period: Period
    plan: Plan | None
    figures: list[Figure]
    index: dict[str, Any]
    index_groups: list[dict[str, Any]]
    index_figures: list[Figure]
    months: list[Period]
    computed_at: datetime | None = None


def _index_groups(index: dict[str, Any], scope: dict[str, Any]) -> list[dict[str, Any]]:
    labels = dict(IndexGroup.choices)
    return [
        {
            "code": group,
            "label": labels.get(group, group),
            "score": scope.get(group),
            "max": points,
            "computable_max": (scope.get("group_computable_max") or {}).get(group),
        }
        for group, points in index["group_points"].items()
    ]


def dashboard_overview(*, period: Period, source: KpiSource | None = None) -> Overview:
    """The province: plan indicators against targets with the monthly trend and the year-end forecast, and the
    national index by group. One KPI computation for the period and one per month of the trend (cached)."""
    source = source or KpiSource()
    plan, targets = targets_for_year(period.date_to.year)
    months = month_periods(period)
    # the province's figures of the period and of each month, computed together when not cached
    province, *monthly = source.province_series(
        [period, *months], stale_seconds=[source.fresh_seconds] + [TREND_STALE_SECONDS] * len(months)
    )
    figures = []
    for indicator in PLAN_INDICATORS:
        figure = figure_of(indicator, province, target_of(targets, None, indicator.code))
        figure.trend = [
            (month, month_figures.get(indicator.code) or {})
            for month, month_figures in zip(months, monthly, strict=True)
        ]
        if indicator.code in FORECASTABLE:
            series: list[tuple[int, int] | None] = [
                None if not f.get("denominator") else (int(f["numerator"]), int(f["denominator"]))
                for _month, f in figure.trend
            ]
            figure.forecast = forecast_year_end(series)
        # A snapshot indicator (catalogue, officials, service pairs) stays where it is unless someone acts.
        expected = figure.forecast if figure.forecast is not None else figure.value
        if figure.target is not None:
            figure.status = target_status(
                figure.value, figure.target.value, kind=figure.target.kind, forecast=figure.forecast
            )
            if expected is not None:
                below = expected < float(figure.target.value)
                figure.at_risk = (
                    below if figure.target.kind == "at_least" else expected > float(figure.target.value)
                )
        figures.append(figure)
    # the platform's guidance figure beside official usage (a snapshot of the roster, like it: no forecast)
    guided_now, *guided_months = source.guided([period, *months])
    guidance = figure_of(GUIDANCE, guided_raw(guided_now), target_of(targets, None, GUIDANCE.code))
    guidance.trend = [
        (month, guided_raw(counts)[GUIDANCE.code])
        for month, counts in zip(months, guided_months, strict=True)
    ]
    if guidance.target is not None and guidance.value is not None:
        guidance.at_risk = guidance.value < float(guidance.target.value)
    figures = with_guidance(figures, guidance)
    index = source.index(period, units=False, province=province)
    province_index = index["province"]
    index_figures = [figure_of(i, province, None) for i in INDEX_INDICATORS]
    return Overview(
        period=period,
        plan=plan,
        figures=figures,
        index=province_index | {"version": index["version"]},
        index_groups=_index_groups(index, province_index),
        index_figures=index_figures,
        months=months,
        computed_at=source.computed_time,
    )


# Ranking ---------------------------------------------------------------------------------------------------

SORT_KEYS = ("diem", "dat", "ten", "chiso", *(i.code for i in DASHBOARD_INDICATORS))


@dataclass
class RankRow:
    unit: Unit
    figures: list[Figure]
    met: int
    with_target: int
    attainment: float | None
    index_total: float | None
    rank: int = 0

    @property
    def attainment_text(self) -> str:
        return pct(self.attainment)

    @property
    def status_label(self) -> str:
        if not self.with_target:  # no indicator of the unit has a target: say so, not "no data"
            return str(NO_TARGET)
        return str(STATUS_LABELS[self.status][0])

    @property
    def status_class(self) -> str:
        return STATUS_LABELS[self.status][1]

    @property
    def status(self) -> str:
        if not self.with_target:
            return "none"
        if self.met == self.with_target:
            return "green"
        statuses = [f.status for f in self.figures if f.indicator.group != GUIDANCE.group]
        return "red" if "red" in statuses else "amber"


@dataclass
class Ranking:
    period: Period
    plan: Plan | None
    rows: list[RankRow]
    level: str
    sort: str
    descending: bool
    computed_at: datetime | None = None


def _sort_value(row: RankRow, sort: str) -> Any:
    if sort == "ten":
        return row.unit.name.casefold()
    if sort == "chiso":
        return row.index_total if row.index_total is not None else -1.0
    if sort == "dat":
        return (row.met, row.attainment if row.attainment is not None else -1.0)
    if sort == "diem":
        return (row.attainment if row.attainment is not None else -1.0, row.met)
    for figure in row.figures:
        if figure.indicator.code == sort:
            return figure.value if figure.value is not None else -1.0
    return 0


def dashboard_ranking(
    *,
    period: Period,
    level: str = "",
    sort: str = "diem",
    descending: bool = True,
    source: KpiSource | None = None,
) -> Ranking:
    """Units (as in the period, or today's units) against their targets; rank = mean attainment (value ÷
    target, capped at 1) over the plan indicators, ties by targets met. One KPI computation (cached)."""
    source = source or KpiSource()
    kpis = source.kpis(period)
    plan, targets = targets_for_year(period.date_to.year)
    index = source.index(period, units=True)
    units = {
        u.code: u
        for u in Unit.objects.filter(code__in=list(kpis["units"])).only("pk", "code", "name", "level")
    }
    guidance = source.guided_figures(period)["units"]
    rows = []
    for code, figures_raw in kpis["units"].items():
        unit = units.get(code)
        if unit is None or (level and unit.level != level):
            continue
        figures = [figure_of(i, figures_raw, target_of(targets, unit.pk, i.code)) for i in PLAN_INDICATORS]
        attainments = [f.attainment for f in figures if f.attainment is not None]
        guidance_figure = figure_of(
            GUIDANCE, {GUIDANCE.code: guidance.get(code) or {}}, target_of(targets, unit.pk, GUIDANCE.code)
        )
        rows.append(
            RankRow(
                unit=unit,
                figures=with_guidance(figures, guidance_figure),
                met=sum(f.status == "green" for f in figures),
                with_target=sum(f.status != "none" for f in figures),
                attainment=sum(attainments) / len(attainments) if attainments else None,
                index_total=(index["units"].get(code) or {}).get("total"),
            )
        )
    for position, row in enumerate(sorted(rows, key=lambda r: _sort_value(r, "diem"), reverse=True), start=1):
        row.rank = position
    sort = sort if sort in SORT_KEYS else "diem"
    rows.sort(key=lambda r: (_sort_value(r, sort), -r.rank if descending else r.rank), reverse=descending)
    return Ranking(
        period=period,
        plan=plan,
        rows=rows,
        level=level,
        sort=sort,
        descending=descending,
        computed_at=source.computed_time,
    )


# A unit's page ---------------------------------------------------------------------------------------------


def unit_for_dashboard(*, code: str) -> Unit:
    unit = Unit.objects.filter(code=code).first()
    if unit is None:
        raise NotFoundError(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
    return unit


def folded_unit_ids(*, unit: Unit, units_mode: str) -> set[int]:
    """The units whose records make up ``unit``'s figures: itself, and under "current" every unit whose heir it
    is (the spec's folding rule, agencies.selectors.unit_heir_map)."""
    if units_mode != "current":
        return {unit.pk}
    heirs = unit_heir_map()
    codes = [code for code, heir in heirs.items() if heir == unit.code]
    return set(Unit.objects.filter(code__in=codes).values_list("pk", flat=True)) | {unit.pk}


@dataclass
class PullDown:
    no_online_dossier: list[ProcedureVersion]
    eligible_not_full: list[ProcedureVersion]
    full_not_national: list[ProcedureVersion]


def _period_q(period: Period) -> Q:
    q = Q(pk__in=[])
    for grain, lo, hi in cover(period.date_from, period.date_to):
        q |= Q(grain=grain, day__gte=lo, day__lte=hi)
    return q


def unit_pull_down(*, unit_ids: set[int], period: Period) -> PullDown:
    """Procedures of the unit's catalogue on the period's last day that pull its figures down (two queries)."""
    versions = list(
        catalogue_on(on=period.date_to)
        .filter(units__in=unit_ids)
        .select_related("procedure")
        .distinct()
        .order_by("procedure__code")
    )
    with_online = set(
        KpiCount.objects.filter(_period_q(period), metric=Metric.PAIR_ONLINE, unit_id__in=unit_ids)
        .values("procedure_id")
        .annotate(n=Sum("value"))
        .filter(n__gt=0)
        .values_list("procedure_id", flat=True)
    )
    return PullDown(
        no_online_dossier=[
            v for v in versions if v.online_level in (3, 4) and v.procedure_id not in with_online
        ],
        eligible_not_full=[v for v in versions if v.eligible_full_process and v.online_level != 4],
        full_not_national=[v for v in versions if v.online_level == 4 and not v.integrated_national],
    )


LATE_LIST_LIMIT = 50


def unit_late_dossiers(
    *, dossiers: QuerySet[Dossier], unit_ids: set[int], now: datetime
) -> tuple[list[Dossier], list[Dossier], datetime]:
    """Running dossiers of the unit past their appointment, and those due within one working day (the back
    office's colours, dossiers.selectors_inbox). ``dossiers`` is the reader's scoped queryset."""
    from dvctt.dossiers.selectors_inbox import DUE_SOON, LATE, due_filter, due_soon_limit

    soon = due_soon_limit(now=now)
    base = dossiers.filter(unit_id__in=unit_ids).select_related("procedure_version").order_by("due_at", "pk")
    late = list(base.filter(due_filter(LATE, now=now, soon=soon))[:LATE_LIST_LIMIT])
    nearly = list(base.filter(due_filter(DUE_SOON, now=now, soon=soon))[:LATE_LIST_LIMIT])
    return late, nearly, soon


@dataclass
class UnitPage:
    unit: Unit
    period: Period
    unit_ids: set[int]
    figures: list[Figure]
    index_figures: list[Figure]
    index: dict[str, Any] | None
    index_groups: list[dict[str, Any]]
    reported: bool  # the unit has figures of its own in this units mode
    heir: Unit | None
    computed_at: datetime | None = None


def dashboard_unit(*, unit: Unit, period: Period, source: KpiSource | None = None) -> UnitPage:
    source = source or KpiSource()
    kpis = source.kpis(period)
    _plan, targets = targets_for_year(period.date_to.year)
    raw = kpis["units"].get(unit.code)
    reported = raw is not None
    figures_raw = raw or {}
    index = source.index(period, units=True)
    unit_index = index["units"].get(unit.code)
    heir = None
    if not reported and period.units_mode == "current":
        heir_code = unit_heir_map().get(unit.code)
        heir = Unit.objects.filter(code=heir_code).first() if heir_code else None
    unit_ids = folded_unit_ids(unit=unit, units_mode=period.units_mode) if reported else {unit.pk}
    figures = [figure_of(i, figures_raw, target_of(targets, unit.pk, i.code)) for i in PLAN_INDICATORS]
    guidance = figure_of(
        GUIDANCE,
        guided_raw(source.guided([period])[0], unit_ids) if reported else {},
        target_of(targets, unit.pk, GUIDANCE.code),
    )
    return UnitPage(
        unit=unit,
        period=period,
        unit_ids=unit_ids,
        figures=with_guidance(figures, guidance),
        index_figures=[figure_of(i, figures_raw, None) for i in INDEX_INDICATORS],
        index=unit_index,
        index_groups=_index_groups(index, unit_index) if unit_index else [],
        reported=reported,
        heir=heir,
        computed_at=source.computed_time,
    )


def today_now() -> datetime:
    return timezone.now()


def period_today() -> date:
    return timezone.localdate()


# Keeping the usual periods fresh ---------------------------------------------------------------------------

WARM_KINDS = ("nam", "quy", "thang", "nua")


def warm_periods(*, today: date) -> list[Period]:
    """The periods the dashboards open on: this year so far, quarter, month and half, in both units modes."""
    from dvctt.plans.dashboards.periods import period_parse

    return [
        period_parse({"ky": kind, "donvi": mode}, today=today)
        for kind in WARM_KINDS
        for mode in ("period", "current")
    ]


def dashboards_warm(*, today: date, version: DataVersion | None = None) -> int:
    """Compute the overview's and the ranking's figures of :func:`warm_periods` under the current data version
    and keep them in the cache (those already computed under it are left as they are). Returns how many periods
    were looked at. Run by ``dvctt dashboards_warm``."""
    source = KpiSource(version=version or data_version(), fresh_seconds=0)
    periods = warm_periods(today=today)
    for period in periods:
        dashboard_overview(period=period, source=source)
        dashboard_ranking(period=period, source=source)
        source.assisted(period)
    return len(periods)
