from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from dvctt.calendar.inputs import due_compute
from dvctt.calendar.selectors import working_calendar
from dvctt.common.errors import DomainError


class Command(BaseCommand):
    help = "Print the due time (ISO 8601, +07:00) of a dossier received at --received with a --limit --unit."

    def add_arguments(self, parser):
        parser.add_argument(
            "--received", required=True, help="ISO 8601, e.g. 2025-01-24T16:00 (Vietnam time)"
        )
        parser.add_argument("--limit", required=True, help="processing limit, e.g. 3 or 0.5")
        parser.add_argument("--unit", required=True, help="ngay_lam_viec | gio_lam_viec | ngay")
        parser.add_argument(
            "--verbose-json", action="store_true", help="print start, due and revision as JSON"
        )

    def handle(self, *args, **options):
        try:
            result = due_compute(
                received=options["received"],
                limit=options["limit"],
                unit=options["unit"],
                calendar=working_calendar(),
            )
        except DomainError as exc:
            raise CommandError(exc.message) from None
        if options["verbose_json"]:
            self.stdout.write(
                json.dumps(
                    {
                        "received": result.received.isoformat(),
                        "start": result.start.isoformat(),
                        "due": result.due.isoformat(),
                        "calendar_revision": result.calendar_revision,
                    }
                )
            )
        else:
            self.stdout.write(result.due.isoformat())
