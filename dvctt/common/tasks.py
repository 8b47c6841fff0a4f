"""Queue a background task: ``task_enqueue(task, *args, **kwargs)`` in place of ``task.enqueue(*args, **kwargs)``.

The database backend (one machine, ``DVCTT_TASKS=db``) and the immediate backend (tests, demo) queue at once, in the
caller's transaction, as ``task.enqueue`` does. The Redis backend (``DVCTT_TASKS=rq``, docs/tasks.md) queues once
the caller's transaction commits — a worker never reads a row not yet committed, a rolled-back change queues
nothing — and if Redis cannot be reached the task is kept in the database (:mod:`dvctt.taskspool`) and queued
again when Redis is back: the web request goes on, nothing is lost.
"""

from __future__ import annotations

import json
import logging
from typing import Any, TypeVar

from django.db import transaction
from django_tasks.base import Task, TaskResult
from django_tasks_rq import RQBackend
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)
T = TypeVar("T")


def task_enqueue(task: Task[..., T], *args: Any, **kwargs: Any) -> TaskResult[T] | None:
    """Queue ``task``; ``None`` when the queueing waits for the caller's commit or went to the spool.

    The arguments must be JSON (ids, strings, lists): every backend and the spool store them so."""
    try:
        json.dumps([args, kwargs])
    except (TypeError, ValueError) as exc:
        raise TypeError(f"task {task.module_path}: arguments must be JSON-serialisable ({exc})") from exc
    if not isinstance(task.get_backend(), RQBackend):
        return task.enqueue(*args, **kwargs)
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(lambda: _enqueue_or_spool(task, args, kwargs), robust=True)
        return None
    return _enqueue_or_spool(task, args, kwargs)


def _enqueue_or_spool(
    task: Task[..., T], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> TaskResult[T] | None:
    try:
        return task.enqueue(*args, **kwargs)
    except RedisError as exc:
        from dvctt.taskspool.services import task_spool

        row = task_spool(task=task, args=list(args), kwargs=kwargs, error=str(exc))
        logger.warning(
            "task %s not queued (Redis: %s): kept as spooled task %s", task.module_path, exc, row.pk
        )
        return None
