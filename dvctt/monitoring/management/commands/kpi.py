"""dvctt kpi --from YYYY-MM-DD --to YYYY-MM-DD [--units period|current] [--format json|table]

The indicators of a period from the database rollups (spec/indicators.md, Output). ``json`` prints exactly the
spec's object; ``table`` one line per scope and indicator for a person to read.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.monitoring.indicators import CODES
from dvctt.monitoring.kpi import UNITS_MODES, kpi_compute


def parse_day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as error:
        raise CommandError(_("Ngày %(text)s không đúng dạng YYYY-MM-DD") % {"text": text}) from error


def _number(value: Any) -> str:
    return "–" if value is None else str(value)


def render_table(kpis: dict[str, Any]) -> str:
    scopes = [(_("Toàn tỉnh"), kpis["province"]), *sorted(kpis["units"].items())]
    header = (_("Phạm vi"), _("Chỉ số"), _("Tử số"), _("Mẫu số"), _("Giá trị"))
    rows = [
        (str(scope), code, _number(f["numerator"]), _number(f["denominator"]), _number(f["value"]))
        for scope, figures in scopes
        for code in CODES
        for f in (figures[code],)
    ]
    widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(5)]

    def line(row: tuple[str, ...]) -> str:
        cells = [row[0].ljust(widths[0]), row[1].ljust(widths[1])]
        cells += [row[i].rjust(widths[i]) for i in (2, 3, 4)]
        return "  ".join(cells).rstrip()

    title = _("Chỉ số từ %(start)s đến %(end)s") % {
        "start": date.fromisoformat(kpis["from"]).strftime("%d/%m/%Y"),
        "end": date.fromisoformat(kpis["to"]).strftime("%d/%m/%Y"),
    }
    return "\n".join([title, line(header), *(line(row) for row in rows)])


class Command(BaseCommand):
    help = _("Tính các chỉ số của một kỳ từ số liệu tổng hợp trong cơ sở dữ liệu.")
    # A read: Django's system checks (every view, template and admin loaded, ~2 s) are `dvctt check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="date_from", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", required=True, help="YYYY-MM-DD")
        parser.add_argument("--units", choices=UNITS_MODES, default="period")
        parser.add_argument("--format", choices=["json", "table"], default="json")

    def handle(self, *args: Any, **options: Any) -> None:
        date_from, date_to = parse_day(options["date_from"]), parse_day(options["date_to"])
        try:
            kpis = kpi_compute(date_from=date_from, date_to=date_to, units_mode=options["units"])
        except DomainError as error:
            raise CommandError(error.message) from error
        if options["format"] == "json":
            self.stdout.write(json.dumps(kpis, ensure_ascii=False, sort_keys=True))
        else:
            self.stdout.write(render_table(kpis))
