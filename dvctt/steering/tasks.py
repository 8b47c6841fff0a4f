"""Background work of steering (django-tasks: the database backend and `dvctt db_worker` by default)."""

from __future__ import annotations

from django_tasks import task

from .notifications import staff_notification_send


@task(queue_name="notifications")
def send_staff_notification(notification_id: int) -> str:
    return staff_notification_send(notification_id=notification_id).state
