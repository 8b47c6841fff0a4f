"""Periodic work of the accounts as tasks, queued by ``dvctt scheduler`` (docs/operations.md, "Periodic jobs")."""

from __future__ import annotations

from django_tasks import task

from dvctt.accounts.sessions import sessions_clear


@task()
def sessions_clear_task() -> int:
    """Expired sessions deleted (what Django's ``clearsessions`` does): the table keeps the live ones only."""
    return sessions_clear()
