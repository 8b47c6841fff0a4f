"""Server time of the portal's public pages on demo data: the home page and a procedure page.

Builds a scratch SQLite database (or uses DATABASE_URL if set to an empty database), runs ``demo_seed`` (the
catalogue of ~2,100 procedures, units, calendar, ~30,000 dossiers, monitoring rollups), then requests each page
N times with Django's test client (the whole stack: middleware, session, templates, database) and reports p50,
p95 and max server time, the first request on an empty cache (after a warm-up of the process), the queries per warm request, and the page weight
(HTML, plus the stylesheets and scripts it links, raw and gzip). Fails if a p95 is over the 100 ms budget.

Run: .venv/bin/python bench/bench_portal.py [-n 200] [--scale 1.0]
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
os.environ.setdefault("DATABASE_URL", f"sqlite:///{tempfile.mkdtemp(prefix='bench_portal_')}/bench.sqlite3")
os.environ.setdefault("DVCTT_TASKS_IMMEDIATE", "1")
# Production static storage (hashed names from a manifest): collected into a scratch folder.
os.environ.setdefault("DVCTT_STATIC_ROOT", tempfile.mkdtemp(prefix="bench_portal_static_"))

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, reset_queries  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import override_settings  # noqa: E402

BUDGET_MS = 100.0


def seed(scale: float) -> None:
    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from dvctt.catalog.models import ProcedureVersion

    if not ProcedureVersion.objects.exists():
        started = time.perf_counter()
        call_command("demo_seed", scale=scale, stdout=open(os.devnull, "w"))  # noqa: SIM115
        print(f"demo_seed: {time.perf_counter() - started:.0f} s")


def busiest_procedure_code() -> str:
    from django.db.models import Count

    from dvctt.dossiers.models import Dossier

    row = Dossier.objects.values("procedure__code").annotate(n=Count("id")).order_by("-n").first()
    return row["procedure__code"] if row else "1.001193"


def weight(client: Client, html: bytes) -> tuple[int, int]:
    assets = re.findall(rb'(?:href|src)="/static/([^"]+\.(?:css|js))"', html)
    raw, packed = len(html), len(gzip.compress(html))
    for path in assets:
        found = Path(settings.STATIC_ROOT) / path.decode()
        data = found.read_bytes() if found.exists() else b""
        raw += len(data)
        packed += len(gzip.compress(data))
    return raw, packed


def measure(client: Client, url: str, n: int) -> dict[str, float]:
    # The process's first request imports every app (a one-off at start-up, not the page's cost): warm it,
    # then time the page with an empty cache.
    client.get(url)
    cache.clear()
    started = time.perf_counter()
    response = client.get(url)
    cold = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    times = []
    with override_settings(DEBUG=True):
        reset_queries()
        client.get(url)
        queries = len(connection.queries)
    for _ in range(n):
        started = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    raw, packed = weight(client, response.content)
    return {
        "cold": cold,
        "p50": statistics.median(times),
        "p95": times[int(len(times) * 0.95) - 1],
        "max": times[-1],
        "queries": queries,
        "html": len(response.content),
        "raw": raw,
        "gzip": packed,
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=200)
    parser.add_argument("--scale", type=float, default=1.0)
    args = parser.parse_args()
    seed(args.scale)
    from dvctt.dossiers.models import Dossier

    code = busiest_procedure_code()
    pages = {
        "home": "/",
        f"procedure {code}": f"/thu-tuc/{code}/",
        "procedure search": "/thu-tuc/?q=khai+sinh",
    }
    client = Client()
    print(
        f"database: {settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]}, dossiers: {Dossier.objects.count()}"
    )
    print(
        f"{'page':<28}{'cold ms':>9}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'queries':>9}{'HTML B':>9}{'total B':>9}{'gzip B':>9}"
    )
    failed = 0
    for name, url in pages.items():
        r = measure(client, url, args.n)
        print(
            f"{name:<28}{r['cold']:>9.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['max']:>9.1f}{r['queries']:>9}"
            f"{r['html']:>9}{r['raw']:>9}{r['gzip']:>9}"
        )
        if name != "procedure search" and r["p95"] > BUDGET_MS:
            failed = 1
    return failed


if __name__ == "__main__":
    sys.exit(main())
