"""Background work for notifications (django-tasks: the database backend and `dvctt db_worker` by default)."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.models import Notification
from dvctt.dossiers.notifications.services import (
    MAX_ATTEMPTS,
    notification_send,
    notifications_create_for_event,
    retry_delay,
)


@task(queue_name="notifications")
def notify_event(event_id: int) -> int:
    created = notifications_create_for_event(event_id=event_id)
    for notification in created:
        task_enqueue(send_notification, notification.pk)
    return len(created)


@task(queue_name="notifications")
def send_notification(notification_id: int) -> str:
    notification = notification_send(notification_id=notification_id)
    # Backends that run tasks at once (tests, single-process demo) cannot defer: the periodic job
    # `dossier_watch` picks failed ones up instead.
    if (
        notification.state == Notification.State.FAILED
        and notification.attempts < MAX_ATTEMPTS
        and send_notification.get_backend().supports_defer
    ):
        task_enqueue(
            send_notification.using(run_after=timezone.now() + retry_delay(notification.attempts)),
            notification_id,
        )
    return notification.state
