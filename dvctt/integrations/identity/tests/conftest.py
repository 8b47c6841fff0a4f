"""The identity sandbox in its own process on a free loopback port, and the platform pointed at it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from dvctt.common.tests.sandboxes import ControlClient, sandbox_running
from dvctt.portal.tests.conftest import *  # noqa: F403 - the dossier and portal fixtures


class Provider(ControlClient):
    def fault(self, kind: str, times: int = 1) -> None:
        self._post("/_control/fault", {"kind": kind, "times": times})

    def code_ttl(self, seconds: float) -> None:
        self._post("/_control/settings", {"code_ttl": seconds})


@pytest.fixture(scope="session")
def provider_process() -> Iterator[Provider]:
    with sandbox_running("identity_sandbox", Provider) as running:
        yield running


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
