"""Rollups: counts of single days that add up to every indicator of any period (docs/indicators.md).

A counted dossier's fact (monitoring.facts) contributes +1 to a few ``KpiCount`` rows keyed by (metric, unit,
day) at three grains (day, month, year) and, for the digitisation exclusion, to one ``KpiSpanCount`` row.
For a period [D0, D1] (kpi.py; "x ≤ D1" means the moment is before the period end):

* R-based counts are the sums of the ``R_*`` metrics over [D0, D1] (day of NgayTiepNhan).
* P = #{r ≤ D1} − #{r ≤ D1 ∧ e < D0}. For a *regular* dossier (r's day ≤ e's day) the second condition is
  just e < D0, so P = RECEIVED summed up to D1 − ENDED summed up to D0 − 1.
* late = #{r ≤ D1 ∧ D0 ≤ e ≤ D1 ∧ late_at_end} + #{r ≤ D1 ∧ (no e ∨ e > D1) ∧ l ≤ D1}. The first term, for
  regular dossiers, is ENDED_LATE over [D0, D1]. The second, with m = max(r, l), is
  #{m ≤ D1} − #{max(m, e) ≤ D1}: the prefix sums of the metrics M and ME (true for every dossier).
* C-based counts: C_DOC / C_DOC_E over [D0, D1] (day of NgayKetThucXuLy; regular dossiers have r ≤ c).
* the digitisation exclusion needs r and c both in [D0, D1]: ``KpiSpanCount`` rows with D0 ≤ r and c ≤ D1.
* services: PAIR / PAIR_ONLINE by (unit, procedure, day received), distinct pairs with a count above 0.

Irregular dossiers (ended before the day they were received: bad data, but possible in imports) would break
the "regular" identities; they stay out of ENDED, ENDED_LATE, C_DOC, C_DOC_E and the spans and kpi.py counts
them one by one from their facts.

Kept current two ways, both idempotent:

* :func:`facts_refresh` (one dossier after ``dossier_changed``; a procedure's dossiers after a catalogue
  change): recomputes the facts from the dossiers, and applies the difference of their contributions
  (old → new) to the rollups in the same transaction, the dossier and fact rows locked. Running it twice
  changes nothing the second time.
* :func:`rollups_rebuild`: recomputes every fact and rollup from the dossiers (``dvctt kpi_rebuild``; the
  importer calls it after an import).
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from dvctt.catalog.models import ProcedureVersion
from dvctt.dossiers.models import Dossier, SupplementRequest, SyncState
from dvctt.monitoring.facts import (
    PARENT_CODE_CHAR,
    Fact,
    VersionLookup,
    fact_build,
    facts_select_sql,
    is_counted,
)
from dvctt.monitoring.models import (
    UNIT_METRIC_COLUMNS,
    DossierFact,
    Grain,
    KpiCount,
    KpiPairYear,
    KpiSpanCount,
    KpiUnitCount,
)

logger = logging.getLogger(__name__)


class Metric(IntEnum):
    """What a rollup counts. 1–15 and 18 are a unit's (KpiUnitCount's columns, UNIT_METRIC_COLUMNS in this
    order), 16–17 a (unit, procedure) pair's (KpiCount). The numbers are stored (KpiCount.metric): a new metric
    takes the next number."""

    RECEIVED = 1  # by r: every fact with a NgayTiepNhan
    R_ONLINE = 2
    R_SYNCED = 3
    R_DIGITISED = 4  # HoSoCoThanhPhanSoHoa = 1 (before the exclusion)
    R_FEES = 5
    R_PAID = 6
    R_COMPLAINTS = 7
    R_OFFERED = 8  # procedure offered online at NgayTiepNhan
    R_OFFERED_ONLINE = 9
    ENDED = 10  # regular, by e
    ENDED_LATE = 11  # regular, late at its end, by e
    M = 12  # by max(r, l), when l is set
    ME = 13  # by max(r, l, e), when l and e are set
    C_DOC = 14  # regular, completed, document result at receipt, by c
    C_DOC_E = 15  # ... with an electronic result
    PAIR = 16  # by r, per procedure
    PAIR_ONLINE = 17
    R_ASSISTED = 18  # by r: online and filed by an officer for the applicant (not a spec indicator)


#: The service pairs' metrics, whose day rows are also kept as bits (KpiPairYear).
PAIR_METRICS = (Metric.PAIR, Metric.PAIR_ONLINE)

R_FLAGS: tuple[tuple[Metric, str], ...] = (
    (Metric.R_ONLINE, "online"),
    (Metric.R_SYNCED, "synced"),
    (Metric.R_DIGITISED, "digitised"),
    (Metric.R_FEES, "fees"),
    (Metric.R_PAID, "paid_online"),
    (Metric.R_COMPLAINTS, "complaint"),
    (Metric.R_OFFERED, "offered_at_r"),
    (Metric.R_ASSISTED, "assisted"),
)

#: A contribution key: ("c", metric, unit_id, procedure_id, day) or ("s", unit_id, r_day, c_day).
Key = tuple[Any, ...]

FACT_FIELDS = (
    "unit_id",
    "procedure_id",
    "r_day",
    "e_day",
    "c_day",
    "l_day",
    "late_at_end",
    "online",
    "synced",
    "digitised",
    "fees",
    "paid_online",
    "complaint",
    "offered_at_r",
    "document_at_r",
    "e_result",
    "applicant_id",
    "s_day",
    "assisted",
)


def contributions(fact: Fact | None) -> Counter[Key]:
    """The day-grain rollup keys one fact adds 1 to (empty for no fact)."""
    out: Counter[Key] = Counter()
    if fact is None or fact.r_day is None:
        return out  # without NgayTiepNhan a dossier is in no count but official usage (read from facts)
    unit, r = fact.unit_id, fact.r_day
    out["c", Metric.RECEIVED, unit, 0, r] += 1
    for metric, name in R_FLAGS:
        if getattr(fact, name):
            out["c", metric, unit, 0, r] += 1
    if fact.offered_at_r and fact.online:
        out["c", Metric.R_OFFERED_ONLINE, unit, 0, r] += 1
    out["c", Metric.PAIR, unit, fact.procedure_id, r] += 1
    if fact.online:
        out["c", Metric.PAIR_ONLINE, unit, fact.procedure_id, r] += 1
    e, c, l_day = fact.e_day, fact.c_day, fact.l_day
    if l_day is not None:
        m = max(r, l_day)
        out["c", Metric.M, unit, 0, m] += 1
        if e is not None:
            out["c", Metric.ME, unit, 0, max(m, e)] += 1
    if fact.irregular:
        return out
    if e is not None:
        out["c", Metric.ENDED, unit, 0, e] += 1
        if fact.late_at_end:
            out["c", Metric.ENDED_LATE, unit, 0, e] += 1
    if c is not None and fact.document_at_r:
        out["c", Metric.C_DOC, unit, 0, c] += 1
        if fact.e_result:
            out["c", Metric.C_DOC_E, unit, 0, c] += 1
        elif fact.digitised:
            out["s", unit, r, c] += 1
    return out


def grain_days(day: date) -> tuple[tuple[str, date], ...]:
    return (
        (Grain.DAY, day),
        (Grain.MONTH, day.replace(day=1)),
        (Grain.YEAR, day.replace(month=1, day=1)),
    )


# --- reading dossiers ------------------------------------------------------------------------------------

DOSSIER_FIELDS = (
    "pk",
    "unit_id",
    "procedure_id",
    "status",
    "channel",
    "received_at",
    "submitted_at",
    "due_at",
    "ended_at",
    "returned_at",
    "paid_online",
    "fee_total",
    "digitised",
    "has_e_result",
    "sync_state",
    "has_complaint",
    "applicant_id_number",
    "is_test",
    "parent_code",
    "assisted",
)


def versions_lookup(procedure_ids: Iterable[int] | None = None) -> VersionLookup:
    qs = ProcedureVersion.objects.all()
    if procedure_ids is not None:
        qs = qs.filter(procedure_id__in=list(procedure_ids))
    return VersionLookup(
        qs.values_list("procedure_id", "valid_from", "abolished_after", "online_level", "result_is_document")
    )


def _supplements_by_dossier(
    dossier_ids: Sequence[int] | None,
) -> dict[int, list[tuple[datetime, datetime | None]]]:
    qs = SupplementRequest.objects.all()
    if dossier_ids is not None:
        qs = qs.filter(dossier_id__in=dossier_ids)
    out: dict[int, list[tuple[datetime, datetime | None]]] = {}
    for dossier_id, requested, answered in qs.values_list(
        "dossier_id", "requested_at", "answered_at"
    ).order_by():
        out.setdefault(dossier_id, []).append((requested, answered))
    return out


def _fact_of_row(
    row: tuple[Any, ...],
    supplements: dict[int, list[tuple[datetime, datetime | None]]],
    versions: VersionLookup,
) -> Fact | None:
    (
        pk,
        unit_id,
        procedure_id,
        status,
        channel,
        received_at,
        submitted_at,
        due_at,
        ended_at,
        returned_at,
        paid_online,
        fee_total,
        digitised,
        has_e_result,
        sync_state,
        has_complaint,
        applicant_id_number,
        is_test,
        parent_code,
        assisted,
    ) = row
    if not is_counted(is_test=is_test, parent_code=parent_code):
        return None
    return fact_build(
        unit_id=unit_id,
        procedure_id=procedure_id,
        status=status,
        channel=channel,
        received_at=received_at,
        submitted_at=submitted_at,
        due_at=due_at,
        ended_at=ended_at,
        returned_at=returned_at,
        paid_online=paid_online,
        fee_total=fee_total,
        digitised=digitised,
        has_e_result=has_e_result,
        synced=sync_state == SyncState.SYNCED,
        has_complaint=has_complaint,
        applicant_id_number=applicant_id_number,
        supplements=supplements.get(pk, ()),
        versions=versions,
        assisted=assisted,
    )


def fact_from_row(row: DossierFact) -> Fact:
    return Fact(**{name: getattr(row, name) for name in FACT_FIELDS})


def _fact_model(dossier_id: int, fact: Fact) -> DossierFact:
    return DossierFact(
        dossier_id=dossier_id, irregular=fact.irregular, **{name: getattr(fact, name) for name in FACT_FIELDS}
    )


# --- writing rollups -------------------------------------------------------------------------------------


def _lock_for_refresh() -> None:
    """Wait for a running rebuild (which holds SHARE ROW EXCLUSIVE on the facts) and keep it out meanwhile."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {DossierFact._meta.db_table} IN ROW EXCLUSIVE MODE")


#: The unit metrics (KpiUnitCount's columns, in Metric's order) and the pair metrics (KpiCount's rows).
UNIT_METRICS = tuple(m for m in Metric if m not in PAIR_METRICS)
#: A unit metric's position in UNIT_METRIC_COLUMNS (and in a KpiUnitCount row's values).
UNIT_COLUMN_AT: dict[Metric, int] = {metric: at for at, metric in enumerate(UNIT_METRICS)}
assert len(UNIT_METRICS) == len(UNIT_METRIC_COLUMNS)
#: Grains a digitisation span is kept at: (grain of receipt, grain of completion).
SPAN_GRAINS = (
    (Grain.DAY, Grain.DAY),
    (Grain.DAY, Grain.MONTH),
    (Grain.MONTH, Grain.DAY),
    (Grain.MONTH, Grain.MONTH),
)


def _span_start(grain: str, day: date) -> date:
    return day if grain == Grain.DAY else day.replace(day=1)


@dataclass(frozen=True, slots=True)
class Rows:
    """The rollup rows a delta of contributions moves, each in a fixed order: two refreshes touching the same rows
    lock them in the same order (no deadlock)."""

    units: list[tuple[Any, ...]]  # (grain, day, unit_id, *one value per UNIT_METRIC_COLUMNS)
    pairs: list[tuple[Any, ...]]  # (grain, metric, day, unit_id, procedure_id, value)
    spans: list[tuple[Any, ...]]  # (r_grain, r_day, c_grain, c_day, unit_id, value)


def _expand(delta: Counter[Key]) -> Rows:
    units: dict[tuple[Any, ...], list[int]] = {}
    pairs: Counter[tuple[Any, ...]] = Counter()
    spans: Counter[tuple[Any, ...]] = Counter()
    width = len(UNIT_METRIC_COLUMNS)
    for key, value in delta.items():
        if not value:
            continue
        if key[0] == "c":
            _, metric, unit, procedure, day = key
            for grain, start in grain_days(day):
                if metric in PAIR_METRICS:
                    pairs[grain, int(metric), start, unit, procedure] += value
                else:
                    units.setdefault((grain, start, unit), [0] * width)[UNIT_COLUMN_AT[metric]] += value
        else:
            _, unit, r_day, c_day = key
            for r_grain, c_grain in SPAN_GRAINS:
                spans[r_grain, _span_start(r_grain, r_day), c_grain, _span_start(c_grain, c_day), unit] += (
                    value
                )
    return Rows(
        units=sorted((*k, *v) for k, v in units.items() if any(v)),
        pairs=sorted((*k, v) for k, v in pairs.items() if v),
        spans=sorted((*k, v) for k, v in spans.items() if v),
    )


def _upsert(
    table: str, columns: Sequence[str], conflict: Sequence[str], rows: list[tuple[Any, ...]], update: str
) -> None:
    """INSERT ... ON CONFLICT (conflict) DO UPDATE SET ``update`` in chunks (SQLite and PostgreSQL)."""
    if not rows:
        return
    adapt = connection.ops.adapt_datefield_value
    quote = connection.ops.quote_name
    column_list = ", ".join(quote(c) for c in columns)
    conflict_list = ", ".join(quote(c) for c in conflict)
    placeholders = "(" + ", ".join(["%s"] * len(columns)) + ")"
    with connection.cursor() as cursor:
        for start in range(0, len(rows), 500):
            chunk = rows[start : start + 500]
            params: list[Any] = []
            for row in chunk:
                params.extend(adapt(v) if isinstance(v, date) else v for v in row)
            # Table and column names come from the models; every value is a parameter.
            values = ", ".join([placeholders] * len(chunk))
            sql = f"INSERT INTO {quote(table)} ({column_list}) VALUES {values} "  # noqa: S608
            cursor.execute(sql + f"ON CONFLICT ({conflict_list}) DO UPDATE SET {update}", params)


def _upsert_add(
    table: str, columns: Sequence[str], conflict: Sequence[str], rows: list[tuple[Any, ...]]
) -> None:
    """INSERT ... ON CONFLICT DO UPDATE SET v = v + excluded.v for every column v not in ``conflict``."""
    quote = connection.ops.quote_name
    update = ", ".join(
        f"{quote(c)} = {quote(table)}.{quote(c)} + excluded.{quote(c)}" for c in columns if c not in conflict
    )
    _upsert(table, columns, conflict, rows, update)


UNIT_COUNT_COLUMNS = ("grain", "day", "unit_id", *UNIT_METRIC_COLUMNS)
PAIR_COUNT_COLUMNS = ("grain", "metric", "day", "unit_id", "procedure_id", "value")
SPAN_COLUMNS = ("r_grain", "r_day", "c_grain", "c_day", "unit_id", "value")


#: (metric, unit_id, procedure_id, year) of a KpiPairYear row.
PairYearKey = tuple[int, int, int, int]
PAIR_YEAR_MASKS = ("months", *(f"d{month}" for month in range(1, 13)))
PAIR_YEAR_COLUMNS = ("metric", "unit_id", "procedure_id", "year", *PAIR_YEAR_MASKS)


def _pair_year_keys(delta: Counter[Key]) -> list[PairYearKey]:
    return sorted(
        {
            (int(key[1]), key[2], key[3], key[4].year)
            for key, value in delta.items()
            if value and key[0] == "c" and key[1] in PAIR_METRICS
        }
    )


def _pair_year_masks(keys: set[PairYearKey] | None) -> dict[PairYearKey, list[int]]:
    """The bits of the day rows above 0 of these pairs and years (every pair when ``keys`` is None)."""
    rows = KpiCount.objects.filter(grain=Grain.DAY, metric__in=list(PAIR_METRICS), value__gt=0)
    if keys is not None:
        if not keys:
            return {}
        years = [year for _m, _u, _p, year in keys]
        rows = rows.filter(
            unit_id__in={unit for _m, unit, _p, _y in keys},
            procedure_id__in={procedure for _m, _u, procedure, _y in keys},
            day__gte=date(min(years), 1, 1),
            day__lte=date(max(years), 12, 31),
        )
    masks: dict[PairYearKey, list[int]] = {}
    for metric, unit, procedure, day in rows.values_list("metric", "unit_id", "procedure_id", "day").iterator(
        chunk_size=20_000
    ):
        key = (metric, unit, procedure, day.year)
        if keys is not None and key not in keys:
            continue
        bits = masks.setdefault(key, [0] * 13)
        bits[0] |= 1 << (day.month - 1)
        bits[day.month] |= 1 << (day.day - 1)
    return masks


def _upsert_pair_years(rows: list[tuple[int, ...]], *, replace: bool) -> None:
    """With ``replace`` the masks are set to the rows' values; without, the rows that exist are only locked (a
    no-op update), so that their masks are computed by one transaction at a time."""
    quote = connection.ops.quote_name
    table = KpiPairYear._meta.db_table
    if replace:
        update = ", ".join(f"{quote(c)} = excluded.{quote(c)}" for c in PAIR_YEAR_MASKS)
    else:
        update = f"{quote('months')} = {quote(table)}.{quote('months')}"
    _upsert(table, PAIR_YEAR_COLUMNS, ("metric", "year", "unit_id", "procedure_id"), rows, update)


def pair_years_refresh(keys: list[PairYearKey]) -> None:
    """Recompute the KpiPairYear rows of these pairs and years from the day rows (a row whose bits are all 0
    stays, and counts for nothing)."""
    masks = _pair_year_masks(set(keys))
    _upsert_pair_years([(*key, *masks.get(key, [0] * 13)) for key in sorted(keys)], replace=True)


def _pair_years_rebuild() -> None:
    """Every KpiPairYear row from the day rows (the table emptied first, by rollups_rebuild)."""
    if connection.vendor == "postgresql":
        counts, pairs = KpiCount._meta.db_table, KpiPairYear._meta.db_table
        days = ", ".join(
            f"bit_or(CASE WHEN extract(month FROM day) = {month} THEN 1 << (extract(day FROM day)::int - 1) "
            "ELSE 0 END)"
            for month in range(1, 13)
        )
        with connection.cursor() as cursor:
            # Table names come from the models; no value from outside.
            cursor.execute(
                f"INSERT INTO {pairs} ({', '.join(PAIR_YEAR_COLUMNS)}) "  # noqa: S608
                "SELECT metric, unit_id, procedure_id, extract(year FROM day)::int, "
                f"bit_or(1 << (extract(month FROM day)::int - 1)), {days} FROM {counts} "
                f"WHERE grain = '{Grain.DAY.value}' AND metric IN ({', '.join(str(int(m)) for m in PAIR_METRICS)}) "
                "AND value > 0 GROUP BY metric, unit_id, procedure_id, extract(year FROM day)"
            )
        return
    masks = _pair_year_masks(None)
    _bulk_insert(KpiPairYear, PAIR_YEAR_COLUMNS, [(*key, *bits) for key, bits in sorted(masks.items())])


def rollups_apply(delta: Counter[Key]) -> None:
    """Add ``delta`` (contribution key → +n/−n) to the rollup rows. Precondition: inside the transaction that
    also writes the facts the delta comes from."""
    pair_years = _pair_year_keys(delta)
    # Their rows locked first (created if missing), in a fixed order: two refreshes of one pair compute its bits
    # one after the other, each from the day rows the other has committed.
    _upsert_pair_years([(*key, *([0] * 13)) for key in pair_years], replace=False)
    rows = _expand(delta)
    _upsert_add(KpiUnitCount._meta.db_table, UNIT_COUNT_COLUMNS, ("grain", "day", "unit_id"), rows.units)
    _upsert_add(
        KpiCount._meta.db_table,
        PAIR_COUNT_COLUMNS,
        ("grain", "metric", "day", "unit_id", "procedure_id"),
        rows.pairs,
    )
    _upsert_add(
        KpiSpanCount._meta.db_table,
        SPAN_COLUMNS,
        ("r_grain", "c_grain", "r_day", "c_day", "unit_id"),
        rows.spans,
    )
    pair_years_refresh(pair_years)


def facts_refresh(*, dossier_ids: Iterable[int]) -> int:
    """Recompute the facts of these dossiers and move the rollups by the difference. Idempotent.

    Locks the dossier rows, then their fact rows, in id order, in one transaction. Returns how many facts
    changed.
    """
    ids = sorted(set(dossier_ids))
    if not ids:
        return 0
    with transaction.atomic():
        _lock_for_refresh()
        rows = list(
            Dossier.objects.select_for_update().filter(pk__in=ids).order_by("pk").values_list(*DOSSIER_FIELDS)
        )
        old_rows = {
            row.dossier_id: row
            for row in DossierFact.objects.select_for_update().filter(dossier_id__in=ids).order_by("pk")
        }
        supplements = _supplements_by_dossier(ids)
        versions = versions_lookup({row[2] for row in rows})
        new_facts = {row[0]: _fact_of_row(row, supplements, versions) for row in rows}
        delta: Counter[Key] = Counter()
        changed = 0
        to_delete: list[int] = []
        for dossier_id in ids:
            old_row = old_rows.get(dossier_id)
            old = fact_from_row(old_row) if old_row is not None else None
            new = new_facts.get(dossier_id)
            if old == new:
                continue
            changed += 1
            delta.update(contributions(new))
            delta.subtract(contributions(old))
            if new is None:
                to_delete.append(dossier_id)
            else:
                _fact_model(dossier_id, new).save(force_insert=old_row is None)
        if to_delete:
            DossierFact.objects.filter(dossier_id__in=to_delete).delete()
        rollups_apply(delta)
    return changed


def facts_refresh_procedure(*, procedure_id: int) -> int:
    """After a catalogue change: the version-dependent flags of this procedure's dossiers may have moved."""
    ids = list(Dossier.objects.filter(procedure_id=procedure_id).values_list("pk", flat=True))
    changed = 0
    for start in range(0, len(ids), 2000):
        changed += facts_refresh(dossier_ids=ids[start : start + 2000])
    return changed


# --- full rebuild ----------------------------------------------------------------------------------------


def _iter_dossier_rows(batch: int) -> Iterator[list[tuple[Any, ...]]]:
    last = 0
    while True:
        rows = list(Dossier.objects.filter(pk__gt=last).order_by("pk").values_list(*DOSSIER_FIELDS)[:batch])
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _bulk_insert(model: Any, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """Insert many rows: COPY on PostgreSQL (several times faster than INSERT for millions), else bulk_create."""
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=2000
        )
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        raw = cursor.cursor
        with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


FACT_COLUMNS = ("dossier_id", "irregular", *FACT_FIELDS)


def _fact_tuple(dossier_id: int, fact: Fact) -> tuple[Any, ...]:
    return (dossier_id, fact.irregular, *(getattr(fact, name) for name in FACT_FIELDS))


def rollups_rebuild(
    *, batch: int = 20000, progress: Callable[[int], None] | None = None, in_sql: bool | None = None
) -> int:
    """Recompute every fact and rollup from the dossiers, in one transaction. Returns the number of facts.

    Safe to run at any time and again: the result depends only on the dossiers and the catalogue. On
    PostgreSQL it holds SHARE ROW EXCLUSIVE on the facts, so concurrent refreshes wait and then apply their
    difference on top of the rebuilt rows.

    ``in_sql`` (default: on PostgreSQL) computes the facts and the counts set-based in the database
    (:func:`facts.facts_select_sql`, :data:`ROLLUPS_SQL`); otherwise facts are built in Python one dossier at a
    time and counted with :func:`contributions`. Both give the same rows (tests/test_rebuild_paths.py).
    """
    if in_sql is None:
        in_sql = connection.vendor == "postgresql"
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {DossierFact._meta.db_table} IN SHARE ROW EXCLUSIVE MODE")
        DossierFact.objects.all().delete()
        KpiUnitCount.objects.all().delete()
        KpiCount.objects.all().delete()
        KpiSpanCount.objects.all().delete()
        KpiPairYear.objects.all().delete()
        written = _rebuild_in_sql(progress) if in_sql else _rebuild_in_python(batch, progress)
        _pair_years_rebuild()
    logger.info("rollups rebuilt: %s facts", written)
    return written


def _rebuild_in_python(batch: int, progress: Callable[[int], None] | None) -> int:
    versions = versions_lookup()
    supplements = _supplements_by_dossier(None)
    day_counts: Counter[Key] = Counter()
    written = 0
    for rows in _iter_dossier_rows(batch):
        facts = []
        for row in rows:
            fact = _fact_of_row(row, supplements, versions)
            if fact is None:
                continue
            facts.append(_fact_tuple(row[0], fact))
            day_counts.update(contributions(fact))
        _bulk_insert(DossierFact, FACT_COLUMNS, facts)
        written += len(facts)
        if progress is not None:
            progress(written)
    expanded = _expand(day_counts)
    _bulk_insert(KpiUnitCount, UNIT_COUNT_COLUMNS, expanded.units)
    _bulk_insert(KpiCount, PAIR_COUNT_COLUMNS, expanded.pairs)
    _bulk_insert(KpiSpanCount, SPAN_COLUMNS, expanded.spans)
    return written


def _unit_days_sql(facts: str) -> str:
    """SELECT of one row per (unit, day) with every unit metric's count that day (KpiUnitCount's day rows):
    :func:`contributions`' unit keys as GROUP BYs, one per moment (r, max(r, l), max(r, l, e), e, c)."""
    m = Metric
    regular = "r_day IS NOT NULL AND NOT irregular"
    r_counts = {int(m.RECEIVED): "count(*)"} | {
        int(metric): f"count(*) FILTER (WHERE {name})" for metric, name in R_FLAGS
    }
    r_counts[int(m.R_OFFERED_ONLINE)] = "count(*) FILTER (WHERE offered_at_r AND online)"
    sources: list[tuple[str, str, dict[int, str]]] = [
        ("r_day", "r_day IS NOT NULL", r_counts),
        ("greatest(r_day, l_day)", "r_day IS NOT NULL AND l_day IS NOT NULL", {int(m.M): "count(*)"}),
        (
            "greatest(r_day, l_day, e_day)",
            "r_day IS NOT NULL AND l_day IS NOT NULL AND e_day IS NOT NULL",
            {int(m.ME): "count(*)"},
        ),
        (
            "e_day",
            f"{regular} AND e_day IS NOT NULL",
            {int(m.ENDED): "count(*)", int(m.ENDED_LATE): "count(*) FILTER (WHERE late_at_end)"},
        ),
        (
            "c_day",
            f"{regular} AND c_day IS NOT NULL AND document_at_r",
            {int(m.C_DOC): "count(*)", int(m.C_DOC_E): "count(*) FILTER (WHERE e_result)"},
        ),
    ]
    selects = [
        f"SELECT unit_id, {day} AS day, "  # noqa: S608 - the model's table, fixed expressions
        + ", ".join(
            f"{counted.get(int(metric), '0')} AS {column}"
            for metric, column in zip(UNIT_METRICS, UNIT_METRIC_COLUMNS, strict=True)
        )
        + f" FROM {facts} WHERE {where} GROUP BY unit_id, {day}"
        for day, where, counted in sources
    ]
    sums = ", ".join(f"sum({column}) AS {column}" for column in UNIT_METRIC_COLUMNS)
    return f"SELECT unit_id, day, {sums} FROM ({' UNION ALL '.join(selects)}) x GROUP BY unit_id, day"  # noqa: S608


def _rollups_sql() -> list[str]:
    """PostgreSQL statements that fill KpiUnitCount, KpiCount and KpiSpanCount from the facts: :func:`contributions`
    and :func:`_expand` as GROUP BYs (day tables first, months and years summed from them; no row of value 0)."""
    facts, units, counts, spans = (
        DossierFact._meta.db_table,
        KpiUnitCount._meta.db_table,
        KpiCount._meta.db_table,
        KpiSpanCount._meta.db_table,
    )
    m = Metric
    columns = ", ".join(UNIT_METRIC_COLUMNS)
    sums = ", ".join(f"sum({column})" for column in UNIT_METRIC_COLUMNS)
    month, year = "date_trunc('month', day)::date", "date_trunc('year', day)::date"
    regular = "r_day IS NOT NULL AND NOT irregular"
    d, mo, y = Grain.DAY.value, Grain.MONTH.value, Grain.YEAR.value
    span_rows = " UNION ALL ".join(
        f"SELECT '{rg.value}', {_sql_start(rg, 'r_day')}, '{cg.value}', {_sql_start(cg, 'c_day')}, "  # noqa: S608
        "unit_id, sum(n) FROM span_days GROUP BY 2, 4, unit_id"
        for rg, cg in SPAN_GRAINS
    )
    # Table names come from the models; no value from outside.
    return [
        f"CREATE TEMPORARY TABLE kpi_unit_days ON COMMIT DROP AS {_unit_days_sql(facts)}",
        f"""INSERT INTO {units} (grain, day, unit_id, {columns})
SELECT '{d}', day, unit_id, {columns} FROM kpi_unit_days
UNION ALL SELECT '{mo}', {month}, unit_id, {sums} FROM kpi_unit_days GROUP BY {month}, unit_id
UNION ALL SELECT '{y}', {year}, unit_id, {sums} FROM kpi_unit_days GROUP BY {year}, unit_id""",  # noqa: S608
        f"""CREATE TEMPORARY TABLE kpi_pair_days ON COMMIT DROP AS
SELECT x.metric, g.unit_id, g.procedure_id, g.r_day AS day, x.value
FROM (SELECT unit_id, procedure_id, r_day, count(*) AS n, count(*) FILTER (WHERE online) AS n_online
      FROM {facts} WHERE r_day IS NOT NULL GROUP BY unit_id, procedure_id, r_day) g,
    LATERAL (VALUES ({int(m.PAIR)}, g.n), ({int(m.PAIR_ONLINE)}, g.n_online)) AS x(metric, value)
WHERE x.value > 0""",  # noqa: S608
        f"""INSERT INTO {counts} (grain, metric, day, unit_id, procedure_id, value)
SELECT '{d}', metric, day, unit_id, procedure_id, value FROM kpi_pair_days
UNION ALL SELECT '{mo}', metric, {month}, unit_id, procedure_id, sum(value) FROM kpi_pair_days
GROUP BY metric, {month}, unit_id, procedure_id
UNION ALL SELECT '{y}', metric, {year}, unit_id, procedure_id, sum(value) FROM kpi_pair_days
GROUP BY metric, {year}, unit_id, procedure_id""",  # noqa: S608
        f"""INSERT INTO {spans} (r_grain, r_day, c_grain, c_day, unit_id, value)
WITH span_days AS (
    SELECT r_day, c_day, unit_id, count(*) AS n FROM {facts}
    WHERE {regular} AND c_day IS NOT NULL AND document_at_r AND NOT e_result AND digitised
    GROUP BY r_day, c_day, unit_id
) {span_rows}""",  # noqa: S608
        "DROP TABLE kpi_unit_days",
        "DROP TABLE kpi_pair_days",
    ]


def _sql_start(grain: str, column: str) -> str:
    return column if grain == Grain.DAY else f"date_trunc('month', {column})::date"


def _rebuild_in_sql(progress: Callable[[int], None] | None) -> int:
    """PostgreSQL: facts with one INSERT … SELECT (facts_select_sql), the few undecided children in Python,
    then the counts with GROUP BYs. Precondition: inside rollups_rebuild's transaction, tables emptied."""
    columns = ", ".join(FACT_COLUMNS)
    select = facts_select_sql(
        dossiers=Dossier._meta.db_table,
        supplements=SupplementRequest._meta.db_table,
        versions=ProcedureVersion._meta.db_table,
        time_zone=settings.TIME_ZONE,
    )
    with connection.cursor() as cursor:
        # Table names and the time zone come from the models and settings; no value from outside.
        cursor.execute(f"INSERT INTO {DossierFact._meta.db_table} ({columns}) {select}")
        written = cursor.rowcount
    undecided = list(
        Dossier.objects.filter(is_test=False)
        .exclude(parent_code="")
        .exclude(parent_code__regex=PARENT_CODE_CHAR)
        .values_list(*DOSSIER_FIELDS)
    )
    if undecided:
        ids = [row[0] for row in undecided]
        supplements = _supplements_by_dossier(ids)
        versions = versions_lookup({row[2] for row in undecided})
        facts = [
            _fact_tuple(row[0], fact)
            for row in undecided
            if (fact := _fact_of_row(row, supplements, versions)) is not None
        ]
        _bulk_insert(DossierFact, FACT_COLUMNS, facts)
        written += len(facts)
    if progress is not None:
        progress(written)
    with connection.cursor() as cursor:
        for statement in _rollups_sql():
            cursor.execute(statement)
    return written
