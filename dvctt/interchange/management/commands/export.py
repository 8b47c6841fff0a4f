"""dvctt export DIR: the database as a folder of the interchange format (the four .jsonl files)."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from dvctt.interchange.exporter import interchange_export


class Command(BaseCommand):
    help = _("Xuất dữ liệu trao đổi (agencies, procedures, officials, dossiers .jsonl) ra một thư mục.")
    # A read: Django's system checks (every view, template and admin loaded) are `dvctt check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("folder")

    def handle(self, *args, **options) -> None:
        started = time.monotonic()
        counts = interchange_export(folder=options["folder"])
        for kind, n in counts.items():
            self.stdout.write(f"{kind}: {n}")
        self.stdout.write(self.style.SUCCESS(_("Đã xuất (%(s).1f s).") % {"s": time.monotonic() - started}))
