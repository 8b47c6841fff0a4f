"""``dvctt tasks_worker [queue …]``: an RQ worker for the platform's tasks (``DVCTT_TASKS=rq``).

django-rq's ``rqworker`` with the django-tasks job class, the platform's worker class (abandoned jobs run again,
the spool queued again) and the scheduler (tasks deferred with ``run_after``, such as notification retries).
With no queue named, it works on all of them in the settings' order.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser


class Command(BaseCommand):
    help = "Chạy một tiến trình xử lý tác vụ nền trên Redis (DVCTT_TASKS=rq)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("queues", nargs="*", help="hàng đợi (mặc định: tất cả)")
        parser.add_argument("--burst", action="store_true", help="dừng khi hàng đợi trống")
        parser.add_argument("--name", default=None)

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.DVCTT_TASKS != "rq":
            raise CommandError(
                "DVCTT_TASKS=rq is not set: the database backend's worker is `dvctt db_worker`."
            )
        queues = options["queues"] or list(settings.DVCTT_TASK_QUEUES)
        call_command(
            "rqworker",
            *queues,
            job_class="django_tasks_rq.Job",
            worker_class="dvctt.taskspool.rq.Worker",
            queue_class="dvctt.taskspool.rq.Queue",
            with_scheduler=True,
            burst=options["burst"],
            name=options["name"],
            verbosity=options["verbosity"],
        )
