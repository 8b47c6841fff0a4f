"""National-index and PAR-index scores of a year (the year so far for the running year).

dvctt scores --year 2025 [--format json|table|xlsx] [--units period|current] [--output FILE]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from dvctt.agencies.selectors import unit_names_by_code
from dvctt.common.errors import DomainError
from dvctt.plans import selectors
from dvctt.plans.exports import index_table, par_table, workbook_sheets


class Command(BaseCommand):
    help = "Điểm Bộ chỉ số 766 và điểm tiêu chí DVCTT trong Chỉ số CCHC của một năm."
    # A read: Django's system checks (every view, template and admin loaded) are `dvctt check`'s job.
    requires_system_checks: list[str] = []

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True)
        parser.add_argument("--format", choices=["json", "table", "xlsx"], default="json")
        parser.add_argument("--units", choices=["period", "current"], default="period")
        parser.add_argument("--output", help="tệp kết quả (mặc định với xlsx: diem-NAM.xlsx)")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        try:
            date_from, date_to = selectors.year_period(year)
            index = selectors.index_scores_for(
                date_from=date_from, date_to=date_to, units_mode=options["units"]
            )
            par = selectors.par_scores_for(year=year, units_mode=options["units"])
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if options["format"] == "json":
            text = json.dumps({"year": year, "index": index, "par": par}, ensure_ascii=False, sort_keys=True)
            self._emit(text, options["output"])
            return
        names = unit_names_by_code(codes=set(index["units"]) | set(par["units"]))
        tables = [
            (_("Chỉ số 766"), _("ĐIỂM BỘ CHỈ SỐ 766 NĂM %(y)s") % {"y": year}, *index_table(index, names)),
            (
                _("Chỉ số CCHC"),
                _("ĐIỂM TIÊU CHÍ DVCTT, CHỈ SỐ CCHC NĂM %(y)s") % {"y": year},
                *par_table(par, names),
            ),
        ]
        subtitle = f"{date_from:%d/%m/%Y} – {date_to:%d/%m/%Y}"
        if options["format"] == "xlsx":
            path = Path(options["output"] or f"diem-{year}.xlsx")
            path.write_bytes(workbook_sheets([(name, title, subtitle, h, r) for name, title, h, r in tables]))
            self.stdout.write(_("Đã ghi %(path)s") % {"path": path})
            return
        lines: list[str] = []
        for _name, title, header, rows in tables:
            lines += [title, subtitle, "\t".join(header)]
            lines += [
                "\t".join("" if c is None else f"{c:.2f}" if isinstance(c, float) else str(c) for c in row)
                for row in rows
            ]
            lines.append("")
        self._emit("\n".join(lines), options["output"])

    def _emit(self, text: str, output: str | None) -> None:
        if output:
            Path(output).write_text(text, encoding="utf-8")
            self.stdout.write(_("Đã ghi %(path)s") % {"path": output})
        else:
            self.stdout.write(text)
