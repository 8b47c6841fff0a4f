"""The RQ side of the Redis task backend (``DVCTT_TASKS=rq``, docs/tasks.md).

``Queue`` gives every job a retry budget: a job whose worker died in the middle (killed, machine lost) is found
abandoned by the next worker's maintenance and run again, as is a job that raised. ``Worker`` makes the time after
which a silent job counts as abandoned a setting, runs maintenance on that rhythm, and queues the spool again
(``tasks_respool``) at start and on each maintenance round.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.db import connections
from django_rq.queues import DjangoRQ
from rq import Retry
from rq.job import Job
from rq.worker import Worker as BaseWorker

logger = logging.getLogger(__name__)


class Queue(DjangoRQ):
    def create_job(self, *args: Any, **kwargs: Any) -> Job:
        if kwargs.get("retry") is None:
            kwargs["retry"] = Retry(
                max=settings.DVCTT_TASKS_RQ_RETRIES, interval=settings.DVCTT_TASKS_RQ_RETRY_INTERVALS
            )
        return super().create_job(*args, **kwargs)


class Worker(BaseWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("maintenance_interval", settings.DVCTT_TASKS_RQ_MAINTENANCE_SECONDS)
        kwargs.setdefault("job_monitoring_interval", min(30, settings.DVCTT_TASKS_RQ_ABANDONED_SECONDS))
        super().__init__(*args, **kwargs)

    @property
    def dequeue_timeout(self) -> int:
        # Wake up for maintenance even when no job comes (the default waits worker_ttl - 15 seconds).
        return max(1, min(self.worker_ttl - 15, self.maintenance_interval))

    def get_heartbeat_ttl(self, job: Job, working_time: float = 0.0) -> int:
        # RQ adds a fixed 60 seconds to the heartbeat interval; the setting replaces that grace.
        return super().get_heartbeat_ttl(job, working_time) - 60 + settings.DVCTT_TASKS_RQ_ABANDONED_SECONDS

    def run_maintenance_tasks(self) -> None:
        super().run_maintenance_tasks()
        from dvctt.taskspool.services import tasks_respool

        try:
            tasks_respool()
        except Exception:  # the database away: the next round tries again
            logger.exception("task spool not queued again")
        finally:
            # The work horse is forked from this process: it must not share a database connection with it.
            connections.close_all()
