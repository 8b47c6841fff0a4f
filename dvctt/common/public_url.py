"""Addresses given to people and outside systems (slips, QR codes, messages, exports, payment return and
notification addresses) are built from the platform's configured public address (``DVCTT_PUBLIC_BASE_URL``),
never from the address a server happens to run on behind a proxy."""

from __future__ import annotations

from django.conf import settings


def public_url(path: str) -> str:
    """``path`` (starting with "/") on the public address."""
    return settings.PUBLIC_BASE_URL.rstrip("/") + path
