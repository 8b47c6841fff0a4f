"""The watch as a task (queue "default"), for installations that schedule tasks rather than cron."""

from __future__ import annotations

from django.utils import timezone
from django_tasks import task

from dvctt.guidance.watch import guidance_watch


@task()
def guidance_watch_task() -> str:
    return str(guidance_watch(today=timezone.localdate()))
