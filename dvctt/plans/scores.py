"""Scores and target status, as pure functions over a KPI object (spec/indicators.md, "Output").

A KPI object is ``{"from", "to", "province": {code: {"numerator", "denominator", "value"}}, "units": {...}}``,
as ``dvctt.monitoring.kpi.kpi_compute`` (database) or ``reference.compute_kpis`` (files) return it. Nothing here
touches the database: the selectors pass the configuration in, tests pass hand-made dicts.

Ratios are taken from the exact numerator/denominator when there is one (like the reference engine), else from
``value`` (satisfaction_rate has no counts). Scores are rounded half up to 4 decimals at the end only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any, Literal

from dvctt.monitoring.reference import round_half_up_float

Status = Literal["green", "amber", "red", "none"]
AMBER_MARGIN = Fraction(1, 10)  # "within 10 percentage points"


@dataclass(frozen=True, slots=True)
class IndexItemData:
    group: str
    indicator: str
    points: Decimal
    threshold: Decimal = Decimal(1)
    ref: str = ""
    #: Non-empty: the platform cannot compute this indicator, for this reason; it is listed, never scored 0.
    reason: str = ""


@dataclass(frozen=True, slots=True)
class IndexConfigData:
    version: str
    group_points: Mapping[str, Decimal]  # each group's maximum in the index (100 in all)
    items: Sequence[IndexItemData] = field(default_factory=tuple)


@dataclass(frozen=True, slots=True)
class ParCriterionData:
    indicator: str
    points: Decimal
    threshold: Decimal = Decimal(1)
    rule: str = "linear"  # all_or_nothing | linear | steps
    steps: Sequence[Sequence[Any]] = ()  # [(min value, points), ...]
    label: str = ""


def _round(value: Fraction) -> float:
    """Half up to 4 decimals, like the KPI values themselves."""
    return round_half_up_float(value)


def ratio_of(figure: Mapping[str, Any] | None) -> Fraction | None:
    """The exact ratio of one KPI figure, or ``None`` when it has none (zero denominator, null value)."""
    if not figure:
        return None
    denominator = figure.get("denominator")
    if denominator:
        return Fraction(int(figure["numerator"]), int(denominator))
    if figure.get("value") is not None:
        return Fraction(Decimal(str(figure["value"])))
    return None


@dataclass(frozen=True, slots=True)
class _Item:
    """An index item's numbers converted once per scoring (a ranking scores every unit against the same items)."""

    item: IndexItemData
    points: Fraction
    threshold: Fraction
    described: dict[str, Any]


def _prepared(config: IndexConfigData) -> list[_Item]:
    return [
        _Item(
            item,
            Fraction(item.points),
            Fraction(item.threshold),
            {
                "group": item.group,
                "ref": item.ref,
                "points": float(item.points),
                "threshold": float(item.threshold),
            },
        )
        for item in config.items
    ]


def _index_score(
    figures: Mapping[str, Any], config: IndexConfigData, items: Sequence[_Item]
) -> dict[str, Any]:
    groups: dict[str, Fraction] = {group: Fraction(0) for group in config.group_points}
    computable: dict[str, Fraction] = {group: Fraction(0) for group in config.group_points}
    indicators: dict[str, Any] = {}
    missing: list[str] = []
    not_computable: list[str] = []
    counts: dict[str, dict[str, Any]] = {}
    for prepared in items:
        item = prepared.item
        if item.reason:
            # Not computable from the platform's data: listed with its reason, outside both the score and the
            # computable maximum (never a silent 0).
            not_computable.append(item.indicator)
            indicators[item.indicator] = prepared.described | {
                "ratio": None,
                "score": None,
                "missing": False,
                "computable": False,
                "reason": item.reason,
            }
            continue
        raw = figures.get(item.indicator) or {}
        ratio = ratio_of(raw)
        points = prepared.points
        if ratio is None:
            # A null ratio (nothing to count) scores 0 and is flagged, so a blank is never read as a full mark.
            score = Fraction(0)
            missing.append(item.indicator)
        else:
            score = points * min(Fraction(1), ratio / prepared.threshold)
        groups[item.group] = groups.get(item.group, Fraction(0)) + score
        computable[item.group] = computable.get(item.group, Fraction(0)) + points
        indicators[item.indicator] = prepared.described | {
            "ratio": None if ratio is None else _round(ratio),
            "score": _round(score),
            "missing": ratio is None,
        }
        counts[item.indicator] = {"numerator": raw.get("numerator"), "denominator": raw.get("denominator")}
    out: dict[str, Any] = {group: _round(value) for group, value in groups.items()}
    total = sum(groups.values(), Fraction(0))
    computable_max = sum(computable.values(), Fraction(0))
    out["total"] = _round(total)
    out["max"] = float(sum((Decimal(v) for v in config.group_points.values()), Decimal(0)))
    out["computable_max"] = _round(computable_max)
    # The same total read on a 100-point scale of what could be computed (None when nothing could).
    out["total_of_computable_100"] = None if not computable_max else _round(total * 100 / computable_max)
    out["group_computable_max"] = {group: _round(value) for group, value in computable.items()}
    out["missing"] = missing
    out["not_computable"] = not_computable
    out["indicators"] = indicators
    out["counts"] = counts  # each computable indicator's numerator and denominator, as the figures gave them
    return out


def index_scores(kpis: Mapping[str, Any], config: IndexConfigData) -> dict[str, Any]:
    """National index (Decision 766) scores per group and in total, for the province and each unit.

    Each configured indicator scores ``P × min(1, ratio / T)``; a group's score is the sum of its indicators'.
    An item with a ``reason`` is not computable: listed with it, scored ``None``, outside ``computable_max``.
    Returns ``{"from", "to", "version", "group_points", "province": {group: points, ..., "total" (out of
    "max", the index's 100), "computable_max" (the points of the computable items), "total_of_computable_100"
    (total × 100 / computable_max), "group_computable_max", "missing": [codes with a null ratio],
    "not_computable": [codes], "indicators": {...}}, "units": {code: {...}}}``.
    """
    items = _prepared(config)
    return {
        "from": kpis.get("from"),
        "to": kpis.get("to"),
        "version": config.version,
        "group_points": {group: float(points) for group, points in config.group_points.items()},
        "province": _index_score(kpis.get("province") or {}, config, items),
        "units": {
            code: _index_score(figures, config, items) for code, figures in (kpis.get("units") or {}).items()
        },
    }


def par_points(ratio: Fraction | None, criterion: ParCriterionData) -> Fraction:
    """The points one value earns under one criterion; ``None`` earns nothing."""
    if ratio is None:
        return Fraction(0)
    points = Fraction(criterion.points)
    threshold = Fraction(criterion.threshold)
    if criterion.rule == "all_or_nothing":
        return points if ratio >= threshold else Fraction(0)
    if criterion.rule == "linear":
        return points * min(Fraction(1), ratio / threshold)
    if criterion.rule == "steps":
        earned = Fraction(0)
        for minimum, step_points in sorted(
            ((Fraction(Decimal(str(m))), Fraction(Decimal(str(p)))) for m, p in criterion.steps),
            key=lambda step: step[0],
        ):
            if ratio >= minimum:
                earned = step_points
        return min(earned, points)
    raise ValueError(f"unknown PAR rule {criterion.rule!r}")


def _par_score(figures: Mapping[str, Any], criteria: Sequence[ParCriterionData]) -> dict[str, Any]:
    total = Fraction(0)
    maximum = Fraction(0)
    detail: dict[str, Any] = {}
    missing: list[str] = []
    for criterion in criteria:
        ratio = ratio_of(figures.get(criterion.indicator))
        earned = par_points(ratio, criterion)
        total += earned
        maximum += Fraction(criterion.points)
        if ratio is None:
            missing.append(criterion.indicator)
        detail[criterion.indicator] = {
            "ratio": None if ratio is None else _round(ratio),
            "points": float(criterion.points),
            "score": _round(earned),
            "missing": ratio is None,
        }
    return {"criteria": detail, "total": _round(total), "max": _round(maximum), "missing": missing}


def par_scores(kpis: Mapping[str, Any], criteria: Sequence[ParCriterionData]) -> dict[str, Any]:
    """PAR-index scores on online services: per criterion and in total, for the province and each unit."""
    return {
        "from": kpis.get("from"),
        "to": kpis.get("to"),
        "province": _par_score(kpis.get("province") or {}, criteria),
        "units": {code: _par_score(figures, criteria) for code, figures in (kpis.get("units") or {}).items()},
    }


def forecast_year_end(monthly: Sequence[tuple[int, int] | None], *, months: int = 12) -> float | None:
    """Year-end value of a rate from its monthly counts so far, by a linear trend of the cumulative figure.

    ``monthly[i]`` is month i+1's ``(numerator, denominator)`` (``None`` for a month without figures). The
    cumulative rate after each month (Σ numerators / Σ denominators so far) is fitted by least squares
    against the month number and read at month ``months``, clamped to [0, 1]. With one point the forecast is
    that point; with none, ``None``. The cumulative rate is used (not monthly rates) because the year's value
    *is* the cumulative figure at month 12, and it damps one odd month.
    """
    points: list[tuple[int, Fraction]] = []
    num = den = 0
    for month, counts in enumerate(monthly, start=1):
        if counts is not None:
            num += counts[0]
            den += counts[1]
        if den:
            points.append((month, Fraction(num, den)))
    if not points:
        return None
    if len(points) == 1:
        return _round(points[0][1])
    n = len(points)
    mean_x = Fraction(sum(x for x, _ in points), n)
    mean_y = sum((y for _, y in points), Fraction(0)) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum(((x - mean_x) * (y - mean_y) for x, y in points), Fraction(0))
    slope = sxy / sxx
    value = mean_y + slope * (months - mean_x)
    return _round(min(Fraction(1), max(Fraction(0), value)))


def target_status(
    value: float | Decimal | None,
    target: float | Decimal,
    *,
    kind: str = "at_least",
    forecast: float | Decimal | None = None,
) -> Status:
    """Traffic light of a value against its target.

    At-least target: **green** when value ≥ target; **amber** when value is below the target by at most 10
    percentage points, or when the year-end ``forecast`` reaches the target (on track); **red** otherwise.
    An at-most target mirrors it. ``"none"`` when there is no value (nothing to count).
    """
    if value is None:
        return "none"
    v, t = Fraction(Decimal(str(value))), Fraction(Decimal(str(target)))
    f = None if forecast is None else Fraction(Decimal(str(forecast)))
    if kind == "at_most":
        v, t, f = -v, -t, (None if f is None else -f)
    if v >= t:
        return "green"
    if t - v <= AMBER_MARGIN or (f is not None and f >= t):
        return "amber"
    return "red"


def index_compute(*, date_from: Any, date_to: Any, units_mode: str = "period") -> dict[str, Any]:
    """The index of a period from the database: ``plans.selectors.index_scores_for`` under the name other apps
    call (a lazy import: this module itself stays pure)."""
    from dvctt.plans.selectors import index_scores_for

    return index_scores_for(date_from=date_from, date_to=date_to, units_mode=units_mode)
