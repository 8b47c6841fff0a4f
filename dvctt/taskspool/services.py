"""The spool: a task whose enqueue failed (the queue's Redis unreachable) is kept in the database, then queued
again by ``tasks_respool`` once Redis answers (every RQ worker runs it at start and on each maintenance round)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.module_loading import import_string
from django_tasks.base import Task
from redis.exceptions import RedisError

from dvctt.taskspool.models import SpooledTask

logger = logging.getLogger(__name__)
BATCH = 100


def task_spool(*, task: Task, args: list[Any], kwargs: dict[str, Any], error: str = "") -> SpooledTask:
    """Keep one task for a later enqueue (its arguments must be JSON: the caller checked them)."""
    return SpooledTask.objects.create(
        module_path=task.module_path,
        queue_name=task.queue_name,
        priority=task.priority,
        run_after=task.run_after,
        args=list(args),
        kwargs=dict(kwargs),
        last_error=error[:2000],
    )


@dataclass
class RespoolReport:
    queued: int = 0
    left: int = 0
    error: str = ""


def tasks_respool(*, limit: int | None = None) -> RespoolReport:
    """Queue the spooled tasks again, oldest first; stop at the first Redis failure (the rest wait for the next
    run). Rows are locked while queued (``skip_locked``: two workers never queue the same row). A crash between
    the enqueue and the commit queues a task twice: tasks are idempotent (at-least-once, as everywhere)."""
    report = RespoolReport()
    while limit is None or report.queued < limit:
        with transaction.atomic():
            rows = list(SpooledTask.objects.select_for_update(skip_locked=True).order_by("pk")[:BATCH])
            if not rows:
                break
            done: list[int] = []
            for row in rows:
                try:
                    task: Task = import_string(row.module_path)
                    task.using(
                        queue_name=row.queue_name, priority=row.priority, run_after=row.run_after
                    ).enqueue(*row.args, **row.kwargs)
                except RedisError as exc:
                    report.error = str(exc)
                    break
                done.append(row.pk)
            SpooledTask.objects.filter(pk__in=done).delete()
            report.queued += len(done)
        if report.error:
            break
    report.left = SpooledTask.objects.count()
    if report.queued or report.error:
        logger.info("task spool: %s queued again, %s left %s", report.queued, report.left, report.error)
    return report
