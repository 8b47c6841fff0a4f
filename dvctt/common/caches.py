"""``CACHES`` from one URL (the setting DVCTT_CACHE_URL, docs/configuration.md).

The dashboards keep their computed figures in Django's cache (plans/dashboards/selectors.py), and
``dvctt dashboards_warm`` fills it from another process: in production the cache must be shared by every web
process and the warmer (Redis, or files on one machine). The default is each process's own memory, enough for
the demo and the tests.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

BACKENDS = {
    "locmem": "django.core.cache.backends.locmem.LocMemCache",
    "redis": "django.core.cache.backends.redis.RedisCache",
    "rediss": "django.core.cache.backends.redis.RedisCache",
    "file": "django.core.cache.backends.filebased.FileBasedCache",
}


def cache_from_url(url: str) -> dict[str, Any]:
    """``locmem://`` (or empty), ``redis://host:port/db`` (``rediss://`` for TLS) or ``file:///absolute/dir``."""
    url = url.strip()
    scheme = urlsplit(url).scheme if url else "locmem"
    if scheme not in BACKENDS:
        raise ImproperlyConfigured(
            f"DVCTT_CACHE_URL={url!r}: use locmem://, redis://host:port/db, rediss://… or file:///absolute/dir"
        )
    config: dict[str, Any] = {"BACKEND": BACKENDS[scheme], "KEY_PREFIX": "dvctt"}
    if scheme in ("redis", "rediss"):
        config["LOCATION"] = url
    elif scheme == "file":
        path = urlsplit(url).path
        if not path.startswith("/") or urlsplit(url).netloc:
            raise ImproperlyConfigured(
                f"DVCTT_CACHE_URL={url!r}: a file cache needs an absolute path, file:///dir"
            )
        config["LOCATION"] = path
    return config
