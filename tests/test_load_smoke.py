"""The load test's locustfile runs for a few seconds against a real gunicorn on loopback, without a failure.

A guard for ``bench/locust/locustfile.py`` (docs/benchmarks.md, "A morning at the counter"): every simulated role
signs in and uses its pages; a page that starts failing (a 500, a refused CSRF token, a moved URL) fails this
test. The figures themselves come from ``bench/bench_load.py``; this run is too short and small to measure.
"""

from __future__ import annotations

import csv
import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from datetime import date
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNIT = "000.00.03.H38"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url(tmp_path: Path) -> str:
    """The test database as another process reaches it: PostgreSQL's test database, or on SQLite a file copy of
    the in-memory one (SQLite's backup API)."""
    db = connection.settings_dict
    if connection.vendor != "sqlite":
        password = db["PASSWORD"] or ""
        return f"postgres://{db['USER']}:{password}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    name = str(db["NAME"])
    if "mode=memory" not in name and name not in ("", ":memory:"):
        return f"sqlite:///{name}"
    path = tmp_path / "server.sqlite3"
    connection.ensure_connection()
    target = sqlite3.connect(path)
    connection.connection.backup(target)
    target.close()
    return f"sqlite:///{path}"


@pytest.fixture
def morning(transactional_db, tmp_path):
    from bench.locust.fixtures import prepare
    from dvctt.agencies.models import Unit, UnitLevel
    from dvctt.calendar.services import calendar_year_seed
    from dvctt.dossiers import services

    for year in range(date.today().year - 1, date.today().year + 2):
        calendar_year_seed(year=year)
    Unit.objects.create(code=UNIT, name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1))
    fixture = prepare(unit_code=UNIT, citizens=6, officers=3, specialists=1, leaders=1)
    from dvctt.accounts.models import User

    citizen = User.objects.get(username=fixture["citizens"][0])
    for key in ("a", "b", "c"):  # work waiting at the counter
        services.dossier_submit(
            actor=citizen,
            submission=services.Submission(
                procedure_code=fixture["procedure_code"],
                unit_code=UNIT,
                channel=2,
                applicant=services.Applicant(name="Nguyễn Văn An"),
                form_data=dict(fixture["form"]),
                client_key=key,
            ),
        )
    path = tmp_path / "fixture.json"
    path.write_text(json.dumps(fixture, ensure_ascii=False), encoding="utf-8")
    return path, _database_url(tmp_path)


def test_locustfile_runs_a_short_morning_without_failures(morning, tmp_path):
    fixture, database_url = morning
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "DVCTT_TESTING": "1",
        "DVCTT_TRACK_THROTTLE_LIMIT": "0",
        "DVCTT_LOG_LEVEL": "WARNING",
        "DVCTT_LOCUST_FIXTURE": str(fixture),
        "DVCTT_MEDIA_ROOT": str(tmp_path / "media"),
    }
    server = subprocess.Popen(  # noqa: S603
        [str(BIN / "gunicorn"), "dvctt.wsgi", "-w", "1", "--threads", "4", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(300):
            assert server.poll() is None, server.stderr.read().decode()[-3000:] if server.stderr else ""
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        prefix = tmp_path / "smoke"
        locust = subprocess.run(  # noqa: S603
            [
                str(BIN / "locust"),
                "-f",
                str(ROOT / "bench/locust/locustfile.py"),
                "--headless",
                "-u",
                "10",
                "-r",
                "10",
                "--run-time",
                "12s",  # ten Argon2 sign-ins on a busy two-core machine take several seconds before any page
                "--stop-timeout",
                "10",  # a leader's first dashboard, cold on a busy machine, may take seconds: let it finish
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
            capture_output=True,
            timeout=90,
        )
    finally:
        server.terminate()
        server.wait(timeout=15)
    with Path(f"{prefix}_stats.csv").open(encoding="utf-8") as stats:
        rows = {row["Name"]: row for row in csv.DictReader(stats)}
    failures = Path(f"{prefix}_failures.csv").read_text(encoding="utf-8")
    assert int(rows["Aggregated"]["Failure Count"]) == 0, failures
    assert locust.returncode == 0, locust.stderr.decode()[-3000:]
    # Every simulated user signed in, and each role reached its pages
    assert int(rows["sign in"]["Request Count"]) == 10
    citizen_pages = (
        "/thu-tuc/?q=[search]",
        "/thu-tuc/[code]/",
        "apply (POST /api/v1/dossiers/)",
        "/tra-cuu/?ma=[code]",
    )
    officer_pages = ("/mot-cua/ (inbox)", "/api/v1/dossiers/?status=1", "/api/v1/dossiers/?status=2")
    leader_pages = (
        "/theo-doi/ (overview)",
        "/theo-doi/xep-hang/ (ranking)",
        "/theo-doi/giai-thich/[indicator]/",
    )
    for pages in (citizen_pages, officer_pages, leader_pages):
        assert sum(int(rows[p]["Request Count"]) for p in pages if p in rows) > 0, pages
