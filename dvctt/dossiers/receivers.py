"""What the dossiers app itself does after a dossier changes: notify the applicant."""

from __future__ import annotations

from django.dispatch import receiver

from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.services.core import dossier_changed


@receiver(dossier_changed, dispatch_uid="dossiers.notify")
def notify_on_change(sender, *, event_id: int, **kwargs) -> None:
    from dvctt.dossiers.notifications.tasks import notify_event

    task_enqueue(notify_event, event_id)
