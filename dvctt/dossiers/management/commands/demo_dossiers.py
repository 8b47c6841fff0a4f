from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from dvctt.dossiers.generator import Generator


class Command(BaseCommand):
    help = (
        "Generate synthetic dossiers (benchmarks: millions) with the rules of the state machine and calendar."
    )

    def add_arguments(self, parser):
        parser.add_argument("--count", type=int, required=True)
        parser.add_argument(
            "--from", dest="start", default="2023-01-01", help="first submission day, YYYY-MM-DD"
        )
        parser.add_argument("--seed", type=int, default=20230101)
        parser.add_argument("--batch", type=int, default=5000)

    def handle(self, *args, **options):
        try:
            start = date.fromisoformat(options["start"])
        except ValueError as exc:
            raise CommandError(f"Ngày không hợp lệ: {options['start']} (YYYY-MM-DD)") from exc
        if options["count"] <= 0:
            raise CommandError("--count phải lớn hơn 0")
        started = time.perf_counter()
        generator = Generator(seed=options["seed"])

        def progress(n: int) -> None:
            rate = n / (time.perf_counter() - started)
            self.stdout.write(f"  {n} hồ sơ ({rate:.0f}/s)")

        written = generator.run(
            count=options["count"], start=start, batch=options["batch"], progress=progress
        )
        self.stdout.write(f"{written} hồ sơ trong {time.perf_counter() - started:.1f} s")
