from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from dvctt.calendar.deadlines import UNITS, normalise_limit
from dvctt.calendar.inputs import CutoffResult, DueResult, due_compute, due_compute_cutoff
from dvctt.calendar.selectors import working_calendar
from dvctt.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Print the due time (ISO 8601, +07:00) of a dossier received at --received with a --limit --unit, "
        "or with a same-day --cutoff HH:MM (which decides instead of the limit, as on receipt)."
    )
    # A read: Django's system checks (every view, template and admin loaded) are `dvctt check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--received", required=True, help="ISO 8601, e.g. 2025-01-24T16:00 (Vietnam time)"
        )
        parser.add_argument(
            "--limit", help="processing limit, e.g. 3 or 0.5 (whole for buoi_lam_viec, ngay, thang)"
        )
        parser.add_argument("--unit", help=" | ".join(UNITS))
        parser.add_argument(
            "--cutoff",
            help="same-day cut-off hour HH:MM, e.g. 15:00: before it due at the close of the day, else of the next "
            "working day",
        )
        parser.add_argument(
            "--verbose-json", action="store_true", help="print start, due and revision as JSON"
        )

    def handle(self, *args, **options):
        limit, unit, cutoff = options["limit"], options["unit"], options["cutoff"]
        result: DueResult | CutoffResult
        try:
            if cutoff is not None:
                if limit is not None or unit is not None:
                    # Checked all the same, so that a typo is not silently ignored; the cut-off decides.
                    normalise_limit(limit if limit is not None else "", unit or "")
                result = due_compute_cutoff(
                    received=options["received"], cutoff=cutoff, calendar=working_calendar()
                )
                extra = {"cutoff": f"{result.cutoff:%H:%M}"}
            else:
                if limit is None or unit is None:
                    raise CommandError(_("Cần --limit và --unit (hoặc --cutoff HH:MM)."))
                result = due_compute(
                    received=options["received"], limit=limit, unit=unit, calendar=working_calendar()
                )
                extra = {}
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
                        **extra,
                    }
                )
            )
        else:
            self.stdout.write(result.due.isoformat())
