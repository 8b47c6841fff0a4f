"""The declared schedule: due slots at fixed times, one queueing per slot (also with two schedulers racing on
PostgreSQL), missed slots run once, overrides, pruning, and ``dvctt scheduler --once`` as a real process."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections import Counter
from dataclasses import replace
from datetime import datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import connection
from django.utils.module_loading import import_string
from django_tasks.base import Task
from django_tasks_db.models import DBTaskResult

from dvctt.schedule.jobs import JOBS, Job, schedule_jobs
from dvctt.schedule.models import SlotClaim
from dvctt.schedule.services import CLAIMS_KEEP, claims_prune, schedule_pass
from dvctt.taskspool.tests.conftest import WorkerDatabase

VN = ZoneInfo("Asia/Ho_Chi_Minh")
UTC = ZoneInfo("UTC")
ROOT = Path(__file__).resolve().parents[3]
DEFAULT_ON = [
    "dossier_watch",
    "payments_settle",
    "guidance_watch",
    "register_exports_prune",
    "sessions_clear",
    "steering_remind",
]


def _job(name: str) -> Job:
    return next(job for job in JOBS if job.name == name)


def _queued_paths() -> Counter[str]:
    return Counter(DBTaskResult.objects.values_list("task_path", flat=True))


# --- due slots at fixed times ---------------------------------------------------------------------------------
def test_a_period_job_slot_starts_on_the_period_counted_from_local_midnight():
    every_10 = _job("dossier_watch")
    # 16:47:13 in Lạng Sơn is in the slot that began at 16:40; 16:50:00 sharp starts the next one
    assert every_10.slot_start(datetime(2026, 12, 7, 16, 47, 13, tzinfo=VN)) == datetime(
        2026, 12, 7, 16, 40, tzinfo=VN
    )
    assert every_10.slot_start(datetime(2026, 12, 7, 16, 50, tzinfo=VN)) == datetime(
        2026, 12, 7, 16, 50, tzinfo=VN
    )
    assert every_10.slot_start(datetime(2026, 12, 7, 16, 49, 59, 999999, tzinfo=VN)).minute == 40
    # the same moment written in UTC is the same slot
    assert every_10.slot_start(datetime(2026, 12, 7, 9, 47, 13, tzinfo=UTC)) == datetime(
        2026, 12, 7, 16, 40, tzinfo=VN
    )
    # periods of hours start at local midnight (every 8 h: 00:00, 08:00, 16:00 in Lạng Sơn, not in UTC)
    eight = Job(name="probe", task="x", what="", every=timedelta(hours=8))
    assert eight.slot_start(datetime(2026, 12, 8, 0, 5, tzinfo=VN)) == datetime(2026, 12, 8, 0, 0, tzinfo=VN)
    assert eight.slot_start(datetime(2026, 12, 7, 23, 59, tzinfo=VN)) == datetime(
        2026, 12, 7, 16, 0, tzinfo=VN
    )


def test_a_daily_job_slot_turns_at_its_local_time_across_midnight():
    at_0030 = Job(name="probe", task="x", what="", at=time(0, 30))
    # Sunday 23:59 in Lạng Sơn (16:59 UTC): still Sunday's 00:30 slot
    assert at_0030.slot_start(datetime(2026, 12, 6, 16, 59, tzinfo=UTC)) == datetime(
        2026, 12, 6, 0, 30, tzinfo=VN
    )
    # Monday 00:10 local is Sunday 17:10 UTC: not yet Monday's run, still Sunday's slot
    assert at_0030.slot_start(datetime(2026, 12, 6, 17, 10, tzinfo=UTC)) == datetime(
        2026, 12, 6, 0, 30, tzinfo=VN
    )
    # Monday 00:30 local sharp (Sunday 17:30 UTC): Monday's slot, although the UTC date is still Sunday
    assert at_0030.slot_start(datetime(2026, 12, 6, 17, 30, tzinfo=UTC)) == datetime(
        2026, 12, 7, 0, 30, tzinfo=VN
    )
    # a morning job read against the UTC date would be a day late: 06:30 local Monday is 23:30 UTC Sunday
    at_0600 = Job(name="probe", task="x", what="", at=time(6, 0))
    assert at_0600.slot_start(datetime(2026, 12, 6, 23, 30, tzinfo=UTC)) == datetime(
        2026, 12, 7, 6, 0, tzinfo=VN
    )
    # across a month and a year
    assert at_0030.slot_start(datetime(2027, 1, 1, 0, 10, tzinfo=VN)) == datetime(
        2026, 12, 31, 0, 30, tzinfo=VN
    )


def test_every_declared_job_names_a_task_and_reads_its_timing_back():
    for job in JOBS:
        assert isinstance(import_string(job.task), Task), job.name
        # the timing as printed is an override that gives the same job (switched on)
        overridden = schedule_jobs(overrides=f"{job.name}={job.when()}", enabled_only=False)
        assert [j for j in overridden if j.name == job.name] == [replace(job, enabled=True)]
    assert [job.name for job in schedule_jobs(overrides="")] == DEFAULT_ON


def test_overrides_switch_jobs_and_change_their_timing():
    jobs = {
        job.name: job
        for job in schedule_jobs(
            overrides="payments_settle=every 15m, guidance_watch=off ,steering_remind=daily 7:45,"
            "national_catalogue_pull=on, dossier_watch=daily 23:00"
        )
    }
    assert "guidance_watch" not in jobs and "national_integration_refresh" not in jobs
    assert jobs["payments_settle"].every == timedelta(minutes=15)
    assert jobs["steering_remind"].at == time(7, 45)
    assert jobs["national_catalogue_pull"].at == time(2, 0)  # switched on at its declared time
    assert jobs["dossier_watch"].every is None and jobs["dossier_watch"].at == time(23, 0)
    for bad in (
        "payment_settle=off",
        "payments_settle",
        "payments_settle=every 10 minutes",
        "guidance_watch=daily 24:00",
        "dossier_watch=every 30s",
    ):
        with pytest.raises(ImproperlyConfigured):
            schedule_jobs(overrides=bad)


# --- queueing -------------------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_two_passes_in_the_same_slot_queue_once_and_a_missed_hour_runs_once(database_tasks):
    monday = datetime(2026, 12, 7, 9, 1, tzinfo=VN)
    # Given a first pass at 09:01 Monday: every job is due (none ever ran)
    first = schedule_pass(now=monday, by="a")
    assert [q.job for q in first] == DEFAULT_ON
    assert _queued_paths() == Counter(_job(name).task for name in DEFAULT_ON)
    # When a second pass runs in the same slots (09:04), nothing is queued again
    assert schedule_pass(now=monday + timedelta(minutes=3), by="b") == []
    assert DBTaskResult.objects.count() == len(DEFAULT_ON)
    # At 09:05 only the 5-minute job's next slot is due
    assert [q.job for q in schedule_pass(now=monday + timedelta(minutes=4), by="a")] == ["payments_settle"]
    # The scheduler then stops for an hour and a half: back at 10:37, each period job runs once, not once per slot
    # missed; the daily jobs' slots have not moved
    back = schedule_pass(now=datetime(2026, 12, 7, 10, 37, tzinfo=VN), by="a")
    assert [(q.job, q.slot_start) for q in back] == [
        ("dossier_watch", datetime(2026, 12, 7, 10, 30, tzinfo=VN)),
        ("payments_settle", datetime(2026, 12, 7, 10, 35, tzinfo=VN)),
    ]
    counts = _queued_paths()
    assert counts[_job("dossier_watch").task] == 2 and counts[_job("payments_settle").task] == 3
    assert counts[_job("guidance_watch").task] == 1
    # and the next day's 00:30 starts the guidance watch's new slot
    tuesday = [q.job for q in schedule_pass(now=datetime(2026, 12, 8, 0, 31, tzinfo=VN), by="a")]
    assert tuesday == ["dossier_watch", "payments_settle", "guidance_watch"]


@pytest.mark.django_db
def test_a_switched_off_job_is_not_queued_and_a_failed_queueing_leaves_its_slot_free(
    database_tasks, settings
):
    now = datetime(2026, 12, 7, 9, 1, tzinfo=VN)
    settings.DVCTT_SCHEDULE = "payments_settle=off, national_catalogue_pull=on"
    # a worker configuration without the "sync" queue: the catalogue pull cannot be queued
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "QUEUES": ["default", "notifications", "rollups"]}
    }
    queued = [q.job for q in schedule_pass(now=now, by="a")]
    assert "payments_settle" not in queued and "national_catalogue_pull" not in queued
    assert queued == [
        "dossier_watch",
        "guidance_watch",
        "register_exports_prune",
        "sessions_clear",
        "steering_remind",
    ]
    assert not SlotClaim.objects.filter(job="national_catalogue_pull").exists()  # the slot stays due
    # once the queue is there, the next pass queues it, in the same slot
    settings.TASKS = {
        "default": {**settings.TASKS["default"], "QUEUES": ["default", "notifications", "sync", "rollups"]}
    }
    assert [q.job for q in schedule_pass(now=now + timedelta(minutes=1), by="a")] == [
        "national_catalogue_pull"
    ]


@pytest.mark.django_db
def test_old_claims_are_pruned_but_never_a_current_slot(database_tasks, settings):
    now = datetime(2026, 12, 10, 12, 0, tzinfo=VN)
    settings.DVCTT_SCHEDULE = "national_integration_refresh=every 168h"  # weekly: its slot began days ago
    weekly = next(job for job in schedule_jobs() if job.name == "national_integration_refresh")
    weekly_slot = weekly.slot_start(now)
    assert now - weekly_slot > CLAIMS_KEEP  # precondition of the case below (Saturday 00:00, 5.5 days before)
    rows = [
        ("dossier_watch", now - CLAIMS_KEEP - timedelta(minutes=10)),  # old: pruned
        ("dossier_watch", now - CLAIMS_KEEP + timedelta(minutes=10)),  # recent: kept
        ("retired_job", now - CLAIMS_KEEP - timedelta(days=1)),  # no longer declared, old: pruned
        ("national_integration_refresh", weekly_slot),  # current slot of a weekly job: kept, whatever its age
        ("national_integration_refresh", weekly_slot - timedelta(hours=168)),  # its previous slot: pruned
    ]
    SlotClaim.objects.bulk_create(SlotClaim(job=j, slot_start=s, claimed_at=s) for j, s in rows)
    assert claims_prune(now=now) == 3
    kept = set(SlotClaim.objects.values_list("job", "slot_start"))
    assert kept == {rows[1], rows[3]}


@pytest.mark.django_db
def test_prune_keeps_a_weekly_jobs_current_slot_so_it_does_not_run_again(database_tasks, settings):
    settings.DVCTT_SCHEDULE = "national_integration_refresh=every 168h"
    first = datetime(2026, 12, 5, 12, 0, tzinfo=VN)  # a Saturday: the weekly slot began at 00:00 that day
    assert "national_integration_refresh" in [q.job for q in schedule_pass(now=first, by="a")]
    # five days later (beyond CLAIMS_KEEP) the weekly slot is still the same one: pruning leaves its claim
    later = [q.job for q in schedule_pass(now=first + timedelta(days=5), by="a")]
    assert "national_integration_refresh" not in later


# --- two schedulers at once -----------------------------------------------------------------------------------
@pytest.mark.django_db(transaction=True)
def test_two_schedulers_racing_on_postgresql_queue_each_slot_once(database_tasks):
    if connection.vendor != "postgresql":
        pytest.skip(
            "PostgreSQL only (two connections writing at the same moment); run by CI's PostgreSQL suite"
        )
    from django.db import connections

    slots = [datetime(2026, 12, 7, 9, 1, tzinfo=VN) + timedelta(minutes=5 * i) for i in range(12)]
    won: dict[str, list[tuple[str, datetime]]] = {"a": [], "b": []}
    errors: list[BaseException] = []
    barrier = threading.Barrier(2)

    def scheduler(name: str) -> None:
        try:
            for now in slots:
                barrier.wait(timeout=30)  # both passes start together, on their own connection
                won[name] += [(q.job, q.slot_start) for q in schedule_pass(now=now, by=name)]
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in won]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    # every (job, slot) went to exactly one scheduler, and one task was queued for each
    claimed = won["a"] + won["b"]
    assert len(claimed) == len(set(claimed))
    expected = {(job.name, job.slot_start(now)) for now in slots for job in schedule_jobs()}
    assert set(claimed) == expected
    assert set(SlotClaim.objects.values_list("job", "slot_start")) == expected
    by_job = Counter(job for job, _slot in claimed)
    assert _queued_paths() == Counter({_job(job).task: n for job, n in by_job.items()})
    assert by_job["payments_settle"] == 12 and by_job["dossier_watch"] == 6 and by_job["guidance_watch"] == 1
    # (which scheduler wins each slot is the database's choice: often the one a step ahead wins them all)


# --- the command, as a real process ---------------------------------------------------------------------------
def _scheduler_env(database: WorkerDatabase, **env: str) -> dict[str, str]:
    """The environment of ``dvctt scheduler`` run as its own process on the test database (pushed to it)."""
    import os

    database.push()
    return {
        **os.environ,
        "DATABASE_URL": database.url,
        "DVCTT_TESTING": "1",
        "DVCTT_TASKS": "db",
        "DVCTT_TASKS_IMMEDIATE": "0",
        **env,
    }


def _scheduler_once(database: WorkerDatabase, **env: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-m", "dvctt.manage", "scheduler", "--once"],
        cwd=ROOT,
        env=_scheduler_env(database, **env),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    database.pull()
    return done


@pytest.mark.django_db(transaction=True)
def test_scheduler_once_queues_the_due_jobs_into_the_database_backend(database_tasks, tmp_path):
    database = WorkerDatabase(tmp_path / "scheduler.sqlite3")
    # When `dvctt scheduler --once` runs as its own process, with the payments job switched off
    done = _scheduler_once(database, DVCTT_SCHEDULE="payments_settle=off")
    assert done.returncode == 0, done.stderr
    # Then it says what it queued, and the task table holds one waiting task for each due job
    printed = [line.split()[1] for line in done.stdout.splitlines()]
    expected = [name for name in DEFAULT_ON if name != "payments_settle"]
    assert printed == expected
    tasks = list(DBTaskResult.objects.values_list("task_path", "status", "queue_name"))
    assert sorted(path for path, _s, _q in tasks) == sorted(_job(name).task for name in expected)
    assert {status for _p, status, _q in tasks} == {"READY"}
    assert set(SlotClaim.objects.values_list("job", flat=True)) == set(expected)
    # A second run in the same slots queues nothing (unless a slot turned meanwhile: then only that job)
    again = _scheduler_once(database, DVCTT_SCHEDULE="payments_settle=off")
    assert again.returncode == 0, again.stderr
    turned = [line.split()[1] for line in again.stdout.splitlines()]
    assert len(set(turned)) == len(turned) and set(turned) <= set(
        expected
    )  # empty unless run across a slot's end
    assert DBTaskResult.objects.count() == len(expected) + len(turned)


def test_scheduler_refuses_an_unreadable_override(settings):
    from django.core.management import CommandError, call_command

    settings.DVCTT_SCHEDULE = "guidance_watch=weekly"
    with pytest.raises(CommandError, match="guidance_watch='weekly'"):
        call_command("scheduler", "--once")


@pytest.mark.django_db
def test_scheduler_list_shows_each_job_its_timing_and_last_slot(database_tasks, settings):
    from io import StringIO

    from django.core.management import call_command

    settings.DVCTT_SCHEDULE = "guidance_watch=off"
    schedule_pass(by="host-a:42")
    out = StringIO()
    call_command("scheduler", "--list", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].split() == ["on", "dossier_watch", "every", "10m", _job("dossier_watch").task]
    assert "by host-a:42" in lines[1]
    assert any(line.split()[:2] == ["off", "guidance_watch"] for line in lines)
    refresh = lines.index(next(line for line in lines if "national_integration_refresh" in line))
    assert "not queued in the last days" in lines[refresh + 1]


# --- the running scheduler: passes, stop, beat ------------------------------------------------------------------
def _scheduler_loop(database: WorkerDatabase, log: Path, seconds: str = "0.2") -> subprocess.Popen[bytes]:
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "dvctt.manage", "scheduler", "--loop", seconds],
        cwd=ROOT,
        env=_scheduler_env(database, DVCTT_LOG_LEVEL="INFO", DVCTT_LOG_FORMAT="text"),
        stdout=subprocess.DEVNULL,
        stderr=log.open("wb"),
    )


def _passes_while_running(database: WorkerDatabase) -> int:
    """The scheduler's passes so far, read from the database it runs on (its file, on SQLite)."""
    from dvctt.schedule.models import SchedulerBeat

    if not database.sqlite:
        return SchedulerBeat.objects.get().passes
    import sqlite3

    with sqlite3.connect(database.path, timeout=5) as reader:
        row = reader.execute(f"SELECT passes FROM {SchedulerBeat._meta.db_table}").fetchone()  # noqa: S608
    return row[0] if row else 0


def _wait_for(condition, what: str, timeout: float = 60.0) -> None:
    import time as clock

    deadline = clock.monotonic() + timeout
    while not condition():
        assert clock.monotonic() < deadline, f"waited {timeout} s for {what}"
        clock.sleep(0.1)


def _stopped(process: subprocess.Popen[bytes], log: Path) -> str:
    import signal

    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, log.read_text()
    return log.read_text()


@pytest.mark.django_db(transaction=True)
def test_the_running_scheduler_passes_again_and_again_queues_each_slot_once_and_stops_on_sigterm(
    database_tasks, tmp_path
):
    from dvctt.schedule.models import SchedulerBeat

    database, log = WorkerDatabase(tmp_path / "scheduler.sqlite3"), tmp_path / "scheduler.log"
    # When `dvctt scheduler --loop 0.2` runs as its own process for a while
    process = _scheduler_loop(database, log)
    try:
        _wait_for(lambda: log.read_text().count("queued ") >= len(DEFAULT_ON), "the first pass")
        _wait_for(lambda: _passes_while_running(database) >= 4, "more passes, each finding the slots taken")
    finally:
        text = _stopped(process, log)
    database.pull()
    # Then it queued each due job once (a slot turning meanwhile queues that job once more), stopped cleanly on
    # SIGTERM, and its beat counts its passes
    assert "SIGTERM received" in text and text.rstrip().endswith("stopped")
    queued = Counter(DBTaskResult.objects.values_list("task_path", flat=True))
    assert set(queued) == {_job(name).task for name in DEFAULT_ON}
    assert all(n == 1 for path, n in queued.items() if path != _job("payments_settle").task)
    beat = SchedulerBeat.objects.get()
    assert beat.passes >= 4 and beat.failed_passes == 0
    assert beat.stopped_at is not None and beat.last_pass_at is not None
    assert beat.started_at <= beat.last_pass_at <= beat.stopped_at


@pytest.mark.django_db(transaction=True)
def test_the_scheduler_outlives_the_loss_of_its_database_connection(database_tasks, tmp_path):
    """PostgreSQL: the server ends the scheduler's connection (a restart, an operator's kill); the process stays
    and its next passes connect again."""
    if connection.vendor != "postgresql":
        pytest.skip("ends PostgreSQL backends")
    from dvctt.schedule.models import SchedulerBeat

    database, log = WorkerDatabase(tmp_path / "unused.sqlite3"), tmp_path / "scheduler.log"
    process = _scheduler_loop(database, log)
    try:
        _wait_for(lambda: SchedulerBeat.objects.filter(passes__gte=2).exists(), "two passes")
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            assert cursor.fetchall(), "the scheduler's connection was found"
        at_kill = SchedulerBeat.objects.get().passes
        _wait_for(lambda: SchedulerBeat.objects.get().passes >= at_kill + 3, "passes after the kill")
        assert process.poll() is None
    finally:
        text = _stopped(process, log)
    assert SchedulerBeat.objects.get().stopped_at is not None, text


@pytest.mark.django_db
def test_beats_record_passes_and_failures_and_old_ones_are_pruned(database_tasks):
    from dvctt.schedule.models import SchedulerBeat
    from dvctt.schedule.services import beat_pass, beat_start, beat_stop, beats_prune

    now = datetime(2026, 3, 2, 8, 0, tzinfo=VN)
    beat_start(by="a:1", now=now)
    beat_pass(by="a:1", now=now + timedelta(seconds=30))
    beat_pass(
        by="a:1", now=now + timedelta(seconds=60), error="OperationalError: server closed the connection"
    )
    beat_pass(by="b:2", now=now)  # a beat lost meanwhile is written again
    beat = SchedulerBeat.objects.get(process="a:1")
    assert (beat.passes, beat.failed_passes) == (1, 1)
    assert beat.last_pass_at == now + timedelta(seconds=30) and beat.last_error.startswith("OperationalError")
    assert SchedulerBeat.objects.get(process="b:2").passes == 1

    beat_stop(by="a:1", now=now + timedelta(minutes=2))
    assert beats_prune(now=now + timedelta(days=2)) == 0
    assert beats_prune(now=now + timedelta(days=4)) == 2  # stopped long ago; silent long ago (killed)
    assert not SchedulerBeat.objects.exists()


@pytest.mark.django_db
def test_the_metrics_say_how_long_ago_a_running_scheduler_passed(database_tasks, client, settings):
    from django.utils import timezone

    from dvctt.schedule.services import beat_pass, beat_start, beat_stop

    settings.DVCTT_METRICS_TOKEN = "operator-token"
    auth = {"HTTP_AUTHORIZATION": "Bearer operator-token"}

    def samples() -> dict[str, float]:
        text = client.get("/metrics", **auth).content.decode()
        return {
            line.split()[0]: float(line.split()[1])
            for line in text.splitlines()
            if line.startswith("dvctt_sch")
        }

    assert "dvctt_scheduler_last_pass_age_seconds" not in samples()  # none has passed: no sample
    now = timezone.now()
    beat_start(by="a:1", now=now - timedelta(minutes=10))
    beat_pass(by="a:1", now=now - timedelta(minutes=5))
    beat_start(by="b:2", now=now - timedelta(minutes=10))
    beat_pass(by="b:2", now=now - timedelta(minutes=1))
    beat_stop(by="b:2", now=now - timedelta(seconds=30))  # a stopped one does not count
    lines = samples()
    assert 299 <= lines["dvctt_scheduler_last_pass_age_seconds"] < 360
    assert lines["dvctt_scheduler_processes"] == 1
    assert lines["dvctt_scheduler_failed_passes"] == 0
