from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from dvctt.guidance.watch import guidance_watch


class Command(BaseCommand):
    help = "Flag unusual guidance (an official guiding too many dossiers a day, or many of one applicant)."

    def add_arguments(self, parser):
        parser.add_argument("--day", help="the last day to look at, YYYY-MM-DD (default: today)")
        parser.add_argument("--days", type=int, default=2, help="how many days up to it (default 2)")

    def handle(self, *args, **options):
        try:
            today = date.fromisoformat(options["day"]) if options["day"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--day: ngày không hợp lệ, dùng dạng YYYY-MM-DD ({exc})") from None
        if options["days"] < 1:
            raise CommandError("--days phải ≥ 1")
        self.stdout.write(str(guidance_watch(today=today, days=options["days"])))
