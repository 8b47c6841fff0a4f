"""Complaints filed before handling existed: their unit is their dossier's, their receipt their filing time.

Their due time stays empty (no appointment was ever given for them): lists show them without a due colour, and
the index's "answered on time" counts them as not late, like a dossier without an appointment.
"""

from django.db import migrations
from django.db.models import F, OuterRef, Subquery


def backfill(apps, schema_editor):
    Complaint = apps.get_model("portal", "Complaint")
    Dossier = apps.get_model("dossiers", "Dossier")
    Complaint.objects.filter(unit__isnull=True).update(
        unit_id=Subquery(Dossier.objects.filter(pk=OuterRef("dossier_id")).values("unit_id")[:1])
    )
    Complaint.objects.filter(received_at__isnull=True).update(received_at=F("created_at"))


class Migration(migrations.Migration):
    dependencies = [("portal", "0002_complaint_handling"), ("dossiers", "0001_initial")]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
