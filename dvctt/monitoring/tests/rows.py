"""Every rollup row, to compare two ways of keeping them (a refresh after each change, a rebuild, SQL or Python)."""

from __future__ import annotations

from typing import Any, NamedTuple

from dvctt.monitoring.models import (
    UNIT_METRIC_COLUMNS,
    DossierFact,
    KpiCount,
    KpiPairYear,
    KpiSpanCount,
    KpiUnitCount,
)
from dvctt.monitoring.rollups import PAIR_YEAR_MASKS


class RollupRows(NamedTuple):
    units: dict[tuple[Any, ...], tuple[int, ...]]
    pairs: dict[tuple[Any, ...], int]
    spans: dict[tuple[Any, ...], int]
    facts: dict[int, dict[str, Any]]
    pair_years: dict[tuple[Any, ...], list[int]]


def rollup_rows() -> RollupRows:
    """The rows that count (a row a refresh brought back to 0 may stay: it counts for nothing)."""
    units = {
        (r["grain"], r["day"], r["unit_id"]): values
        for r in KpiUnitCount.objects.values("grain", "day", "unit_id", *UNIT_METRIC_COLUMNS)
        if any(values := tuple(r[c] for c in UNIT_METRIC_COLUMNS))
    }
    pairs = {
        (r.grain, r.metric, r.day, r.unit_id, r.procedure_id): r.value
        for r in KpiCount.objects.all()
        if r.value
    }
    spans = {
        (r.r_grain, r.r_day, r.c_grain, r.c_day, r.unit_id): r.value
        for r in KpiSpanCount.objects.all()
        if r.value
    }
    facts = {row["dossier_id"]: row for row in DossierFact.objects.values()}
    pair_years = {
        (r.metric, r.unit_id, r.procedure_id, r.year): [getattr(r, f) for f in PAIR_YEAR_MASKS]
        for r in KpiPairYear.objects.all()
        if r.months
    }
    return RollupRows(units, pairs, spans, facts, pair_years)
