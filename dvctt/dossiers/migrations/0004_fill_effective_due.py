"""Data: fill effective_due_at (due_at moved by answered supplement pauses) for dossiers written before 0003."""

from datetime import timedelta

from django.db import migrations


def fill(apps, schema_editor):
    Dossier = apps.get_model("dossiers", "Dossier")
    SupplementRequest = apps.get_model("dossiers", "SupplementRequest")
    paused: dict[int, timedelta] = {}
    answered = SupplementRequest.objects.filter(answered_at__isnull=False).values_list(
        "dossier_id", "requested_at", "answered_at"
    )
    for dossier_id, requested, done in answered.iterator(chunk_size=5000):
        paused[dossier_id] = paused.get(dossier_id, timedelta()) + (done - requested)
    batch = []
    for dossier in Dossier.objects.filter(due_at__isnull=False).only("id", "due_at").iterator(chunk_size=5000):
        dossier.effective_due_at = dossier.due_at + paused.get(dossier.id, timedelta())
        batch.append(dossier)
        if len(batch) >= 5000:
            Dossier.objects.bulk_update(batch, ["effective_due_at"])
            batch = []
    Dossier.objects.bulk_update(batch, ["effective_due_at"])


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0003_effective_due")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
