"""The rows of 0003's new shapes from the rollups already there (a database with rollups; a fresh one has none).

* The metrics of a unit (1–15, procedure 0) move from KpiCount, one row per metric, to KpiUnitCount, one row per
  (unit, grain, day) with a column per metric; KpiCount keeps the pair metrics.
* Each day-by-day KpiSpanCount row gains its three coarser rows (day × month, month × day, month × month).

Both steps are undone by the reverse migration. The same rows as ``dvctt kpi_rebuild`` writes
(tests/test_migrations.py).
"""

from collections import Counter
from datetime import date

from django.db import migrations

# monitoring.models.UNIT_METRIC_COLUMNS at the time of this migration: metric k is column k − 1
COLUMNS = (
    "received",
    "r_online",
    "r_synced",
    "r_digitised",
    "r_fees",
    "r_paid",
    "r_complaints",
    "r_offered",
    "r_offered_online",
    "ended",
    "ended_late",
    "m",
    "me",
    "c_doc",
    "c_doc_e",
)
BATCH = 5000


def _month(day: date) -> date:
    return day.replace(day=1)


def units_forward(apps, schema_editor):
    count_model = apps.get_model("monitoring", "KpiCount")
    unit_model = apps.get_model("monitoring", "KpiUnitCount")
    rows = count_model.objects.filter(procedure_id=0, metric__lte=len(COLUMNS)).order_by("grain", "day", "unit_id")
    batch, current, key = [], None, None
    for grain, day, unit_id, metric, value in rows.values_list("grain", "day", "unit_id", "metric", "value").iterator(
        chunk_size=20000
    ):
        if (grain, day, unit_id) != key:
            if current is not None:
                batch.append(current)
            key = (grain, day, unit_id)
            current = unit_model(grain=grain, day=day, unit_id=unit_id)
            if len(batch) >= BATCH:
                unit_model.objects.bulk_create(batch)
                batch = []
        setattr(current, COLUMNS[metric - 1], value)
    if current is not None:
        batch.append(current)
    unit_model.objects.bulk_create(batch)
    rows.delete()


def units_backward(apps, schema_editor):
    count_model = apps.get_model("monitoring", "KpiCount")
    unit_model = apps.get_model("monitoring", "KpiUnitCount")
    batch = []
    for row in unit_model.objects.order_by("pk").iterator(chunk_size=20000):
        for metric, column in enumerate(COLUMNS, start=1):
            value = getattr(row, column)
            if value:
                batch.append(
                    count_model(
                        metric=metric, unit_id=row.unit_id, procedure_id=0, grain=row.grain, day=row.day, value=value
                    )
                )
        if len(batch) >= BATCH:
            count_model.objects.bulk_create(batch)
            batch = []
    count_model.objects.bulk_create(batch)
    unit_model.objects.all().delete()


def spans_forward(apps, schema_editor):
    span_model = apps.get_model("monitoring", "KpiSpanCount")
    coarser = Counter()
    for unit_id, r_day, c_day, value in (
        span_model.objects.filter(r_grain="d", c_grain="d").values_list("unit_id", "r_day", "c_day", "value").iterator(
            chunk_size=20000
        )
    ):
        coarser["d", r_day, "m", _month(c_day), unit_id] += value
        coarser["m", _month(r_day), "d", c_day, unit_id] += value
        coarser["m", _month(r_day), "m", _month(c_day), unit_id] += value
    span_model.objects.bulk_create(
        (
            span_model(r_grain=rg, r_day=r, c_grain=cg, c_day=c, unit_id=unit, value=value)
            for (rg, r, cg, c, unit), value in coarser.items()
            if value
        ),
        batch_size=BATCH,
    )


def spans_backward(apps, schema_editor):
    span_model = apps.get_model("monitoring", "KpiSpanCount")
    span_model.objects.exclude(r_grain="d", c_grain="d").delete()


class Migration(migrations.Migration):
    dependencies = [
        ("monitoring", "0003_unit_counts_span_grains"),
    ]

    operations = [
        migrations.RunPython(units_forward, units_backward),
        migrations.RunPython(spans_forward, spans_backward),
    ]
