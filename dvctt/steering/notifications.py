"""Messages to officials through the platform's notification channels (dossiers.notifications.channels).

A dossier's notifications belong to its events; steering's go to officials (the lead unit's leader about a
task, the filer about an answer) and are kept in :class:`~dvctt.steering.models.StaffNotification`. One row per
enabled channel for which the official has an address (e-mail; phone for SMS and Zalo), created once per key;
sent by a task after commit, a failure recorded and retried by ``dvctt steering_remind``.
"""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dvctt.common.masking import mask_text
from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.notifications.channels import ALL_CHANNELS, ChannelError, Message, enabled_channels

from .models import StaffNotification

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _address(user: Any, channel: str) -> str:
    if channel == "email":
        return (user.email or "").strip()
    return (getattr(user, "phone", "") or "").strip()


def staff_notify(*, user: Any, key: str, subject: str, body: str) -> list[StaffNotification]:
    """Record the message for every enabled channel that has an address for ``user``; rows already made under
    ``key`` are not made again. Sending is scheduled after commit. Returns the rows created now."""
    created: list[StaffNotification] = []
    for channel in enabled_channels():
        recipient = _address(user, channel.name)
        if not recipient:
            continue
        row, is_new = StaffNotification.objects.get_or_create(
            key=key,
            channel=channel.name,
            recipient=recipient,
            defaults={"user": user, "subject": subject[:255], "body": body},
        )
        if is_new:
            created.append(row)
    if created:
        ids = [row.pk for row in created]
        transaction.on_commit(lambda: _enqueue(ids))
    return created


def _enqueue(ids: list[int]) -> None:
    from .tasks import send_staff_notification

    for pk in ids:
        task_enqueue(send_staff_notification, pk)


def staff_notification_send(*, notification_id: int) -> StaffNotification:
    """Send one message once (locked); a failure is recorded for a later retry."""
    with transaction.atomic():
        row = StaffNotification.objects.select_for_update().get(pk=notification_id)
        if row.state == StaffNotification.State.SENT:
            return row
        channel = ALL_CHANNELS.get(row.channel)
        row.attempts += 1
        try:
            if channel is None:
                raise ChannelError(f"unknown channel {row.channel}")
            channel.send(Message(row.recipient, row.subject, row.body))
        except ChannelError as exc:
            row.state = StaffNotification.State.FAILED
            row.last_error = str(exc)[:2000]
            logger.warning(
                "staff notification %s failed (attempt %s): %s", row.pk, row.attempts, mask_text(str(exc))
            )
        else:
            row.state = StaffNotification.State.SENT
            row.sent_at = timezone.now()
            row.last_error = ""
        row.save(update_fields=["attempts", "state", "last_error", "sent_at"])
    return row


#: A message still pending this long after it was made lost its task (a worker stopped): it is sent again.
STUCK_AFTER = timedelta(minutes=10)


def staff_notifications_retry() -> int:
    """Send again the failed messages that have attempts left, and those stuck pending (run by ``dvctt
    steering_remind``)."""
    stuck = Q(state=StaffNotification.State.PENDING, created_at__lt=timezone.now() - STUCK_AFTER)
    ids = list(
        StaffNotification.objects.filter(
            Q(state=StaffNotification.State.FAILED) | stuck, attempts__lt=MAX_ATTEMPTS
        ).values_list("pk", flat=True)
    )
    for pk in ids:
        staff_notification_send(notification_id=pk)
    return len(ids)
