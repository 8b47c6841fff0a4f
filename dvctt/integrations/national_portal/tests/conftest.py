"""A national-portal sandbox in its own process on a free loopback port, and the platform pointed at it."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures

ROOT = Path(__file__).resolve().parents[4]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sandbox:
    def __init__(self, url: str, data: Path) -> None:
        self.url = url
        self.data = data

    def _post(self, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url + path, data=json.dumps(body or {}).encode(), method="POST"
        )
        deadline = time.monotonic() + 10  # the sandbox may be "down" for a while
        while True:
            try:
                with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
                    return json.loads(response.read())
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def state(self) -> dict:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_control/state", timeout=5) as response:  # noqa: S310
                    return json.loads(response.read())
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)

    def fault(self, kind: str, **options: object) -> None:
        self._post("/_control/fault", {"kind": kind, **options})

    def expire(self) -> None:
        self._post("/_control/expire")

    def reset(self) -> None:
        self._post("/_control/reset")


@pytest.fixture(scope="session")
def sandbox_process(tmp_path_factory) -> Iterator[Sandbox]:
    port = free_port()
    data = tmp_path_factory.mktemp("portal") / "received.json"
    env = {**os.environ, "DVCTT_TESTING": "1"}
    process = subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-m",
            "dvctt.manage",
            "national_portal_sandbox",
            "--port",
            str(port),
            "--data",
            str(data),
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sandbox = Sandbox(f"http://127.0.0.1:{port}", data)
    deadline = time.monotonic() + 30
    try:
        while True:
            try:
                sandbox.state()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"the sandbox did not start: {process.stderr.read()!r}") from None
                time.sleep(0.1)
        yield sandbox
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@pytest.fixture
def sandbox(sandbox_process: Sandbox) -> Sandbox:
    sandbox_process.reset()
    return sandbox_process


def point_at(settings, sandbox: Sandbox, transport: str) -> None:
    settings.DVCTT_NATIONAL_PORTAL_TRANSPORT = transport
    settings.DVCTT_NATIONAL_PORTAL_ADAPTER_URL = sandbox.url + "/adapter"
    settings.DVCTT_NATIONAL_PORTAL_LOGIN_URL = sandbox.url + "/adapter/login"
    settings.DVCTT_NATIONAL_PORTAL_USERNAME = "dvctt"
    settings.DVCTT_NATIONAL_PORTAL_PASSWORD = "sandbox"
    settings.DVCTT_NATIONAL_PORTAL_UNIT_CODE = "000.00.00.H38"
    settings.DVCTT_NATIONAL_PORTAL_DSTCODE = "DVCQG"
    settings.DVCTT_NATIONAL_PORTAL_TOKEN_URL = sandbox.url + "/gateway/token"
    settings.DVCTT_NATIONAL_PORTAL_CLIENT_ID = "dvctt"
    settings.DVCTT_NATIONAL_PORTAL_CLIENT_SECRET = "sandbox"
    settings.DVCTT_NATIONAL_PORTAL_CREATE_URL = sandbox.url + "/gateway/hoso/them"
    settings.DVCTT_NATIONAL_PORTAL_UPDATE_URL = sandbox.url + "/gateway/hoso/capnhat"
    settings.DVCTT_NATIONAL_PORTAL_PROGRESS_URL = sandbox.url + "/gateway/tiendo"
    settings.DVCTT_NATIONAL_PORTAL_LOOKUP_URL = sandbox.url + "/gateway/tracuu"
    settings.DVCTT_NATIONAL_PORTAL_TIMEOUT = 2.0
    settings.DVCTT_OUTBOX_MAX_ATTEMPTS = 4
    settings.DVCTT_OUTBOX_BACKOFF_SECONDS = 0.05
    settings.DVCTT_OUTBOX_BACKOFF_MAX_SECONDS = 0.2


@pytest.fixture(params=["adapter", "gateway"])
def portal(request, settings, sandbox) -> Sandbox:
    """The platform synced to the sandbox, through each transport in turn."""
    point_at(settings, sandbox, request.param)
    return sandbox


@pytest.fixture
def adapter_portal(settings, sandbox) -> Sandbox:
    point_at(settings, sandbox, "adapter")
    return sandbox
