"""The database restarts in the middle of submissions: clients get a clear error, nothing is half-written, the
next request works (docs/operations.md, "Faults").

A real gunicorn (two workers, four threads each, persistent connections with health checks) serves the test
database. Citizens submit dossiers through the API from several threads, with an idempotency key each
(``client_key``), and an officer receives them. Meanwhile the database "restarts" as the platform sees it: every
connection to it is terminated over and over (``pg_terminate_backend``), then new connections are refused for
two seconds (``ALLOW_CONNECTIONS false``) while the old ones are terminated again — restarting the shared
cluster itself would hit every other database of the machine.

Every answer must be a success or the clear 503 (the API's error shape, a Vietnamese message, ``Retry-After``;
the platform's own page for a browser), never a 500; each client retries with the same key after a 503. Then:
exactly one dossier per key, each with its submission event, codes gapless per (unit, day) counter, each
received dossier with its receipt event and its one outbox message for the national portal (written in the
same transaction); and the next requests work.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone
from psycopg import sql

from dvctt.accounts.models import Role, User

ROOT = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
PASSWORD = "x-Pass-1234"
UNIT = "000.00.12.H38"
PROCEDURE = "1.001193"
CITIZENS = 3
FAULT_SECONDS = 2.0  # terminating every connection, again and again
REFUSAL_SECONDS = 2.0  # then refusing new connections

pytestmark = [
    pytest.mark.postgres_only,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="terminates PostgreSQL backends"),
    pytest.mark.django_db(transaction=True),
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _url(name: str) -> str:
    db = connection.settings_dict
    auth = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        auth += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


@pytest.fixture
def platform(transactional_db: Any) -> dict[str, Any]:
    from dvctt.agencies.models import Unit, UnitLevel
    from dvctt.calendar.selectors import working_calendar_cache_clear
    from dvctt.calendar.services import calendar_year_seed
    from dvctt.catalog.services import procedure_version_create

    today = timezone.localdate()
    for year in (today.year - 1, today.year, today.year + 1):
        calendar_year_seed(year=year)
    working_calendar_cache_clear()
    unit = Unit.objects.create(
        code=UNIT, name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )
    procedure_version_create(
        code=PROCEDURE,
        valid_from=date(2020, 1, 1),
        name="Đăng ký khai sinh",
        unit_codes=[unit.code],
        online_level=4,
        eligible_full_process=True,
        integrated_national=True,
        time_limit=3,
        time_limit_unit="ngay_lam_viec",
        result_is_document=True,
        eform=[{"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True}],
    )
    citizens = [
        User.objects.create_user(
            username=f"congdan{i}", password=PASSWORD, role=Role.CITIZEN, full_name=f"Dân {i}"
        )
        for i in range(CITIZENS)
    ]
    officer = User.objects.create_user(
        username="motcua", password=PASSWORD, role=Role.ONE_STOP_OFFICER, unit=unit, full_name="Một Cửa"
    )
    return {"citizens": citizens, "officer": officer}


@pytest.fixture
def server(platform: dict[str, Any], tmp_path: Path) -> Any:
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": _url(connection.settings_dict["NAME"]),
        "DVCTT_TESTING": "1",
        # Persistent connections, checked before reuse (the production setting): the case a restart breaks.
        "DVCTT_DB_CONN_MAX_AGE": "60",
        "DVCTT_LOG_LEVEL": "ERROR",
        "DVCTT_MEDIA_ROOT": str(tmp_path / "media"),
        # The national portal configured (never called: no sender runs): a receipt writes its outbox message.
        "DVCTT_NATIONAL_PORTAL_TRANSPORT": "adapter",
        "DVCTT_NATIONAL_PORTAL_ADAPTER_URL": "http://127.0.0.1:9/adapter",
        "DVCTT_NATIONAL_PORTAL_LOGIN_URL": "http://127.0.0.1:9/adapter/login",
    }
    # The server's log goes to a file: a pipe nobody reads would fill up with the 503s' log lines and block it.
    log = (tmp_path / "gunicorn.log").open("wb")
    process = subprocess.Popen(  # noqa: S603 - our own server, fixed arguments
        [str(BIN / "gunicorn"), "dvctt.wsgi", "-w", "2", "--threads", "4", "-b", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(600):
            assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()[-3000:]
            try:
                urllib.request.urlopen(f"{base}/healthz", timeout=2).read()  # noqa: S310 - loopback
                break
            except OSError:
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str]


def _call(base: str, path: str, *, user: User | None, data: dict | None = None, html: bool = False) -> Answer:
    headers = {"Accept": "text/html" if html else "application/json"}
    if user is not None:
        headers["Authorization"] = (
            "Basic " + base64.b64encode(f"{user.username}:{PASSWORD}".encode()).decode()
        )
    body = None
    if data is not None:
        body = json.dumps(data).encode()
        headers["Content-Type"] = "application/json"
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + path, data=body, headers=headers, method="POST" if data else "GET"
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback
            return Answer(response.status, response.read(), dict(response.headers))
    except urllib.error.HTTPError as error:
        return Answer(error.code, error.read(), dict(error.headers))
    except OSError as error:  # no answer at all (reset, timed out): status 0, reported by the test
        return Answer(0, repr(error).encode(), {})


@dataclass
class Log:
    answers: list[tuple[str, Answer]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, what: str, answer: Answer) -> None:
        with self.lock:
            self.answers.append((what, answer))


def _submit_until_done(base: str, citizen: User, key: str, log: Log, deadline: float) -> str:
    """One logical submission: the same key again after each 503, until a 201."""
    payload = {
        "procedure_code": PROCEDURE,
        "unit_code": UNIT,
        "channel": 2,
        "applicant_name": citizen.full_name,
        "form_data": {"ho_ten_tre": "Nguyễn Văn Bình"},
        "client_key": key,
    }
    while time.monotonic() < deadline:
        answer = _call(base, "/api/v1/dossiers/", user=citizen, data=payload)
        log.add("submit", answer)
        if answer.status == 201:
            return json.loads(answer.body)["code"]
        time.sleep(0.05)
    raise AssertionError(f"submission {key} never succeeded")


def _receive_until_done(base: str, officer: User, code: str, log: Log, deadline: float) -> None:
    """The officer's receipt, again after each 503; a 409 means an earlier try did commit (the answer was lost)."""
    while time.monotonic() < deadline:
        answer = _call(
            base, f"/api/v1/dossiers/{code}/actions/receive/", user=officer, data={"note": "tiếp nhận"}
        )
        log.add("receive", answer)
        if answer.status == 200:
            return
        if answer.status == 409 and json.loads(answer.body)["error"]["code"] == "illegal_transition":
            return
        time.sleep(0.05)
    raise AssertionError(f"receipt of {code} never succeeded")


def _restart_the_database(name: str, faults: list[str]) -> None:
    """Terminate every connection to ``name`` again and again, then refuse new ones for a while."""
    with psycopg.connect(_url("postgres"), autocommit=True) as admin:
        terminate = (
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()"
        )
        until = time.monotonic() + FAULT_SECONDS
        while time.monotonic() < until:
            faults.append(f"terminated {admin.execute(terminate, [name]).fetchone()[0]}")  # type: ignore[index]
            time.sleep(0.1)
        quoted = sql.Identifier(name)
        try:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS false").format(quoted))
            faults.append(f"terminated {admin.execute(terminate, [name]).fetchone()[0]} and refusing")  # type: ignore[index]
            time.sleep(REFUSAL_SECONDS)
        finally:
            admin.execute(sql.SQL("ALTER DATABASE {} ALLOW_CONNECTIONS true").format(quoted))


def _is_clear_503(answer: Answer) -> bool:
    if answer.status != 503 or "Retry-After" not in answer.headers:
        return False
    error = json.loads(answer.body)["error"]
    return error["code"] == "database_unavailable" and "thử lại" in error["message"]


def test_a_database_restart_mid_submission(server: str, platform: dict[str, Any], tmp_path: Path) -> None:
    from dvctt.dossiers.models import Dossier, DossierEvent, DossierSequence
    from dvctt.outbox.models import Message

    base, officer = server, platform["officer"]
    name = connection.settings_dict["NAME"]
    log, faults, codes, keys = Log(), [], [], []
    pages: list[Answer] = []
    stop = threading.Event()
    deadline = time.monotonic() + 120

    crashed: list[str] = []

    def reporting(loop: Any) -> Any:
        def run(*args: Any) -> None:
            try:
                loop(*args)
            except BaseException as exc:
                crashed.append(repr(exc))
                raise

        return run

    def citizen_loop(index: int) -> None:
        citizen = platform["citizens"][index]
        number = 0
        while not stop.is_set():
            key = f"c{index}-{number}"
            code = _submit_until_done(base, citizen, key, log, deadline)
            with log.lock:
                keys.append(key)
                codes.append(code)
            number += 1

    def officer_loop() -> None:
        done = 0
        while not stop.is_set() or done < len(codes):
            if done < len(codes):
                _receive_until_done(base, officer, codes[done], log, deadline)
                done += 1
            else:
                time.sleep(0.02)

    def browser_loop() -> None:
        while not stop.is_set():
            pages.append(_call(base, "/thu-tuc/?q=khai+sinh", user=None, html=True))
            time.sleep(0.1)

    threads = [threading.Thread(target=reporting(citizen_loop), args=(i,)) for i in range(CITIZENS)]
    threads += [
        threading.Thread(target=reporting(officer_loop)),
        threading.Thread(target=reporting(browser_loop)),
    ]
    for thread in threads:
        thread.start()
    try:
        time.sleep(1.5)  # submissions under way
        _restart_the_database(name, faults)
        time.sleep(1.5)  # and going on once it is back
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=150)
    connection.close()  # the test's own connection was terminated too

    assert not crashed, crashed
    statuses = Counter((what, answer.status) for what, answer in log.answers)
    # The fault was met, and answered clearly: nothing but successes and 503s in the API's shape.
    assert statuses[("submit", 503)] + statuses[("receive", 503)] > 0, (statuses, faults)
    unclear = [(what, a.status, a.body[:300]) for what, a in log.answers if a.status not in (200, 201, 409)]
    assert all(_is_clear_503(a) for _w, a in log.answers if a.status not in (200, 201, 409)), unclear
    conflicts = [a for what, a in log.answers if a.status == 409]
    assert all(json.loads(a.body)["error"]["code"] == "illegal_transition" for a in conflicts)
    # Pages: the portal or the platform's own 503 page, never a 500.
    assert {page.status for page in pages} <= {200, 503}, Counter(page.status for page in pages)
    for page in pages:
        if page.status == 503:
            assert "Hệ thống tạm thời gián đoạn" in page.body.decode() and "Retry-After" in page.headers

    server_log = (tmp_path / "gunicorn.log").read_text(encoding="utf-8", errors="replace")
    assert "Internal Server Error" not in server_log and "WORKER TIMEOUT" not in server_log, server_log[
        -3000:
    ]

    # Exactly one dossier per key, each complete.
    dossiers = list(Dossier.objects.order_by("code"))
    assert sorted(d.client_key for d in dossiers) == sorted(keys)
    assert sorted(d.code for d in dossiers) == sorted(codes)
    events = Counter(DossierEvent.objects.values_list("dossier_id", "action"))
    for dossier in dossiers:
        assert events[(dossier.pk, "submit")] == 1, dossier.code
        assert events[(dossier.pk, "receive")] == 1, dossier.code
        assert dossier.status == 2 and dossier.received_at is not None
    # Codes gapless per (unit, day) counter.
    for counter in DossierSequence.objects.all():
        prefix = f"{counter.unit_code}-{counter.day:%y%m%d}-"
        numbers = sorted(int(d.code.removeprefix(prefix)) for d in dossiers if d.code.startswith(prefix))
        assert numbers == list(range(1, counter.last + 1)), (prefix, numbers, counter.last)
    # One outbox message per receipt, for its event.
    receipts = dict(DossierEvent.objects.filter(action="receive").values_list("pk", "dossier__code"))
    messages = list(Message.objects.filter(system="national_portal").values_list("ref", "key", "operation"))
    assert sorted(messages) == sorted((ref, code, "create") for ref, code in receipts.items())

    # The next requests work.
    health = _call(base, "/healthz", user=None)
    assert health.status == 200, health.body
    after = _submit_until_done(base, platform["citizens"][0], "after", Log(), time.monotonic() + 10)
    assert Dossier.objects.filter(code=after, client_key="after").exists()
