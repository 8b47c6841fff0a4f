"""``dvctt tasks_respool``: queue again the tasks kept while Redis was unreachable (workers also do it)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from dvctt.taskspool.services import tasks_respool


class Command(BaseCommand):
    help = "Đưa lại vào hàng đợi các tác vụ đã giữ trong cơ sở dữ liệu khi Redis không kết nối được."

    def handle(self, *args: object, **options: object) -> None:
        report = tasks_respool()
        self.stdout.write(
            f"queued={report.queued} left={report.left}" + (f" error={report.error}" if report.error else "")
        )
        if report.error:
            raise SystemExit(1)
