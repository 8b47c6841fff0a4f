"""Tasks on RQ (``DVCTT_TASKS=rq``) with real processes: the tests' own redis-server, ``dvctt tasks_worker``
workers, an SMTP server on loopback. Faults: Redis away, a worker killed in the middle of a task, a mail server
that refuses. Workers reach the test database (on SQLite, a file copy of it: ``WorkerDatabase``)."""

from __future__ import annotations

import contextlib
import io
import os
import signal
import time

import django_rq
import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from rq.registry import FailedJobRegistry, ScheduledJobRegistry

from dvctt.common.tasks import task_enqueue
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, Notification
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.monitoring.tasks import refresh_dossier
from dvctt.portal.tests.test_apply import _complete, _draft
from dvctt.taskspool.models import SpooledTask
from dvctt.taskspool.services import tasks_respool
from dvctt.taskspool.tests.conftest import run_burst, start_worker, worker_env

pytestmark = pytest.mark.django_db(transaction=True)


def kill_tree(pid: int) -> None:
    """SIGKILL a process and its descendants (RQ's work horse runs in a process group of its own)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry))
    todo = [pid]
    while todo:
        current = todo.pop()
        todo += children.get(current, [])
        with contextlib.suppress(ProcessLookupError):
            os.kill(current, signal.SIGKILL)


def submit(unit, citizen):
    return services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3, 8))


def queued(name: str) -> int:
    return django_rq.get_queue(name).count


def test_arguments_must_be_json(rq_backend):
    with pytest.raises(TypeError, match="JSON"):
        task_enqueue(refresh_dossier, object())
    assert queued("rollups") == 0


def test_queued_after_commit_and_not_for_a_rolled_back_change(rq_backend):
    with transaction.atomic():
        assert task_enqueue(refresh_dossier, 1) is None  # waits for the commit
        assert queued("rollups") == 0
    assert queued("rollups") == 1
    with pytest.raises(RuntimeError), transaction.atomic():
        task_enqueue(refresh_dossier, 2)
        raise RuntimeError("rolled back")
    assert queued("rollups") == 1


def test_metrics_read_the_queue_depth_from_redis(rq_backend, client):
    # two tasks waiting on Redis, one older than the other: the operator's scrape reads Redis, not the database
    task_enqueue(refresh_dossier, 1)
    time.sleep(1.1)
    task_enqueue(refresh_dossier, 2)
    body = client.get("/metrics", REMOTE_ADDR="127.0.0.1").content.decode()
    assert 'dvctt_tasks_queued{queue="rollups"} 2.0' in body
    assert 'dvctt_tasks_queued{queue="notifications"} 0.0' in body
    age = next(
        float(line.rsplit(" ", 1)[1])
        for line in body.splitlines()
        if line.startswith('dvctt_tasks_oldest_queued_age_seconds{queue="rollups"}')
    )
    assert 1.0 <= age < 60
    assert "dvctt_tasks_spooled 0.0" in body
    assert 'dvctt_metrics_read_error{part="tasks"} 1.0' not in body


def test_redis_away_pages_answer_the_submission_succeeds_and_its_tasks_wait_in_the_spool(
    rq_backend, client, online_procedure, citizen
):
    # given Redis gone
    rq_backend.stop()
    # when a citizen browses and submits an application over HTTP
    client.force_login(citizen)
    assert client.get("/").status_code == 200
    assert client.get(reverse("portal:my_dossiers")).status_code == 200
    draft = _draft(client)
    _complete(client, draft)
    response = client.post(reverse("portal:draft_review", args=[draft.pk]))
    # then the dossier is submitted and its confirmation shows
    dossier = Dossier.objects.get()
    assert response["Location"] == reverse("portal:dossier_submitted", args=[dossier.code])
    assert client.get(response["Location"]).status_code == 200
    # and its tasks (notify the applicant, refresh the facts) wait in the spool
    spooled = sorted(SpooledTask.objects.values_list("module_path", "args"))
    assert spooled == [
        ("dvctt.dossiers.notifications.tasks.notify_event", [dossier.events.get().pk]),
        ("dvctt.monitoring.tasks.refresh_dossier", [dossier.pk]),
    ]
    assert "Connection" in SpooledTask.objects.first().last_error
    # and while Redis is away a re-spool keeps them
    report = tasks_respool()
    assert (report.queued, report.left) == (0, 2) and report.error
    # when Redis is back, the re-spool queues each once
    rq_backend.start()
    report = tasks_respool()
    assert (report.queued, report.left) == (2, 0)
    assert (queued("notifications"), queued("rollups")) == (1, 1)
    assert tasks_respool().queued == 0


def test_a_submission_is_mailed_by_a_worker_process(rq_backend, smtp, worker_db, procedure, unit, citizen):
    # given a dossier submitted (its notification task queued in Redis on commit)
    dossier = submit(unit, citizen)
    assert queued("notifications") == 1
    # when a worker runs until the queues are empty
    run_burst(worker_env(rq_backend, worker_db, smtp), worker_db)
    # then the applicant's mail went out once and the row says so
    assert len(smtp.messages) == 1 and b"an@example.vn" in smtp.messages[0]
    notification = Notification.objects.get(dossier=dossier)
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 1)


def test_redis_away_then_back_the_worker_queues_the_spool_and_runs_it_once(
    rq_backend, smtp, worker_db, procedure, unit, citizen
):
    rq_backend.stop()
    dossier = submit(unit, citizen)
    assert SpooledTask.objects.count() == 2
    # when Redis comes back (empty: no persistence) and a worker starts
    rq_backend.start()
    run_burst(worker_env(rq_backend, worker_db, smtp), worker_db)
    # then the worker queued the spool at start and ran it: one mail, nothing left
    assert SpooledTask.objects.count() == 0
    assert len(smtp.messages) == 1
    assert Notification.objects.get(dossier=dossier).state == Notification.State.SENT


def test_a_worker_killed_in_the_middle_of_a_task_the_task_runs_again_with_one_effect(
    rq_backend, smtp, worker_db, procedure, unit, citizen
):
    # given a mail server that holds the first connection, and workers that call a job abandoned after 2 s
    smtp.hang = 1
    env = worker_env(rq_backend, worker_db, smtp, DVCTT_TASKS_RQ_ABANDONED_SECONDS="2")
    dossier = submit(unit, citizen)
    worker_db.push()
    worker = start_worker(env)
    assert smtp.hanging.wait(60), "the worker never reached the mail server"
    # when the worker (and its work horse) is killed in the middle of the send
    kill_tree(worker.pid)
    worker.wait(timeout=10)
    smtp.release.set()
    worker_db.pull()  # what the killed worker committed (the notification row), SQLite only
    time.sleep(5)  # the killed worker's last heartbeat runs out
    # then a new worker finds the job abandoned, runs it again, and the mail goes out once
    output = run_burst(env, worker_db)
    assert len(smtp.messages) == 1, output
    notification = Notification.objects.get(dossier=dossier)
    # the killed attempt's transaction was rolled back with its connection: one attempt counted
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 1)
    assert FailedJobRegistry(queue=django_rq.get_queue("notifications")).count == 0


def test_the_mail_server_refuses_the_notification_is_retried_and_sent(
    rq_backend, smtp, worker_db, procedure, unit, citizen
):
    # given a mail server that refuses the first message (451)
    smtp.refuse = 1
    env = worker_env(rq_backend, worker_db, smtp)
    dossier = submit(unit, citizen)
    run_burst(env, worker_db)
    notification = Notification.objects.get(dossier=dossier)
    assert (notification.state, notification.attempts) == (Notification.State.FAILED, 1)
    assert "451" in notification.last_error and smtp.messages == []
    # then its retry waits in Redis for its time (1 minute after the first attempt)
    registry = ScheduledJobRegistry(queue=django_rq.get_queue("notifications"))
    (job_id,) = registry.get_job_ids()
    assert 30 < registry.get_scheduled_time(job_id).timestamp() - time.time() < 90
    # when that time comes (moved to now) and a worker runs
    rq_backend.client().zadd(registry.key, {job_id: time.time() - 1})
    run_burst(env, worker_db)
    # then the mail went out once, on the second attempt
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 2)
    assert len(smtp.messages) == 1 and smtp.refused == 1


def test_the_respool_command_fails_while_redis_is_away_and_queues_once_it_is_back(rq_backend):
    rq_backend.stop()
    assert task_enqueue(refresh_dossier, 5) is None
    out = io.StringIO()
    with pytest.raises(SystemExit):
        call_command("tasks_respool", stdout=out)
    assert "queued=0 left=1" in out.getvalue()
    rq_backend.start()
    call_command("tasks_respool", stdout=out)
    assert "queued=1 left=0" in out.getvalue()
    (job,) = django_rq.get_queue("rollups").get_jobs()
    assert (job.func_name, job.args) == ("dvctt.monitoring.tasks.refresh_dossier", (5,))
