"""Background work of the slips package: the long tracking register's PDF (``register_exports.py``)."""

from __future__ import annotations

from django_tasks import task

from dvctt.dossiers.slips.register_exports import register_export_run


@task(queue_name="default")
def register_export_run_task(export_id: int) -> str:
    return register_export_run(export_id=export_id).state
