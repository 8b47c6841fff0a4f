"""Delivery under faults, at scale, against the sandbox in its own process (issue 14).

The guarantee these tests hold the sender to: **at least once, in order per dossier, made idempotent by the
portal's keys.** Every message is delivered; a dossier's messages reach the portal in the order they were written
(a later one is never sent before an earlier one is acknowledged); a message whose answer was lost may be sent
again, and then it is harmless: the record is the dossier's whole current state keyed by ``MaHoSo`` (a create
already there becomes an update, never a second dossier), and a repeated step is the same step.
"""

from __future__ import annotations

import os
import signal
import time

import pytest

from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, SyncState
from dvctt.dossiers.tests.conftest import vn
from dvctt.integrations.national_portal.adapter import SYSTEM
from dvctt.integrations.national_portal.record import dossier_record, dossiers_for_records, record_context
from dvctt.integrations.national_portal.tests.conftest import Sandbox
from dvctt.outbox.models import Message, MessageState
from dvctt.outbox.registry import adapter_get
from dvctt.outbox.services import messages_send

S = MessageState
POSTGRES = os.environ.get("DATABASE_URL", "").split(":", 1)[0] in ("postgres", "postgresql")
#: How long the portal stays down in the outage test. The issue says a minute; 20 s keeps the suite fast and
#: still spans many retries (DVCTT_TEST_PORTAL_OUTAGE_SECONDS=60 runs the full minute).
OUTAGE_SECONDS = float(os.environ.get("DVCTT_TEST_PORTAL_OUTAGE_SECONDS", "20"))


def wait_back(sandbox: Sandbox, *, within: float) -> None:
    """Wait until the sandbox answers again (it is "down"), bounded."""
    deadline = time.monotonic() + within
    while True:
        try:
            sandbox.state()
            return
        except OSError:
            assert time.monotonic() < deadline, "the sandbox did not come back"


def drain(*, within: float) -> float:
    """Send until nothing is pending or sending; returns the seconds it took (bounded)."""
    started = time.monotonic()
    while Message.objects.filter(system=SYSTEM, state__in=[S.PENDING, S.SENDING]).exists():
        assert time.monotonic() - started < within, "the outbox did not drain in time"
        if not messages_send(system=SYSTEM, max_seconds=within).sent:
            time.sleep(0.05)
    return time.monotonic() - started


def copies(dossier: Dossier, n: int) -> list[Dossier]:
    """``n`` submitted dossiers like ``dossier`` (distinct codes), written in one INSERT."""
    rows = []
    for i in range(n):
        copy = Dossier.objects.get(pk=dossier.pk)
        copy.pk = None
        copy.code = f"{dossier.code}-{i:04d}"
        rows.append(copy)
    return Dossier.objects.bulk_create(rows)


def assert_delivered_in_order(state: dict, steps: dict[str, list[int]]) -> None:
    """Each dossier created once, its statuses never going back, every step there, in order, none lost."""
    assert state["rejected"] == []
    assert state["creates"] == dict.fromkeys(steps, 1)
    for code, expected in steps.items():
        history = state["history"][code]
        assert history == sorted(history), (code, history)
        assert history[-1] == expected[-1], (code, history)
    got: dict[str, list[int]] = {}
    for item in state["progress"]:
        got.setdefault(item["MaHoSo"], []).append(item["TrangThai"])
    assert got == steps


def without_link_times(record: dict) -> dict:
    """The record with its signed links cut before their time stamp (two builds a second apart differ there)."""
    copy = dict(record)
    for name, key in (("TaiLieuNop", "DuongDanTaiTepTin"), ("DanhSachGiayToKetQua", "DuongDanTepTinKetQua")):
        copy[name] = [{**entry, key: entry[key].split(":", 2)[:2]} for entry in record[name]]
    return copy


def test_a_batch_builds_the_same_records_as_one_by_one(portal, processing):
    # the batch path reads everything in a few queries: it must build exactly what the single path builds
    [dossier] = dossiers_for_records([processing.code]).values()
    batch = dossier_record(dossier, context=record_context([dossier]))
    assert batch["TaiLieuNop"]
    assert without_link_times(batch) == without_link_times(dossier_record(processing))


def test_a_refused_record_in_a_batch_fails_alone(adapter_portal, procedure, submitted, one_stop):
    # given five dossiers received, one of them missing the applicant's name (the portal refuses it)
    others = copies(submitted, 4)
    for dossier in [submitted, *others]:
        services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
    Dossier.objects.filter(pk=others[2].pk).update(applicant_name="")
    # when the sender sends them (one batch: one call for the five records)
    messages_send(system=SYSTEM, max_seconds=10)
    # then the four good ones are on the portal; the bad one waits for its retry with the portal's own reason
    state = adapter_portal.state()
    assert sorted(state["creates"]) == sorted(d.code for d in [submitted, *others] if d != others[2])
    bad = Message.objects.get(key=others[2].code)
    assert bad.state == S.PENDING and "ChuHoSo: required" in bad.last_answer


def test_one_worker_sends_in_few_calls(adapter_portal, procedure, submitted, one_stop, specialist):
    # given 30 dossiers received and forwarded: 60 messages
    dossiers = [submitted, *copies(submitted, 29)]
    for dossier in dossiers:
        services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
        services.dossier_forward(
            dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
        )
    # when one sender (with a new session: the sandbox forgot the last test's) drains them
    adapter_get(SYSTEM)._transport = None
    drain(within=60)
    # then the records went 10 to a call and the steps 10 to a call: 3 + 3 calls a pass, two passes
    state = adapter_portal.state()
    assert (state["requests"], state["logins"]) == (12, 1)
    assert_delivered_in_order(state, {d.code: [2, 4] for d in dossiers})


@pytest.mark.django_db(transaction=True)
def test_a_thousand_dossiers_change_while_the_portal_is_down_then_all_go_in_order(
    adapter_portal, settings, procedure, submitted, one_stop, specialist
):
    # given retries that keep trying through the outage (as production's back-off does, in seconds not minutes)
    settings.DVCTT_OUTBOX_MAX_ATTEMPTS = 1000
    settings.DVCTT_OUTBOX_BACKOFF_SECONDS = 0.5
    settings.DVCTT_OUTBOX_BACKOFF_MAX_SECONDS = 2.0
    settings.DVCTT_NATIONAL_PORTAL_TIMEOUT = 1.0
    dossiers = [submitted, *copies(submitted, 999)]
    # when the portal goes down, and while it is down 1,000 dossiers are received and 500 of them forwarded,
    # with the sender trying all along
    portal = adapter_portal
    portal.fault("down", seconds=OUTAGE_SECONDS)
    down_until = time.monotonic() + OUTAGE_SECONDS
    # A sending round may overrun its budget by one request's timeout: the last round while down starts this long
    # before the portal is back, so that it cannot meet the portal up (on a loaded machine it did).
    last_round = 0.5 + settings.DVCTT_NATIONAL_PORTAL_TIMEOUT + 1.0
    retried, tried_at = 0, 0.0
    for i, dossier in enumerate(dossiers):
        services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
        if i % 2 == 0:
            services.dossier_forward(
                dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
            )
        now = time.monotonic()
        if now - tried_at > 1 and now < down_until - last_round:
            report = messages_send(system=SYSTEM, max_seconds=0.3)
            assert report.sent == 0  # nothing is acknowledged while it is down
            retried, tried_at = retried + report.retried, now
    assert Message.objects.filter(system=SYSTEM).count() == 1500
    while time.monotonic() < down_until - last_round:  # the sender keeps meeting a closed door until the end
        report = messages_send(system=SYSTEM, max_seconds=0.5)
        assert report.sent == 0
        retried += report.retried
        time.sleep(0.2)
    assert retried > 0
    assert not Dossier.objects.filter(sync_state=SyncState.SYNCED).exists()
    # then once it is back every message is acknowledged, in order, in bounded time
    wait_back(portal, within=OUTAGE_SECONDS + 30)
    took = drain(within=300)
    assert not Message.objects.exclude(state=S.SENT).exists()
    assert_delivered_in_order(
        portal.state(), {d.code: [2, 4] if i % 2 == 0 else [2] for i, d in enumerate(dossiers)}
    )
    assert Dossier.objects.filter(sync_state=SyncState.SYNCED).count() == 1000
    assert took < 300


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(not POSTGRES, reason="a worker process needs a test database it can reach (PostgreSQL)")
def test_a_worker_process_killed_mid_send_then_restarted_loses_nothing(
    adapter_portal, settings, procedure, submitted, one_stop, specialist
):
    from dvctt.integrations.national_portal.tests.test_worker import run_worker, worker_env

    portal = adapter_portal

    # given 20 dossiers received and forwarded (40 messages), and a portal that saves the first call it gets,
    # then hangs without answering
    dossiers = [submitted, *copies(submitted, 19)]
    for dossier in dossiers:
        services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
        services.dossier_forward(
            dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
        )
    portal.fault("timeout", seconds=30, after=True)
    env = worker_env(settings, portal, DVCTT_NATIONAL_PORTAL_TIMEOUT="40", DVCTT_OUTBOX_LEASE_SECONDS="2")
    worker = run_worker(env, "--loop", "0.1", "--max-seconds", "60")
    deadline = time.monotonic() + 30
    while not portal.state()["records"]:
        assert time.monotonic() < deadline, "the worker never reached the portal"
        time.sleep(0.1)
    # when the worker is killed (SIGKILL: no clean-up) while it waits for the answer
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)
    first = portal.state()
    assert 0 < len(first["records"]) < 20  # the first batch of records reached the portal, unacknowledged
    assert Message.objects.filter(state=S.SENDING).count() == 20
    assert not Message.objects.filter(state=S.SENT).exists()
    # and a new worker process starts (after the dead one's lease)
    time.sleep(2.1)
    again = run_worker(env, "--loop", "0.1", "--max-seconds", "60", "--until-idle")
    _out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    # then everything is delivered: each dossier created once (those the dead worker had sent were found by
    # TraCuuHoSo and updated), every step there once and in order; nothing is left
    state = portal.state()
    assert_delivered_in_order(state, {d.code: [2, 4] for d in dossiers})
    reached = set(first["records"])
    assert {
        c for c, n in state["updates"].items() if n > 1
    } <= reached  # repeats only where the answer was lost
    assert not Message.objects.exclude(state=S.SENT).exists()
    assert set(Dossier.objects.values_list("sync_state", flat=True)) == {SyncState.SYNCED}
    assert all(m.attempts <= 3 for m in Message.objects.all())
    assert Message.objects.filter(attempts=2).count() >= len(reached)
