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
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from django.db import connections, router, transaction
from django_tasks import task_backends
from django_tasks.base import Task, TaskResult
from django_tasks_db.backend import DatabaseBackend
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
    backend = task.get_backend()
    batch = getattr(_batch, "tasks", None)
    if batch is not None and isinstance(backend, DatabaseBackend):
        backend.validate_task(task)
        batch.append((backend, task, args, kwargs))
        return None
    if not isinstance(backend, RQBackend):
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


_batch = threading.local()


def tasks_commit_with_caller() -> bool:
    """Whether a queued task is a row of the project's database (the database backend, one machine): then the
    tasks a change queues may be written in the change's own transaction — committed with it, or never written
    if it rolls back, with no second transaction after the commit. Other backends queue after the commit."""
    return isinstance(task_backends["default"], DatabaseBackend)


@contextmanager
def tasks_batched() -> Iterator[None]:
    """Queue the database backend's tasks of the block in one INSERT at its end (one statement, one commit when
    the block runs outside a transaction, as after a dossier's commit). Other backends queue as usual."""
    if getattr(_batch, "tasks", None) is not None:  # nested: the outer block writes them
        yield
        return
    _batch.tasks = []
    try:
        yield
        pending = _batch.tasks
    finally:
        _batch.tasks = None
    if pending:
        _insert_batch(pending)


def _insert_batch(
    pending: list[tuple[DatabaseBackend, Task[..., Any], tuple[Any, ...], dict[str, Any]]],
) -> None:
    """What ``DatabaseBackend.enqueue`` writes and signals for each task, in one INSERT.

    The statement is the model's own columns and values as the ORM prepares them (``pre_save``, then
    ``get_db_prep_save``), written as one ``VALUES`` list: ``bulk_create`` on PostgreSQL sends a few rows as
    arrays (``UNNEST``), which cost a submission twice the CPU of the rows themselves (bench/bench_submit.py)."""
    from django_tasks_db.compat import normalize_json, task_enqueued
    from django_tasks_db.models import DBTaskResult, get_date_max

    rows: list[DBTaskResult] = [
        DBTaskResult(
            id=backend._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            # what the backend's pre_save receiver (which a direct INSERT does not send) puts for "no delay"
            run_after=task.run_after or get_date_max(),
            backend_name=backend.alias,
        )
        for backend, task, args, kwargs in pending
    ]
    connection = connections[router.db_for_write(DBTaskResult)]
    fields = DBTaskResult._meta.concrete_fields
    quote = connection.ops.quote_name
    placeholders = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = [
        field.get_db_prep_save(field.pre_save(row, True), connection) for row in rows for field in fields
    ]
    # identifiers from the model, quoted; every value a parameter
    sql = f"INSERT INTO {quote(DBTaskResult._meta.db_table)} ({', '.join(quote(f.column) for f in fields)}) "
    sql += f"VALUES {', '.join([placeholders] * len(rows))}"
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
    for row in rows:
        row._state.adding = False
        row._state.db = connection.alias
    for (backend, _task, _args, _kwargs), row in zip(pending, rows, strict=True):
        task_enqueued.send(type(backend), task_result=row.task_result)
