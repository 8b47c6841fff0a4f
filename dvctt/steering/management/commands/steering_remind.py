"""dvctt steering_remind [--date YYYY-MM-DD]

Remind the lead unit's leaders of every overdue or nearly due task (within 5 working days), once per task per
day, through the notification channels; retry messages that failed. Run it daily (cron or a systemd timer).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dvctt.steering.services import tasks_remind


class Command(BaseCommand):
    help = _(
        "Nhắc lãnh đạo đơn vị chủ trì các nhiệm vụ quá hạn, sắp đến hạn (mỗi nhiệm vụ một lần một ngày)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", dest="day", help=_("ngày nhắc YYYY-MM-DD (mặc định: hôm nay)"))

    def handle(self, *args: Any, **options: Any) -> None:
        day: date | None = None
        if options.get("day"):
            try:
                day = datetime.strptime(options["day"], "%Y-%m-%d").date()
            except ValueError:
                raise CommandError(
                    _("--date %(d)s không đúng dạng YYYY-MM-DD.") % {"d": options["day"]}
                ) from None
        result = tasks_remind(today=day)
        self.stdout.write(
            _(
                "Đã nhắc %(tasks)s nhiệm vụ (%(messages)s tin nhắn); %(leaderless)s nhiệm vụ chưa có tài khoản lãnh đạo đơn vị chủ trì; gửi lại %(retried)s tin lỗi."
            )
            % result
        )
