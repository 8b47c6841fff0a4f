"""Background work for the rollups (queue "rollups"): the web request that changed a dossier does not pay for it."""

from __future__ import annotations

from django_tasks import task

from dvctt.monitoring.rollups import facts_refresh, facts_refresh_procedure


@task(queue_name="rollups")
def refresh_dossier(dossier_id: int) -> int:
    return facts_refresh(dossier_ids=[dossier_id])


@task(queue_name="rollups")
def refresh_procedure(procedure_id: int) -> int:
    return facts_refresh_procedure(procedure_id=procedure_id)
