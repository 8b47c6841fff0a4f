"""Import speed: the sample folder with its dossiers multiplied to N lines (new codes), into an empty database.

.venv/bin/python bench/bench_import.py [--lines 1000000] [--backend sqlite|postgresql|both] [--sample DIR]

PostgreSQL uses a scratch database ``bench_dvctt_import`` (dropped and recreated) on
postgres://postgres@127.0.0.1:5432; SQLite a temporary file. Each backend runs in its own process (Django's
settings are per process); the peak memory is that process's maximum resident set size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PG_SERVER = os.environ.get("DVCTT_BENCH_PG", "postgres://postgres@127.0.0.1:5432")
PG_NAME = "bench_dvctt_import"


def make_folder(sample: Path, lines: int, folder: Path) -> None:
    source = sample / "interchange"
    for name in ("agencies.jsonl", "procedures.jsonl", "officials.jsonl"):
        shutil.copy(source / name, folder / name)
    objects = [
        json.loads(x) for x in (source / "dossiers.jsonl").read_text(encoding="utf-8").splitlines() if x
    ]
    with (folder / "dossiers.jsonl").open("w", encoding="utf-8") as stream:
        written, copy = 0, 0
        while written < lines:
            for obj in objects:
                if written >= lines:
                    break
                line = {**obj, "MaHoSo": f"{obj['MaHoSo']}-{copy}"}
                if obj.get("HoSoCha"):
                    line["HoSoCha"] = f"{obj['HoSoCha']}-{copy}"
                stream.write(json.dumps(line, ensure_ascii=False))
                stream.write("\n")
                written += 1
            copy += 1


def child(folder: str, rebuild: bool) -> None:
    """Runs in the child process, with DATABASE_URL set: migrate, import, report."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    import django

    django.setup()
    import logging

    from django.core.management import call_command

    logging.getLogger("dvctt.interchange.importer").setLevel(logging.INFO)
    logging.getLogger("dvctt.interchange.importer").addHandler(logging.StreamHandler(sys.stderr))

    call_command("migrate", verbosity=0)
    from django.db import connection

    import dvctt.interchange.importer.service as service

    rollup = {"seconds": 0.0, "cpu": 0.0, "server_cpu": 0.0}
    rebuild_rollups = service._rebuild_rollups

    def timed_rollups(report) -> None:  # measured apart: the KPI engine's share, not the importer's
        if rebuild:
            cpu, server, started = _cpu(), _server_cpu(backend_pid), time.perf_counter()
            rebuild_rollups(report)
            rollup["seconds"] = time.perf_counter() - started
            rollup["cpu"] = _cpu() - cpu
            rollup["server_cpu"] = _server_cpu(backend_pid) - server

    service._rebuild_rollups = timed_rollups  # type: ignore[assignment]
    backend_pid = None
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_pid = cursor.fetchone()[0]
    load = os.getloadavg()[0]
    cpu, server, started = _cpu(), _server_cpu(backend_pid), time.perf_counter()
    report = service.interchange_import(folder=folder)
    elapsed = time.perf_counter() - started - rollup["seconds"]
    cpu_used = _cpu() - cpu - rollup["cpu"]
    server_used = _server_cpu(backend_pid) - server - rollup["server_cpu"]
    assert report.committed and not report.issues, report.issues[:5]
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    count = report.counts["dossiers"]["created"]
    result = {
        "lines": count,
        "seconds": round(elapsed, 1),
        "cpu": round(cpu_used, 1),
        "server_cpu": round(server_used, 1) if backend_pid else None,
        "peak_mb": round(peak_mb),
        "load": [round(load, 1), round(os.getloadavg()[0], 1)],
    }
    if rebuild:
        result["rollup"] = {k: round(v, 1) for k, v in rollup.items()}
    print(json.dumps(result))


def _cpu() -> float:
    """User + system CPU seconds of this process and of its finished children (the parsing worker)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _server_cpu(pid: int | None) -> float:
    """CPU seconds of this connection's PostgreSQL backend (same machine: /proc), 0 when unknown."""
    if pid is None:
        return 0.0
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(backend: str, folder: Path, rebuild: bool) -> dict:
    env = dict(os.environ, DVCTT_TESTING="0", DVCTT_DEBUG="0")
    tmp = None
    if backend == "postgresql":
        base = f"{PG_SERVER}/postgres"
        for sql in (f"DROP DATABASE IF EXISTS {PG_NAME}", f"CREATE DATABASE {PG_NAME}"):
            subprocess.run(["psql", base, "-qc", sql], check=True)
        env["DATABASE_URL"] = f"{PG_SERVER}/{PG_NAME}"
    else:
        tmp = tempfile.mkdtemp()
        env["DATABASE_URL"] = f"sqlite:///{tmp}/bench.sqlite3"
    out = subprocess.run(
        [sys.executable, __file__, "--child", str(folder), *(["--rebuild"] if rebuild else [])],
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"{backend} run failed:\n{out.stderr[-4000:]}")
    for line in out.stderr.splitlines():
        if line.startswith("dossiers:"):
            print(f"  {line}")
    if tmp:
        shutil.rmtree(tmp)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument(
        "--rebuild", action="store_true", help="also run (and time apart) the KPI rollup rebuild"
    )
    parser.add_argument("--sample", default=str(ROOT / "tests" / "data" / "sample"))
    parser.add_argument("--child")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rebuild)
        return
    with tempfile.TemporaryDirectory() as folder:
        make_folder(Path(args.sample), args.lines, Path(folder))
        backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
        for backend in backends:
            result = run(backend, Path(folder), args.rebuild)
            rate = result["lines"] / result["seconds"]
            server = (
                f" + PostgreSQL backend {result['server_cpu']} s" if result["server_cpu"] is not None else ""
            )
            print(
                f"{backend}: {result['lines']:,} dossier lines in {result['seconds']} s = {rate:,.0f} lines/s; "
                f"CPU (user+sys) importer {result['cpu']} s{server}; peak {result['peak_mb']} MB; "
                f"load average {result['load'][0]} → {result['load'][1]}"
            )
            if "rollup" in result:
                r = result["rollup"]
                print(
                    f"  then rollups_rebuild (KPI engine, not the import): {r['seconds']} s, "
                    f"CPU {r['cpu']} s + PostgreSQL backend {r['server_cpu']} s"
                )


if __name__ == "__main__":
    main()
