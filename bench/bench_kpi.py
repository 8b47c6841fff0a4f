"""KPI speed from the database: the sample's dossiers multiplied to N (new codes; bench_import.make_folder),
imported with ``dvctt import``'s service into a scratch PostgreSQL database ``bench_dvctt_kpi`` (dropped and
recreated), then: the full rollup rebuild, and ``dvctt kpi`` for the year 2025 in both unit modes.

    .venv/bin/python bench/bench_kpi.py [--dossiers 1000000] [--check] [--shared DIR]

``--check`` also runs the reference engine over the same folder and asserts the two objects are equal.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("DVCTT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "bench_dvctt_kpi"


def child(folder: str, check: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command

    import dvctt.integrations.importer.service as service
    from dvctt.monitoring.kpi import kpi_compute
    from dvctt.monitoring.rollups import rollups_rebuild

    call_command("migrate", verbosity=0)
    service._rebuild_rollups = lambda report: None  # type: ignore[assignment]  (timed apart below)
    started = time.perf_counter()
    report = service.interchange_import(folder=folder)
    assert report.committed and not report.issues, report.issues[:5]
    result: dict = {
        "dossiers": report.counts["dossiers"]["created"],
        "import_s": time.perf_counter() - started,
    }
    started = time.perf_counter()
    result["facts"] = rollups_rebuild()
    result["rebuild_s"] = time.perf_counter() - started
    from dvctt.monitoring.models import KpiCount, KpiSpanCount

    result["rollup_rows"] = KpiCount.objects.count() + KpiSpanCount.objects.count()
    outputs = {}
    for mode in ("period", "current"):
        for attempt in ("cold", "warm"):
            out = StringIO()
            started = time.perf_counter()
            call_command("kpi", "--from", "2025-01-01", "--to", "2025-12-31", "--units", mode, stdout=out)
            result[f"kpi_{mode}_{attempt}_s"] = time.perf_counter() - started
        outputs[mode] = json.loads(out.getvalue())
    for label, start, end in (
        ("month", date(2025, 3, 1), date(2025, 3, 31)),
        ("quarter", date(2025, 7, 1), date(2025, 9, 30)),
    ):
        started = time.perf_counter()
        kpi_compute(date_from=start, date_to=end)
        result[f"kpi_{label}_s"] = time.perf_counter() - started
    if check:
        from dvctt.integrations.interchange import read_folder
        from dvctt.monitoring.reference import compute_kpis

        data = read_folder(folder).data
        for mode, got in outputs.items():
            expected = json.loads(json.dumps(compute_kpis(data, date(2025, 1, 1), date(2025, 12, 31), mode)))
            assert got == expected, f"{mode}: the database figures differ from the reference"
        result["checked_against_reference"] = True
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--shared", default=str(ROOT.parent / "shared"))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.check)
        return
    sys.path.insert(0, str(ROOT))
    from bench.bench_import import make_folder

    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        make_folder(Path(args.shared), args.dossiers, Path(tmp))
        print(f"folder of {args.dossiers} dossiers in {time.perf_counter() - started:.1f} s", flush=True)
        for sql in (f"DROP DATABASE IF EXISTS {PG_NAME}", f"CREATE DATABASE {PG_NAME}"):
            subprocess.run(["psql", PG_SERVER + "/postgres", "-qc", sql], check=True)
        env = dict(os.environ, DVCTT_TESTING="0", DVCTT_DEBUG="0", DATABASE_URL=f"{PG_SERVER}/{PG_NAME}")
        command = [sys.executable, __file__, "--child", tmp] + (["--check"] if args.check else [])
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
