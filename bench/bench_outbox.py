"""The national sync's outbox: what it adds to a move, how fast one worker sends, and a 100,000-message backlog.

    .venv/bin/python bench/bench_outbox.py overhead [--postgres] [-n 500]
    .venv/bin/python bench/bench_outbox.py throughput [--postgres] [-n 600] [--transport adapter|gateway] [--profile]
    .venv/bin/python bench/bench_outbox.py backlog [--messages 100000] [--minutes 3]

Each builds a scratch database (SQLite in a temporary folder, or PostgreSQL ``bench_h3speed`` on 127.0.0.1,
created afresh; ``backlog`` is PostgreSQL only), a calendar, a unit with its staff, a procedure and a citizen.

* ``overhead``: N dossiers submitted, then received and forwarded through the services (each its own transaction,
  as in production), once with the national sync off (no message written) and once on (one outbox INSERT in the
  move's transaction). Prints the median and p95 of each move and the difference of the medians.
* ``throughput``: N dossiers received and forwarded (2N messages: a create with its receipt step, an update with
  its forward step), then ONE sender (``messages_send``, in this process) drains them to the sandbox started as
  its own process (``dvctt national_portal_sandbox``). Prints messages per second and HTTP calls per message;
  ``--profile`` prints cProfile's top functions.
* ``backlog``: ``--dossiers`` (300) dossiers through the services, then ``--messages`` outbox rows made by one
  ``INSERT … SELECT generate_series`` (updates of those dossiers, interleaved as an outage leaves them); gunicorn
  (2 workers) serves the back office; a small HTTP client times the inbox, the dashboard and the tracking page
  (p95) before the drain and while one ``dvctt outbox_send --loop`` worker process drains, for ``--minutes``.
  Prints the p95 of each page before and during, the drain rate, and the drain time of the whole backlog
  *extrapolated* from that rate when it did not finish within the window.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import pstats
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PG_NAME = "bench_h3speed"
PG_URL = f"postgres://postgres@127.0.0.1:5432/{PG_NAME}"
SYSTEM = "national_portal"
DVCTT = [sys.executable, "-m", "dvctt.manage"]


def setup_database(postgres: bool) -> str:
    if postgres:
        import psycopg

        with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {PG_NAME} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {PG_NAME}")
        return PG_URL
    folder = tempfile.mkdtemp(prefix="dvctt-bench-outbox-")
    return f"sqlite:///{folder}/bench.sqlite3"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def portal_env(url: str, transport: str = "adapter") -> dict[str, str]:
    return {
        "DVCTT_NATIONAL_PORTAL_TRANSPORT": transport,
        "DVCTT_NATIONAL_PORTAL_ADAPTER_URL": url + "/adapter",
        "DVCTT_NATIONAL_PORTAL_LOGIN_URL": url + "/adapter/login",
        "DVCTT_NATIONAL_PORTAL_USERNAME": "dvctt",
        "DVCTT_NATIONAL_PORTAL_PASSWORD": "sandbox",
        "DVCTT_NATIONAL_PORTAL_UNIT_CODE": "000.00.00.H38",
        "DVCTT_NATIONAL_PORTAL_DSTCODE": "DVCQG",
        "DVCTT_NATIONAL_PORTAL_TOKEN_URL": url + "/gateway/token",
        "DVCTT_NATIONAL_PORTAL_CLIENT_ID": "dvctt",
        "DVCTT_NATIONAL_PORTAL_CLIENT_SECRET": "sandbox",
        "DVCTT_NATIONAL_PORTAL_CREATE_URL": url + "/gateway/hoso/them",
        "DVCTT_NATIONAL_PORTAL_UPDATE_URL": url + "/gateway/hoso/capnhat",
        "DVCTT_NATIONAL_PORTAL_PROGRESS_URL": url + "/gateway/tiendo",
        "DVCTT_NATIONAL_PORTAL_LOOKUP_URL": url + "/gateway/tracuu",
    }


class SandboxProcess:
    """``dvctt national_portal_sandbox`` on a free loopback port, in its own process."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data = Path(tempfile.mkdtemp(prefix="dvctt-bench-portal-")) / "received.json"
        env = {**os.environ, "DVCTT_TESTING": "1"}
        env.pop("DATABASE_URL", None)
        # The sandbox stands for a remote system (in production its CPU is not this machine's): run it niced.
        self.process = subprocess.Popen(
            [
                "nice",
                "-n",
                "10",
                *DVCTT,
                "national_portal_sandbox",
                "--port",
                str(self.port),
                "--data",
                str(self.data),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.state()
                return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("the sandbox did not start") from None
                time.sleep(0.1)

    def state(self) -> dict:
        with urllib.request.urlopen(self.url + "/_control/state", timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def django_setup(database_url: str, extra_env: dict[str, str] | None = None) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")
    os.environ["DVCTT_LOG_LEVEL"] = "WARNING"
    os.environ.update(extra_env or {})
    import django

    django.setup()


def load_fixtures() -> None:
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from dvctt.accounts.models import Role, User
    from dvctt.agencies.models import Unit, UnitLevel
    from dvctt.calendar.selectors import working_calendar_cache_clear
    from dvctt.calendar.services import calendar_year_seed
    from dvctt.catalog.services import procedure_version_create

    for year in range(2024, date.today().year + 2):
        calendar_year_seed(year=year)
    working_calendar_cache_clear()
    unit = Unit.objects.create(
        code="000.00.12.H38", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )
    procedure_version_create(
        code="1.001193",
        valid_from=date(2020, 1, 1),
        name="Đăng ký khai sinh",
        unit_codes=[unit.code],
        online_level=4,
        eligible_full_process=True,
        integrated_national=True,
        time_limit=3,
        time_limit_unit="ngay_lam_viec",
        eform=[
            {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
            {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
        ],
        fees=[{"name": "Lệ phí", "amount": 8000}],
    )
    for username, role in (
        ("motcua", Role.ONE_STOP_OFFICER),
        ("chuyenvien", Role.SPECIALIST),
        ("lanhdao", Role.UNIT_LEADER),
    ):
        User.objects.create_user(
            username=username, password="Bench-Pass-2025", role=role, unit=unit, full_name=username.title()
        )
    User.objects.create_user(
        username="bench", password="Bench-Pass-2025", role=Role.CITIZEN, full_name="Nguyễn Văn An"
    )
    User.objects.create_user(username="giamsat", password="Bench-Pass-2025", role=Role.MONITOR)


def people():
    from dvctt.accounts.models import User

    return tuple(User.objects.get(username=n) for n in ("bench", "motcua", "chuyenvien"))


def submit(citizen):
    from dvctt.dossiers import services

    return services.dossier_submit(
        actor=citizen,
        submission=services.Submission(
            procedure_code="1.001193",
            unit_code="000.00.12.H38",
            channel=2,
            applicant=services.Applicant(
                name="Nguyễn Văn An", id_number="020199001234", email="an@example.vn"
            ),
            form_data={"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "01/02/2025"},
        ),
    )


def make_dossiers(n: int) -> list[int]:
    """N dossiers received and forwarded: two outbox messages each when the sync is on."""
    from dvctt.dossiers import services

    citizen, one_stop, specialist = people()
    ids = []
    for _ in range(n):
        dossier = submit(citizen)
        services.dossier_receive(dossier_id=dossier.pk, actor=one_stop)
        services.dossier_forward(dossier_id=dossier.pk, actor=one_stop, assignee=specialist)
        ids.append(dossier.pk)
    return ids


def summary_ms(times: list[float]) -> dict:
    ordered = sorted(times)
    return {
        "n": len(ordered),
        "median_ms": round(statistics.median(ordered) * 1000, 3),
        "p95_ms": round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 3),
    }


# --- overhead -------------------------------------------------------------------------------------------------


def bench_overhead(args) -> dict:
    from django.conf import settings

    from dvctt.dossiers import services
    from dvctt.outbox.models import Message

    citizen, one_stop, specialist = people()
    results: dict = {}
    # Warm up both paths (query plans, caches), then alternate rounds so that load drifts hit both alike.
    rounds = {"off": {"receive": [], "forward": []}, "on": {"receive": [], "forward": []}}
    per_round = 50
    for round_no in range(-1, max(1, args.n // per_round)):
        for mode in ("off", "on"):
            settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = "adapter" if mode == "on" else ""
            dossiers = [submit(citizen) for _ in range(per_round if round_no >= 0 else 10)]
            for dossier in dossiers:
                started = time.perf_counter()
                services.dossier_receive(dossier_id=dossier.pk, actor=one_stop)
                receive = time.perf_counter() - started
                started = time.perf_counter()
                services.dossier_forward(dossier_id=dossier.pk, actor=one_stop, assignee=specialist)
                forward = time.perf_counter() - started
                if round_no >= 0:
                    rounds[mode]["receive"].append(receive)
                    rounds[mode]["forward"].append(forward)
    for mode, moves in rounds.items():
        results[mode] = {move: summary_ms(times) for move, times in moves.items()}
    results["added_median_ms"] = {
        move: round(results["on"][move]["median_ms"] - results["off"][move]["median_ms"], 3)
        for move in ("receive", "forward")
    }
    results["messages_written"] = Message.objects.count()
    return results


# --- throughput -----------------------------------------------------------------------------------------------


def bench_throughput(args) -> dict:
    from dvctt.outbox.models import Message, MessageState
    from dvctt.outbox.services import messages_send
    from dvctt.outbox.services import transport_set_paused as paused

    paused(system=SYSTEM, paused=True)  # written, not sent, while the dossiers are made
    started = time.perf_counter()
    make_dossiers(args.n)
    made = time.perf_counter() - started
    total = Message.objects.filter(system=SYSTEM).count()
    paused(system=SYSTEM, paused=False)
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    sent = 0
    while True:
        report = messages_send(system=SYSTEM, max_seconds=600)
        sent += report.sent
        if not Message.objects.filter(system=SYSTEM, state__in=[MessageState.PENDING, MessageState.SENDING]):
            break
    if profiler:
        profiler.disable()
    elapsed = time.perf_counter() - started
    state = args.sandbox.state()
    result = {
        "dossiers": args.n,
        "made_in_s": round(made, 1),
        "messages": total,
        "sent": sent,
        "seconds": round(elapsed, 2),
        "messages_per_second": round(sent / elapsed, 1),
        "portal_requests": state["requests"],
        "requests_per_message": round(state["requests"] / max(1, sent), 2),
        "portal_records": len(state["records"]),
        "portal_progress_items": len(state["progress"]),
        "portal_rejected": len(state["rejected"]),
        "not_sent": Message.objects.exclude(state=MessageState.SENT).count(),
    }
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(35)
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(20)
        print(out.getvalue())
    return result


# --- backlog --------------------------------------------------------------------------------------------------

BACKLOG_SQL = """
INSERT INTO outbox_message (system, operation, key, ref, payload, state, attempts, next_attempt_at, step,
                            last_error, last_answer, created_at)
SELECT %(system)s, 'update', d.code, e.id, jsonb_build_object('action', e.action, 'seq', e.seq), 'pending', 0,
       now(), 0, '', '', now()
FROM generate_series(0, %(n)s - 1) AS g(i)
JOIN (SELECT code, id, row_number() OVER (ORDER BY id) - 1 AS k FROM dossiers_dossier
      WHERE received_at IS NOT NULL) AS d ON d.k = g.i %% %(dossiers)s
JOIN dossiers_dossierevent e ON e.dossier_id = d.id AND e.action = 'forward'
ORDER BY g.i
"""


class PageTimer(threading.Thread):
    """Fetches the pages one after another with a signed-in session, recording each time, until stopped."""

    def __init__(self, base: str, cookie: str, urls: dict[str, str]) -> None:
        super().__init__(daemon=True)
        self.base, self.cookie, self.urls = base, cookie, urls
        self.times: dict[str, list[float]] = {name: [] for name in urls}
        self.errors = 0
        self.stop = threading.Event()

    def fetch(self, url: str) -> float:
        request = urllib.request.Request(self.base + url, headers={"Cookie": self.cookie})
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            assert response.status == 200, response.status
        return time.perf_counter() - started

    def run(self) -> None:
        while not self.stop.is_set():
            for name, url in self.urls.items():
                try:
                    self.times[name].append(self.fetch(url))
                except OSError:
                    self.errors += 1
                # A person reads between clicks: one page every ~0.2 s keeps the load of a few officers.
                self.stop.wait(0.2)

    def take(self) -> dict[str, list[float]]:
        taken = self.times
        self.times = {name: [] for name in self.urls}
        return taken


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return round(ordered[max(0, int(len(ordered) * 0.95) - 1)] * 1000, 1) if ordered else float("nan")


def bench_backlog(args, database_url: str) -> dict:
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from dvctt.outbox.models import Message, MessageState

    Message.objects.all().delete()
    with connection.cursor() as cursor:
        started = time.perf_counter()
        cursor.execute(BACKLOG_SQL, {"system": SYSTEM, "n": args.messages, "dossiers": args.dossiers})
        built = time.perf_counter() - started
        cursor.execute("ANALYZE outbox_message")
    total = Message.objects.filter(state=MessageState.PENDING).count()
    print(f"backlog: {total} messages built with one INSERT … SELECT in {built:.1f} s", flush=True)
    # A session cookie for a province-wide monitor (inbox and dashboard), read from a signed-in test client (same database).
    client = Client()
    client.force_login(get_user_model().objects.get(username="giamsat"))
    cookie = "; ".join(f"{k}={v.value}" for k, v in client.cookies.items())
    code = Message.objects.values_list("key", flat=True).first()
    urls = {"inbox": "/mot-cua/", "dashboard": "/theo-doi/", "tracking": f"/tra-cuu/?ma={code}"}
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "DVCTT_LOG_LEVEL": "WARNING"}
    env.update(portal_env(args.sandbox.url))
    # One client address fetching the public tracking page in a loop is not someone guessing codes.
    env["DVCTT_TRACK_THROTTLE_LIMIT"] = "1000000"
    web = subprocess.Popen(
        [
            str(ROOT / ".venv/bin/gunicorn"),
            "dvctt.wsgi",
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{port}",
            "--log-level=warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    worker = None
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=1).read()
                break
            except OSError:
                time.sleep(0.1)
        timer = PageTimer(base, cookie, urls)
        for url in urls.values():  # each page answers (a wrong address would measure an error page)
            timer.fetch(url)
        timer.start()
        time.sleep(args.before_seconds)
        before = timer.take()
        worker = subprocess.Popen(
            [
                *DVCTT,
                "outbox_send",
                "--system",
                SYSTEM,
                "--loop",
                "0.5",
                "--until-idle",
                "--max-seconds",
                str(args.minutes * 60),
                "--nice",
                str(args.nice),
                "--max-rate",
                str(args.max_rate),
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        started = time.monotonic()
        samples = []
        while worker.poll() is None and time.monotonic() - started < args.minutes * 60 + 30:
            time.sleep(5)
            sent = Message.objects.filter(state=MessageState.SENT).count()
            samples.append((round(time.monotonic() - started, 1), sent))
            print(f"  {samples[-1][0]:6.1f} s: {sent} sent", flush=True)
        if worker.poll() is None:
            worker.terminate()
        worker.wait(timeout=60)
        elapsed = time.monotonic() - started
        during = timer.take()
        timer.stop.set()
        timer.join(timeout=30)
        sent = Message.objects.filter(state=MessageState.SENT).count()
        rate = sent / elapsed
        return {
            "messages": total,
            "dossiers": args.dossiers,
            "built_in_s": round(built, 1),
            "sent": sent,
            "drain_seconds": round(elapsed, 1),
            "drain_rate_per_second": round(rate, 1),
            "drained": sent == total,
            "full_drain_seconds": round(elapsed if sent == total else total / rate, 1),
            "full_drain_extrapolated": sent != total,
            "page_errors": timer.errors,
            "pages": {
                name: {
                    "before_p95_ms": p95(before[name]),
                    "during_p95_ms": p95(during[name]),
                    "before_median_ms": round(statistics.median(before[name]) * 1000, 1),
                    "during_median_ms": round(statistics.median(during[name]) * 1000, 1),
                    "samples": (len(before[name]), len(during[name])),
                    "ratio_p95": round(p95(during[name]) / p95(before[name]), 2),
                }
                for name in urls
            },
            "progress": samples,
        }
    finally:
        if worker is not None and worker.poll() is None:
            worker.kill()
        web.terminate()
        web.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("what", choices=["overhead", "throughput", "backlog"])
    parser.add_argument("--postgres", action="store_true")
    parser.add_argument("-n", type=int, default=None)
    parser.add_argument("--transport", choices=["adapter", "gateway"], default="adapter")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--dossiers", type=int, default=300)
    parser.add_argument("--minutes", type=float, default=3.0)
    parser.add_argument("--before-seconds", type=float, default=45.0)
    parser.add_argument("--nice", type=int, default=10, help="the backlog worker's nice value")
    parser.add_argument("--max-rate", type=float, default=0, help="the worker's --max-rate (0: no cap)")
    args = parser.parse_args()
    if args.what == "backlog":
        args.postgres = True
        # gunicorn serves the pages with the hashed static files' manifest, as in production
        os.environ["DVCTT_STATIC_ROOT"] = tempfile.mkdtemp(prefix="dvctt-static-")
    database_url = setup_database(args.postgres)
    args.sandbox = SandboxProcess() if args.what != "overhead" else None
    try:
        env = portal_env(args.sandbox.url if args.sandbox else "http://127.0.0.1:9", args.transport)
        django_setup(database_url, env)
        load_fixtures()
        from django.db import connection

        if args.what == "overhead":
            args.n = args.n or 500
            result = bench_overhead(args)
        elif args.what == "throughput":
            args.n = args.n or 600
            result = bench_throughput(args)
        else:
            from django.core.management import call_command

            call_command("collectstatic", verbosity=0, interactive=False)
            started = time.perf_counter()
            from dvctt.outbox.services import transport_set_paused

            transport_set_paused(system=SYSTEM, paused=True)
            make_dossiers(args.dossiers)
            # The dossiers' own messages go first: the portal must know a dossier before its updates.
            transport_set_paused(system=SYSTEM, paused=False)
            from dvctt.outbox.services import messages_send

            while messages_send(system=SYSTEM, max_seconds=600).sent:
                pass
            print(f"{args.dossiers} dossiers made and synced in {time.perf_counter() - started:.1f} s")
            result = bench_backlog(args, database_url)
        result = {"what": args.what, "database": connection.vendor, "load": os.getloadavg(), **result}
        print(json.dumps(result, indent=1, ensure_ascii=False))
    finally:
        if args.sandbox:
            args.sandbox.stop()


if __name__ == "__main__":
    main()
