"""Keep the rollups current: a changed dossier, or a changed catalogue, queues a refresh of its facts.

The refresh is idempotent (it recomputes from the current rows and applies the difference), so a task run twice,
or a change announced twice, does no harm. The immediate task backend (tests, demo) runs it at once.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from dvctt.catalog.models import ProcedureVersion
from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.services.core import dossier_changed


@receiver(dossier_changed, dispatch_uid="monitoring.refresh_dossier")
def refresh_on_dossier_change(sender: Any, *, dossier_id: int, **kwargs: Any) -> None:
    from dvctt.monitoring.tasks import refresh_dossier

    task_enqueue(refresh_dossier, dossier_id)


def _procedure_changed(procedure_id: int) -> None:
    from dvctt.monitoring.models import DossierFact
    from dvctt.monitoring.tasks import refresh_procedure

    def enqueue() -> None:
        # Loading a catalogue touches thousands of procedures that have no dossiers yet: nothing to redo.
        if DossierFact.objects.filter(procedure_id=procedure_id).exists():
            task_enqueue(refresh_procedure, procedure_id)

    transaction.on_commit(enqueue)


@receiver(post_save, sender=ProcedureVersion, dispatch_uid="monitoring.version_saved")
@receiver(post_delete, sender=ProcedureVersion, dispatch_uid="monitoring.version_deleted")
def refresh_on_version_change(sender: Any, instance: ProcedureVersion, **kwargs: Any) -> None:
    # A new or edited version may change which version is in force on a dossier's day of receipt.
    if kwargs.get("raw"):
        return
    _procedure_changed(instance.procedure_id)
