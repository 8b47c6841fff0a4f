"""``dvctt scheduler [--once] [--loop SECONDS] [--list]``: the one process that starts the periodic jobs.

Run one per installation (systemd unit or the province's supervisor); a second one on another machine is safe
(each slot is claimed once in the database: docs/operations.md, "Periodic jobs"). The jobs themselves run on the
task workers (``dvctt db_worker`` or ``dvctt tasks_worker``).
"""

from __future__ import annotations

import logging
import time
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from dvctt.schedule.jobs import schedule_jobs
from dvctt.schedule.services import schedule_overview, schedule_pass

logger = logging.getLogger("dvctt.schedule")


class Command(BaseCommand):
    help = (
        "Đưa các công việc định kỳ đến hạn vào hàng đợi tác vụ (mỗi kỳ một lần, kể cả khi chạy trên nhiều máy). "
        "Mặc định chạy liên tục, mỗi 30 giây một lượt."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="one pass, then exit")
        parser.add_argument("--loop", type=float, default=30.0, help="seconds between passes (default 30)")
        parser.add_argument(
            "--list", dest="show", action="store_true", help="print the schedule and each job's last slot"
        )

    def handle(self, *args: Any, once: bool, loop: float, show: bool, **options: Any) -> None:
        try:
            schedule_jobs()  # an unreadable DVCTT_SCHEDULE stops here, before any pass
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if show:
            self._list()
            return
        if loop <= 0:
            raise CommandError("--loop phải lớn hơn 0")
        if once:
            for queued in schedule_pass():
                self.stdout.write(
                    f"queued {queued.job} (slot {timezone.localtime(queued.slot_start):%Y-%m-%d %H:%M})"
                )
            return
        logger.info("scheduler started: a pass every %s s", loop)
        while True:
            try:
                for queued in schedule_pass():
                    logger.info("queued %s (slot %s)", queued.job, queued.slot_start.isoformat())
            except DatabaseError:  # the database restarting: keep the process, try again next pass
                logger.exception("scheduler pass failed")
            time.sleep(loop)
            close_old_connections()  # a long-running process: drop a connection the server has closed

    def _list(self) -> None:
        for job, slot_start, claim in schedule_overview():
            state = "on " if job in schedule_jobs() else "off"
            last = (
                f"last queued for {timezone.localtime(claim.slot_start):%Y-%m-%d %H:%M} by {claim.claimed_by}"
                if claim
                else "not queued in the last days"
            )
            self.stdout.write(
                f"{state} {job.name:<30} {job.when():<12} {job.task}\n"
                f"    current slot {timezone.localtime(slot_start):%Y-%m-%d %H:%M}; {last}"
            )
