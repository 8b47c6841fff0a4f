"""A PayGov sandbox in its own process on a free loopback port, calling back the test's live server."""

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
from typing import Any

import pytest

from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures

ROOT = Path(__file__).resolve().parents[5]
PARTNER = "HCC-LS-TEST"
SECRET = "paygov-test-secret"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Sandbox:
    def __init__(self, url: str) -> None:
        self.url = url

    def _call(self, path: str, body: dict | None = None) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url + path,
            data=None if body is None else json.dumps(body).encode(),
            method="GET" if body is None else "POST",
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return json.loads(response.read())

    def state(self) -> dict[str, Any]:
        return self._call("/_control/state")

    def mode(self, mode: str) -> None:
        self._call("/_control/mode", {"mode": mode})


@pytest.fixture(scope="session")
def paygov_sandbox(live_server: Any) -> Iterator[Sandbox]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [
            sys.executable,
            "-m",
            "dvctt.manage",
            "paygov_sandbox",
            "--port",
            str(port),
            "--partner",
            PARTNER,
            "--secret",
            SECRET,
            "--callback-url",
            f"{live_server.url}/thanh-toan/paygov/ket-qua/",
            "--return-url",
            f"{live_server.url}/thanh-toan/ket-qua/",
        ],
        cwd=ROOT,
        env={**os.environ, "DVCTT_TESTING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    sandbox = Sandbox(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 30
    while True:
        try:
            sandbox.state()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError(
                    f"paygov sandbox did not start: {process.stderr.read().decode()}"
                ) from None
            time.sleep(0.1)
    try:
        yield sandbox
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def paygov_settings(settings: Any, url: str) -> None:
    settings.DVCTT_PAYGOV_URL = url
    settings.DVCTT_PAYGOV_PARTNER = PARTNER
    settings.DVCTT_PAYGOV_SECRET = SECRET


@pytest.fixture
def paygov(paygov_sandbox: Sandbox, settings: Any, procedure: Any) -> Sandbox:
    """PayGov on (pointed at the sandbox, normal mode) and the test procedure routed to it."""
    from dvctt.integrations.payments.models import Gateway, PaymentRoute

    paygov_settings(settings, paygov_sandbox.url + "/api")
    paygov_sandbox.mode("normal")
    PaymentRoute.objects.create(gateway=Gateway.PAYGOV, procedure=procedure.procedure)
    return paygov_sandbox
