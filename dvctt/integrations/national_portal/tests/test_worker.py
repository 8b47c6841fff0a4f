"""The sender as a real worker process (``dvctt outbox_send --loop``) against the test database.

PostgreSQL only: the worker is another process and must see the test database; SQLite's test database lives
in this process's memory (there, ``test_the_task_runs_the_sender`` runs the task in-process instead)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection

from dvctt.dossiers.models import Dossier, SyncState
from dvctt.integrations.national_portal.adapter import SYSTEM
from dvctt.integrations.national_portal.tests.conftest import ROOT, Sandbox
from dvctt.outbox.models import Message, MessageState
from dvctt.outbox.services import messages_send

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").split(":", 1)[0] not in ("postgres", "postgresql"),
        reason="a worker process needs a test database it can reach (PostgreSQL)",
    ),
]


def worker_env(settings, sandbox: Sandbox, **extra: str) -> dict[str, str]:
    db = connection.settings_dict
    url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    names = [n for n in dir(django_settings) if n.startswith(("DVCTT_NATIONAL_PORTAL_", "DVCTT_OUTBOX_"))]
    env = {**os.environ, "DATABASE_URL": url, "DVCTT_TESTING": "1"}
    env.update({n: str(getattr(django_settings, n)) for n in names})
    env.update(extra)
    return env


def run_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "dvctt.manage", "outbox_send", "--system", SYSTEM, *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_worker_process_syncs_what_the_platform_wrote(portal, settings, received, processing):
    # given two messages committed by the platform (receipt, forward)
    assert Message.objects.filter(state=MessageState.PENDING).count() == 2
    # when a worker process runs until nothing waits
    worker = run_worker(worker_env(settings, portal), "--loop", "0.1", "--max-seconds", "30", "--until-idle")
    out, err = worker.communicate(timeout=60)
    assert worker.returncode == 0, err
    # then the portal has the dossier and its steps, and the worker's marks are in the database
    assert b"sent 2" in out
    state = portal.state()
    assert state["creates"] == {received.code: 1}
    assert [p["TrangThai"] for p in state["progress"]] == [2, 4]
    assert set(Message.objects.values_list("state", flat=True)) == {MessageState.SENT}
    assert Dossier.objects.get(pk=received.pk).sync_state == SyncState.SYNCED


def test_a_worker_killed_in_the_middle_of_a_send(portal, settings, received):
    # given a portal that saves the create and then hangs, and a worker with a 2-second lease
    portal.fault("timeout", seconds=20, after=True)
    env = worker_env(settings, portal, DVCTT_NATIONAL_PORTAL_TIMEOUT="30", DVCTT_OUTBOX_LEASE_SECONDS="2")
    worker = run_worker(env, "--loop", "0.1", "--max-seconds", "30")
    deadline = time.monotonic() + 20
    while received.code not in portal.state()["records"]:
        assert time.monotonic() < deadline, "the worker never reached the portal"
        time.sleep(0.1)
    # when the worker is killed before it could mark the message
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    message = Message.objects.get()
    assert message.state == MessageState.SENDING
    # then once the lease has run out another worker takes over, asks the portal, and updates: no duplicate
    time.sleep(2.1)
    report = messages_send(system=SYSTEM, max_seconds=10)
    assert report.sent == 1
    state = portal.state()
    assert state["creates"] == {received.code: 1}
    assert state["updates"] == {received.code: 1}
    assert Dossier.objects.get(pk=received.pk).sync_state == SyncState.SYNCED
