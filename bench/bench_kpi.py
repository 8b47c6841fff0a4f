"""KPI speed from the database: the sample's dossiers multiplied to N (new codes; bench_import.make_folder),
imported with ``dvctt import``'s service into a scratch PostgreSQL database ``bench_dvctt_kpi`` (dropped and
recreated), then: the full rollup rebuild, and ``dvctt kpi`` for the year 2025 in both unit modes.

    .venv/bin/python bench/bench_kpi.py [--dossiers 1000000] [--check] [--sample DIR]
                                        [--folder DIR] [--reuse] [--rebuilds 1] [--python-path]

``--check`` also runs the reference engine over the same folder and asserts the two objects are equal.
``--folder DIR`` keeps the generated folder there (made only when it has no dossiers.jsonl yet); ``--reuse``
keeps the database when it already holds the dossiers (no import: to time the rebuild again).
``--rebuilds N`` times the rebuild N times. ``--python-path`` times the general path (facts in Python, as
SQLite runs it) instead of PostgreSQL's SQL path. Each timing prints wall seconds, this process's CPU seconds,
the PostgreSQL backend's CPU seconds (parallel workers not included) and the 1-minute load average before it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("DVCTT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "bench_dvctt_kpi"


def _cpu() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    return own.ru_utime + own.ru_stime


def _server_cpu(pid: int | None) -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine: /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def child(folder: str, check: bool, reuse: bool, rebuilds: int, python_path: bool) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    import django

    django.setup()
    from datetime import date

    from django.core.management import call_command
    from django.db import connection

    import dvctt.interchange.importer.service as service
    from dvctt.dossiers.models import Dossier
    from dvctt.monitoring import rollups
    from dvctt.monitoring.kpi import kpi_compute
    from dvctt.monitoring.models import KpiCount, KpiSpanCount

    call_command("migrate", verbosity=0)
    result: dict = {}
    if reuse and Dossier.objects.exists():
        result["dossiers"] = Dossier.objects.count()
    else:
        service._rebuild_rollups = lambda report: None  # type: ignore[assignment]  (timed apart below)
        started = time.perf_counter()
        report = service.interchange_import(folder=folder)
        assert report.committed and not report.issues, report.issues[:5]
        result["dossiers"] = report.counts["dossiers"]["created"]
        result["import_s"] = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend_pid = cursor.fetchone()[0]
    for attempt in range(rebuilds):
        load = os.getloadavg()[0]
        cpu, server, started = _cpu(), _server_cpu(backend_pid), time.perf_counter()
        result["facts"] = rollups.rollups_rebuild(in_sql=not python_path)
        suffix = "" if attempt == 0 else f"_{attempt + 1}"
        result[f"rebuild_s{suffix}"] = time.perf_counter() - started
        result[f"rebuild_cpu_s{suffix}"] = _cpu() - cpu
        result[f"rebuild_server_cpu_s{suffix}"] = _server_cpu(backend_pid) - server
        result[f"rebuild_load{suffix}"] = load
        print(
            json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}), flush=True
        )
    result["rollup_rows"] = KpiCount.objects.count() + KpiSpanCount.objects.count()
    outputs = {}
    for mode in ("period", "current"):
        for attempt_name in ("cold", "warm"):
            out = StringIO()
            started = time.perf_counter()
            call_command("kpi", "--from", "2025-01-01", "--to", "2025-12-31", "--units", mode, stdout=out)
            result[f"kpi_{mode}_{attempt_name}_s"] = time.perf_counter() - started
        outputs[mode] = json.loads(out.getvalue())
    for label, start, end in (
        ("month", date(2025, 3, 1), date(2025, 3, 31)),
        ("quarter", date(2025, 7, 1), date(2025, 9, 30)),
    ):
        started = time.perf_counter()
        kpi_compute(date_from=start, date_to=end)
        result[f"kpi_{label}_s"] = time.perf_counter() - started
    if check:
        from dvctt.interchange import read_folder
        from dvctt.monitoring.reference import compute_kpis

        data = read_folder(folder).data
        for mode, got in outputs.items():
            expected = json.loads(json.dumps(compute_kpis(data, date(2025, 1, 1), date(2025, 12, 31), mode)))
            assert got == expected, f"{mode}: the database figures differ from the reference"
        result["checked_against_reference"] = True
    print(json.dumps({k: round(v, 2) if isinstance(v, float) else v for k, v in result.items()}))


def _database_has_dossiers() -> bool:
    probe = subprocess.run(
        ["psql", f"{PG_SERVER}/{PG_NAME}", "-tAc", "SELECT count(*) > 0 FROM dossiers_dossier"],
        capture_output=True,
        text=True,
    )
    return probe.returncode == 0 and probe.stdout.strip() == "t"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dossiers", type=int, default=1_000_000)
    parser.add_argument("--check", action="store_true")
    parser.add_argument("--sample", default=str(ROOT / "tests" / "data" / "sample"))
    parser.add_argument("--folder")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--rebuilds", type=int, default=1)
    parser.add_argument("--python-path", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.check, args.reuse, args.rebuilds, args.python_path)
        return
    sys.path.insert(0, str(ROOT))
    from bench.bench_import import make_folder

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(args.folder or tmp)
        folder.mkdir(parents=True, exist_ok=True)
        reuse = args.reuse and _database_has_dossiers()
        if not (folder / "dossiers.jsonl").exists() and (not reuse or args.check):
            started = time.perf_counter()
            make_folder(Path(args.sample), args.dossiers, folder)
            print(f"folder of {args.dossiers} dossiers in {time.perf_counter() - started:.1f} s", flush=True)
        if not reuse:
            for sql in (f"DROP DATABASE IF EXISTS {PG_NAME}", f"CREATE DATABASE {PG_NAME}"):
                subprocess.run(["psql", PG_SERVER + "/postgres", "-qc", sql], check=True)
        env = dict(os.environ, DVCTT_TESTING="0", DVCTT_DEBUG="0", DATABASE_URL=f"{PG_SERVER}/{PG_NAME}")
        command = [sys.executable, __file__, "--child", str(folder), "--rebuilds", str(args.rebuilds)]
        command += ["--check"] * args.check + ["--reuse"] * reuse + ["--python-path"] * args.python_path
        subprocess.run(command, env=env, check=True)


if __name__ == "__main__":
    main()
