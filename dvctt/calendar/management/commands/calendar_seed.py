from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from dvctt.calendar.inputs import parse_year
from dvctt.calendar.services import calendar_year_seed
from dvctt.common.errors import DomainError


class Command(BaseCommand):
    help = (
        "Configure calendar years and add their holidays, days off and make-up days "
        "(from the holidays package and the known civil-service breaks). Idempotent: existing rows are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", action="append", required=True, help="year to seed (repeatable)")

    def handle(self, *args, **options):
        try:
            years = [parse_year(value) for value in options["year"]]
            for year in years:
                result = calendar_year_seed(year=year)
                self.stdout.write(
                    f"{result.year}: "
                    + ("năm mới được cấu hình, " if result.created_year else "")
                    + f"thêm {result.added} ngày, giữ {result.kept} ngày đã có"
                )
        except DomainError as exc:
            raise CommandError(exc.message) from None
