"""``official_guidance_rate``: officials in post who guided a relative's online dossier (docs/indicators.md,
"Platform indicators"; docs/guidance.md).

Not an indicator of spec/indicators.md (group PLATFORM, never in the KPI Output object). Its denominator is
official_usage_rate's, computed the same way (kpi._add_officials): officials of the roster (accounts.Official) in
post on the period's last day, each national id once per unit. Numerator: those of them whose account (a user
with that national id) is recorded (guidance.Guidance, with the applicant's consent) as guiding at least one
counted online dossier submitted in the period (the dossier's fact: ``online``, ``s_day`` in the period; test
dossiers and inter-agency children have no fact) whose applicant is not that official (the fact's applicant id
differs from the official's national id). One person in two units counts in both, as for official usage.

Two queries for any number of periods (the roster, then the guiders grouped per period), whatever the volume of
dossiers; ``tests/test_guided.py`` checks it against an independent computation on hand-built cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q

from dvctt.accounts.models import Official
from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_heir_map
from dvctt.guidance.models import Guidance
from dvctt.monitoring import reference as ref
from dvctt.monitoring.kpi import Span, _check

CODE = "official_guidance_rate"


def figure(guided: int, in_post: int) -> dict[str, Any]:
    return {"numerator": guided, "denominator": in_post, "value": ref.ratio_value(guided, in_post)}


def _counted_guidance() -> Any:
    """Guidance of counted online dossiers whose applicant is not the guiding official."""
    return (
        Guidance.objects.filter(dossier__kpi_fact__online=True)
        .exclude(official__national_id="")
        .exclude(dossier__kpi_fact__applicant_id=F("official__national_id"))
    )


def guided_counts_many(spans: Sequence[Span]) -> list[dict[int, tuple[int, int]]]:
    """For each period, ``{unit id: (officials in post who guided, officials in post)}`` (units with officials in
    post only)."""
    out: list[dict[int, tuple[int, int]]] = [{} for _span in spans]
    if not spans:
        return out
    first = min(start for start, _last in spans)
    days = sorted({last for _start, last in spans})
    window = Q(valid_to__isnull=True) | Q(valid_to__gte=days[0])
    posts = list(
        Official.objects.filter(window, valid_from__lte=days[-1])
        .values_list("unit_id", "national_id", "valid_from", "valid_to")
        .order_by()
    )
    if not posts:
        return out
    in_post_then = Official.objects.filter(window, valid_from__lte=days[-1]).values("national_id")
    per_span = {
        f"g{i}": Count(
            "pk", filter=Q(dossier__kpi_fact__s_day__gte=start, dossier__kpi_fact__s_day__lte=last)
        )
        for i, (start, last) in enumerate(spans)
    }
    guided: dict[str, list[bool]] = defaultdict(lambda: [False] * len(spans))
    for row in (
        _counted_guidance()
        .filter(
            official__national_id__in=in_post_then,
            dossier__kpi_fact__s_day__gte=first,
            dossier__kpi_fact__s_day__lte=days[-1],
        )
        .values("official__national_id")
        .annotate(**per_span)
        .order_by()
    ):
        flags = guided[row["official__national_id"]]
        for i in range(len(spans)):
            flags[i] = flags[i] or row[f"g{i}"] > 0
    for i, (_start, last) in enumerate(spans):
        in_post: dict[int, set[str]] = defaultdict(set)
        for unit_id, national_id, valid_from, valid_to in posts:
            if valid_from <= last and (valid_to is None or valid_to >= last):
                in_post[unit_id].add(national_id)
        out[i] = {
            unit_id: (sum(1 for n in ids if n in guided and guided[n][i]), len(ids))
            for unit_id, ids in in_post.items()
        }
    return out


def guided_counts(*, date_from: date, date_to: date) -> dict[int, tuple[int, int]]:
    return guided_counts_many([(date_from, date_to)])[0]


def guidance_figures(
    counts: dict[int, tuple[int, int]], *, date_from: date, date_to: date, units_mode: str = "period"
) -> dict[str, Any]:
    """``{"province": figure, "units": {code: figure}}`` from :func:`guided_counts`, with kpi_compute's units for
    this mode (every unit that existed in the period, or today's units with the ended ones folded into their
    heirs, added slot by slot)."""
    units = list(Unit.objects.values_list("pk", "code", "valid_from", "valid_to").order_by("code"))
    reported: dict[str, list[int]] = {}
    if units_mode == "period":
        for pk, code, valid_from, valid_to in units:
            if valid_from <= date_to and (valid_to is None or valid_to >= date_from):
                reported[code] = list(counts.get(pk, (0, 0)))
    else:
        reported = {code: [0, 0] for _pk, code, _from, valid_to in units if valid_to is None}
        heirs = unit_heir_map()
        for pk, code, _from, _to in units:
            heir = heirs.get(code)
            if heir is not None and pk in counts:
                reported[heir][0] += counts[pk][0]
                reported[heir][1] += counts[pk][1]
    province = (sum(g for g, _n in counts.values()), sum(n for _g, n in counts.values()))
    return {
        "province": figure(*province),
        "units": {code: figure(g, n) for code, (g, n) in reported.items()},
    }


def kpi_guidance(*, date_from: date, date_to: date, units_mode: str = "period") -> dict[str, Any]:
    """The figure of every scope for one period. Raises DomainError (400) as kpi_compute does."""
    _check(date_from, date_to, units_mode)
    return guidance_figures(
        guided_counts(date_from=date_from, date_to=date_to),
        date_from=date_from,
        date_to=date_to,
        units_mode=units_mode,
    )


def guided_exists(*, date_from: date, date_to: date) -> Exists:
    """For a queryset of officials (``national_id``): has this official guided a counted online dossier of
    another person submitted in the period? ("explain this number")"""
    return Exists(
        _counted_guidance().filter(
            official__national_id=OuterRef("national_id"),
            dossier__kpi_fact__s_day__gte=date_from,
            dossier__kpi_fact__s_day__lte=date_to,
        )
    )
