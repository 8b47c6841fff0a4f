"""The assisted share (0006's new columns) on a database that already has facts and rollups: each fact of an online
dossier filed by an officer for the applicant is marked, and its unit's day, month and year rows count it by the
day of receipt. The same rows as ``dvctt kpi_rebuild`` writes (tests/test_assisted.py). Reversed by 0006's
reverse, which drops the columns: nothing to undo here.
"""

from collections import Counter

from django.db import migrations
from django.db.models import Count

ONLINE = 2  # dossiers.states.Channel.ONLINE


def forward(apps, schema_editor):
    fact_model = apps.get_model("monitoring", "DossierFact")
    unit_model = apps.get_model("monitoring", "KpiUnitCount")
    dossier_model = apps.get_model("dossiers", "Dossier")
    assisted_ids = dossier_model.objects.filter(assisted=True, channel=ONLINE).values("pk")
    fact_model.objects.filter(dossier_id__in=assisted_ids).update(assisted=True)
    counts: Counter = Counter()
    rows = (
        fact_model.objects.filter(assisted=True, r_day__isnull=False)
        .values("unit_id", "r_day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for row in rows.iterator(chunk_size=20000):
        day, unit_id, n = row["r_day"], row["unit_id"], row["n"]
        counts["d", day, unit_id] += n
        counts["m", day.replace(day=1), unit_id] += n
        counts["y", day.replace(month=1, day=1), unit_id] += n
    for (grain, day, unit_id), n in sorted(counts.items()):
        # the row exists: the same dossiers are counted in ``received`` on the same day
        unit_model.objects.filter(grain=grain, day=day, unit_id=unit_id).update(r_assisted=n)


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0005_fewer_indexes"),
        ("monitoring", "0006_fact_assisted"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop, elidable=True)]
