"""System checks of the platform's configuration (``dvctt check``, ``dvctt check --deploy``).

``DVCTT_PUBLIC_BASE_URL`` is the address every slip, QR code, message, export, payment return and national portal
link is built from (``dvctt/common/public_url.py``). Its default, ``http://127.0.0.1:8000``, serves the demo; a
production server that forgot it would print QR codes and send links no citizen can open. So:

* always: the value must be an absolute ``http(s)://host[:port][/prefix]`` address with no query or fragment
  (``dvctt.E001``);
* a production process (``DVCTT_DEBUG`` off, not the tests): a loopback or unset address is a warning on every
  command (``dvctt.W002``), and an error under ``check --deploy`` (``dvctt.E002``); a plain ``http://`` address is a
  deploy warning (``dvctt.W003``).
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register

HINT = "Đặt DVCTT_PUBLIC_BASE_URL là địa chỉ công khai của Cổng, ví dụ https://dichvucong.langson.gov.vn"


def _is_loopback(host: str) -> bool:
    if host in ("localhost", "testserver") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback or ipaddress.ip_address(host).is_unspecified
    except ValueError:
        return False


def _malformed(value: str) -> str:
    """Why ``value`` is not a usable public address; empty when it is."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an absolute http(s) address"
    if parts.query or parts.fragment or parts.username or parts.password:
        return "has a query, a fragment or credentials"
    return ""


def _production() -> bool:
    return not settings.DEBUG and not getattr(settings, "TESTING", False)


@register()
def public_base_url_check(app_configs: Any = None, **kwargs: Any) -> list:
    value = str(getattr(settings, "PUBLIC_BASE_URL", "") or "")
    problem = _malformed(value)
    if problem:
        return [
            Error(
                f"DVCTT_PUBLIC_BASE_URL={value!r} {problem}: slips, QR codes and links cannot be built.",
                hint=HINT,
                id="dvctt.E001",
            )
        ]
    if _production() and _is_loopback(urlsplit(value).hostname or ""):
        return [
            Warning(
                f"DVCTT_PUBLIC_BASE_URL is {value!r} (unset or loopback) on a production server: slips, QR codes, "
                "e-mails and exports would point at an address no citizen can open.",
                hint=HINT,
                id="dvctt.W002",
            )
        ]
    return []


@register(Tags.security, deploy=True)
def public_base_url_deploy_check(app_configs: Any = None, **kwargs: Any) -> list:
    value = str(getattr(settings, "PUBLIC_BASE_URL", "") or "")
    if _malformed(value):
        return []  # told by dvctt.E001
    parts = urlsplit(value)
    if _is_loopback(parts.hostname or ""):
        return [
            Error(
                f"DVCTT_PUBLIC_BASE_URL is {value!r} (unset or loopback): a production platform must name its public "
                "address.",
                hint=HINT,
                id="dvctt.E002",
            )
        ]
    if parts.scheme != "https":
        return [
            Warning(
                f"DVCTT_PUBLIC_BASE_URL {value!r} is not HTTPS: links in slips and messages would send citizens "
                "to an unencrypted address.",
                hint=HINT,
                id="dvctt.W003",
            )
        ]
    return []
