"""Send the outbox's due messages: once, or in a loop (the sync worker beside ``dvctt db_worker``)."""

from __future__ import annotations

import os
import time

from django.core.management.base import BaseCommand

from dvctt.outbox.models import Message, MessageState
from dvctt.outbox.services import messages_send


class Command(BaseCommand):
    help = "Send the outbox's due messages (national portal sync); --loop keeps sending."

    def add_arguments(self, parser):
        parser.add_argument("--system", default=None, help="only this system (e.g. national_portal)")
        parser.add_argument(
            "--loop",
            type=float,
            nargs="?",
            const=1.0,
            default=None,
            help="keep going, polling every S seconds",
        )
        parser.add_argument("--max-seconds", type=float, default=None, help="stop after this long (loop)")
        parser.add_argument(
            "--max-rate",
            type=float,
            default=None,
            help="at most this many messages a second (default DVCTT_OUTBOX_MAX_RATE, 0: no cap)",
        )
        parser.add_argument(
            "--nice",
            type=int,
            default=0,
            help="lower this worker's CPU priority by N (a backlog drains without slowing the web pages)",
        )
        parser.add_argument(
            "--until-idle",
            action="store_true",
            help="stop once nothing is waiting (pending, sending or held)",
        )

    def handle(
        self,
        *args,
        system=None,
        loop=None,
        max_seconds=None,
        until_idle=False,
        nice=0,
        max_rate=None,
        **options,
    ):
        if nice > 0:
            os.nice(nice)
        started = time.monotonic()
        totals = {"sent": 0, "retried": 0, "failed": 0}
        while True:
            report = messages_send(system=system, max_seconds=60.0, max_rate=max_rate)
            for name in totals:
                totals[name] += getattr(report, name)
            if loop is None:
                break
            if max_seconds is not None and time.monotonic() - started >= max_seconds:
                break
            if until_idle:
                waiting = Message.objects.filter(state__in=[MessageState.PENDING, MessageState.SENDING])
                if system:
                    waiting = waiting.filter(system=system)
                if not waiting.exists():
                    break
            time.sleep(loop)
        self.stdout.write(f"sent {totals['sent']}, retried {totals['retried']}, failed {totals['failed']}")
