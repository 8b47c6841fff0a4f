"""Background work of steering (django-tasks: the database backend and `dvctt db_worker` by default)."""

from __future__ import annotations

from django_tasks import task

from .notifications import staff_notification_send


@task(queue_name="notifications")
def send_staff_notification(notification_id: int) -> str:
    return staff_notification_send(notification_id=notification_id).state


@task()
def steering_remind_task() -> dict[str, int]:
    """``dvctt steering_remind`` on a worker (once per task per day, so a second run the same day sends nothing)."""
    from .services import tasks_remind

    return tasks_remind()
