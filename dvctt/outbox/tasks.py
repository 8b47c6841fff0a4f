"""The sender as a django-tasks task (queue ``sync``): the console's "send now" and re-sends enqueue it."""

from __future__ import annotations

from typing import Any

from django_tasks import task

from dvctt.outbox.services import messages_send


@task(queue_name="sync")
def outbox_send(system: str | None = None, max_seconds: float = 60.0) -> dict[str, Any]:
    return messages_send(system=system, max_seconds=max_seconds).as_dict()
