"""A per-address limit on a public lookup (the dossier tracking page and API share one budget).

Dossier codes follow a national format (unit, day, sequence number), so the codes of a day can be guessed: the
limit is the defence against walking through them. Counts live in Django's cache (DVCTT_CACHE_URL: shared by every
web process in production), in fixed windows of ``DVCTT_TRACK_THROTTLE_WINDOW`` seconds.

The client address is ``REMOTE_ADDR``, or, behind ``DVCTT_PROXY_COUNT`` reverse proxies that append to
``X-Forwarded-For``, the address the outermost trusted proxy saw (a client cannot forge it by sending the header).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest
from django.utils.translation import gettext as _

from dvctt.common.errors import TooManyRequests


def client_address(request: HttpRequest) -> str:
    proxies = settings.DVCTT_PROXY_COUNT
    if proxies > 0:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if a.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def throttle_check(*, request: HttpRequest, scope: str, limit: int, window: int) -> None:
    """Count one request of ``scope`` for the client's address; raises TooManyRequests past ``limit``."""
    if limit <= 0:
        return
    now = time.time()
    slot = int(now // window)
    key = f"throttle:{scope}:{client_address(request)}:{slot}"
    cache.add(key, 0, timeout=window + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=window + 1)
        count = 1
    if count > limit:
        retry_after = max(1, int((slot + 1) * window - now) + 1)
        raise TooManyRequests(
            _(
                "Ông/Bà đã tra cứu quá %(limit)s lần trong %(window)s giây. Vui lòng thử lại sau %(wait)s giây."
            )
            % {"limit": limit, "window": window, "wait": retry_after},
            retry_after=retry_after,
        )


def tracking_throttle(request: HttpRequest) -> None:
    """The public tracking budget (page and API together)."""
    throttle_check(
        request=request,
        scope="track",
        limit=settings.DVCTT_TRACK_THROTTLE_LIMIT,
        window=settings.DVCTT_TRACK_THROTTLE_WINDOW,
    )
