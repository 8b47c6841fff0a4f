"""Import a year's targets of a plan from an Excel sheet (layout: dvctt/plans/sheets.py).

dvctt targets_import FILE.xlsx --plan 165/KH-UBND --year 2025
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.plans.models import Plan
from dvctt.plans.services import SheetRejected, targets_import


class Command(BaseCommand):
    help = "Nhập chỉ tiêu một năm của kế hoạch từ bảng tính Excel; có lỗi thì không lưu gì."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--plan", required=True, help="số văn bản (165/KH-UBND) hoặc mã số kế hoạch")
        parser.add_argument("--year", type=int, required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(_("Không có tệp %(path)s") % {"path": path})
        key = options["plan"]
        plan = Plan.objects.filter(decision_number=key).first()
        if plan is None and key.isdigit():
            plan = Plan.objects.filter(pk=int(key)).first()
        if plan is None:
            raise CommandError(_("Không có kế hoạch “%(key)s”") % {"key": key})
        try:
            with path.open("rb") as stream:
                result = targets_import(plan=plan, year=options["year"], stream=stream)
        except SheetRejected as exc:
            lines = "\n".join(str(error) for error in exc.errors)
            raise CommandError(
                _("Bảng tính có %(n)s lỗi, không lưu chỉ tiêu nào:\n%(lines)s")
                % {"n": len(exc.errors), "lines": lines}
            ) from exc
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            _("Đã nhập %(targets)s chỉ tiêu của %(rows)s dòng (%(saved)s mới hoặc thay đổi).")
            % {"targets": result["targets"], "rows": result["rows"], "saved": result["saved"]}
        )
