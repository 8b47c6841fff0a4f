"""A Redis server of the tests' own (a free loopback port, no persistence), the platform's RQ backend pointed at
it, an SMTP server on loopback that can refuse or hang, and RQ workers as real processes (``dvctt tasks_worker``)."""

from __future__ import annotations

import os
import shutil
import socket
import socketserver
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.db import connection

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures
from dvctt.portal.tests.conftest import online_procedure  # noqa: F401 - the portal's procedure fixture

ROOT = Path(__file__).resolve().parents[3]
QUEUES = ["default", "notifications", "sync", "rollups"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RedisServer:
    def __init__(self, binary: str) -> None:
        self.binary = binary
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/13"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(  # noqa: S603 - the machine's redis-server
            [
                self.binary,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                redis.Redis.from_url(self.url).ping()
                return
            except redis.ConnectionError:
                assert time.monotonic() < deadline, "redis-server did not start"
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait(timeout=10)
            self.process = None

    def client(self) -> redis.Redis:
        return redis.Redis.from_url(self.url)


@pytest.fixture(scope="session")
def redis_binary() -> str:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("DVCTT_REQUIRE_REDIS") == "1":
            pytest.fail("redis-server is required (DVCTT_REQUIRE_REDIS=1) but is not installed")
        pytest.skip("REDIS TESTS SKIPPED: no redis-server on this machine (apt-get install redis-server)")
    return binary


@pytest.fixture
def redis_server(redis_binary: str) -> Iterator[RedisServer]:
    server = RedisServer(redis_binary)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def rq_backend(settings, redis_server: RedisServer) -> RedisServer:
    """This process queues through the RQ backend into the tests' Redis (as ``DVCTT_TASKS=rq`` does)."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": QUEUES}}
    url = redis_server.url + "?socket_connect_timeout=2"
    settings.RQ_QUEUES = {name: {"URL": url, "DEFAULT_TIMEOUT": 60} for name in QUEUES}
    settings.RQ = {"QUEUE_CLASS": "dvctt.taskspool.rq.Queue"}
    settings.DVCTT_TASKS_RQ_RETRY_INTERVALS = [0]
    return redis_server


class SmtpServer(socketserver.ThreadingTCPServer):
    """Speaks enough SMTP for Django's backend. ``refuse`` > 0: that many sessions get ``451`` to MAIL FROM;
    ``hang`` > 0: that many sessions get no greeting until the test releases them."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), SmtpHandler)
        self.port = self.server_address[1]
        self.messages: list[bytes] = []
        self.refuse = 0
        self.refused = 0
        self.hang = 0
        self.hanging = threading.Event()
        self.release = threading.Event()
        self.lock = threading.Lock()


class SmtpHandler(socketserver.StreamRequestHandler):
    server: SmtpServer

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        server = self.server
        with server.lock:
            hang = server.hang > 0
            server.hang -= int(hang)
        if hang:
            server.hanging.set()
            server.release.wait(60)
            return
        self.reply("220 sandbox ESMTP")
        data: list[bytes] | None = None
        while line := self.rfile.readline():
            if data is not None:
                if line in (b".\r\n", b".\n"):
                    with server.lock:
                        server.messages.append(b"".join(data))
                    data = None
                    self.reply("250 queued")
                else:
                    data.append(line)
                continue
            verb = line[:4].upper()
            if verb == b"EHLO":
                self.reply("250 sandbox")
            elif verb == b"MAIL":
                with server.lock:
                    refuse = server.refuse > 0
                    server.refuse -= int(refuse)
                    server.refused += int(refuse)
                self.reply("451 4.3.0 try again later" if refuse else "250 ok")
            elif verb == b"RCPT":
                self.reply("250 ok")
            elif verb == b"DATA":
                data = []
                self.reply("354 go on")
            elif verb == b"QUIT":
                self.reply("221 bye")
                return
            else:  # HELO, RSET, NOOP
                self.reply("250 ok")


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


class WorkerDatabase:
    """The test database as a worker process sees it. PostgreSQL: the test database itself. SQLite: the test
    database lives in this process's memory, so ``push`` copies it to a file for the worker (SQLite's backup API)
    and ``pull`` copies the file back once the worker is done."""

    def __init__(self, path: Path) -> None:
        db = connection.settings_dict
        self.sqlite = connection.vendor == "sqlite"
        self.memory = self.sqlite and (
            "mode=memory" in str(db["NAME"]) or str(db["NAME"]) in ("", ":memory:")
        )
        if not self.sqlite:
            self.url = f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        else:
            self.path = path if self.memory else Path(str(db["NAME"]))
            self.url = f"sqlite:///{self.path}"

    def push(self) -> None:
        if self.memory:
            connection.ensure_connection()
            target = sqlite3.connect(self.path)
            connection.connection.backup(target)
            target.close()

    def pull(self) -> None:
        if self.memory:
            source = sqlite3.connect(self.path)
            source.backup(connection.connection)
            source.close()


@pytest.fixture
def worker_db(tmp_path: Path) -> WorkerDatabase:
    return WorkerDatabase(tmp_path / "worker.sqlite3")


def worker_env(
    redis_server: RedisServer, database: WorkerDatabase, smtp: SmtpServer | None = None, **extra: str
) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": database.url,
        "DVCTT_TESTING": "1",
        "DVCTT_TASKS": "rq",
        "DVCTT_TASKS_IMMEDIATE": "0",
        "DVCTT_REDIS_URL": redis_server.url,
        "DVCTT_TASKS_RQ_RETRY_INTERVALS": "0",
        "DVCTT_NOTIFY_CHANNELS": "email",
    }
    if smtp is not None:
        env.update(
            DVCTT_EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
            DVCTT_EMAIL_HOST="127.0.0.1",
            DVCTT_EMAIL_PORT=str(smtp.port),
        )
    env.update(extra)
    return env


def start_worker(env: dict[str, str], *args: str) -> subprocess.Popen:
    """``dvctt tasks_worker`` in its own process group (killing it kills its work horse too)."""
    return subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "dvctt.manage", "tasks_worker", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def run_burst(env: dict[str, str], database: WorkerDatabase) -> str:
    """A worker until the queues are empty, on the test database (pushed to it and pulled back on SQLite)."""
    database.push()
    worker = start_worker(env, "--burst")
    out, _ = worker.communicate(timeout=120)
    database.pull()
    text = out.decode(errors="replace")
    assert worker.returncode == 0, text
    return text
