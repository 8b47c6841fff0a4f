"""The indicators of a period from the rollups: the exact object of spec/indicators.md's Output section.

A fixed number of queries whatever the volume (count them in tests/test_api.py): the rollup sums (one query),
the service pairs, the digitisation spans, the irregular facts, the officials, the catalogue on ``to``, the
units (and their heirs for ``current``). Nothing scans the dossiers. The assembly (province, units as in the
period or folded into today's units, rounding) follows the reference engine and uses its rendering.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import reduce
from operator import or_
from typing import Any

from django.apps import apps
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_heir_map
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.common.errors import DomainError
from dvctt.monitoring import reference as ref
from dvctt.monitoring.models import (
    UNIT_METRIC_COLUMNS,
    DossierFact,
    Grain,
    KpiPairYear,
    KpiSpanCount,
    KpiUnitCount,
)
from dvctt.monitoring.rollups import UNIT_COLUMN_AT, Metric

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


def _prefix_pieces(last: date) -> list[tuple[str, date, date]]:
    """Ranges ``(grain, lo, hi)`` of rollup rows that cover every day up to ``last``: whole years, then whole
    months, then days (a prefix that ends with a month or a year needs no day rows)."""
    if last < date(2, 1, 1):
        return [(Grain.DAY, date.min, last)]
    year_start, month_start = last.replace(month=1, day=1), last.replace(day=1)
    if last.month == 12 and last.day == 31:
        return [(Grain.YEAR, date.min, year_start)]
    pieces = [(Grain.YEAR, date.min, year_start - timedelta(1))]
    if last == _month_end(last):
        return [*pieces, (Grain.MONTH, year_start, month_start)]
    if month_start > year_start:
        pieces.append((Grain.MONTH, year_start, month_start - timedelta(1)))
    return [*pieces, (Grain.DAY, month_start, last)]


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


#: A period of whole days, both ends included.
Span = tuple[date, date]
#: Where figures are kept when they are not wanted per unit (kpi_counts_many's ``per_unit=False``).
PROVINCE_KEY = 0


def kpi_counts(
    *, date_from: date, date_to: date, catalogue: CatalogueReader | None = None
) -> dict[int, list[int]]:
    """The reference engine's count vector of every unit (by unit id) met in the period's figures."""
    return kpi_counts_many([(date_from, date_to)], catalogue=catalogue)[0]


def kpi_counts_many(
    spans: Sequence[Span], *, per_unit: bool = True, catalogue: CatalogueReader | None = None
) -> list[dict[int, list[int]]]:
    """:func:`kpi_counts` of several periods at once (a year's months, say), in the same queries as one.

    Each source is read once for all the periods: the rollup sums (one filtered sum per period), the
    digitisation spans, the irregular facts, the catalogue, the service pairs and the officials. With
    ``per_unit=False`` the vectors are not wanted unit by unit: every additive count is summed under
    :data:`PROVINCE_KEY` (the sums are then done by the database), and the catalogue slots are the province's
    (every procedure in force once), as kpi_compute reports them for the province.

    ``catalogue`` reads the catalogue on the periods' last days (:func:`catalogue_days` by default; the dashboards
    keep what it returns in their cache while the catalogue does not change).
    """
    counts: list[dict[int, list[int]]] = [defaultdict(lambda: [0] * ref.SLOTS) for _span in spans]
    if not spans:
        return counts
    _add_rollups(counts, spans, per_unit)
    _add_spans(counts, spans, per_unit)
    _add_irregular(counts, spans, per_unit)
    offered = _add_catalogue(counts, spans, per_unit, catalogue or catalogue_days)
    _add_services(counts, spans, offered, per_unit)
    _add_officials(counts, spans, per_unit)
    return counts


def _column(metric: Metric) -> str:
    return UNIT_METRIC_COLUMNS[UNIT_COLUMN_AT[metric]]


def _add_rollups(counts: list[dict[int, list[int]]], spans: Sequence[Span], per_unit: bool) -> None:
    """The unit metrics' sums of each period: over the period (PERIOD_METRICS), and from the beginning up to its
    end or to the day before it (PREFIX_METRICS).

    One query reads the KpiUnitCount rows of every grain and day range any period needs (a unit's few rows of
    whole years, months and days: about fifteen hundred for a year, a few dozen summed over the units for the
    province), and each row is added here to the periods whose pieces hold it. Plain rows: the database reads
    them in a few milliseconds, where a filtered sum per period, metric and prefix cost more to build than to run.
    """
    pieces: list[tuple[list[tuple[str, date, date]], ...]] = []
    bounds: dict[str, tuple[date, date]] = {}
    for start, last in spans:
        periods = (cover(start, last), _prefix_pieces(last), _prefix_pieces(start - timedelta(1)))
        pieces.append(periods)
        for grain, lo, hi in (piece for ranges in periods for piece in ranges):
            low, high = bounds.get(grain, (lo, hi))
            bounds[grain] = (min(low, lo), max(high, hi))
    wanted = reduce(or_, (Q(grain=grain, day__gte=lo, day__lte=hi) for grain, (lo, hi) in bounds.items()))
    columns = [_column(metric) for metric in PERIOD_METRICS]
    prefix = [_column(metric) for metric in PREFIX_METRICS]
    needed = list(dict.fromkeys(columns + prefix))
    query = KpiUnitCount.objects.filter(wanted).order_by()
    if per_unit:
        rows: Iterable[tuple[Any, ...]] = query.values_list("unit_id", "grain", "day", *needed)
    else:
        summed = query.values_list("grain", "day").annotate(*(Sum(column) for column in needed))
        rows = ((PROVINCE_KEY, *row) for row in summed)

    def inside(grain: str, day: date, ranges: list[tuple[str, date, date]]) -> bool:
        return any(grain == g and lo <= day <= hi for g, lo, hi in ranges)

    slots = list(PERIOD_METRICS.values())
    at = {column: 3 + index for index, column in enumerate(needed)}
    period_at = [at[column] for column in columns]
    received, ended, m, me = (at[column] for column in prefix)
    for row in rows:
        unit_id, grain, day = row[0], row[1], row[2]
        for period_counts, (in_period, upto_end, upto_before) in zip(counts, pieces, strict=True):
            vector = period_counts[unit_id]
            if inside(grain, day, in_period):
                for slot, index in zip(slots, period_at, strict=True):
                    vector[slot] += row[index] or 0
            if inside(grain, day, upto_end):
                vector[ref.P] += row[received] or 0
                vector[ref.LATE] += (row[m] or 0) - (row[me] or 0)
            if inside(grain, day, upto_before):
                vector[ref.P] -= row[ended] or 0


def _span_pieces(first: date, last: date) -> list[tuple[str, date, date]]:
    """:func:`cover` at the grains KpiSpanCount keeps (days and months): whole years as their months."""
    pieces: list[tuple[str, date, date]] = []
    for grain, lo, hi in cover(first, last):
        if grain == Grain.YEAR:
            grain, hi = Grain.MONTH, date(hi.year, 12, 1)
        if pieces and pieces[-1][0] == grain == Grain.MONTH:
            pieces[-1] = (grain, pieces[-1][1], hi)
        else:
            pieces.append((grain, lo, hi))
    return pieces


def _span_condition(first: date, last: date, params: list[Any]) -> str:
    """SQL true for the KpiSpanCount rows of the dossiers received and completed in [first, last]: for each pair
    of the period's pieces (the receipt's piece first; completion is never before receipt), the rows at those two
    grains (parameters appended to ``params``)."""
    pieces = _span_pieces(first, last)
    terms = []
    for i, (r_grain, r_lo, r_hi) in enumerate(pieces):
        for c_grain, c_lo, c_hi in pieces[i:]:
            terms.append(
                "(r_grain = %s AND c_grain = %s AND r_day >= %s AND r_day <= %s AND c_day >= %s AND c_day <= %s)"
            )
            params += [r_grain, c_grain, r_lo, r_hi, c_lo, c_hi]
    return "(" + " OR ".join(terms) + ")"


def _add_spans(counts: list[dict[int, list[int]]], spans: Sequence[Span], per_unit: bool) -> None:
    """The digitisation exclusion of each period, a few thousand KpiSpanCount rows summed by the database (the
    statement written here: built through the ORM, its filtered sums cost more than the query)."""
    sums_params: list[Any] = []
    sums = ", ".join(
        f"SUM(CASE WHEN {_span_condition(start, last, sums_params)} THEN value ELSE 0 END)"
        for start, last in spans
    )
    where_params: list[Any] = []
    where = " OR ".join(_span_condition(start, last, where_params) for start, last in spans)
    table = connection.ops.quote_name(KpiSpanCount._meta.db_table)
    keys = "unit_id, " if per_unit else ""
    sql = f"SELECT {keys}{sums} FROM {table} WHERE {where}" + (" GROUP BY unit_id" if per_unit else "")  # noqa: S608 - the model's table, fixed conditions
    with connection.cursor() as cursor:
        cursor.execute(sql, sums_params + where_params)
        rows = cursor.fetchall()
    for row in rows:
        unit_id, values = (row[0], row[1:]) if per_unit else (PROVINCE_KEY, row)
        for period_counts, value in zip(counts, values, strict=True):
            period_counts[unit_id][ref.R_DIGITISED] -= int(value or 0)


def _add_irregular(counts: list[dict[int, list[int]]], spans: Sequence[Span], per_unit: bool) -> None:
    """Dossiers that ended on a day before their receipt, evaluated one by one (rollups.py keeps them out)."""
    facts = list(
        DossierFact.objects.filter(irregular=True).values_list(
            "unit_id", "r_day", "e_day", "c_day", "late_at_end", "document_at_r", "e_result", "digitised"
        )
    )
    for period_counts, (start, last) in zip(counts, spans, strict=True):
        for unit_id, r_day, e_day, c_day, late_at_end, document, e_result, digitised in facts:
            if r_day is None or e_day is None:  # an irregular fact has both days
                continue
            vector = period_counts[unit_id if per_unit else PROVINCE_KEY]
            if r_day > last:
                # Received after the period: outside R and P, yet C (processed inside it) does not ask about
                # receipt.
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


@dataclass(frozen=True, slots=True)
class CatalogueDay:
    """The catalogue on one day: each listed unit's counts (each version in force once per unit), the province's
    (every version in force once) and the procedures offered online (a version in force at level 3 or 4). The
    counts are (eligible, eligible and full-process, full-process, full-process and on the national portal)."""

    units: dict[int, tuple[int, int, int, int]]
    province: tuple[int, int, int, int]
    offered: frozenset[int]


#: Reads the catalogue on some days, per unit or not: ``(days, per_unit) -> {day: CatalogueDay}``.
CatalogueReader = Callable[[Sequence[date], bool], dict[date, CatalogueDay]]


def _add_catalogue(
    counts: list[dict[int, list[int]]], spans: Sequence[Span], per_unit: bool, catalogue: CatalogueReader
) -> list[frozenset[int]]:
    """The catalogue on each period's ``to``: per unit listed, or the province's without ``per_unit``. Returns the
    procedures offered online on each ``to``."""
    days = catalogue(sorted({last for _start, last in spans}), per_unit)
    for period_counts, (_start, last) in zip(counts, spans, strict=True):
        on = days[last]
        for unit_id, vector in on.units.items() if per_unit else ((PROVINCE_KEY, on.province),):
            target = period_counts[unit_id]
            for slot, value in zip(ref.CATALOGUE_SLOTS, vector, strict=True):
                target[slot] += value
    return [days[last].offered for _start, last in spans]


def catalogue_days(days: Sequence[date], per_unit: bool) -> dict[date, CatalogueDay]:
    """The catalogue's counts on each day (:class:`CatalogueDay`; without ``per_unit`` no unit's counts).

    On one day per unit (kpi_compute) the database counts each unit's versions and returns the versions in force
    (two queries); otherwise every version is read once and catalogue_on's rule applied per day here.
    """
    if not (per_unit and len(days) == 1):
        return _catalogue_on_days(days, per_unit=per_unit)
    day = days[0]
    level4 = Q(online_level=4)
    rows = (
        catalogue_on(on=day)
        .filter(units__isnull=False)
        .values("units")
        .annotate(
            eligible=Count("pk", filter=Q(eligible_full_process=True)),
            eligible_full=Count("pk", filter=Q(eligible_full_process=True) & level4),
            full=Count("pk", filter=level4),
            full_national=Count("pk", filter=level4 & Q(integrated_national=True)),
        )
        .order_by()
    )
    units = {
        row["units"]: (row["eligible"], row["eligible_full"], row["full"], row["full_national"])
        for row in rows
    }
    province = [0, 0, 0, 0]
    offered = set()
    in_force = catalogue_on(on=day).values_list(
        "procedure_id", "online_level", "eligible_full_process", "integrated_national"
    )
    for procedure_id, online_level, eligible, national in in_force.order_by():
        _count_version(province, online_level, eligible, national)
        if online_level in (3, 4):
            offered.add(procedure_id)
    return {day: CatalogueDay(units, _four(province), frozenset(offered))}


def _count_version(acc: list[int], online_level: int, eligible: bool, national: bool) -> None:
    """One version in force into a catalogue's counts (the per-unit SQL of catalogue_days counts the same)."""
    full = online_level == 4
    acc[0] += eligible
    acc[1] += eligible and full
    acc[2] += full
    acc[3] += full and national


def _four(acc: list[int]) -> tuple[int, int, int, int]:
    return (int(acc[0]), int(acc[1]), int(acc[2]), int(acc[3]))


def _catalogue_on_days(days: Sequence[date], *, per_unit: bool) -> dict[date, CatalogueDay]:
    """:func:`catalogue_days` from every version read once, catalogue_on's rule applied per day here."""
    procedures = _by_procedure(catalogue_versions())
    links: dict[int, list[int]] = defaultdict(list)
    if per_unit:
        for version_id, unit_id in ProcedureVersion.units.through.objects.values_list(
            "procedureversion_id", "unit_id"
        ):
            links[version_id].append(unit_id)
    # The catalogue only changes on a day a version starts or the day after one is abolished: days with no such
    # day between them (a year's month ends, often) have the same catalogue, counted once.
    changes = sorted(
        {v.valid_from for p in procedures for v in p.versions}
        | {p.abolished_after + timedelta(1) for p in procedures if p.abolished_after is not None}
    )
    out: dict[date, CatalogueDay] = {}
    counted: dict[int, CatalogueDay] = {}
    for day in days:
        same = bisect_right(changes, day)
        if same in counted:
            out[day] = counted[same]
            continue
        in_force = [v for procedure in procedures for v in procedure.in_force(day)]
        sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
        province = [0, 0, 0, 0]
        for version in in_force:
            flags = (version.online_level, version.eligible_full_process, version.integrated_national)
            _count_version(province, *flags)
            for unit_id in links[version.pk]:
                _count_version(sums[unit_id], *flags)
        out[day] = counted[same] = CatalogueDay(
            {unit_id: _four(acc) for unit_id, acc in sums.items()},
            _four(province),
            frozenset(v.procedure_id for v in in_force if v.online_level in (3, 4)),
        )
    return out


@dataclass(frozen=True, slots=True)
class CatalogueVersion:
    pk: int
    procedure_id: int
    valid_from: date
    abolished_after: date | None
    online_level: int
    eligible_full_process: bool
    integrated_national: bool


def catalogue_versions() -> list[CatalogueVersion]:
    """Every version, with what the catalogue counts need, by procedure and start (one query)."""
    return [
        CatalogueVersion(*row)
        for row in ProcedureVersion.objects.values_list(
            "pk",
            "procedure_id",
            "valid_from",
            "abolished_after",
            "online_level",
            "eligible_full_process",
            "integrated_national",
        ).order_by("procedure_id", "valid_from", "pk")
    ]


@dataclass(slots=True)
class _Procedure:
    """One procedure's versions, and catalog.selectors.catalogue_on's rule in Python (tests/test_kpi_engine.py
    checks the many-periods path, which uses it, against the one-period path, which asks the database)."""

    versions: list[CatalogueVersion]  # by start
    abolished_after: date | None  # the earliest of its versions'
    starts: list[date] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.starts = [v.valid_from for v in self.versions]

    def in_force(self, on: date) -> list[CatalogueVersion]:
        if self.abolished_after is not None and self.abolished_after < on:
            return []
        started = bisect_right(self.starts, on)
        if not started:
            return []
        latest = self.starts[started - 1]
        first = bisect_left(self.starts, latest)
        return self.versions[first:started]


def _by_procedure(versions: Sequence[CatalogueVersion]) -> list[_Procedure]:
    grouped: dict[int, list[CatalogueVersion]] = defaultdict(list)
    for version in versions:
        grouped[version.procedure_id].append(version)
    out = []
    for group in grouped.values():
        group.sort(key=lambda v: (v.valid_from, v.pk))
        ends = [v.abolished_after for v in group if v.abolished_after is not None]
        out.append(_Procedure(group, min(ends) if ends else None))
    return out


def _add_services(
    counts: list[dict[int, list[int]]], spans: Sequence[Span], offered: list[frozenset[int]], per_unit: bool
) -> None:
    """(unit, procedure) pairs with a dossier received in the period, of procedures offered online on ``to``.

    Counted by the database (tens of thousands of pairs in a year; only the counts come back) from KpiPairYear,
    one row per pair and year with the months and days it had dossiers as bits: the inner query marks each pair
    with a dossier in each period, the outer one counts the marked pairs whose procedure is offered on that
    period's ``to``, by unit or for the province: a few rows come back.
    """
    if not any(offered):
        return
    table = connection.ops.quote_name(KpiPairYear._meta.db_table)
    params: list[Any] = []
    first, last_of_all = min(a for a, _b in spans), max(b for _a, b in spans)
    # Within one year a pair has one row: no grouping of its rows (the database then flattens the subquery).
    one_year = first.year == last_of_all.year
    marks = ", ".join(
        f"{'' if one_year else 'MAX'}(CASE WHEN {_pair_year_condition(a, b, params)} THEN 1 ELSE 0 END) AS n{i}"
        for i, (a, b) in enumerate(spans)
    )
    # The offered procedures written as integer literals: binding thousands of parameters costs more than the
    # query, and a literal list is one constant array the database searches by hash. The rows are kept to the
    # procedures offered on any period's ``to`` (usually the same list for all); a period whose list is shorter
    # checks its own.
    offered_somewhere = frozenset().union(*offered)

    def listed(ids: frozenset[int]) -> str:
        return ", ".join(str(int(pk)) for pk in sorted(ids)) or "NULL"

    inner = (
        f"SELECT unit_id, procedure_id, metric, {marks} FROM {table} "  # noqa: S608 - the model's table
        f"WHERE metric IN ({int(Metric.PAIR)}, {int(Metric.PAIR_ONLINE)}) AND year BETWEEN %s AND %s "
        f"AND procedure_id IN ({listed(offered_somewhere)})"
        + ("" if one_year else " GROUP BY unit_id, procedure_id, metric")
    )
    params += [first.year, last_of_all.year]
    counted = [
        f"SUM(CASE WHEN n{i} > 0 THEN 1 ELSE 0 END)"
        if ids == offered_somewhere
        else f"SUM(CASE WHEN n{i} > 0 AND procedure_id IN ({listed(ids)}) THEN 1 ELSE 0 END)"
        for i, ids in enumerate(offered)
    ]
    outer = "unit_id, metric" if per_unit else "metric"
    sql = f"SELECT {outer}, {', '.join(counted)} FROM ({inner}) pairs GROUP BY {outer}"  # noqa: S608 - as above
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    for row in rows:
        unit_id, (metric, *values) = (row[0], row[1:]) if per_unit else (PROVINCE_KEY, row)
        slot = ref.SERVICES if metric == Metric.PAIR else ref.SERVICES_ONLINE
        for period_counts, value in zip(counts, values, strict=True):
            if value:
                period_counts[unit_id][slot] += int(value)


def _pair_year_condition(start: date, last: date, params: list[Any]) -> str:
    """SQL true for a KpiPairYear row with a day in [start, last]: whole months through ``months``, the days of
    a month cut by the period through that month's day bits (parameters appended to ``params``)."""
    terms = []
    for year in range(start.year, last.year + 1):
        low, high = max(start, date(year, 1, 1)), min(last, date(year, 12, 31))
        whole = 0
        cut: list[tuple[int, int]] = []  # (month, day bits)
        for month in range(low.month, high.month + 1):
            first, end = date(year, month, 1), _month_end(date(year, month, 1))
            a, b = max(low, first), min(high, end)
            if a == first and b == end:
                whole |= 1 << (month - 1)
            else:
                cut.append((month, ((1 << b.day) - 1) ^ ((1 << (a.day - 1)) - 1)))
        parts = ["(months & %s) <> 0"] if whole else []
        parts += [f"(d{month} & %s) <> 0" for month, _bits in cut]
        params.append(year)
        if whole:
            params.append(whole)
        params.extend(bits for _month, bits in cut)
        terms.append("(year = %s AND (" + " OR ".join(parts) + "))")
    return "(" + " OR ".join(terms) + ")"


def _add_officials(counts: list[dict[int, list[int]]], spans: Sequence[Span], per_unit: bool) -> None:
    """Officials in post on ``to`` (each national id once per unit), and those of them who are the applicant of
    an online dossier submitted in the period (the ``(applicant_id, s_day)`` partial index)."""
    official = official_model()
    if official is None:
        return
    first = min(start for start, _last in spans)
    days = sorted({last for _start, last in spans})
    posts = list(
        official.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=days[0]), valid_from__lte=days[-1])
        .values_list("unit_id", "national_id", "valid_from", "valid_to")
        .order_by()
    )
    if not posts:
        return
    in_post_then = official.objects.filter(
        Q(valid_to__isnull=True) | Q(valid_to__gte=days[0]), valid_from__lte=days[-1]
    ).values("national_id")
    used_in = {
        f"u{i}": Count("pk", filter=Q(s_day__gte=start, s_day__lte=last))
        for i, (start, last) in enumerate(spans)
    }
    used: dict[str, list[bool]] = {
        row["applicant_id"]: [row[f"u{i}"] > 0 for i in range(len(spans))]
        for row in DossierFact.objects.filter(
            online=True,
            applicant_id__in=in_post_then,
            s_day__gte=first,
            s_day__lte=days[-1],
        )
        .values("applicant_id")
        .annotate(**used_in)
        .order_by()
    }
    for i, (period_counts, (_start, last)) in enumerate(zip(counts, spans, strict=True)):
        in_post: dict[int, set[str]] = defaultdict(set)
        for unit_id, national_id, valid_from, valid_to in posts:
            if valid_from <= last and (valid_to is None or valid_to >= last):
                in_post[unit_id].add(national_id)
        for unit_id, ids in in_post.items():
            vector = period_counts[unit_id if per_unit else PROVINCE_KEY]
            vector[ref.OFFICIALS] += len(ids)
            vector[ref.OFFICIALS_ONLINE] += sum(1 for n in ids if n in used and used[n][i])


def _add(target: list[int], source: Iterable[int]) -> None:
    for slot, value in enumerate(source):
        target[slot] += value


def kpi_compute(
    *, date_from: date, date_to: date, units_mode: str = "period", catalogue: CatalogueReader | None = None
) -> dict[str, Any]:
    """spec/indicators.md's Output object for [date_from, date_to], from the rollups (``catalogue``: as for
    :func:`kpi_counts_many`).

    Raises DomainError (400) for an unknown ``units_mode`` or a period that ends before it starts.
    """
    _check(date_from, date_to, units_mode)
    on_to = (catalogue or catalogue_days)([date_to], True)
    counts = kpi_counts(date_from=date_from, date_to=date_to, catalogue=lambda _days, _per_unit: on_to)

    province = [0] * ref.SLOTS
    for vector in counts.values():
        _add(province, vector)
    for slot, value in zip(ref.CATALOGUE_SLOTS, on_to[date_to].province, strict=True):
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
