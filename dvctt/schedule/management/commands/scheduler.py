"""``dvctt scheduler [--once] [--loop SECONDS] [--list]``: the one process that starts the periodic jobs.

Run one per installation (systemd unit or the province's supervisor); a second one on another machine is safe
(each slot is claimed once in the database: docs/operations.md, "Periodic jobs"). The jobs themselves run on the
task workers (``dvctt db_worker`` or ``dvctt tasks_worker``).
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ImproperlyConfigured
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from dvctt.schedule.jobs import schedule_jobs
from dvctt.schedule.services import (
    beat_pass,
    beat_start,
    beat_stop,
    beats_recent,
    schedule_overview,
    schedule_pass,
    scheduler_identity,
)

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
        self._loop(loop)

    def _loop(self, seconds: float) -> None:
        """Passes every ``seconds`` until SIGTERM or SIGINT (systemd's stop, Ctrl-C): the pass under way finishes,
        the beat says the process stopped, the exit status is 0. A pass that fails on the database (restarting,
        away) is logged and recorded on the beat when it can be; the next pass connects again."""
        by = scheduler_identity()
        stop = threading.Event()

        def stop_asked(signum: int, _frame: Any) -> None:
            logger.info(
                "scheduler %s: %s received, stopping after this pass", by, signal.Signals(signum).name
            )
            stop.set()

        handled = (signal.SIGTERM, signal.SIGINT)
        previous = (
            {sig: signal.signal(sig, stop_asked) for sig in handled}
            if threading.current_thread() is threading.main_thread()
            else {}
        )
        logger.info("scheduler %s started: a pass every %s s", by, seconds)
        _on_database(beat_start, by=by, now=timezone.now())
        try:
            while not stop.is_set():
                now = timezone.now()
                try:
                    for queued in schedule_pass(now=now, by=by):
                        logger.info("queued %s (slot %s)", queued.job, queued.slot_start.isoformat())
                    beat_pass(by=by, now=now)
                except DatabaseError as exc:  # the database restarting: keep the process, try again next pass
                    logger.exception("scheduler pass failed")
                    close_old_connections()  # drop the broken connection before writing the beat
                    _on_database(beat_pass, by=by, now=now, error=f"{type(exc).__name__}: {exc}")
                stop.wait(seconds)
                close_old_connections()  # a long-running process: drop a connection the server has closed
        finally:
            _on_database(beat_stop, by=by, now=timezone.now())
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            logger.info("scheduler %s stopped", by)

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
        beats = beats_recent()
        self.stdout.write(
            "scheduler processes:" if beats else "no scheduler process has run in the last days"
        )
        for beat in beats:
            state = (
                f"stopped {timezone.localtime(beat.stopped_at):%Y-%m-%d %H:%M:%S}"
                if beat.stopped_at
                else (
                    f"last pass {timezone.localtime(beat.last_pass_at):%Y-%m-%d %H:%M:%S}"
                    if beat.last_pass_at
                    else "no pass yet"
                )
            )
            failed = (
                f", {beat.failed_passes} failed (last: {beat.last_error[:120]})" if beat.failed_passes else ""
            )
            self.stdout.write(
                f"    {beat.process}: started {timezone.localtime(beat.started_at):%Y-%m-%d %H:%M:%S}, "
                f"{beat.passes} passes{failed}; {state}"
            )


def _on_database(write: Callable[..., None], **kwargs: Any) -> None:
    """A beat write that must not stop the scheduler: the database may be away."""
    try:
        write(**kwargs)
    except DatabaseError:
        logger.warning("scheduler: the beat could not be written (database away)", exc_info=True)
        close_old_connections()
