"""Dossiers submitted per second: through the service, and over HTTP to a real gunicorn on loopback.

Builds a scratch database (SQLite in a temporary folder, or, with ``--postgres``, a database
``bench_dvctt_submit`` on 127.0.0.1:5432 created afresh), loads a calendar, a unit, a procedure and a citizen,
then
1. calls ``dossier_submit`` N times in one process (each its own transaction, as in production);
2. starts ``gunicorn dvctt.wsgi`` (2 workers) on 127.0.0.1, signs the citizen in once, and POSTs N dossiers to
   ``/api/v1/dossiers/`` from 4 client threads (session cookie + CSRF token, as a browser would).

Notifications go to the task queue (the database backend, as in production) and are not sent here: the
numbers are the cost of a submission as the applicant waits for it.

The HTTP run also reports the CPU milliseconds a submission costs the gunicorn workers, the database's server
processes (PostgreSQL) and the clients: unlike the throughput, they do not depend on what else the machine runs.

Run: .venv/bin/python bench/bench_submit.py [--postgres] [-n 300] [--http-only]
(``BENCH_GUNICORN_ARGS="--threads 2"`` passes more options to gunicorn.)
"""

from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PASSWORD = "Bench-Pass-2025"
FORM = {"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "01/02/2025"}


def setup_database(args) -> str:
    if args.postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute("DROP DATABASE IF EXISTS bench_dvctt_submit")
            conn.execute("CREATE DATABASE bench_dvctt_submit")
        return "postgres://postgres@127.0.0.1:5432/bench_dvctt_submit"
    folder = tempfile.mkdtemp(prefix="dvctt-bench-")
    return f"sqlite:///{folder}/bench.sqlite3"


def load_fixtures() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("collectstatic", verbosity=0, interactive=False)
    from dvctt.accounts.models import Role, User
    from dvctt.agencies.models import Unit
    from dvctt.calendar.services import calendar_year_seed
    from dvctt.catalog.services import procedure_version_create

    for year in range(2024, date.today().year + 2):
        calendar_year_seed(year=year)
    unit = Unit.objects.create(
        code="000.00.12.H38", name="Sở Tư pháp", level="so", valid_from=date(2015, 1, 1)
    )
    procedure_version_create(
        code="1.001193",
        valid_from=date(2020, 1, 1),
        name="Đăng ký khai sinh",
        unit_codes=[unit.code],
        online_level=4,
        eligible_full_process=True,
        time_limit=3,
        time_limit_unit="ngay_lam_viec",
        eform=[
            {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
            {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
        ],
        fees=[{"name": "Lệ phí", "amount": 8000}],
    )
    User.objects.create_user(username="bench", password=PASSWORD, role=Role.CITIZEN, full_name="Bench")


def bench_service(n: int) -> dict:
    from dvctt.accounts.models import User
    from dvctt.dossiers import services

    citizen = User.objects.get(username="bench")
    times = []
    for _ in range(n):
        started = time.perf_counter()
        services.dossier_submit(
            actor=citizen,
            submission=services.Submission(
                procedure_code="1.001193",
                unit_code="000.00.12.H38",
                channel=2,
                applicant=services.Applicant(name="Nguyễn Văn An", id_number="020199001234"),
                form_data=FORM,
            ),
        )
        times.append(time.perf_counter() - started)
    return summary(times)


def summary(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "n": len(times),
        "per_second": round(len(times) / sum(times), 1),
        "median_ms": round(statistics.median(ordered) * 1000, 2),
        "p95_ms": round(ordered[int(len(ordered) * 0.95) - 1] * 1000, 2),
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


WARM_UP = 20


def cpu_seconds(server_pid: int, database_url: str) -> dict[str, float]:
    """CPU time so far (user + system) of the gunicorn workers, of the database's server processes for the
    bench database, and of this process (the four clients)."""
    import psutil

    def used(process: psutil.Process) -> float:
        try:
            times = process.cpu_times()
        except psutil.Error:
            return 0.0
        return times.user + times.system

    workers = sum(used(child) for child in psutil.Process(server_pid).children())
    database = 0.0
    if database_url.startswith("postgres"):
        import psycopg

        with psycopg.connect(database_url.replace("postgres://", "postgresql://")) as conn:
            pids = [
                row[0]
                for row in conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ]
        database = sum(used(psutil.Process(pid)) for pid in pids if psutil.pid_exists(pid))
    return {"workers": workers, "database": database, "clients": time.process_time()}


def bench_http(n: int, database_url: str) -> dict:
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DVCTT_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),  # the environment this runs in
            "dvctt.wsgi",
            "-w",
            "2",
            *os.environ.get("BENCH_GUNICORN_ARGS", "").split(),
            "-b",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        opener.open(f"{base}/accounts/dang-nhap/").read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        login = urllib.parse.urlencode(
            {"username": "bench", "password": PASSWORD, "csrfmiddlewaretoken": token}
        )
        opener.open(urllib.request.Request(f"{base}/accounts/dang-nhap/", data=login.encode())).read()
        token = next(c.value for c in jar if c.name == "csrftoken")
        body = json.dumps(
            {
                "procedure_code": "1.001193",
                "unit_code": "000.00.12.H38",
                "channel": 2,
                "applicant_name": "Nguyễn Văn An",
                "form_data": FORM,
            }
        ).encode()
        lock = threading.Lock()
        times: list[float] = []

        def post(_: int) -> None:
            request = urllib.request.Request(
                f"{base}/api/v1/dossiers/",
                data=body,
                headers={
                    "Content-Type": "application/json",
                    "X-CSRFToken": token or "",
                    "Referer": base + "/",
                },
            )
            started = time.perf_counter()
            with opener.open(request) as response:
                assert response.status == 201, response.status
                response.read()
            with lock:
                times.append(time.perf_counter() - started)

        with ThreadPoolExecutor(max_workers=4) as pool:  # warm up: connections, caches, imports
            list(pool.map(post, range(WARM_UP)))
        times.clear()
        cpu_before = cpu_seconds(server.pid, database_url)
        wall = time.perf_counter()
        with ThreadPoolExecutor(max_workers=4) as pool:
            list(pool.map(post, range(n)))
        wall = time.perf_counter() - wall
        cpu_after = cpu_seconds(server.pid, database_url)
        result = summary(times)
        result["per_second"] = round(n / wall, 1)  # throughput with 4 concurrent clients
        # CPU per submission, which the machine's other load does not change (unlike the throughput)
        result["cpu_ms_per_submission"] = {
            part: round((cpu_after[part] - cpu_before[part]) / n * 1000, 2) for part in cpu_after
        }
        return result
    finally:
        server.terminate()
        server.wait(timeout=10)


def machine_speed() -> float:
    """Milliseconds of CPU a fixed piece of pure Python takes here (best of three): a slow processor shows in it.
    A host whose other tenants contend for memory and cache does not (the loop stays in the cache) while the
    workers' CPU a submission moves by half: compare versions by alternating them within the hour
    (docs/benchmarks.md)."""

    def work() -> float:
        started = time.process_time()
        total = 0
        for i in range(2_000_000):
            total += i % 7
        return (time.process_time() - started) * 1000

    return round(min(work() for _ in range(3)), 1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("-n", type=int, default=300)
    parser.add_argument("--http-only", action="store_true", help="skip the in-process service run")
    args = parser.parse_args()
    database_url = setup_database(args)
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    os.environ["DVCTT_LOG_LEVEL"] = "WARNING"
    os.environ["DVCTT_STATIC_ROOT"] = tempfile.mkdtemp(prefix="dvctt-static-")
    import django

    django.setup()
    load_fixtures()
    speed = machine_speed()
    service = None if args.http_only else bench_service(args.n)
    http_result = bench_http(args.n, database_url)
    from dvctt.dossiers.models import Dossier

    print(
        json.dumps(
            {
                "database": "postgresql" if args.postgres else "sqlite",
                "python": f"{sys.version.split()[0]} ({sys.base_prefix})",
                "machine_speed_ms": speed,
                "service": service,
                "http_4_clients": http_result,
                "dossiers_written": Dossier.objects.count(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
