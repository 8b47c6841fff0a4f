"""Hidden helper: the reference KPIs of an interchange folder, to cross-check the database figures.

dvctt kpi_reference DIR --from 2025-01-01 --to 2025-12-31 [--units current] [--format json]
"""

from __future__ import annotations

import json
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dvctt.interchange import read_folder
from dvctt.monitoring.reference import compute_kpis


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Ngày %(text)s không đúng dạng YYYY-MM-DD") % {"text": text}) from error


class Command(BaseCommand):
    help = "(nội bộ) Tính chỉ số tham chiếu trực tiếp từ thư mục dữ liệu trao đổi, để đối chiếu."
    # A read: Django's system checks (every view, template and admin loaded) are `dvctt check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument("--from", dest="date_from", required=True)
        parser.add_argument("--to", dest="date_to", required=True)
        parser.add_argument("--units", choices=["period", "current"], default="period")
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args, **options) -> None:
        date_from, date_to = _date(options["date_from"]), _date(options["date_to"])
        if date_to < date_from:
            raise CommandError(_("Ngày kết thúc trước ngày bắt đầu"))
        result = read_folder(options["folder"])
        if not result.files:
            raise CommandError(
                _("Không có tệp dữ liệu trao đổi nào trong %(folder)s") % {"folder": options["folder"]}
            )
        if result.issues:
            shown = "\n".join(str(issue) for issue in result.issues[:20])
            raise CommandError(
                _("Dữ liệu có %(count)s lỗi, không tính chỉ số:\n%(issues)s")
                % {"count": len(result.issues), "issues": shown}
            )
        kpis = compute_kpis(result.data, date_from, date_to, options["units"])
        self.stdout.write(json.dumps(kpis, ensure_ascii=False, sort_keys=True))
