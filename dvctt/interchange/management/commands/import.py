"""dvctt import DIR [--skip-errors] [--dry-run]: a folder of the interchange format into the database.

Exit status: 0 imported (with --skip-errors, bad lines were left out and listed); 1 nothing imported because
of the listed problems; 0 with --dry-run when the folder would import cleanly, 1 otherwise.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.interchange.importer import interchange_import


class Command(BaseCommand):
    help = _("Nhập dữ liệu trao đổi (agencies, procedures, officials, dossiers .jsonl) từ một thư mục.")

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")
        parser.add_argument(
            "--skip-errors", action="store_true", help=_("Bỏ qua các dòng lỗi, nhập phần còn lại")
        )
        parser.add_argument("--dry-run", action="store_true", help=_("Chỉ kiểm tra, không ghi gì"))

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        try:
            report = interchange_import(
                folder=options["folder"], skip_errors=options["skip_errors"], dry_run=options["dry_run"]
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        for issue in report.issues:
            key = f" [{issue.key}]" if issue.key else ""
            self.stderr.write(f"{issue.file}:{issue.line}{key} {issue.record or ''}: {issue.reason}")
        for kind, counts in report.counts.items():
            shown = ", ".join(f"{what} {n}" for what, n in sorted(counts.items()) if n)
            self.stdout.write(f"{kind}: {shown}")
        for warning in report.warnings:
            self.stderr.write(self.style.WARNING(warning))
        elapsed = time.monotonic() - started
        if report.dry_run:
            self.stdout.write(_("Chạy thử: không ghi gì (%(s).1f s).") % {"s": elapsed})
        elif report.committed:
            self.stdout.write(self.style.SUCCESS(_("Đã nhập (%(s).1f s).") % {"s": elapsed}))
        if report.issues and not options["skip_errors"]:
            raise CommandError(
                _("%(n)d lỗi: không nhập gì. Sửa tệp hoặc dùng --skip-errors.") % {"n": len(report.issues)}
            )
        if report.issues:
            self.stderr.write(
                _("%(n)d dòng lỗi đã bị bỏ qua.") % {"n": len({(i.file, i.line) for i in report.issues})}
            )
