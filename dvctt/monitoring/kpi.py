"""The indicators of a period from the rollups: the exact object of spec/indicators.md's Output section.

A fixed number of queries whatever the volume (count them in tests/test_api.py): the rollup sums (one query),
the service pairs, the digitisation spans, the irregular facts, the officials, the catalogue on ``to``, the
units (and their heirs for ``current``). Nothing scans the dossiers. The assembly (province, units as in the
period or folded into today's units, rounding) follows the reference engine and uses its rendering.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.db.models import Exists, OuterRef, Q, Sum
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_heir_map
from dvctt.catalog.selectors import catalogue_on
from dvctt.common.errors import DomainError
from dvctt.monitoring import reference as ref
from dvctt.monitoring.models import DossierFact, Grain, KpiCount, KpiSpanCount
from dvctt.monitoring.rollups import Metric

UNITS_MODES = ref.UNITS_MODES

PERIOD_METRICS: dict[Metric, int] = {
    Metric.RECEIVED: ref.R,
    Metric.R_ONLINE: ref.R_ONLINE,
    Metric.R_SYNCED: ref.R_SYNCED,
    Metric.R_DIGITISED: ref.R_DIGITISED,
    Metric.R_FEES: ref.R_FEES,
    Metric.R_PAID: ref.R_PAID_ONLINE,
    Metric.R_COMPLAINTS: ref.R_COMPLAINTS,
    Metric.R_OFFERED: ref.R_OFFERED_AT_RECEIPT,
    Metric.R_OFFERED_ONLINE: ref.R_OFFERED_AT_RECEIPT_ONLINE,
    Metric.C_DOC: ref.C_DOCUMENT,
    Metric.C_DOC_E: ref.C_DOCUMENT_ELECTRONIC,
    Metric.ENDED_LATE: ref.LATE,
}
PREFIX_METRICS = (Metric.RECEIVED, Metric.ENDED, Metric.M, Metric.ME)


def _month_end(day: date) -> date:
    following = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return following - timedelta(days=1)


def cover(first: date, last: date) -> list[tuple[str, date, date]]:
    """Ranges ``(grain, lo, hi)`` of rollup rows (``day`` between lo and hi) that cover exactly [first, last]
    with whole years, then whole months, then days."""
    pieces: list[tuple[str, date, date]] = []
    day = first
    while day <= last:
        if day.day == 1 and day.month == 1 and date(day.year, 12, 31) <= last:
            grain, following = Grain.YEAR, date(day.year + 1, 1, 1) if day.year < 9999 else date.max
        elif day.day == 1 and _month_end(day) <= last:
            grain, following = Grain.MONTH, _month_end(day) + timedelta(days=1)
        else:
            grain, following = Grain.DAY, day + timedelta(days=1)
        if pieces and pieces[-1][0] == grain:
            pieces[-1] = (grain, pieces[-1][1], day)
        else:
            pieces.append((grain, day, day))
        if following <= day:
            break
        day = following
    return pieces


def _range_q(first: date, last: date) -> Q:
    return reduce(or_, (Q(grain=grain, day__gte=lo, day__lte=hi) for grain, lo, hi in cover(first, last)))


def _prefix_q(last: date) -> Q:
    """Rows of every day up to and including ``last`` (from the beginning of time)."""
    year_start, month_start = last.replace(month=1, day=1), last.replace(day=1)
    return (
        Q(grain=Grain.YEAR, day__lt=year_start)
        | Q(grain=Grain.MONTH, day__gte=year_start, day__lt=month_start)
        | Q(grain=Grain.DAY, day__gte=month_start, day__lte=last)
    )


def _check(date_from: date, date_to: date, units_mode: str) -> None:
    if units_mode not in UNITS_MODES:
        raise DomainError(
            _("Cách tính đơn vị “%(mode)s” không hợp lệ: dùng period hoặc current.") % {"mode": units_mode},
            code="invalid_units",
            fields={"units": [_("Chỉ nhận period hoặc current.")]},
        )
    if date_to < date_from:
        raise DomainError(
            _("Kỳ không hợp lệ: ngày bắt đầu %(start)s sau ngày kết thúc %(end)s.")
            % {"start": f"{date_from:%d/%m/%Y}", "end": f"{date_to:%d/%m/%Y}"},
            code="invalid_period",
            fields={"from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]},
        )


def official_model() -> Any:
    """accounts.Official (national_id, unit, valid_from, valid_to), or None while it does not exist."""
    try:
        return apps.get_model("accounts", "Official")
    except LookupError:
        return None


def kpi_counts(*, date_from: date, date_to: date) -> dict[int, list[int]]:
    """The reference engine's count vector of every unit (by unit id) met in the period's figures."""
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * ref.SLOTS)
    start, last = date_from, date_to
    before = start - timedelta(days=1)
    in_period, upto_end, upto_before = _range_q(start, last), _prefix_q(last), _prefix_q(before)

    rows = (
        KpiCount.objects.filter(procedure_id=0)
        # The three sets of rows are not nested (a prefix uses coarser rows the further it reaches).
        .filter(
            Q(metric__in=list(PERIOD_METRICS)) & in_period
            | Q(metric__in=list(PREFIX_METRICS)) & (upto_end | upto_before)
        )
        .values("unit_id", "metric")
        .annotate(
            period=Sum("value", filter=in_period),
            upto_end=Sum("value", filter=upto_end),
            upto_before=Sum("value", filter=upto_before),
        )
        .order_by()
    )
    for row in rows:
        vector, metric = counts[row["unit_id"]], row["metric"]
        period, upto_end_sum = row["period"] or 0, row["upto_end"] or 0
        if metric in PERIOD_METRICS:
            vector[PERIOD_METRICS[Metric(metric)]] += period
        if metric == Metric.RECEIVED:
            vector[ref.P] += upto_end_sum
        elif metric == Metric.ENDED:
            vector[ref.P] -= row["upto_before"] or 0
        elif metric == Metric.M:
            vector[ref.LATE] += upto_end_sum
        elif metric == Metric.ME:
            vector[ref.LATE] -= upto_end_sum

    for unit_id, number in (
        KpiSpanCount.objects.filter(r_day__gte=start, r_day__lte=last, c_day__lte=last)
        .values("unit_id")
        .annotate(n=Sum("value"))
        .order_by()
        .values_list("unit_id", "n")
    ):
        counts[unit_id][ref.R_DIGITISED] -= number

    _add_irregular(counts, start, last)
    offered_on_last_day = _add_catalogue(counts, last)
    _add_services(counts, start, last, offered_on_last_day)
    _add_officials(counts, start, last)
    return counts


def _add_irregular(counts: dict[int, list[int]], start: date, last: date) -> None:
    """Dossiers that ended on a day before their receipt, evaluated one by one (rollups.py keeps them out)."""
    facts = DossierFact.objects.filter(irregular=True).values_list(
        "unit_id", "r_day", "e_day", "c_day", "late_at_end", "document_at_r", "e_result", "digitised"
    )
    for unit_id, r_day, e_day, c_day, late_at_end, document, e_result, digitised in facts:
        if r_day is None or e_day is None:  # an irregular fact has both days
            continue
        vector = counts[unit_id]
        if r_day > last:
            # Received after the period: outside R and P, yet C (processed inside it) does not ask about receipt.
            if c_day is not None and start <= c_day <= last and document:
                vector[ref.C_DOCUMENT] += 1
                if e_result:
                    vector[ref.C_DOCUMENT_ELECTRONIC] += 1
            continue
        if e_day < start:
            vector[ref.P] -= 1
        elif e_day <= last and late_at_end:
            vector[ref.LATE] += 1
        if c_day is not None and start <= c_day <= last and document:
            if e_result:
                vector[ref.C_DOCUMENT_ELECTRONIC] += 1
            vector[ref.C_DOCUMENT] += 1
            if not e_result and digitised and start <= r_day:
                vector[ref.R_DIGITISED] -= 1


def _add_catalogue(counts: dict[int, list[int]], last: date) -> set[int]:
    """The catalogue on ``to`` per unit listed (each version once per unit); returns the procedures offered
    online on ``to``."""
    seen: set[tuple[int, int]] = set()
    offered: set[int] = set()
    for version_id, procedure_id, level, eligible, national, unit_id in catalogue_on(on=last).values_list(
        "pk", "procedure_id", "online_level", "eligible_full_process", "integrated_national", "units"
    ):
        if level in (3, 4):
            offered.add(procedure_id)
        if unit_id is None or (version_id, unit_id) in seen:
            continue
        seen.add((version_id, unit_id))
        vector = counts[unit_id]
        full = level == 4
        vector[ref.CAT_ELIGIBLE] += eligible
        vector[ref.CAT_ELIGIBLE_FULL] += eligible and full
        vector[ref.CAT_FULL] += full
        vector[ref.CAT_FULL_NATIONAL] += full and national
    return offered


def province_catalogue(last: date) -> list[int]:
    """The province's catalogue counts: every procedure in force on ``to`` once."""
    out = [0] * ref.SLOTS
    for level, eligible, national in catalogue_on(on=last).values_list(
        "online_level", "eligible_full_process", "integrated_national"
    ):
        full = level == 4
        out[ref.CAT_ELIGIBLE] += eligible
        out[ref.CAT_ELIGIBLE_FULL] += eligible and full
        out[ref.CAT_FULL] += full
        out[ref.CAT_FULL_NATIONAL] += full and national
    return out


def _add_services(counts: dict[int, list[int]], start: date, last: date, offered: set[int]) -> None:
    rows = (
        KpiCount.objects.filter(metric__in=[Metric.PAIR, Metric.PAIR_ONLINE], procedure_id__in=offered)
        .filter(_range_q(start, last))
        .values("unit_id", "procedure_id", "metric")
        .annotate(n=Sum("value"))
        .order_by()
        .values_list("unit_id", "metric", "n")
    )
    for unit_id, metric, number in rows:
        if number > 0:
            counts[unit_id][ref.SERVICES if metric == Metric.PAIR else ref.SERVICES_ONLINE] += 1


def _add_officials(counts: dict[int, list[int]], start: date, last: date) -> None:
    official = official_model()
    if official is None:
        return
    active = DossierFact.objects.filter(
        online=True, applicant_id=OuterRef("national_id"), s_day__gte=start, s_day__lte=last
    )
    in_post: dict[int, set[str]] = defaultdict(set)
    online: dict[int, set[str]] = defaultdict(set)
    for unit_id, national_id, used in (
        official.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=last), valid_from__lte=last)
        .annotate(used=Exists(active))
        .values_list("unit_id", "national_id", "used")
        .order_by()
    ):
        in_post[unit_id].add(national_id)
        if used:
            online[unit_id].add(national_id)
    for unit_id, ids in in_post.items():
        counts[unit_id][ref.OFFICIALS] = len(ids)
        counts[unit_id][ref.OFFICIALS_ONLINE] = len(online[unit_id])


def _add(target: list[int], source: Iterable[int]) -> None:
    for slot, value in enumerate(source):
        target[slot] += value


def kpi_compute(*, date_from: date, date_to: date, units_mode: str = "period") -> dict[str, Any]:
    """spec/indicators.md's Output object for [date_from, date_to], from the rollups.

    Raises DomainError (400) for an unknown ``units_mode`` or a period that ends before it starts.
    """
    _check(date_from, date_to, units_mode)
    counts = kpi_counts(date_from=date_from, date_to=date_to)

    province = [0] * ref.SLOTS
    for vector in counts.values():
        _add(province, vector)
    for slot, value in enumerate(province_catalogue(date_to)):
        if slot in ref.CATALOGUE_SLOTS:
            province[slot] = value

    units = list(Unit.objects.values_list("pk", "code", "valid_from", "valid_to").order_by("code"))
    reported: dict[str, list[int]] = {}
    if units_mode == "period":
        for pk, code, valid_from, valid_to in units:
            if valid_from <= date_to and (valid_to is None or valid_to >= date_from):
                reported[code] = list(counts.get(pk) or [0] * ref.SLOTS)
    else:
        for _pk, code, _valid_from, valid_to in units:
            if valid_to is None:
                reported[code] = [0] * ref.SLOTS
        heirs = unit_heir_map()
        for pk, code, _valid_from, _valid_to in units:
            heir = heirs.get(code)
            if heir is not None and pk in counts:
                _add(reported[heir], counts[pk])

    return {
        "from": date_from.isoformat(),
        "to": date_to.isoformat(),
        "province": ref._render(province),
        "units": {code: ref._render(vector) for code, vector in reported.items()},
    }
