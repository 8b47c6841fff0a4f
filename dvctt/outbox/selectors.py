"""Reads of the outbox for the sync console and /healthz."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, Min
from django.utils import timezone

from dvctt.outbox.models import Message, MessageState, Transport

S = MessageState
WAITING = [S.PENDING, S.SENDING, S.HELD]


def outbox_figures(*, system: str) -> dict[str, Any]:
    """Backlog, the oldest waiting message's age, failures by reason, paused: one system's figures."""
    now = timezone.now()
    by_state = dict(
        Message.objects.filter(system=system).values_list("state").annotate(n=Count("id")).order_by()
    )
    oldest = Message.objects.filter(system=system, state__in=WAITING).aggregate(m=Min("created_at"))["m"]
    reasons = list(
        Message.objects.filter(system=system, state=S.FAILED)
        .values("last_error")
        .annotate(n=Count("id"))
        .order_by("-n", "last_error")[:20]
    )
    return {
        "system": system,
        "backlog": sum(by_state.get(s, 0) for s in WAITING),
        "pending": by_state.get(S.PENDING, 0),
        "sending": by_state.get(S.SENDING, 0),
        "held": by_state.get(S.HELD, 0),
        "failed": by_state.get(S.FAILED, 0),
        "sent": by_state.get(S.SENT, 0),
        "oldest_waiting_seconds": round((now - oldest).total_seconds(), 1) if oldest else None,
        "failures_by_reason": [{"reason": r["last_error"], "count": r["n"]} for r in reasons],
        "paused": Transport.objects.filter(system=system, paused=True).exists(),
    }


def message_history(*, system: str, key: str) -> list[Message]:
    return list(Message.objects.filter(system=system, key=key).order_by("id"))


def messages_failed(*, system: str, limit: int = 200) -> list[Message]:
    return list(Message.objects.filter(system=system, state=S.FAILED).order_by("id")[:limit])


def outbox_health(*, system: str, stale_after: float = 300.0) -> dict[str, Any]:
    """The figures plus a verdict: ``degraded`` (never down: the platform works while a remote is away) when
    messages failed, the transport is paused, the oldest waiting one is older than ``stale_after`` seconds, or
    the last attempt got no answer."""
    figures = outbox_figures(system=system)
    last = (
        Message.objects.filter(system=system, state__in=[S.PENDING, S.SENDING], attempts__gt=0)
        .exclude(last_error="")
        .order_by("-id")
        .values_list("last_error", flat=True)
        .first()
    )
    reasons = []
    if figures["failed"]:
        reasons.append("failed")
    if figures["paused"]:
        reasons.append("paused")
    oldest = figures["oldest_waiting_seconds"]
    if oldest is not None and oldest > stale_after:
        reasons.append("backlog_stale")
    if last:
        reasons.append("retrying")
    figures.update(
        ok=True,
        status="degraded" if reasons else "ok",
        reasons=reasons,
        last_error=last or "",
        failures_by_reason=figures["failures_by_reason"][:5],
    )
    return figures
