"""Data: the latest revision of each guide keeps the procedures attached now (the working copy and its set are saved
in one transaction, so they belong to it). Older revisions stay ``None``: which procedures they had is not known."""

from django.db import migrations


def fill(apps, schema_editor):
    Guide = apps.get_model("guides", "Guide")
    HistoricalGuide = apps.get_model("guides", "HistoricalGuide")
    codes: dict[int, list[str]] = {}
    for guide_id, code in Guide.procedures.through.objects.values_list("guide_id", "procedure__code"):
        codes.setdefault(guide_id, []).append(code)
    for guide_id in Guide.objects.values_list("pk", flat=True):
        latest = HistoricalGuide.objects.filter(id=guide_id).order_by("-history_date", "-history_id").first()
        if latest is not None:
            latest.procedure_codes = sorted(codes.get(guide_id, []))
            latest.save(update_fields=["procedure_codes"])


class Migration(migrations.Migration):
    dependencies = [("guides", "0002_revision_procedure_codes")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
