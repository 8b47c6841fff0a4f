"""The sandbox's side of the inbound messages: sign and POST a message exactly as the national portal would.

Used by ``dvctt national_portal_push`` (a province testing its endpoint, docs/national-portal.md) and by the
tests, against a running server over real HTTP.
"""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from dvctt.integrations.national_portal.inbound_auth import SIGNATURE_HEADER, TIMESTAMP_HEADER, signature_for

VN = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass(frozen=True)
class PushAnswer:
    status: int
    body: dict[str, Any] | None
    text: str


def envelope(
    *, kind: str, data: dict[str, Any], key: str = "", sent_at: datetime | None = None
) -> dict[str, Any]:
    """A message as the portal frames it (``MaThongDiep`` a fresh key unless given)."""
    moment = (sent_at or datetime.now(VN)).astimezone(VN)
    return {
        "MaThongDiep": key or uuid.uuid4().hex,
        "LoaiThongDiep": kind,
        "ThoiGianGui": moment.strftime("%Y%m%d%H%M%S"),
        "DuLieu": data,
    }


def push(
    *,
    url: str,
    message: dict[str, Any] | bytes,
    secret: str = "",
    token: str = "",
    timestamp: int | None = None,
    timeout: float = 30,
    headers: dict[str, str] | None = None,
) -> PushAnswer:
    """POST ``message`` (a dict is sent as UTF-8 JSON; bytes as they are), signed with ``secret`` (HMAC headers)
    and/or with ``token`` (``Authorization: Bearer``). Never raises for an HTTP error status."""
    if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
        raise ValueError(f"not an http(s) URL: {url!r}")
    body = message if isinstance(message, bytes) else json.dumps(message, ensure_ascii=False).encode("utf-8")
    sent = {"Content-Type": "application/json; charset=utf-8"}
    if secret:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        sent[TIMESTAMP_HEADER] = stamp
        sent[SIGNATURE_HEADER] = signature_for(secret=secret, timestamp=stamp, body=body)
    if token:
        sent["Authorization"] = f"Bearer {token}"
    sent.update(headers or {})
    request = urllib.request.Request(url, data=body, method="POST", headers=sent)  # noqa: S310 - checked
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - checked
            status, text = response.status, response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        status, text = exc.code, exc.read().decode("utf-8", "replace")
    try:
        parsed = json.loads(text) if text else None
    except ValueError:
        parsed = None
    return PushAnswer(status, parsed if isinstance(parsed, dict) else None, text)
