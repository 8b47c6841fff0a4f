"""Periodic work of the dossiers as tasks, queued by ``dvctt scheduler`` (docs/operations.md, "Periodic jobs")."""

from __future__ import annotations

from django_tasks import task

from dvctt.dossiers.watch import dossier_watch


@task()
def dossier_watch_task() -> str:
    """``dvctt dossier_watch`` on a worker: flags, expired supplements, notification retries (idempotent)."""
    return str(dossier_watch())
