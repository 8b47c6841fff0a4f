"""The public statistics page's figures (portal /thong-ke/, docs/portal.md): each agency's received dossiers,
online share, on-time share and index score of a period, the province's, and the province's monthly trend.

Read through the dashboards' :class:`~dvctt.plans.dashboards.selectors.KpiSource`, so every number is the one the
steering dashboards show for the same period (units as they were in the period): the same cached KPI object and
index scores (plans.scores via selectors). The assembled rows are cached too, under the period and the data version
(a change of rollups, catalogue, officials or units gives a new version within seconds; an entry of an older
version is served while it is younger than DVCTT_DASHBOARD_FRESH_SECONDS, as the dashboards do): a warm page reads
one cache entry. Nothing personal is read: units, counts and ratios only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dvctt.agencies.models import Unit
from dvctt.plans.dashboards.periods import MONTH, QUARTER, YEAR, Period, month_periods
from dvctt.plans.dashboards.selectors import TREND_STALE_SECONDS, KpiSource

#: The period kinds the public page offers (the dashboards also have halves and custom dates).
PUBLIC_KINDS = (MONTH, QUARTER, YEAR)
#: Sort keys of the table (query parameter ``sx``): name, received, online share, on-time share, index score.
SORT_KEYS = ("ten", "hoso", "tructuyen", "dunghan", "diem")
ONLINE, ON_TIME = "online_dossier_rate", "on_time_rate"


@dataclass(frozen=True, slots=True)
class AgencyFigures:
    """One agency's (or the province's) public figures; ratios are the KPI object's 4-decimal values."""

    code: str
    name: str
    level: str
    received: int
    online: int
    online_share: float | None
    to_process: int
    on_time: int
    on_time_share: float | None
    index_total: float | None


@dataclass(frozen=True, slots=True)
class PublicStatistics:
    date_from: str
    date_to: str
    province: AgencyFigures
    agencies: tuple[AgencyFigures, ...]
    #: (month number, online share, on-time share) of each month of the period's year up to its end
    trend: tuple[tuple[int, float | None, float | None], ...]
    index_max: float | None


def _figures(code: str, name: str, level: str, raw: dict[str, Any], total: float | None) -> AgencyFigures:
    online = raw.get(ONLINE) or {}
    on_time = raw.get(ON_TIME) or {}
    return AgencyFigures(
        code=code,
        name=name,
        level=level,
        received=int(online.get("denominator") or 0),
        online=int(online.get("numerator") or 0),
        online_share=online.get("value"),
        to_process=int(on_time.get("denominator") or 0),
        on_time=int(on_time.get("numerator") or 0),
        on_time_share=on_time.get("value"),
        index_total=total,
    )


def _compute(period: Period, source: KpiSource) -> PublicStatistics:
    kpis = source.kpis(period)
    index = source.index(period, units=True)
    units = {
        code: (name, level)
        for code, name, level in Unit.objects.filter(code__in=list(kpis["units"])).values_list(
            "code", "name", "level"
        )
    }
    agencies = tuple(
        _figures(code, *units[code], raw, (index["units"].get(code) or {}).get("total"))
        for code, raw in kpis["units"].items()
        if code in units
    )
    months = month_periods(period)
    monthly = source.province_series(months, stale_seconds=[TREND_STALE_SECONDS] * len(months))
    trend = tuple(
        (month.number, (f.get(ONLINE) or {}).get("value"), (f.get(ON_TIME) or {}).get("value"))
        for month, f in zip(months, monthly, strict=True)
    )
    province_index = index.get("province") or {}
    return PublicStatistics(
        date_from=period.date_from.isoformat(),
        date_to=period.date_to.isoformat(),
        province=_figures("", "", "", kpis["province"], province_index.get("total")),
        agencies=agencies,
        trend=trend,
        index_max=province_index.get("max"),
    )


def public_statistics(*, period: Period, source: KpiSource | None = None) -> PublicStatistics:
    """The page's figures of ``period`` (units as in the period), cached per period and data version."""
    source = source or KpiSource()
    key = f"dvctt:public:stats:{period.date_from}:{period.date_to}:{period.units_mode}"
    result: PublicStatistics = source._entry(
        key, lambda: _compute(period, source), stale_seconds=source.fresh_seconds
    )
    return result


def _sort_value(row: AgencyFigures, sort: str) -> Any:
    if sort == "ten":
        return row.name.casefold()
    if sort == "hoso":
        return row.received
    if sort == "tructuyen":
        return -1.0 if row.online_share is None else row.online_share
    if sort == "dunghan":
        return -1.0 if row.on_time_share is None else row.on_time_share
    return -1.0 if row.index_total is None else row.index_total


def agencies_sorted(
    rows: tuple[AgencyFigures, ...], *, sort: str, descending: bool, level: str = ""
) -> list[AgencyFigures]:
    """The agencies of one level (every level for ""), sorted by ``sort`` (ties by name, then code)."""
    chosen = [r for r in rows if not level or r.level == level]
    chosen.sort(key=lambda r: (r.name.casefold(), r.code))
    chosen.sort(key=lambda r: _sort_value(r, sort), reverse=descending)
    return chosen
