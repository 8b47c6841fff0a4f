"""The outbox's delivery rules, through its services with a scripted adapter (no network)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from dvctt.outbox import services
from dvctt.outbox.models import Message, MessageState
from dvctt.outbox.registry import Delivery, adapter_register, adapter_unregister
from dvctt.outbox.selectors import outbox_figures, outbox_health

S = MessageState


class ScriptedAdapter:
    """Answers each send from a per-key script of True/False (default: True); records what it was sent."""

    system = "probe"
    topics = frozenset({"probe"})

    def __init__(self) -> None:
        self.script: dict[str, list[bool]] = {}
        self.sent: list[tuple[str, int]] = []
        self.failed: list[int] = []

    def enabled(self) -> bool:
        return True

    def send(self, message: Message) -> Delivery:
        outcomes = self.script.get(message.key, [])
        ok = outcomes.pop(0) if outcomes else True
        if ok:
            self.sent.append((message.key, message.payload["n"]))
            return Delivery(ok=True, answer='{"error_code": 0}')
        return Delivery(ok=False, answer='HTTP 503 {"error_code": -1, "message": "busy"}', error="busy")

    def on_failed(self, message: Message) -> None:
        self.failed.append(message.pk)


@pytest.fixture
def probe(db, settings):
    settings.DVCTT_OUTBOX_MAX_ATTEMPTS = 3
    settings.DVCTT_OUTBOX_BACKOFF_SECONDS = 0
    adapter = ScriptedAdapter()
    adapter_register(adapter)
    yield adapter
    adapter_unregister("probe")


def publish(key: str, n: int) -> None:
    services.message_publish(topic="probe", key=key, operation="update", payload={"n": n})


def test_a_topic_nobody_wants_writes_nothing(db):
    assert services.message_publish(topic="nobody", key="A", operation="x", payload={}) == 0
    assert Message.objects.count() == 0


def test_a_message_commits_and_rolls_back_with_the_change(probe):
    # given a change that fails after publishing its message
    with pytest.raises(RuntimeError), transaction.atomic():
        publish("A", 1)
        raise RuntimeError("the change failed")
    # then no message is left; and a committed one stays
    assert Message.objects.count() == 0
    with transaction.atomic():
        publish("A", 1)
    assert Message.objects.filter(state=S.PENDING).count() == 1


def test_the_claim_takes_only_the_head_of_each_key(probe):
    for key, n in [("A", 1), ("B", 1), ("A", 2), ("A", 3), ("B", 2)]:
        publish(key, n)
    claimed = services.messages_claim(system="probe", limit=10)
    assert [(m.key, m.payload["n"]) for m in claimed] == [("A", 1), ("B", 1)]
    assert {m.state for m in claimed} == {S.SENDING}
    # a second worker finds nothing: the heads are being sent, the rest wait behind them
    assert services.messages_claim(system="probe", limit=10) == []


def test_messages_go_in_order_per_key(probe):
    for key, n in [("A", 1), ("B", 1), ("A", 2), ("B", 2), ("A", 3)]:
        publish(key, n)
    report = services.messages_send(system="probe", max_seconds=10)
    assert report.sent == 5
    assert [n for key, n in probe.sent if key == "A"] == [1, 2, 3]
    assert [n for key, n in probe.sent if key == "B"] == [1, 2]


def test_a_failing_head_retries_with_backoff_then_fails_and_holds_its_key(probe, settings):
    settings.DVCTT_OUTBOX_BACKOFF_SECONDS = 0
    probe.script["A"] = [False, False, False]
    for key, n in [("A", 1), ("A", 2), ("B", 1), ("B", 2)]:
        publish(key, n)
    report = services.messages_send(system="probe", max_seconds=10)
    # then B went on, A's head failed after its 3 attempts with the raw answer kept, A's later message is held
    assert probe.sent == [("B", 1), ("B", 2)]
    assert report.failed == 1 and report.retried == 2
    head = Message.objects.get(key="A", payload__n=1)
    assert (head.state, head.attempts, head.last_error) == (S.FAILED, 3, "busy")
    assert "HTTP 503" in head.last_answer
    assert Message.objects.get(key="A", payload__n=2).state == S.HELD
    assert probe.failed == [head.pk]
    figures = outbox_figures(system="probe")
    assert (figures["failed"], figures["held"], figures["backlog"]) == (1, 1, 1)
    assert figures["failures_by_reason"] == [{"reason": "busy", "count": 1}]
    assert outbox_health(system="probe")["status"] == "degraded"
    # when an administrator re-sends it, A's messages go, in order
    assert services.messages_resend_failed(system="probe") == 1
    services.messages_send(system="probe", max_seconds=10)
    assert [n for key, n in probe.sent if key == "A"] == [1, 2]
    assert not Message.objects.exclude(state=S.SENT).exists()


def test_backoff_is_exponential_and_capped(settings):
    settings.DVCTT_OUTBOX_BACKOFF_SECONDS = 10
    settings.DVCTT_OUTBOX_BACKOFF_MAX_SECONDS = 60
    assert [services.backoff_delay(n) for n in (1, 2, 3, 4, 5)] == [10, 20, 40, 60, 60]


def test_a_retry_waits_for_its_time(probe, settings):
    settings.DVCTT_OUTBOX_BACKOFF_SECONDS = 3600
    probe.script["A"] = [False]
    publish("A", 1)
    services.messages_send(system="probe", max_seconds=10)
    message = Message.objects.get()
    assert message.state == S.PENDING and message.next_attempt_at > timezone.now() + timedelta(minutes=59)
    assert services.messages_claim(system="probe", limit=10) == []


def test_a_paused_transport_sends_nothing_until_resumed(probe):
    publish("A", 1)
    services.transport_set_paused(system="probe", paused=True, by="admin")
    report = services.messages_send(system="probe", max_seconds=10)
    assert report.sent == 0 and report.skipped_paused == ["probe"]
    assert outbox_health(system="probe")["reasons"] == ["paused"]
    services.transport_set_paused(system="probe", paused=False, by="admin")
    assert services.messages_send(system="probe", max_seconds=10).sent == 1


def test_a_send_whose_worker_died_is_taken_over_after_the_lease(probe):
    publish("A", 1)
    # given a worker that claimed the message and died before marking it
    [claimed] = services.messages_claim(system="probe", limit=10)
    assert services.messages_claim(system="probe", limit=10) == []
    Message.objects.filter(pk=claimed.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    # then another worker sends it once the lease has run out
    assert services.messages_send(system="probe", max_seconds=10).sent == 1
    assert Message.objects.get().attempts == 2


def test_the_task_sends_what_is_due(probe):
    from dvctt.outbox.tasks import outbox_send

    publish("A", 1)
    result = outbox_send.enqueue(system="probe")
    assert result.return_value["sent"] == 1
