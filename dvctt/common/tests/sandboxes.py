"""Tests' way to run a sandbox of an outside system: its own process (``dvctt <command> --port N``) on a free
loopback port, driven through its ``/_control/`` endpoints, stopped at the end."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

ROOT = Path(__file__).resolve().parents[3]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class ControlClient:
    """A sandbox's control endpoints: ``state`` (GET) and JSON posts under ``/_control/``."""

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

    def reset(self) -> None:
        self._post("/_control/reset")


Client = TypeVar("Client", bound=ControlClient)


@contextmanager
def sandbox_running(command: str, client_class: type[Client], *args: str) -> Iterator[Client]:
    """``dvctt <command> --port N [args]`` started and answering its state, then stopped."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603 - our own command
        [sys.executable, "-m", "dvctt.manage", command, "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, "DVCTT_TESTING": "1"},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    client = client_class(f"http://127.0.0.1:{port}")
    deadline = time.monotonic() + 60
    try:
        while True:
            try:
                client.state()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    stderr = process.stderr.read() if process.stderr else b""
                    raise RuntimeError(f"the {command} did not start: {stderr!r}") from None
                time.sleep(0.1)
        yield client
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
