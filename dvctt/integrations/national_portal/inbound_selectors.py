"""Reads of the inbound messages, for the console (administrators and monitors see the whole province)."""

from __future__ import annotations

from datetime import date

from django.db.models import Count, Q, QuerySet

from dvctt.accounts.models import PROVINCE_ROLES, User
from dvctt.dossiers.selectors import dossiers_visible_to
from dvctt.integrations.national_portal.inbound_models import InboundMessage, InboundOutcome


def inbound_message_list(
    *,
    reader: User,
    outcome: str = "",
    kind: str = "",
    query: str = "",
    since: date | None = None,
    until: date | None = None,
) -> QuerySet[InboundMessage]:
    """Messages received, newest first, filtered; the raw body is left out (it is read one message at a time).

    Administrators and monitors see every message; a unit's officers only those about the dossiers they see
    (a tax notice recorded for them, a supplement or a portal dossier of their unit)."""
    rows = InboundMessage.objects.defer("raw", "answer").order_by("-received_at", "-id")
    if not reads_all(reader):
        rows = rows.filter(dossier__in=dossiers_visible_to(reader))
    if outcome in InboundOutcome.values:
        rows = rows.filter(outcome=outcome)
    if kind:
        rows = rows.filter(kind=kind)
    if query:
        rows = rows.filter(Q(key=query) | Q(dossier_code=query) | Q(reference=query))
    if since is not None:
        rows = rows.filter(received_at__date__gte=since)
    if until is not None:
        rows = rows.filter(received_at__date__lte=until)
    return rows


def inbound_message_get(*, message_id: int) -> InboundMessage | None:
    return InboundMessage.objects.filter(pk=message_id).first()


def reads_all(user: User) -> bool:
    return bool(user.is_superuser or user.is_staff or user.role in PROVINCE_ROLES)


def inbound_outcome_counts(*, reader: User) -> dict[str, int]:
    """How many messages per outcome the reader sees (one query)."""
    counts = dict.fromkeys(InboundOutcome.values, 0)
    rows = InboundMessage.objects.all()
    if not reads_all(reader):
        rows = rows.filter(dossier__in=dossiers_visible_to(reader))
    for row in rows.order_by().values("outcome").annotate(n=Count("id")):
        counts[row["outcome"]] = row["n"]
    return counts
