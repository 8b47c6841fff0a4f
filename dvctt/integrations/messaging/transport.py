"""One JSON POST over HTTP(S) with a timeout, shared by the adapters (urllib: no extra dependency)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from dvctt.integrations.messaging.errors import DeliveryError


def post_json(url: str, body: dict[str, Any], *, headers: dict[str, str], timeout: float) -> tuple[int, Any]:
    """(HTTP status, decoded JSON or None). Network errors and timeouts raise DeliveryError."""
    if not url.startswith(("http://", "https://")):
        raise DeliveryError(f"provider URL not configured: {url!r}")
    request = urllib.request.Request(  # noqa: S310 - the scheme is checked above
        url,
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json; charset=utf-8", "Accept": "application/json", **headers},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            status, raw = response.status, response.read()
    except urllib.error.HTTPError as exc:
        status, raw = exc.code, exc.read()
    except (OSError, TimeoutError) as exc:
        raise DeliveryError(f"{type(exc).__name__}: {exc}") from exc
    try:
        return status, json.loads(raw or b"null")
    except ValueError:
        return status, None
