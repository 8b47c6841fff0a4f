"""The assisted share: of the online dossiers received in a period, those an officer filed on the applicant's behalf
(``Dossier.assisted``), so that a leader sees how much of "online" the citizens did themselves.

Not an indicator of spec/indicators.md, and it changes none: ``online_dossier_rate`` still counts every online
dossier. Counted like the R-based indicators, from the rollups (``KpiUnitCount.r_assisted`` beside ``r_online``,
by the day of receipt, the same exclusions: test dossiers and inter-agency children have no fact), for the units
as in the period or folded into today's units as kpi_compute reports them. One figure per scope, in the
indicators' shape: numerator = assisted online dossiers received in the period, denominator = online dossiers
received in the period (the online rate's numerator), value = their ratio rounded half up to 4 decimals.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import reduce
from operator import or_
from typing import Any

from django.db.models import Q, Sum

from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_heir_map
from dvctt.monitoring import reference as ref
from dvctt.monitoring.kpi import _check, cover
from dvctt.monitoring.models import KpiUnitCount

#: The part of an explain list and the figure's key in the KPI API (``assisted``).
CODE = "assisted_online_share"


def figure(assisted: int, online: int) -> dict[str, Any]:
    return {"numerator": assisted, "denominator": online, "value": ref.ratio_value(assisted, online)}


def assisted_counts(*, date_from: date, date_to: date) -> dict[int, tuple[int, int]]:
    """``{unit id: (assisted online, online)}`` of the dossiers received in [date_from, date_to] (one query over
    the unit rollups: whole years, months, then days)."""
    wanted = reduce(
        or_, (Q(grain=grain, day__gte=lo, day__lte=hi) for grain, lo, hi in cover(date_from, date_to))
    )
    rows = (
        KpiUnitCount.objects.filter(wanted)
        .values("unit_id")
        .annotate(assisted=Sum("r_assisted"), online=Sum("r_online"))
        .order_by()
        .values_list("unit_id", "assisted", "online")
    )
    return {unit_id: (int(assisted or 0), int(online or 0)) for unit_id, assisted, online in rows}


def kpi_assisted(*, date_from: date, date_to: date, units_mode: str = "period") -> dict[str, Any]:
    """``{"province": figure, "units": {code: figure}}`` with the same units as kpi_compute's ``units`` for this
    mode (every unit that existed in the period, or every unit that has not ended with the ended ones' counts
    added to their heirs'). Raises DomainError (400) as kpi_compute does."""
    _check(date_from, date_to, units_mode)
    counts = assisted_counts(date_from=date_from, date_to=date_to)
    units = list(Unit.objects.values_list("pk", "code", "valid_from", "valid_to").order_by("code"))
    reported: dict[str, list[int]] = {}
    if units_mode == "period":
        for pk, code, valid_from, valid_to in units:
            if valid_from <= date_to and (valid_to is None or valid_to >= date_from):
                reported[code] = list(counts.get(pk, (0, 0)))
    else:
        reported = {code: [0, 0] for _pk, code, _from, valid_to in units if valid_to is None}
        heirs = unit_heir_map()
        folded: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for pk, code, _from, _to in units:
            heir = heirs.get(code)
            if heir is not None and pk in counts:
                folded[heir][0] += counts[pk][0]
                folded[heir][1] += counts[pk][1]
        for heir, (assisted, online) in folded.items():
            reported[heir][0] += assisted
            reported[heir][1] += online
    province = (sum(a for a, _o in counts.values()), sum(o for _a, o in counts.values()))
    return {
        "province": figure(*province),
        "units": {code: figure(assisted, online) for code, (assisted, online) in reported.items()},
    }
