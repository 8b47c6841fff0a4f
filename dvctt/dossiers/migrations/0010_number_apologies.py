"""Data: number the apologies already issued for each dossier (1, 2, … by time), so a later one shows as such."""

from django.db import migrations


def number(apps, schema_editor):
    Extension = apps.get_model("dossiers", "Extension")
    seen: dict[int, int] = {}
    changed = []
    for extension in Extension.objects.order_by("dossier_id", "at", "id").only("id", "dossier_id", "sequence"):
        seen[extension.dossier_id] = seen.get(extension.dossier_id, 0) + 1
        if extension.sequence != seen[extension.dossier_id]:
            extension.sequence = seen[extension.dossier_id]
            changed.append(extension)
    Extension.objects.bulk_update(changed, ["sequence"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0009_apology_drafts")]

    operations = [migrations.RunPython(number, migrations.RunPython.noop)]
