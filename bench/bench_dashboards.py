"""Time the steering dashboards (province overview, unit ranking) on a large PostgreSQL database.

The pages read rollups only (monitoring.kpi.kpi_compute), so their time depends on the number of rollup rows
(units × metrics × days), not on the number of dossiers. Measured through Django's test client (session,
access, figures, scoring, rendering: the server's time without the network), as p50 / p95 of several runs:

* empty: the cache emptied before each run (the first view of a period after a restart with a local cache),
* changed, window passed: the data version different at each run and the freshness window at 0 s (the figures
  of the period recomputed at each view; the trend's months may be up to a minute old,
  selectors.TREND_STALE_SECONDS; a change of dossiers: the catalogue's version, and so its kept counts, stay),
* changed, within window: the data version different at each run, figures computed less than
  DVCTT_DASHBOARD_FRESH_SECONDS ago (a busy day with ``dvctt dashboards_warm --loop`` running),
* warm: the figures cached under the current data version (every later view until the data changes).

Then one pass of the warmer (8 periods) under a new data version: its cost per pass.

Prepare a database once (the generator writes ~700 dossiers/s on this machine; ``--multiply`` copies the
generated dossiers with SQL, moved by days, to reach the count faster; see prepare()), then measure:

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dvctt_dash .venv/bin/python bench/bench_dashboards.py \
        --prepare 250000 --multiply 4      # 1M; then --multiply 41 on the same database for 10M
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_dvctt_dash .venv/bin/python bench/bench_dashboards.py \
        [--runs 30] [--year 2026]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def prepare(count: int, multiply: int) -> None:
    """Generate ``count`` dossiers (once), then bring the database to ``multiply`` copies of them.

    Copy k (1 ≤ k < multiply) takes the generated dossiers and their supplement requests under new ids
    (+ 10,000,000 × k) and codes (``-x<k>``), every moment moved k days earlier, so the copies fill the days
    around the originals instead of piling onto the same ones (more rollup rows, as a larger history would
    have). Copies already made are kept: ``--multiply 4`` then ``--multiply 40`` measures 1× then 10× the
    same database. Facts and rollups are rebuilt from the dossiers (``dvctt kpi_rebuild``) after copying.
    """
    from django.core.management import call_command
    from django.db import connection

    from dvctt.dossiers.models import Dossier
    from dvctt.monitoring.models import DossierFact

    call_command("migrate", verbosity=0)
    if not Dossier.objects.exists():
        call_command("demo_seed")  # the full catalogue (2,148 procedures), units, officials, plans
        with connection.cursor() as cursor:
            # the generator numbers from each day's first code: start it on an empty dossier table
            cursor.execute("TRUNCATE dossiers_dossier CASCADE")
        call_command("demo_dossiers", "--count", str(count))
    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM dossiers_dossier")
        made = int(cursor.fetchone()[0]) // 10_000_000 + 1
    started = time.perf_counter()
    for k in range(made, multiply):
        with connection.cursor() as cursor:
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
                    "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = %s "
                    "ORDER BY ordinal_position",
                    [table],
                )
                columns = cursor.fetchall()
                offset = 10_000_000 * k
                select = ", ".join(
                    rewrite[name].format(o=offset, k=k)
                    if name in rewrite
                    else f"{name} - interval '{k} days'"
                    if kind == "timestamp with time zone"
                    else name
                    for name, kind in columns
                )
                key = "id" if table == "dossiers_dossier" else "dossier_id"
                names = ", ".join(name for name, _kind in columns)
                cursor.execute(
                    f"INSERT INTO {table} ({names}) SELECT {select} FROM {table} WHERE {key} < 10000000"
                )
                cursor.execute(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
        print(f"copy {k}: {time.perf_counter() - started:.0f} s", flush=True)
    if made < multiply or not DossierFact.objects.exists():
        started = time.perf_counter()
        call_command("kpi_rebuild")
        print(f"kpi_rebuild: {time.perf_counter() - started:.0f} s", flush=True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(runs: int, year: int) -> None:
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from dvctt.accounts.models import Role, User
    from dvctt.dossiers.models import Dossier
    from dvctt.monitoring.models import DossierFact, KpiCount, KpiPairYear, KpiSpanCount, KpiUnitCount
    from dvctt.plans.dashboards import selectors

    versions: list[int] = []
    real_version = selectors.data_version
    # a change of dossiers: the figures' version moves, the catalogue's does not
    selectors.data_version = lambda: dataclasses.replace(  # type: ignore[assignment]
        real := real_version(), figures=f"{real.figures}+{len(versions)}"
    )
    monitor, _ = User.objects.get_or_create(username="bench-monitor", defaults={"role": Role.MONITOR})
    client = Client()
    client.force_login(monitor)
    rollups = (KpiUnitCount, KpiCount, KpiSpanCount, KpiPairYear)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_size_pretty(" + " + ".join("pg_total_relation_size(%s)" for _model in rollups) + ")",
            [model._meta.db_table for model in rollups],
        )
        size = cursor.fetchone()[0]
    rows = ", ".join(f"{model.__name__} {model.objects.count():,}" for model in rollups)
    print(
        f"dossiers {Dossier.objects.count():,}, facts {DossierFact.objects.count():,}, "
        f"rollup rows: {rows} ({size}), database {connection.vendor}"
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
            for label in ("empty", "changed, window passed", "changed, within window", "warm"):
                times: list[float] = []
                queries = 0
                n = runs
                cache.clear()
                client.get(url)
                fresh = 0 if label == "changed, window passed" else settings.DVCTT_DASHBOARD_FRESH_SECONDS
                for _ in range(n):
                    if label == "empty":
                        cache.clear()
                    elif label.startswith("changed"):
                        versions.append(1)
                    with (
                        override_settings(DVCTT_DASHBOARD_FRESH_SECONDS=fresh),
                        CaptureQueriesContext(connection) as captured,
                    ):
                        started = time.perf_counter()
                        response = client.get(url)
                        times.append((time.perf_counter() - started) * 1000)
                    assert response.status_code == 200, response.status_code
                    queries = len(captured)
                print(
                    f"{name:34} {label:24}: p50 {statistics.median(times):7.1f} ms  p95 {percentile(times, 0.95):7.1f} ms"
                    f"  ({n} runs, {queries} queries)"
                )


def measure_warmer(passes: int) -> None:
    """One pass of ``dvctt dashboards_warm`` under a new data version each time (8 periods: overview + ranking)."""
    from django.core.cache import cache
    from django.utils import timezone

    from dvctt.plans.dashboards import selectors

    times = []
    for k in range(passes):
        cache.clear() if k == 0 else None
        started = time.perf_counter()
        version = selectors.data_version()
        selectors.dashboards_warm(
            today=timezone.localdate(),
            version=dataclasses.replace(version, figures=f"bench-warm-{k}-{time.time()}"),
        )
        times.append(time.perf_counter() - started)
    print(
        f"dashboards_warm, one pass (8 periods)   : median {statistics.median(times):.2f} s, max {max(times):.2f} s"
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
    measure_warmer(3)


if __name__ == "__main__":
    main()
