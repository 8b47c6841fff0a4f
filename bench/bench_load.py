"""A morning at the counter under load: Locust against gunicorn (2 workers) on 127.0.0.1, bounded in time.

1. builds a scratch database: PostgreSQL ``bench_dvctt_load`` (dropped and created again; ``--pg-url`` names the
   server), or SQLite in a temporary folder with ``--sqlite``; migrates it and loads the demo data
   (``dvctt demo_seed --scale S``: the province's units, the catalogue, S × 30,000 dossiers) plus the load test's
   accounts and procedure (``bench/locust/fixtures.py``);
2. starts ``gunicorn dvctt.wsgi -w 2`` on a free loopback port and one ``dvctt db_worker`` (the queued
   notifications and rollup refreshes run as in production);
3. runs ``locust --headless -u USERS -r RATE --run-time T`` with the classes of ``bench/locust/locustfile.py``
   (citizens 6 : officers 3 : leaders 1), every simulated user signed in as its own account;
4. prints a table per page (requests, failures, requests/s, p50, p95, p99) and writes it with the load average
   to ``var/bench_load/<time>.md`` (the raw CSVs beside it).

Everything listens on 127.0.0.1 only; locust stops after ``--run-time`` (and the script kills what it started).
The public tracking page's per-address limit is lifted for the run (every simulated citizen comes from
127.0.0.1; docs/security.md): ``DVCTT_TRACK_THROTTLE_LIMIT=0``.

Run: .venv/bin/python bench/bench_load.py [--sqlite] [--users 20] [--spawn-rate 4] [--run-time 60s] [--scale 0.2]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_DEFAULT = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "bench_dvctt_load"
JUSTICE = "000.00.03.H38"  # Sở Tư pháp in the demo data


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url(args: argparse.Namespace) -> str:
    if args.sqlite:
        return f"sqlite:///{tempfile.mkdtemp(prefix='bench-load-')}/bench.sqlite3"
    import psycopg

    with psycopg.connect(
        f"{args.pg_url.replace('postgres://', 'postgresql://')}/postgres", autocommit=True
    ) as c:
        c.execute(f"DROP DATABASE IF EXISTS {DB_NAME} WITH (FORCE)")
        c.execute(f"CREATE DATABASE {DB_NAME}")
    return f"{args.pg_url}/{DB_NAME}"


def prepare(env: dict[str, str], scale: float, fixture: Path) -> None:
    """Migrate, demo data, the load test's accounts: in a child process (this one never imports Django)."""
    manage = [sys.executable, "-m", "dvctt.manage"]
    started = time.perf_counter()
    subprocess.run([*manage, "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
    print(f"migrated in {time.perf_counter() - started:.0f} s", flush=True)
    subprocess.run([*manage, "demo_seed", "--scale", str(scale)], cwd=ROOT, env=env, check=True)
    code = (
        "import django, json, sys; django.setup(); "
        "from bench.locust.fixtures import prepare; "
        f"json.dump(prepare(unit_code={JUSTICE!r}), open(sys.argv[1], 'w', encoding='utf-8'), ensure_ascii=False)"
    )
    subprocess.run([sys.executable, "-c", code, str(fixture)], cwd=ROOT, env=env, check=True)
    print(f"database ready in {time.perf_counter() - started:.0f} s", flush=True)


def wait_healthy(base: str, server: subprocess.Popen[bytes]) -> None:
    for _ in range(300):
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode}")
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=2).read()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in 60 s")


def stop(process: subprocess.Popen[bytes] | None) -> None:
    if process is None or process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def table(stats_csv: Path, run_seconds: float) -> tuple[str, dict[str, float]]:
    rows = list(csv.DictReader(stats_csv.open(encoding="utf-8")))
    lines = [
        "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms | max ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    total: dict[str, float] = {}
    for row in rows:
        name = row["Name"] if row["Type"] in ("GET", "POST") else "**all**"
        cells = [
            f"{row['Type']} {name}" if name != "**all**" else name,
            row["Request Count"],
            row["Failure Count"],
            f"{float(row['Requests/s']):.1f}",
            row["50%"],
            row["95%"],
            row["99%"],
            f"{float(row['Max Response Time']):.0f}",
        ]
        lines.append("| " + " | ".join(cells) + " |")
        if row["Name"] == "Aggregated":
            total = {
                "requests": int(row["Request Count"]),
                "failures": int(row["Failure Count"]),
                "rps": float(row["Requests/s"]),
                "p50": float(row["50%"]),
                "p95": float(row["95%"]),
            }
    return "\n".join(lines), total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sqlite", action="store_true", help="SQLite in a temporary folder (default PostgreSQL)"
    )
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", PG_DEFAULT))
    parser.add_argument("--users", "-u", type=int, default=20)
    parser.add_argument("--spawn-rate", "-r", type=float, default=4)
    parser.add_argument("--run-time", default="60s", help="locust's --run-time (capped at 10m)")
    parser.add_argument("--scale", type=float, default=0.2, help="demo_seed --scale (1 = 30,000 dossiers)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (production on 2 cores: 2)")
    parser.add_argument("--no-task-worker", action="store_true", help="do not start a `dvctt db_worker`")
    parser.add_argument("--reuse", metavar="URL", help="a database already prepared by an earlier run")
    args = parser.parse_args()
    seconds = (
        int(args.run_time.rstrip("s")) if args.run_time.endswith("s") else int(args.run_time.rstrip("m")) * 60
    )
    if seconds > 600:
        raise SystemExit("--run-time is capped at 10 minutes")

    out_dir = ROOT / "var" / "bench_load"
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    fixture = out_dir / f"{stamp}-fixture.json"
    static = (
        out_dir / "static"
    )  # kept: collectstatic copies (and compresses) only what changed since the last run
    url = args.reuse or database_url(args)
    print(f"database {url}", flush=True)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "dvctt.settings",
        "DVCTT_TESTING": "",
        "DVCTT_TASKS": "db",
        "DVCTT_TASKS_IMMEDIATE": "0",
        "DVCTT_LOG_LEVEL": "WARNING",
        "DVCTT_STATIC_ROOT": str(static),
        "DVCTT_TRACK_THROTTLE_LIMIT": "0",
        "DVCTT_LOCUST_FIXTURE": str(fixture),
        "PYTHONPATH": str(ROOT),
    }
    if args.reuse:
        code = (
            "import django, json, sys; django.setup(); from bench.locust.fixtures import prepare; "
            f"json.dump(prepare(unit_code={JUSTICE!r}), open(sys.argv[1], 'w', encoding='utf-8'), ensure_ascii=False)"
        )
        subprocess.run([sys.executable, "-c", code, str(fixture)], cwd=ROOT, env=env, check=True)
    else:
        prepare(env, args.scale, fixture)
    subprocess.run(
        [sys.executable, "-m", "dvctt.manage", "collectstatic", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    venv = Path(sys.executable).parent
    server = worker = None
    try:
        server = subprocess.Popen(
            [
                str(venv / "gunicorn"),
                "dvctt.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"127.0.0.1:{port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        if not args.no_task_worker:
            worker = subprocess.Popen(
                [sys.executable, "-m", "dvctt.manage", "db_worker", "--queue-name", "*"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        wait_healthy(base, server)
        prefix = out_dir / stamp
        load_before = os.getloadavg()
        started = time.perf_counter()
        locust = subprocess.run(
            [
                str(venv / "locust"),
                "-f",
                str(ROOT / "bench/locust/locustfile.py"),
                "--headless",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "--run-time",
                args.run_time,
                "--stop-timeout",
                "10",
                "--host",
                base,
                "--csv",
                str(prefix),
                "--only-summary",
                "--loglevel",
                "WARNING",
            ],
            cwd=ROOT,
            env=env,
            timeout=seconds + 120,
        )
        elapsed = time.perf_counter() - started
        load_after = os.getloadavg()
    finally:
        stop(worker)
        stop(server)
    text, total = table(Path(f"{prefix}_stats.csv"), elapsed)
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8").strip().splitlines()[1:]
    database = "SQLite" if url.startswith("sqlite") else "PostgreSQL"
    data = f"reused database {url}" if args.reuse else f"demo scale {args.scale}"
    report = "\n".join(
        [
            f"# Load test {stamp}",
            "",
            f"{args.users} users (citizens 6 : officers 3 : leaders 1), spawn {args.spawn_rate}/s, {args.run_time}; "
            f"gunicorn -w {args.workers} on 127.0.0.1, {database}, {data}; "
            f"load average before {load_before[0]:.1f}, after {load_after[0]:.1f} (1 min); locust exit {locust.returncode}",
            "",
            text,
            "",
            "Failures:" if failures else "No failures.",
            *[f"- {line}" for line in failures],
        ]
    )
    (out_dir / f"{stamp}.md").write_text(report + "\n", encoding="utf-8")
    print(report)
    print(json.dumps(total))
    sys.exit(1 if total.get("failures") else 0)


if __name__ == "__main__":
    main()
