"""Time the public statistics page (/thong-ke/, docs/portal.md) on PostgreSQL with the demo's data.

The page reads the dashboards' figures (rollups, never a scan of the dossiers) and keeps its assembled rows in
Django's cache under the period and the data version. Measured through Django's test client, anonymous (routing,
middleware, cache, sorting, charts, rendering: the server's time without the network), as p50 / p95 of
``--runs`` requests per case (at least 200):

* cold: the cache emptied before each request (the first view of a period after a restart with a local cache,
  or after the data changed and the freshness window passed: every figure computed at view time),
* warm: the figures kept under the current data version (every later view until the rollups change).

Prepare the database once (``demo_seed``: the demo's units, catalogue, officials, ~30,000 dossiers and their
rollups), then measure:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_h6pub .venv/bin/python bench/bench_public_stats.py \
        --prepare [--runs 200]

The database named in DATABASE_URL (by default the one above) is created when it does not exist (it is written
to with --prepare).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/bench_h6pub"
sys.path.insert(0, str(ROOT))


def ensure_database(url: str) -> None:
    """CREATE DATABASE for the URL's database name when it is missing (through the server's ``postgres`` one)."""
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            print(f"created database {name}", flush=True)


def prepare() -> None:
    from django.core.management import call_command
    from django.db import connection

    from dvctt.dossiers.models import Dossier
    from dvctt.monitoring.models import DossierFact

    call_command("migrate", verbosity=0)
    if not Dossier.objects.exists():
        started = time.perf_counter()
        call_command("demo_seed")
        print(f"demo_seed: {time.perf_counter() - started:.0f} s", flush=True)
    elif not DossierFact.objects.exists():
        call_command("kpi_rebuild")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


#: The pages also measured cold (a cold view costs about a second on this machine: 200 of them take minutes).
COLD_PAGES = ("year so far (default)", "month, districts")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(runs: int) -> list[tuple[str, str, float, float, int]]:
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings
    from django.utils import timezone

    from dvctt.agencies.models import Unit
    from dvctt.dossiers.models import Dossier
    from dvctt.monitoring.models import KpiUnitCount

    today = timezone.localdate()
    print(
        f"dossiers {Dossier.objects.count():,}, units {Unit.objects.count():,}, "
        f"unit rollup rows {KpiUnitCount.objects.count():,}, database {connection.vendor}, cache "
        f"{cache.__class__.__name__}",
        flush=True,
    )
    quarter = (today.month - 1) // 3 + 1
    pages = {
        "year so far (default)": "/thong-ke/",
        "quarter, sorted by name": f"/thong-ke/?ky=quy&nam={today.year}&quy={quarter}&sx=ten&chieu=tang",
        "month, districts": f"/thong-ke/?ky=thang&nam={today.year}&thang={today.month}&cap=huyen",
    }
    storage = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    results = []
    client = Client()
    with override_settings(STORAGES=storage, ALLOWED_HOSTS=["*"]):
        client.get("/thong-ke/")  # imports, templates
        for name, url in pages.items():
            for label in ("cold", "warm") if name in COLD_PAGES else ("warm",):
                cache.clear()
                client.get(url)
                times: list[float] = []
                queries = 0
                for _ in range(runs):
                    if label == "cold":
                        cache.clear()
                    with CaptureQueriesContext(connection) as captured:
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, (url, response.status_code)
                    queries = len(captured)
                p50, p95 = statistics.median(times), percentile(times, 0.95)
                results.append((name, label, p50, p95, queries))
                print(
                    f"{name:26} {label:5}: p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  ({runs} requests, {queries} queries)",
                    flush=True,
                )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--prepare", action="store_true", help="migrate and load the demo data first")
    parser.add_argument("--runs", type=int, default=200, help="requests per case (at least 200)")
    args = parser.parse_args()
    # the local server's scratch database by default (`make bench` runs this without settings)
    url = os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE_URL)
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database (it is written to with --prepare).")
    if args.runs < 200:
        sys.exit("--runs: at least 200 requests per case")
    ensure_database(url)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    import django

    django.setup()
    if args.prepare:
        prepare()
    results = measure(args.runs)
    warm_p95 = max(p95 for _name, label, _p50, p95, _q in results if label == "warm")
    print(f"warm p95, worst page: {warm_p95:.1f} ms (target < 100 ms)")
    sys.exit(0 if warm_p95 < 100 else 1)


if __name__ == "__main__":
    main()
