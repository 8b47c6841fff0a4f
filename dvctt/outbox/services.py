"""Write, claim, send, retry and re-send outbox messages (docs/national-portal.md, "Outbox").

Delivery rules:

* a message is written by :func:`message_publish` inside the caller's transaction (one INSERT), so a change and
  the message that reports it commit or roll back together;
* :func:`messages_claim` takes only the *head* of each key (no earlier message of that key is unsent), so a
  key's messages go one after another and a failed one holds back the later ones; other keys go on;
* an attempt that fails is retried after ``base × 2^(attempts − 1)`` seconds (capped); after the last attempt
  the message is *failed*, its raw answer kept, and the later messages of its key are *held* until an
  administrator re-sends it;
* a claim is a lease: a worker that dies mid-send leaves a *sending* row that another worker takes over once
  the lease has run out (the adapter must make a repeated send harmless).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from dvctt.outbox.models import Message, MessageState, Transport
from dvctt.outbox.registry import Delivery, adapter_get, adapters, systems_for

logger = logging.getLogger(__name__)

S = MessageState


def _setting(name: str, default: float) -> float:
    return float(getattr(settings, name, default))


def max_attempts() -> int:
    return int(_setting("DVCTT_OUTBOX_MAX_ATTEMPTS", 8))


def backoff_delay(attempts: int) -> float:
    """Seconds to wait after the ``attempts``-th failed attempt: exponential, capped."""
    base = _setting("DVCTT_OUTBOX_BACKOFF_SECONDS", 10)
    cap = _setting("DVCTT_OUTBOX_BACKOFF_MAX_SECONDS", 3600)
    return float(min(cap, base * (2 ** max(0, attempts - 1))))


def message_publish(
    *, topic: str, key: str, operation: str, payload: dict[str, Any], ref: int | None = None
) -> int:
    """Write one message per system that wants ``topic``, in the caller's transaction. Returns how many."""
    systems = systems_for(topic)
    if not systems:
        return 0
    now = timezone.now()
    rows = [
        Message(system=s, operation=operation, key=key, ref=ref, payload=payload, next_attempt_at=now)
        for s in systems
    ]
    if len(rows) == 1:
        rows[0].save(force_insert=True)
    else:
        Message.objects.bulk_create(rows)
    return len(rows)


def transport_paused(*, system: str) -> bool:
    return Transport.objects.filter(system=system, paused=True).exists()


def transport_set_paused(*, system: str, paused: bool, by: str = "") -> Transport:
    """Pause or resume sending to ``system`` (messages keep being written while paused)."""
    transport, _created = Transport.objects.update_or_create(
        system=system, defaults={"paused": paused, "changed_by": by[:150]}
    )
    logger.info("outbox: %s %s by %s", system, "paused" if paused else "resumed", by or "system")
    return transport


def messages_claim(*, system: str, limit: int, now: datetime | None = None) -> list[Message]:
    """Claim up to ``limit`` due messages of ``system``, at most one per key: the key's oldest unsent one.

    ``SELECT … FOR UPDATE SKIP LOCKED`` on PostgreSQL (workers never wait for each other); on SQLite the
    transaction takes the write lock at its start (``transaction_mode=IMMEDIATE``), so claims are serialised.
    """
    moment = now or timezone.now()
    earlier_unsent = Message.objects.filter(
        system=OuterRef("system"), key=OuterRef("key"), id__lt=OuterRef("id")
    ).exclude(state=S.SENT)
    lease = timedelta(seconds=_setting("DVCTT_OUTBOX_LEASE_SECONDS", 300))
    with transaction.atomic():
        ids = list(
            Message.objects.select_for_update(skip_locked=True)
            .filter(system=system, state__in=[S.PENDING, S.SENDING], next_attempt_at__lte=moment)
            .filter(~Exists(earlier_unsent))
            .order_by("id")
            .values_list("id", flat=True)[:limit]
        )
        if not ids:
            return []
        Message.objects.filter(id__in=ids).update(
            state=S.SENDING, attempts=F("attempts") + 1, next_attempt_at=moment + lease
        )
    return list(Message.objects.filter(id__in=ids).order_by("id"))


def _answer_text(delivery: Delivery) -> str:
    return delivery.answer[:20000]


def message_deliver(*, message: Message) -> Delivery:
    """Send one claimed message through its system's adapter and record the outcome."""
    return messages_deliver(messages=[message])[0]


def messages_deliver(*, messages: list[Message]) -> list[Delivery]:
    """Send claimed messages of one system (at most one per key) and record each outcome.

    An adapter with a ``send_many`` gets them all at once (few calls for many messages); otherwise each goes
    through ``send``. The acknowledged ones are marked sent together (one UPDATE per distinct answer)."""
    if not messages:
        return []
    adapter = adapter_get(messages[0].system)
    send_many = getattr(adapter, "send_many", None)
    if adapter is None:
        deliveries = [Delivery(ok=False, error=f"no adapter for {messages[0].system}")] * len(messages)
    elif send_many is not None and len(messages) > 1:
        try:
            deliveries = list(send_many(messages))
        except Exception as exc:  # a batch that raised is one failed attempt of each, never a lost message
            logger.exception("outbox: %s batch of %d raised", messages[0].system, len(messages))
            deliveries = [Delivery(ok=False, error=f"{type(exc).__name__}: {exc}")] * len(messages)
    else:
        deliveries = [_send_one(adapter, m) for m in messages]
    now = timezone.now()
    acknowledged: dict[str, list[int]] = {}
    for message, delivery in zip(messages, deliveries, strict=True):
        if delivery.ok:
            acknowledged.setdefault(_answer_text(delivery), []).append(message.pk)
            message.state = S.SENT
        else:
            _record_failure(message, delivery, adapter, now)
    for answer, ids in acknowledged.items():
        Message.objects.filter(pk__in=ids).update(
            state=S.SENT, sent_at=now, last_answer=answer, last_error=""
        )
    return deliveries


def _send_one(adapter: Any, message: Message) -> Delivery:
    try:
        return adapter.send(message)
    except Exception as exc:  # any failure of one send is one failed attempt, never a lost message
        logger.exception("outbox: %s #%s raised", message.system, message.pk)
        return Delivery(ok=False, error=f"{type(exc).__name__}: {exc}")


def _record_failure(message: Message, delivery: Delivery, adapter: Any, now: datetime) -> None:
    error = (delivery.error or delivery.answer or "error")[:500]
    if message.attempts >= max_attempts():
        with transaction.atomic():
            Message.objects.filter(pk=message.pk).update(
                state=S.FAILED, last_answer=_answer_text(delivery), last_error=error
            )
            # The later messages of this key wait for it: shown as held, sent after a re-send succeeds.
            Message.objects.filter(
                system=message.system, key=message.key, id__gt=message.pk, state=S.PENDING
            ).update(state=S.HELD)
        logger.warning(
            "outbox: %s #%s %s failed for good: %s", message.system, message.pk, message.key, error
        )
        message.state, message.last_error, message.last_answer = S.FAILED, error, _answer_text(delivery)
        if adapter is not None:
            try:
                adapter.on_failed(message)
            except Exception:  # recording the failure elsewhere must not lose the failure here
                logger.exception("outbox: on_failed of %s #%s raised", message.system, message.pk)
    else:
        delay = backoff_delay(message.attempts)
        Message.objects.filter(pk=message.pk).update(
            state=S.PENDING,
            next_attempt_at=now + timedelta(seconds=delay),
            last_answer=_answer_text(delivery),
            last_error=error,
        )
        message.state = S.PENDING
        logger.info("outbox: %s #%s retry in %.1fs: %s", message.system, message.pk, delay, error)


@dataclass
class SendReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    skipped_paused: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sent": self.sent,
            "retried": self.retried,
            "failed": self.failed,
            "paused": self.skipped_paused,
        }


def messages_send(
    *,
    system: str | None = None,
    batch: int | None = None,
    max_seconds: float = 60.0,
    max_rate: float | None = None,
) -> SendReport:
    """Send what is due, pass after pass (each pass sends the head of every key), until nothing is due or
    ``max_seconds`` have passed."""
    report = SendReport()
    size = int(batch or _setting("DVCTT_OUTBOX_BATCH", 100))
    # A system switched off in settings keeps its messages until it is switched on again.
    names = [a.system for a in adapters() if a.enabled() and system in (None, a.system)]
    deadline = time.monotonic() + max_seconds
    # A cap on one worker's pace (messages a second; 0: none), so that draining a big backlog leaves the
    # machine's CPU and database to the web pages.
    rate = _setting("DVCTT_OUTBOX_MAX_RATE", 0) if max_rate is None else max_rate
    started = time.monotonic()
    for name in names:
        if transport_paused(system=name):
            report.skipped_paused.append(name)
            continue
        while time.monotonic() < deadline:
            claimed = messages_claim(system=name, limit=size)
            if not claimed:
                break
            for message, delivery in zip(claimed, messages_deliver(messages=claimed), strict=True):
                if delivery.ok:
                    report.sent += 1
                elif message.state == S.FAILED:
                    report.failed += 1
                else:
                    report.retried += 1
            if transport_paused(system=name):
                report.skipped_paused.append(name)
                break
            if rate > 0:
                ahead = (report.sent + report.retried + report.failed) / rate - (time.monotonic() - started)
                if ahead > 0:
                    time.sleep(min(ahead, max(0.0, deadline - time.monotonic())))
    return report


def message_resend(*, message_id: int, by: str = "") -> bool:
    """Put a failed message back in the queue (fresh attempts), with the messages its failure held."""
    now = timezone.now()
    with transaction.atomic():
        message = Message.objects.select_for_update().filter(pk=message_id, state=S.FAILED).first()
        if message is None:
            return False
        Message.objects.filter(pk=message.pk).update(state=S.PENDING, attempts=0, next_attempt_at=now, step=0)
        Message.objects.filter(system=message.system, key=message.key, state=S.HELD).update(
            state=S.PENDING, next_attempt_at=now
        )
    logger.info("outbox: %s #%s re-sent by %s", message.system, message_id, by or "system")
    return True


def messages_resend_failed(*, system: str, by: str = "") -> int:
    """Re-send every failed message of ``system``; returns how many."""
    ids = list(Message.objects.filter(system=system, state=S.FAILED).values_list("id", flat=True))
    return sum(message_resend(message_id=i, by=by) for i in ids)
