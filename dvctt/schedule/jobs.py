"""The platform's periodic jobs, declared once: what runs, and when (docs/operations.md, "Periodic jobs").

Each job queues one django-tasks task (named by its dotted path, imported only when queued); the work runs on the
task workers, so a scheduler pass takes milliseconds. A job runs *every* fixed period (slots aligned on local
midnight: every 10 minutes means :00, :10, …) or *daily* at a time in Asia/Ho_Chi_Minh. The setting
``DVCTT_SCHEDULE`` overrides the declaration per job (``payments_settle=every 10m, guidance_watch=off,
steering_remind=daily 07:45, national_catalogue_pull=on``); a job not named keeps its declared timing.

A slot is the interval from one run time to the next; the job is due while the slot it is in has not been
claimed (``services.py``). Only the current slot is ever due: a scheduler back after an hour's stop runs each job
once, not once per slot it missed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

#: Daily times are read in the province's time (Vietnam has no summer time: a day is always 24 hours).
SCHEDULE_ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
#: Period slots are counted from a local midnight, so that every period dividing a day starts at 00:00 each day.
_EPOCH = datetime(2000, 1, 1, tzinfo=SCHEDULE_ZONE)
#: Shorter periods would only load the workers: the jobs are watches and settlements, not a queue.
MIN_PERIOD = timedelta(minutes=1)


@dataclass(frozen=True)
class Job:
    """A periodic job: ``every`` (a period) or ``at`` (a daily local time), never both."""

    name: str
    task: str
    what: str
    every: timedelta | None = None
    at: time | None = None
    enabled: bool = True

    def __post_init__(self) -> None:
        if (self.every is None) == (self.at is None):
            raise ImproperlyConfigured(f"schedule: job {self.name} needs exactly one of every= and at=")
        if self.every is not None and self.every < MIN_PERIOD:
            raise ImproperlyConfigured(f"schedule: job {self.name} runs more often than every minute")

    def slot_start(self, now: datetime) -> datetime:
        """The start of the slot ``now`` (aware) falls in: the latest run time at or before ``now``."""
        if self.every is not None:
            return _EPOCH + ((now - _EPOCH) // self.every) * self.every
        assert self.at is not None
        local = now.astimezone(SCHEDULE_ZONE)
        day = local.date() if local.time() >= self.at else local.date() - timedelta(days=1)
        return datetime.combine(day, self.at, tzinfo=SCHEDULE_ZONE)

    def when(self) -> str:
        """The timing as the override setting writes it (``every 10m``, ``daily 00:30``)."""
        if self.at is not None:
            return f"daily {self.at:%H:%M}"
        assert self.every is not None
        seconds = int(self.every.total_seconds())
        for unit, size in (("h", 3600), ("m", 60)):
            if seconds % size == 0:
                return f"every {seconds // size}{unit}"
        return f"every {seconds}s"


#: The declaration. Jobs that need an outside system configured first are off until switched on.
JOBS: tuple[Job, ...] = (
    Job(
        name="dossier_watch",
        task="dvctt.dossiers.tasks.dossier_watch_task",
        what="due-soon and overdue flags, expired supplements, notification retries",
        every=timedelta(minutes=10),
    ),
    Job(
        name="payments_settle",
        task="dvctt.integrations.payments.paygov.tasks.payments_settle_task",
        what="PayGov payments whose callback never came (QUERY), missing receipts; nothing while PayGov is off",
        every=timedelta(minutes=5),
    ),
    Job(
        name="guidance_watch",
        task="dvctt.guidance.tasks.guidance_watch_task",
        what="unusual guidance by officials, yesterday and today",
        at=time(0, 30),
    ),
    Job(
        name="register_exports_prune",
        task="dvctt.dossiers.slips.tasks.register_exports_prune_task",
        what="stored register PDFs older than DVCTT_REGISTER_EXPORT_KEEP_DAYS removed",
        at=time(3, 0),
    ),
    Job(
        name="sessions_clear",
        task="dvctt.accounts.tasks.sessions_clear_task",
        what="expired sign-in sessions deleted (Django's clearsessions)",
        at=time(3, 30),
    ),
    Job(
        name="steering_remind",
        task="dvctt.steering.tasks.steering_remind_task",
        what="reminders of overdue and nearly due plan tasks to the lead units' leaders",
        at=time(7, 30),
    ),
    Job(
        name="national_catalogue_pull",
        task="dvctt.integrations.national_portal.tasks.national_catalogue_pull_task",
        what="the national catalogue pulled and its differences recorded (needs the portal's connection)",
        at=time(2, 0),
        enabled=False,
    ),
    Job(
        name="national_integration_refresh",
        task="dvctt.integrations.national_portal.tasks.national_integration_refresh_task",
        what="the derived 'integrated on DVCQG' flags written again (needs the portal's sync)",
        every=timedelta(hours=1),
        enabled=False,
    ),
)

_EVERY = re.compile(r"every\s+(\d+)\s*([smh])", re.IGNORECASE)
_DAILY = re.compile(r"daily\s+(\d{1,2}):(\d{2})", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600}


def _override(job: Job, spec: str) -> Job:
    text = spec.strip()
    lowered = text.lower()
    if lowered == "off":
        return replace(job, enabled=False)
    if lowered == "on":
        return replace(job, enabled=True)
    if every := _EVERY.fullmatch(text):
        period = timedelta(seconds=int(every[1]) * _UNITS[every[2].lower()])
        return replace(job, every=period, at=None, enabled=True)
    if daily := _DAILY.fullmatch(text):
        hour, minute = int(daily[1]), int(daily[2])
        if hour < 24 and minute < 60:
            return replace(job, at=time(hour, minute), every=None, enabled=True)
    raise ImproperlyConfigured(
        f"DVCTT_SCHEDULE: {job.name}={spec!r}: expected off, on, 'every N[s|m|h]' or 'daily HH:MM'"
    )


def schedule_jobs(*, overrides: str | None = None, enabled_only: bool = True) -> list[Job]:
    """The declared jobs with the overrides of ``DVCTT_SCHEDULE`` (or ``overrides``) applied, in declaration order.

    Raises ImproperlyConfigured on an unknown job or an unreadable timing: a typo must stop the scheduler at start,
    not leave a job silently off."""
    text = settings.DVCTT_SCHEDULE if overrides is None else overrides
    jobs = {job.name: job for job in JOBS}
    for item in filter(None, (part.strip() for part in text.split(","))):
        name, sep, spec = item.partition("=")
        name = name.strip()
        if not sep or name not in jobs:
            raise ImproperlyConfigured(
                f"DVCTT_SCHEDULE: {item!r}: expected job=timing with a job among {', '.join(jobs)}"
            )
        jobs[name] = _override(jobs[name], spec)
    return [job for job in jobs.values() if job.enabled or not enabled_only]
