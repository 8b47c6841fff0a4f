"""Gateway settings: read from Django settings when defined there, else from the environment (docs/payments.md)."""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings

# Only for the demo and the tests (the sandbox): production sets DVCTT_PAYMENT_SECRET.
SANDBOX_SECRET = "dvctt-sandbox-payment-secret"  # noqa: S105


def _setting(name: str, default: str) -> str:
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name, default)
    return str(value)


def sandbox_enabled() -> bool:
    """The sandbox gateway is mounted in the demo (DEBUG) and the tests unless DVCTT_PAYMENT_SANDBOX=0."""
    default = "1" if (settings.DEBUG or getattr(settings, "TESTING", False)) else "0"
    return _setting("DVCTT_PAYMENT_SANDBOX", default).strip().lower() in {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class GatewayConfig:
    name: str
    #: Where the browser is sent to pay: absolute, or a path on this site (the sandbox).
    url: str
    merchant: str
    secret: str
    #: A notification older than this (seconds) is refused as a replay.
    max_age: int


def gateway_config() -> GatewayConfig:
    sandbox = sandbox_enabled()
    return GatewayConfig(
        name=_setting("DVCTT_PAYMENT_GATEWAY_NAME", "sandbox" if sandbox else "gateway"),
        url=_setting("DVCTT_PAYMENT_GATEWAY_URL", "/sandbox-gateway/pay/" if sandbox else ""),
        merchant=_setting("DVCTT_PAYMENT_MERCHANT", "DVCTT-LS"),
        secret=_setting("DVCTT_PAYMENT_SECRET", SANDBOX_SECRET if sandbox else ""),
        max_age=int(_setting("DVCTT_PAYMENT_CALLBACK_MAX_AGE", "900")),
    )
