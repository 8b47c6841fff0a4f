"""Create the notification rows for a dossier event and send them."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.common.masking import mask_text
from dvctt.dossiers.models import Dossier, DossierEvent, Notification
from dvctt.dossiers.notifications.channels import ALL_CHANNELS, ChannelError, Message, enabled_channels
from dvctt.dossiers.states import Status

logger = logging.getLogger(__name__)
MAX_ATTEMPTS = 5


def _message(dossier: Dossier, event: DossierEvent) -> tuple[str, str]:
    status = Status(dossier.status).label
    subject = _("Hồ sơ %(code)s: %(status)s") % {"code": dossier.code, "status": status}
    lines = [
        _("Kính gửi %(name)s,") % {"name": dossier.applicant_name},
        _("Hồ sơ %(code)s của Ông/Bà đã chuyển sang trạng thái: %(status)s.")
        % {"code": dossier.code, "status": status},
    ]
    due_after = event.payload.get("due_after")
    if due_after and due_after != event.payload.get("due_before"):
        # A pause ended: the working time left resumed, so the applicant gets the new appointment.
        lines.append(
            _("Thời gian tạm dừng không tính vào thời hạn giải quyết. Ngày hẹn trả kết quả mới: %(due)s.")
            % {"due": timezone.localtime(datetime.fromisoformat(due_after)).strftime("%H:%M ngày %d/%m/%Y")}
        )
    elif dossier.effective_due_at and dossier.status in (Status.RECEIVED, Status.PROCESSING):
        lines.append(
            _("Ngày hẹn trả kết quả: %(due)s.")
            % {"due": timezone.localtime(dossier.effective_due_at).strftime("%H:%M ngày %d/%m/%Y")}
        )
    if event.payload.get("content"):
        lines.append(_("Nội dung: %(content)s") % {"content": event.payload["content"]})
    if event.payload.get("reasons") or event.payload.get("reason"):
        lines.append(
            _("Lý do: %(reason)s") % {"reason": event.payload.get("reasons") or event.payload.get("reason")}
        )
    return subject, "\n".join(lines)


def notifications_create_for_event(*, event_id: int) -> list[Notification]:
    """One row per enabled channel that has a recipient (idempotent: a second call creates nothing)."""
    event = DossierEvent.objects.select_related("dossier", "dossier__applicant").get(pk=event_id)
    dossier = event.dossier
    if dossier.is_test or dossier.parent_id is not None or dossier.imported:
        return []
    subject, body = _message(dossier, event)
    created = []
    for channel in enabled_channels():
        recipient = channel.recipient_for(dossier)
        if not recipient:
            continue
        notification, is_new = Notification.objects.get_or_create(
            event=event,
            channel=channel.name,
            recipient=recipient,
            defaults={"dossier": dossier, "subject": subject, "body": body},
        )
        if is_new:
            created.append(notification)
    return created


def notification_send(*, notification_id: int) -> Notification:
    """Send one notification once. A failure is recorded; the caller schedules the retry."""
    with transaction.atomic():
        notification = Notification.objects.select_for_update().get(pk=notification_id)
        if notification.state in (Notification.State.SENT, Notification.State.SKIPPED):
            return notification
        channel = ALL_CHANNELS.get(notification.channel)
        notification.attempts += 1
        try:
            if channel is None:
                raise ChannelError(f"unknown channel {notification.channel}")
            channel.send(Message(notification.recipient, notification.subject, notification.body))
        except ChannelError as exc:
            notification.last_error = str(exc)[:2000]
            notification.state = Notification.State.FAILED
            logger.warning(
                "notification %s failed (attempt %s): %s",
                notification.pk,
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
