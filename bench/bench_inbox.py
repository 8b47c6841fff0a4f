"""Time the back-office inbox with many open dossiers (default 100,000), on SQLite or PostgreSQL.

Builds a scratch database (SQLite in a temporary folder, or with ``--postgres`` a database on 127.0.0.1),
bulk-inserts N open dossiers spread over 10 units (half of them in the measured unit) with due times from five
days ago to three weeks ahead, then times, as the median of several runs:

* the counts query (per status and due colour: one grouped query),
* the inbox page over HTTP (Django test client: session, scope, counts, paging, rendering) for the one-stop officer
  of the big unit and for a province-wide monitor, first page, a deep page and filtered by "late",
* the dossier page.

Run: .venv/bin/python bench/bench_inbox.py [--postgres] [-n 100000] [--runs 5]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_NAME = "bench_dvctt_inbox"


def setup_database(postgres: bool) -> str:
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME}")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
        return f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
    reuse = os.environ.get("BENCH_INBOX_SQLITE")  # a file from an earlier run: skip the load
    if reuse:
        return f"sqlite:///{reuse}"
    return f"sqlite:///{tempfile.mkdtemp(prefix='dvctt-bench-inbox-')}/bench.sqlite3"


def load(n: int):
    from django.core.management import call_command
    from django.utils import timezone

    call_command("migrate", verbosity=0)
    from dvctt.accounts.models import Role, User

    if User.objects.filter(username="motcua").exists():
        return User.objects.get(username="motcua"), User.objects.get(username="giamsat")
    from dvctt.agencies.models import Unit, UnitLevel
    from dvctt.calendar.selectors import working_calendar_cache_clear
    from dvctt.calendar.services import calendar_year_seed
    from dvctt.catalog.models import Procedure
    from dvctt.dossiers.models import Dossier

    year = timezone.localdate().year
    for y in (year - 1, year, year + 1):
        calendar_year_seed(year=y)
    working_calendar_cache_clear()
    units = [
        Unit.objects.create(
            code=f"000.00.{10 + i}.H38",
            name=f"Sở {i}",
            level=UnitLevel.DEPARTMENT,
            valid_from=date(2015, 1, 1),
        )
        for i in range(10)
    ]
    procedures = [Procedure.objects.create(code=f"1.{i:06d}") for i in range(50)]
    officer = User.objects.create_user(
        username="motcua", password="x", role=Role.ONE_STOP_OFFICER, unit=units[0]
    )
    monitor = User.objects.create_user(username="giamsat", password="x", role=Role.MONITOR)
    now = timezone.now()
    statuses = [1, 2, 4, 4, 4, 4, 5, 6, 9, 2]
    batch = []
    t0 = time.perf_counter()
    for i in range(n):
        unit = units[0] if i % 2 == 0 else units[1 + i % 9]
        status = statuses[i % len(statuses)]
        received = now - timedelta(days=10, minutes=i % 5000)
        due = now + timedelta(minutes=(i * 37) % (26 * 24 * 60) - 5 * 24 * 60)
        batch.append(
            Dossier(
                code=f"{unit.code}-B-{i:07d}",
                procedure=procedures[i % 50],
                unit=unit,
                receiving_unit=unit,
                channel=1 + i % 3,
                status=status,
                applicant_name=f"Nguyễn Văn Người Nộp {i}",
                applicant_id_number=f"020{i:09d}",
                submitted_at=received,
                received_at=None if status == 1 else received,
                due_at=None if status == 1 else due,
                first_due_at=None if status == 1 else due,
                effective_due_at=None if status == 1 else due,
                ended_at=received + timedelta(days=1) if status == 9 else None,
            )
        )
        if len(batch) == 5000:
            Dossier.objects.bulk_create(batch)
            batch.clear()
    Dossier.objects.bulk_create(batch)
    print(f"loaded {n} open dossiers in {time.perf_counter() - t0:.1f} s")
    return officer, monitor


def median_ms(fn, runs: int) -> float:
    fn()  # warm caches (calendar, scope, query plans)
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("-n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    os.environ["DATABASE_URL"] = setup_database(args.postgres)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    os.environ.setdefault("DVCTT_TESTING", "1")
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from dvctt.dossiers import selectors_inbox as inbox
    from dvctt.dossiers.models import Dossier

    officer, monitor = load(args.n)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    print(f"database: {connection.settings_dict['NAME']}")
    print(f"database: {connection.vendor}, {args.n} open dossiers, median of {args.runs} runs")

    now = timezone.now()
    soon = inbox.due_soon_limit(now=now)
    for who in (officer, monitor):
        qs = inbox.inbox_base(user=who)
        ms = median_ms(lambda qs=qs: inbox.inbox_counts(qs, now=now, soon=soon), args.runs)
        print(f"counts query ({who.username}, {qs.count()} visible){'':<8} {ms:8.1f} ms")

    home = reverse("backoffice:home")
    code = Dossier.objects.filter(unit=officer.unit).exclude(status=1).values_list("code", flat=True).first()
    for who in (officer, monitor):
        client = Client()
        client.force_login(who)
        for label, params in [
            ("page 1, due order", {}),
            ("page 200, due order", {"trang": 200}),
            ("late only, page 1", {"han": "late"}),
            ("status 4, received desc", {"trang_thai": 4, "sap_xep": "-received"}),
        ]:
            response = client.get(home, params)
            assert response.status_code == 200, response.status_code
            ms = median_ms(lambda c=client, p=params: c.get(home, p), args.runs)
            print(f"inbox {who.username:<8} {label:<26} {ms:8.1f} ms")
    client = Client()
    client.force_login(officer)
    url = reverse("backoffice:dossier", args=[code])
    ms = median_ms(lambda: client.get(url), args.runs)
    print(f"dossier page{'':<31} {ms:8.1f} ms")


if __name__ == "__main__":
    main()
