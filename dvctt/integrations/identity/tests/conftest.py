"""The identity sandbox in its own process on a free loopback port, and the platform pointed at it."""

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

from dvctt.portal.tests.conftest import *  # noqa: F403 - the dossier and portal fixtures

ROOT = Path(__file__).resolve().parents[4]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Provider:
    def __init__(self, url: str) -> None:
        self.url = url

    def _post(self, path: str, body: dict | None = None) -> dict:
        request = urllib.request.Request(  # noqa: S310 - loopback
            self.url + path, data=json.dumps(body or {}).encode(), method="POST"
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback
            return json.loads(response.read())

    def state(self) -> dict:
        with urllib.request.urlopen(self.url + "/_control/state", timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    def fault(self, kind: str, times: int = 1) -> None:
        self._post("/_control/fault", {"kind": kind, "times": times})

    def code_ttl(self, seconds: float) -> None:
        self._post("/_control/settings", {"code_ttl": seconds})

    def reset(self) -> None:
        self._post("/_control/reset")


@pytest.fixture(scope="session")
def provider_process() -> Iterator[Provider]:
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "dvctt.manage", "identity_sandbox", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "DVCTT_TESTING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    provider = Provider(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                provider.state()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(
                        f"the identity sandbox did not start: {process.stderr.read()!r}"
                    ) from None
                time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def point_at(settings, url: str, *, discovery: bool = True) -> None:
    from django.core.cache import cache

    cache.clear()  # discovery and JWKS are cached
    settings.DVCTT_IDENTITY_ISSUER = url
    settings.DVCTT_IDENTITY_AUTHORIZE_URL = "" if discovery else url + "/oauth2/authorize"
    settings.DVCTT_IDENTITY_TOKEN_URL = "" if discovery else url + "/oauth2/token"
    settings.DVCTT_IDENTITY_USERINFO_URL = "" if discovery else url + "/oauth2/userinfo"
    settings.DVCTT_IDENTITY_JWKS_URL = "" if discovery else url + "/oauth2/jwks"
    settings.DVCTT_IDENTITY_CLIENT_ID = "dvctt"
    settings.DVCTT_IDENTITY_CLIENT_SECRET = "sandbox"
    settings.DVCTT_IDENTITY_SCOPE = "openid"
    settings.DVCTT_IDENTITY_ACR_VALUES = "LoA1"
    settings.DVCTT_IDENTITY_TIMEOUT = 3.0


@pytest.fixture
def provider(provider_process: Provider, settings) -> Provider:
    """The platform signed in through the sandbox (endpoints from its discovery document)."""
    provider_process.reset()
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    point_at(settings, provider_process.url)
    return provider_process
