"""Who may push messages to the inbound endpoint: the national portal, as the province configured it.

Two methods, chosen by ``DVCTT_NATIONAL_INBOUND_AUTH`` (the platform's choice, **unconfirmed** against the
province's connection papers; docs/national-portal.md, "Inbound messages"):

* ``hmac``: a shared secret. The sender puts the Unix time (seconds) in ``X-DVCQG-Timestamp`` and
  ``sha256=<hex>`` in ``X-DVCQG-Signature``, the HMAC-SHA256 with the secret of ``<timestamp>.<raw body>``
  (the timestamp, a dot, the body's bytes exactly as sent). A timestamp further than
  ``DVCTT_NATIONAL_INBOUND_MAX_SKEW`` seconds from the platform's clock is refused, so a captured request cannot
  be replayed later; several secrets may be configured at once while one is being replaced.
* ``bearer``: ``Authorization: Bearer <token>``, one of the configured tokens (issued to the portal or its LGSP).

``any`` accepts either, ``both`` asks for both. Every comparison is constant-time. An optional IP allow-list
(addresses or networks) is checked first, on the client address as :func:`dvctt.common.throttle.client_address`
determines it (``DVCTT_PROXY_COUNT``).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import time
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _

from dvctt.common.throttle import client_address

TIMESTAMP_HEADER = "X-DVCQG-Timestamp"
SIGNATURE_HEADER = "X-DVCQG-Signature"
HMAC = "hmac"
BEARER = "bearer"
MODES = (HMAC, BEARER, "any", "both")


@dataclass(frozen=True)
class InboundConfig:
    mode: str
    secrets: tuple[str, ...]
    tokens: tuple[str, ...]
    allowed_ips: tuple[str, ...]
    max_skew: int
    max_bytes: int
    max_depth: int
    max_files: int
    file_timeout: float
    file_hosts: tuple[str, ...]
    submit_procedures: tuple[str, ...]
    account: str

    @property
    def configured(self) -> bool:
        if self.mode == HMAC:
            return bool(self.secrets)
        if self.mode == BEARER:
            return bool(self.tokens)
        if self.mode == "any":
            return bool(self.secrets or self.tokens)
        if self.mode == "both":
            return bool(self.secrets and self.tokens)
        return False


def _list(name: str) -> tuple[str, ...]:
    value = getattr(settings, name, ()) or ()
    if isinstance(value, str):
        value = value.split(",")
    return tuple(str(item).strip() for item in value if str(item).strip())


def inbound_config() -> InboundConfig:
    return InboundConfig(
        mode=str(getattr(settings, "DVCTT_NATIONAL_INBOUND_AUTH", HMAC) or HMAC).strip().lower(),
        secrets=_list("DVCTT_NATIONAL_INBOUND_SECRETS"),
        tokens=_list("DVCTT_NATIONAL_INBOUND_TOKENS"),
        allowed_ips=_list("DVCTT_NATIONAL_INBOUND_ALLOWED_IPS"),
        max_skew=int(getattr(settings, "DVCTT_NATIONAL_INBOUND_MAX_SKEW", 300)),
        max_bytes=int(getattr(settings, "DVCTT_NATIONAL_INBOUND_MAX_BYTES", 1024 * 1024)),
        max_depth=int(getattr(settings, "DVCTT_NATIONAL_INBOUND_MAX_DEPTH", 12)),
        max_files=int(getattr(settings, "DVCTT_NATIONAL_INBOUND_MAX_FILES", 20)),
        file_timeout=float(getattr(settings, "DVCTT_NATIONAL_INBOUND_FILE_TIMEOUT", 10)),
        file_hosts=tuple(h.lower() for h in _list("DVCTT_NATIONAL_INBOUND_FILE_HOSTS")),
        submit_procedures=_list("DVCTT_NATIONAL_INBOUND_SUBMIT_PROCEDURES"),
        account=str(getattr(settings, "DVCTT_NATIONAL_INBOUND_ACCOUNT", "") or "").strip(),
    )


def signature_for(*, secret: str, timestamp: str, body: bytes) -> str:
    """The ``X-DVCQG-Signature`` value of ``body`` sent at ``timestamp`` (what the portal computes)."""
    digest = hmac.new(secret.encode("utf-8"), timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "sha256=" + digest.hexdigest()


@dataclass(frozen=True)
class AuthRefusal:
    http_status: int
    message: str


def _ip_allowed(address: str, allowed: tuple[str, ...]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for item in allowed:
        try:
            if ip in ipaddress.ip_network(item, strict=False):
                return True
        except ValueError:
            continue
    return False


def _hmac_ok(request: HttpRequest, body: bytes, config: InboundConfig, now: float) -> str | None:
    """None when the signature is good; otherwise why not."""
    timestamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
    signature = request.headers.get(SIGNATURE_HEADER, "").strip()
    if not timestamp or not signature:
        return _("Thiếu chữ ký (%(sig)s, %(ts)s).") % {"sig": SIGNATURE_HEADER, "ts": TIMESTAMP_HEADER}
    if not timestamp.isdigit() or len(timestamp) > 12:
        return _("Thời điểm ký không hợp lệ.")
    if abs(now - int(timestamp)) > config.max_skew:
        return _("Thời điểm ký lệch quá %(s)s giây so với đồng hồ của hệ thống.") % {"s": config.max_skew}
    if not signature.startswith("sha256="):
        signature = "sha256=" + signature
    given = signature.lower().encode("ascii", "replace")
    matched = False
    for secret in config.secrets:
        expected = signature_for(secret=secret, timestamp=timestamp, body=body).encode("ascii")
        matched |= hmac.compare_digest(expected, given)  # every secret compared: no early exit
    return None if matched else _("Chữ ký không đúng.")


def _bearer_ok(request: HttpRequest, config: InboundConfig) -> str | None:
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return _("Thiếu mã truy cập (Authorization: Bearer).")
    given = token.strip().encode("utf-8", "replace")
    matched = False
    for candidate in config.tokens:
        matched |= hmac.compare_digest(candidate.encode("utf-8"), given)
    return None if matched else _("Mã truy cập không đúng.")


def inbound_authenticate(
    *, request: HttpRequest, body: bytes, config: InboundConfig, now: float | None = None
) -> tuple[str, AuthRefusal | None]:
    """``(method, refusal)``: the method that authenticated the request, or why it is refused (401/403/503)."""
    moment = time.time() if now is None else now
    if not config.configured or config.mode not in MODES:
        return "", AuthRefusal(503, _("Kết nối nhận thông điệp từ Cổng DVCQG chưa được cấu hình."))
    if config.allowed_ips and not _ip_allowed(client_address(request), config.allowed_ips):
        return "", AuthRefusal(403, _("Địa chỉ gửi không được phép."))
    hmac_problem = _hmac_ok(request, body, config, moment) if config.secrets else _("Chưa cấu hình khóa ký.")
    bearer_problem = _bearer_ok(request, config) if config.tokens else _("Chưa cấu hình mã truy cập.")
    if config.mode == HMAC:
        return (HMAC, None) if hmac_problem is None else ("", AuthRefusal(401, hmac_problem))
    if config.mode == BEARER:
        return (BEARER, None) if bearer_problem is None else ("", AuthRefusal(401, bearer_problem))
    if config.mode == "both":
        problem = hmac_problem or bearer_problem
        return ("both", None) if problem is None else ("", AuthRefusal(401, problem))
    if hmac_problem is None:
        return HMAC, None
    if bearer_problem is None:
        return BEARER, None
    return "", AuthRefusal(401, hmac_problem if request.headers.get(SIGNATURE_HEADER) else bearer_problem)
