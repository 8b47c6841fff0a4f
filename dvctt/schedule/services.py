"""A scheduler pass: queue every job whose current slot nobody has claimed yet, then prune old claims.

Two schedulers (two machines, or a restart overlapping the old process) may run passes at the same moment. Each
job's slot is claimed by an ``INSERT … ON CONFLICT DO NOTHING`` on the unique (job, slot start) key — the same
statement on PostgreSQL and SQLite, no lock table, no leader: the one whose row went in queues the task, in the
same transaction; the other sees no row inserted and moves on. On PostgreSQL the second INSERT waits for the first
transaction and then does nothing (or inserts, if the first rolled back: a failed queueing is retried by the next
pass).
"""

from __future__ import annotations

import logging
import os
import socket
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.db import connections, router, transaction
from django.db.models import F, Field, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from dvctt.common.tasks import task_enqueue
from dvctt.schedule.jobs import Job, schedule_jobs
from dvctt.schedule.models import SchedulerBeat, SlotClaim

logger = logging.getLogger(__name__)

#: Claims are kept this long for the operator's look (``dvctt scheduler --list``, the table), then pruned; a job's
#: current slot's claim is kept whatever its age (a weekly period would otherwise run again).
CLAIMS_KEEP = timedelta(days=3)


@dataclass(frozen=True)
class Queued:
    job: str
    slot_start: datetime


def scheduler_identity() -> str:
    """Who claimed a slot, for the operator: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"[:200]


def slot_claim(*, job: str, slot_start: datetime, by: str, now: datetime) -> bool:
    """Insert the claim of ``job``'s slot; False when it is already there (another pass took it). Must run inside
    the transaction that queues the job's task, so that a failed queueing releases the slot."""
    connection = connections[router.db_for_write(SlotClaim)]
    meta = SlotClaim._meta
    names = ["job", "slot_start", "claimed_at", "claimed_by"]
    fields = [cast(Field, meta.get_field(name)) for name in names]
    values = [
        field.get_db_prep_save(value, connection)
        for field, value in zip(fields, [job, slot_start, now, by], strict=True)
    ]
    quote = connection.ops.quote_name
    columns = [quote(field.column) for field in fields]
    # names from the model's meta, values as parameters
    sql = (
        f"INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) VALUES (%s, %s, %s, %s) "  # noqa: S608
        f"ON CONFLICT ({columns[0]}, {columns[1]}) DO NOTHING"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        return cursor.rowcount == 1


def job_queue(*, job: Job, now: datetime, by: str) -> bool:
    """Queue ``job``'s task for its current slot unless that slot is claimed already; True when this call did."""
    task = import_string(job.task)
    with transaction.atomic():
        if not slot_claim(job=job.name, slot_start=job.slot_start(now), by=by, now=now):
            return False
        task_enqueue(task)
    return True


def schedule_pass(*, now: datetime | None = None, by: str | None = None) -> list[Queued]:
    """One pass over the enabled jobs (``DVCTT_SCHEDULE`` applied): queue each due one, prune old claims.

    A job whose queueing fails is logged and left unclaimed (the next pass tries again); the others go on."""
    now = now or timezone.now()
    by = scheduler_identity() if by is None else by
    jobs = schedule_jobs()
    queued: list[Queued] = []
    for job in jobs:
        try:
            if job_queue(job=job, now=now, by=by):
                queued.append(Queued(job=job.name, slot_start=job.slot_start(now)))
        except Exception:
            logger.exception("scheduler: job %s could not be queued; the next pass tries again", job.name)
    claims_prune(now=now)
    beats_prune(now=now)
    return queued


def beat_start(*, by: str, now: datetime) -> None:
    """A scheduler process starts (or starts again under the same host and pid): its beat is (re)set."""
    SchedulerBeat.objects.update_or_create(
        process=by,
        defaults={
            "started_at": now,
            "last_pass_at": None,
            "passes": 0,
            "failed_passes": 0,
            "last_error": "",
            "last_error_at": None,
            "stopped_at": None,
        },
    )


def beat_pass(*, by: str, now: datetime, error: str = "") -> None:
    """Record a pass of ``by``: done (``last_pass_at``), or failed with ``error``. A beat lost meanwhile (pruned,
    or the table restored from a backup) is written again."""
    if error:
        changes = {"failed_passes": F("failed_passes") + 1, "last_error": error[:2000], "last_error_at": now}
    else:
        changes = {"passes": F("passes") + 1, "last_pass_at": now}
    if not SchedulerBeat.objects.filter(process=by).update(**changes):
        beat_start(by=by, now=now)
        SchedulerBeat.objects.filter(process=by).update(**changes)


def beat_stop(*, by: str, now: datetime) -> None:
    SchedulerBeat.objects.filter(process=by).update(stopped_at=now)


def beats_prune(*, now: datetime) -> int:
    """Beats of processes that stopped, or stopped passing, longer ago than the claims are kept."""
    cutoff = now - CLAIMS_KEEP
    stale = (
        Q(stopped_at__lt=cutoff) | Q(last_pass_at__lt=cutoff) | Q(last_pass_at=None, started_at__lt=cutoff)
    )
    deleted, _ = SchedulerBeat.objects.filter(stale).delete()
    return deleted


def claims_prune(*, now: datetime) -> int:
    """Delete claims older than ``CLAIMS_KEEP`` — never the claim of a job's current slot (a job with a period
    longer than that would run again) — and those of jobs no longer declared."""
    cutoff = now - CLAIMS_KEEP
    jobs = schedule_jobs(enabled_only=False)
    old = Q()
    for job in jobs:
        old |= Q(job=job.name, slot_start__lt=min(cutoff, job.slot_start(now)))
    old |= ~Q(job__in=[job.name for job in jobs]) & Q(slot_start__lt=cutoff)
    deleted, _ = SlotClaim.objects.filter(old).delete()
    return deleted


def beats_recent() -> list[SchedulerBeat]:
    """The scheduler processes the database knows of, the latest started first."""
    return list(SchedulerBeat.objects.order_by("-started_at")[:20])


def schedule_overview(*, now: datetime | None = None) -> list[tuple[Job, datetime, SlotClaim | None]]:
    """Every declared job (switched off ones too) with its current slot's start and its latest claim."""
    now = now or timezone.now()
    return [
        (job, job.slot_start(now), SlotClaim.objects.filter(job=job.name).order_by("-slot_start").first())
        for job in schedule_jobs(enabled_only=False)
    ]
