"""Create the notification rows for a dossier event and send them.

One row per enabled channel that has a recipient, for the events that notify the applicant (``events.py``) and
are not a repeat of the status last told (the no-repeat rule, ``events.notified_events``). The text comes from the
administrator's templates (``templates.py``), rendered once at creation: a retry sends the same words.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import transaction
from django.utils import timezone, translation

from dvctt.common.masking import mask_id as mask_phone
from dvctt.common.masking import mask_text
from dvctt.dossiers.models import DossierEvent, Notification
from dvctt.dossiers.notifications.channels import (
    ALL_CHANNELS,
    ChannelError,
    Message,
    PermanentChannelError,
    enabled_channels,
)
from dvctt.dossiers.notifications.context import message_context
from dvctt.dossiers.notifications.events import event_kind, notified_events
from dvctt.dossiers.notifications.templates import compose

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def event_notifies(*, event: DossierEvent) -> bool:
    """The event tells the applicant something new: a notifying kind, and not a repeat of the status last told."""
    kind = event_kind(event.action)
    if kind is None or not kind.notifies:
        return False
    log = event.dossier.events.filter(seq__lte=event.seq).values_list("seq", "action", "to_status")
    return event.seq in notified_events(log)


def notifications_create_for_event(*, event_id: int) -> list[Notification]:
    """One row per enabled channel that has a recipient (idempotent: a second call creates nothing)."""
    event = DossierEvent.objects.select_related(
        "dossier",
        "dossier__applicant",
        "dossier__unit",
        "dossier__receiving_unit",
        "dossier__procedure_version",
    ).get(pk=event_id)
    dossier = event.dossier
    if dossier.is_test or dossier.parent_id is not None or dossier.imported:
        return []
    if not event_notifies(event=event):
        return []
    channels = [(c, c.recipient_for(dossier)) for c in enabled_channels()]
    channels = [(c, r) for c, r in channels if r]
    if not channels:
        return []
    with translation.override("vi"):
        variables = message_context(dossier=dossier, event=event)
    created = []
    for channel, recipient in channels:
        composed = compose(event=event.action, channel=channel.name, variables=variables)
        if composed is None:
            continue
        subject, body = composed
        notification, is_new = Notification.objects.get_or_create(
            event=event,
            channel=channel.name,
            recipient=recipient,
            defaults={"dossier": dossier, "subject": subject[:255], "body": body},
        )
        if is_new:
            created.append(notification)
    return created


def _masked(notification: Notification) -> str:
    if notification.channel == "email":
        return notification.channel
    return f"{notification.channel} {mask_phone(notification.recipient)}"


def notification_send(*, notification_id: int) -> Notification:
    """Send one notification once. A failure is recorded; the caller schedules the retry. A failure that no retry
    can mend (a bad phone number) is recorded as not sent, with the reason."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.state in (Notification.State.SENT, Notification.State.SKIPPED):
            return notification
        channel = ALL_CHANNELS.get(notification.channel)
        notification.attempts += 1
        try:
            if channel is None:
                raise ChannelError(f"unknown channel {notification.channel}")
            channel.send(
                Message(
                    notification.recipient,
                    notification.subject,
                    notification.body,
                    reference=f"dvctt-n{notification.pk}",
                )
            )
        except PermanentChannelError as exc:
            notification.last_error = str(exc)[:2000]
            notification.state = Notification.State.SKIPPED
            logger.warning(
                "notification %s (%s) cannot be delivered: %s", notification.pk, _masked(notification), exc
            )
        except ChannelError as exc:
            notification.last_error = mask_text(str(exc))[:2000]
            notification.state = Notification.State.FAILED
            logger.warning(
                "notification %s (%s) failed (attempt %s): %s",
                notification.pk,
                _masked(notification),
                notification.attempts,
                mask_text(str(exc)),
            )
        else:
            notification.state = Notification.State.SENT
            notification.sent_at = timezone.now()
            notification.last_error = ""
        notification.save(update_fields=["attempts", "last_error", "state", "sent_at"])
    return notification


def retry_delay(attempts: int) -> timedelta:
    """1, 4, 16, 64 minutes…: back off so that a mail server outage is not hammered."""
    return timedelta(minutes=4 ** max(0, attempts - 1))
