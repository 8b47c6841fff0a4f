"""Background work of the slips package: the long tracking register's PDF (``register_exports.py``)."""

from __future__ import annotations

from django_tasks import task

from dvctt.dossiers.slips.register_exports import register_export_run, register_exports_prune


@task(queue_name="default")
def register_export_run_task(export_id: int) -> str:
    return register_export_run(export_id=export_id).state


@task(queue_name="default")
def register_exports_prune_task() -> int:
    """The stored register PDFs past ``DVCTT_REGISTER_EXPORT_KEEP_DAYS`` removed (daily, ``dvctt scheduler``)."""
    return register_exports_prune()
