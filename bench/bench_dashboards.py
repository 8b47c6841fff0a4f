"""Time the steering dashboards (province overview, unit ranking) on a large PostgreSQL database.

The pages read rollups only (monitoring.kpi.kpi_compute), so their time depends on the number of rollup rows
(units × metrics × days), not on the number of dossiers. Measured through Django's test client (session,
access, figures, scoring, rendering: the server's time without the network), as p50 / p95 of several runs:

* empty: the cache emptied before each run (the first view after a restart),
* changed: the data version different at each run (a busy day: every view follows a write); the trend's months
  may be served up to a minute old (selectors.TREND_STALE_SECONDS), the period's own figures are recomputed,
* warm: the figures cached under the current data version (every later view until the data changes).

Prepare a database once (slow: the generator writes ~300 dossiers/s on this machine; ``--multiply`` copies the
generated dossiers with SQL to reach the count faster), then measure:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dvctt_dash .venv/bin/python bench/bench_dashboards.py \
        --prepare 200000 [--multiply 5]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dvctt_dash .venv/bin/python bench/bench_dashboards.py \
        [--runs 30] [--year 2026]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(count: int, multiply: int) -> None:
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    call_command("demo_seed", "--scale", "0")
    call_command("demo_dossiers", "--count", str(count))
    for k in range(1, multiply):
        with connection.cursor() as cursor:
            # copies of the generated dossiers and their supplement requests under new ids and codes
            for table, rewrite in (
                (
                    "dossiers_dossier",
                    {
                        "id": "id + {o}",
                        "code": "code || '-x{k}'",
                        "parent_id": "parent_id + {o}",
                        "client_key": "CASE WHEN client_key = '' THEN '' ELSE client_key || '-x{k}' END",
                    },
                ),
                ("dossiers_supplementrequest", {"id": "id + {o}", "dossier_id": "dossier_id + {o}"}),
            ):
                cursor.execute(
                    "SELECT column_name FROM information_schema.columns WHERE table_name = %s ORDER BY ordinal_position",
                    [table],
                )
                columns = [row[0] for row in cursor.fetchall()]
                offset = 10_000_000 * k
                select = ", ".join(rewrite.get(c, c).format(o=offset, k=k) for c in columns)
                key = "id" if table == "dossiers_dossier" else "dossier_id"
                cursor.execute(
                    f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {table} "
                    f"WHERE {key} < 10000000"
                )
                cursor.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
    call_command("kpi_rebuild")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(runs: int, year: int) -> None:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from dvctt.accounts.models import Role, User
    from dvctt.dossiers.models import Dossier
    from dvctt.monitoring.dashboards import selectors
    from dvctt.monitoring.models import DossierFact, KpiCount

    versions: list[int] = []
    real_version = selectors.data_version
    selectors.data_version = lambda: f"{real_version()}+{len(versions)}"  # type: ignore[assignment]
    monitor, _ = User.objects.get_or_create(username="bench-monitor", defaults={"role": Role.MONITOR})
    client = Client()
    client.force_login(monitor)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('monitoring_kpicount'))")
        size = cursor.fetchone()[0] if connection.vendor == "postgresql" else "?"
    print(
        f"dossiers {Dossier.objects.count():,}, facts {DossierFact.objects.count():,}, "
        f"rollup rows {KpiCount.objects.count():,} ({size}), database {connection.vendor}"
    )
    pages = {
        "overview (year so far)": f"/theo-doi/?ky=nam&nam={year}",
        "overview (quarter)": f"/theo-doi/?ky=quy&nam={year}&quy=3",
        "ranking (year so far)": f"/theo-doi/xep-hang/?ky=nam&nam={year}",
        "ranking (month, today's units)": f"/theo-doi/xep-hang/?ky=thang&nam={year}&thang=3&donvi=current",
    }
    storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    with override_settings(STORAGES=storage, ALLOWED_HOSTS=["*"]):
        client.get("/theo-doi/xep-hang/")  # imports, session
        for name, url in pages.items():
            for label in ("empty", "changed", "warm"):
                times: list[float] = []
                queries = 0
                n = max(3, runs // 3) if label == "empty" else runs
                cache.clear()
                client.get(url)
                for _ in range(n):
                    if label == "empty":
                        cache.clear()
                    elif label == "changed":
                        versions.append(1)
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.status_code
                    queries = len(captured)
                print(
                    f"{name:34} {label}: p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms"
                    f"  ({n} runs, {queries} queries)"
                )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prepare", type=int, default=0, help="generate this many dossiers first")
    parser.add_argument("--multiply", type=int, default=1, help="then copy them k−1 times with SQL")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--year", type=int, default=None)
    args = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (it is written to with --prepare).")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    import django

    django.setup()
    from django.utils import timezone

    if args.prepare:
        prepare(args.prepare, args.multiply)
    measure(args.runs, args.year or timezone.localdate().year)


if __name__ == "__main__":
    main()
