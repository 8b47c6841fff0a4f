"""The messaging sandbox in its own process on a free loopback port, and the platform pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dvctt.common.tests.sandboxes import ControlClient, sandbox_running
from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures


class Sandbox(ControlClient):
    def fault(self, channel: str, kind: str, times: int = 1) -> None:
        self._post("/_control/fault", {"channel": channel, "kind": kind, "times": times})

    def no_zalo(self, phone: str) -> None:
        self._post("/_control/no_zalo", {"phone": phone})


@pytest.fixture(scope="session")
def sandbox_process() -> Iterator[Sandbox]:
    with sandbox_running("messaging_sandbox", Sandbox) as running:
        yield running


@pytest.fixture
def sandbox(sandbox_process: Sandbox, settings) -> Sandbox:
    sandbox_process.reset()
    settings.DVCTT_SMS_URL = sandbox_process.url + "/sms/send"
    settings.DVCTT_SMS_USERNAME = "sandbox"
    settings.DVCTT_SMS_PASSWORD = "sandbox"
    settings.DVCTT_SMS_BRANDNAME = "DICHVUCONG"
    settings.DVCTT_ZALO_URL = sandbox_process.url + "/zalo/message/template"
    settings.DVCTT_ZALO_ACCESS_TOKEN = "sandbox-token"
    settings.DVCTT_ZALO_TEMPLATE_ID = "291842"
    settings.PUBLIC_BASE_URL = "https://dichvucong.langson.example"
    return sandbox_process
