"""dvctt report form06|form07a --from YYYY-MM-DD --to YYYY-MM-DD [--units period|current]
[--format json|xlsx|pdf] [--output FILE]
dvctt report brief --period 2025-03|2025-Q1 --output FILE


The periodic report on the handling of procedures (spec/reports.md): ``json`` prints the spec's object (or writes
it to FILE); ``xlsx`` and ``pdf`` write the official layout to FILE. Bad input ends with one Vietnamese line on
stderr and exit status 1. ``brief`` writes the PPC leader's one-page brief (reports.brief) as a PDF.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.reports import figures as f
from dvctt.reports.exports import report_pdf, report_xlsx
from dvctt.reports.layout import report_sheet
from dvctt.reports.selectors import ReportScope, report_compute, report_issuer, report_labels

FORMS = {"form06": f.FORM_UNITS, "form07a": f.FORM_FIELDS}
FORMATS = ("json", "xlsx", "pdf")


def _day(text: str | None, option: str) -> date:
    if not text:
        raise CommandError(_("Thiếu %(option)s YYYY-MM-DD.") % {"option": option})
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise CommandError(
            _("%(option)s %(text)s không đúng dạng YYYY-MM-DD.") % {"option": option, "text": text}
        ) from None


class Command(BaseCommand):
    help = _("Báo cáo tình hình, kết quả giải quyết thủ tục hành chính (biểu 06, 07a) của một kỳ.")
    # A read: Django's system checks are `dvctt check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        # No argparse choices: a wrong value gets the one Vietnamese line below, not argparse's English usage.
        parser.add_argument("form", help="form06 | form07a | brief")
        parser.add_argument("--period", help=_("kỳ của bản tóm tắt: 2025-03 (tháng) hoặc 2025-Q1 (quý)"))
        parser.add_argument("--from", dest="date_from", help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="YYYY-MM-DD")
        parser.add_argument("--units", default="period", help="period | current")
        parser.add_argument("--format", dest="output_format", default="json", help="json | xlsx | pdf")
        parser.add_argument("--output", help=_("tệp ghi kết quả (bắt buộc với xlsx, pdf)"))

    def handle(self, *args: Any, **options: Any) -> None:
        if options["form"] == "brief":
            self._brief(options)
            return
        form = FORMS.get(options["form"])
        if form is None:
            raise CommandError(
                _("Biểu “%(form)s” không có: dùng form06, form07a hoặc brief.") % {"form": options["form"]}
            )
        output_format = options["output_format"]
        if output_format not in FORMATS:
            raise CommandError(
                _("Định dạng “%(format)s” không có: dùng json, xlsx hoặc pdf.") % {"format": output_format}
            )
        output = options.get("output")
        if output_format != "json" and not output:
            raise CommandError(_("Định dạng %(format)s cần --output TỆP.") % {"format": output_format})
        date_from, date_to = _day(options["date_from"], "--from"), _day(options["date_to"], "--to")
        try:
            data = report_compute(
                form=form, date_from=date_from, date_to=date_to, units_mode=options["units"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        if output_format == "json":
            text = json.dumps(data, ensure_ascii=False)
            if output:
                self._write(output, (text + "\n").encode())
            else:
                self.stdout.write(text)
            return
        scope = ReportScope(None, None)
        sheet = report_sheet(
            data=data,
            labels=report_labels(form=form, keys=data["rows"]),
            issuer=report_issuer(scope=scope),
            on=timezone.localdate(),
        )
        content = report_xlsx(sheet) if output_format == "xlsx" else report_pdf(sheet)
        assert output is not None  # checked above for xlsx and pdf
        self._write(output, content)
        self.stderr.write(_("Đã ghi %(path)s.") % {"path": output})

    def _brief(self, options: dict[str, Any]) -> None:
        from dvctt.reports.brief import brief_compute, brief_pdf

        if not options.get("period"):
            raise CommandError(_("Thiếu --period (tháng 2025-03 hoặc quý 2025-Q1)."))
        if not options.get("output"):
            raise CommandError(_("Bản tóm tắt cần --output TỆP (PDF)."))
        try:
            brief = brief_compute(period_text=options["period"], today=timezone.localdate())
        except DomainError as error:
            raise CommandError(error.message) from error
        self._write(options["output"], brief_pdf(brief))
        self.stderr.write(_("Đã ghi %(path)s.") % {"path": options["output"]})

    def _write(self, output: str, content: bytes) -> None:
        try:
            Path(output).write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Không ghi được tệp %(path)s: %(reason)s") % {"path": output, "reason": error.strerror}
            ) from None
