"""Seed one notification template per notifying event, channel (email, sms, zalo) and language (vi, en).

The texts are those of ``dvctt/dossiers/notifications/defaults.py`` at the time this migration runs; rows an
administrator already has are left as they are. Reversing removes only rows nobody edited.
"""

from django.db import migrations


def seed(apps, schema_editor):
    from django.utils import timezone

    from dvctt.dossiers.notifications.defaults import default_templates

    Template = apps.get_model("dossiers", "NotificationTemplate")
    Historical = apps.get_model("dossiers", "HistoricalNotificationTemplate")
    existing = set(Template.objects.values_list("event", "channel", "language"))
    missing = [v for v in default_templates() if (v["event"], v["channel"], v["language"]) not in existing]
    Template.objects.bulk_create([Template(**values) for values in missing])
    # The history starts with the seeded text, so that an administrator's change can be compared with it.
    now = timezone.now()
    keys = {(v["event"], v["channel"], v["language"]) for v in missing}
    Historical.objects.bulk_create(
        [
            Historical(
                id=row.pk,
                event=row.event,
                channel=row.channel,
                language=row.language,
                subject=row.subject,
                body=row.body,
                provider_template_id=row.provider_template_id,
                active=row.active,
                updated_at=row.updated_at,
                history_date=now,
                history_type="+",
                history_change_reason="seeded",
            )
            for row in Template.objects.all()
            if (row.event, row.channel, row.language) in keys
        ]
    )


def unseed(apps, schema_editor):
    Template = apps.get_model("dossiers", "NotificationTemplate")
    Historical = apps.get_model("dossiers", "HistoricalNotificationTemplate")
    untouched = Template.objects.filter(updated_by__isnull=True)
    Historical.objects.filter(id__in=untouched.values("pk")).delete()
    untouched.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("dossiers", "0011_notification_templates"),
    ]

    operations = [migrations.RunPython(seed, unseed)]
