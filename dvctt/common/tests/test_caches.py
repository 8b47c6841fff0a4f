"""DVCTT_CACHE_URL → CACHES, and the dashboards' figures through a real Redis (the warmer's shared cache)."""

from __future__ import annotations

import os
import socket
import uuid

import pytest
from django.core.cache import caches
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from dvctt.common.caches import cache_from_url

REDIS = os.environ.get("DVCTT_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def test_urls_give_their_backends():
    assert cache_from_url("")["BACKEND"].endswith("LocMemCache")
    assert cache_from_url("locmem://")["BACKEND"].endswith("LocMemCache")
    redis = cache_from_url("redis://10.0.0.5:6379/2")
    assert redis["BACKEND"].endswith("RedisCache") and redis["LOCATION"] == "redis://10.0.0.5:6379/2"
    assert cache_from_url("file:///var/cache/dvctt")["LOCATION"] == "/var/cache/dvctt"


@pytest.mark.parametrize("url", ["memcached://x", "file://relative/dir", "redis"])
def test_a_bad_url_is_refused_with_the_setting_named(url):
    with pytest.raises(ImproperlyConfigured, match="DVCTT_CACHE_URL"):
        cache_from_url(url)


def _redis_answers() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not _redis_answers(), reason="no Redis on 127.0.0.1:6379 (CI machines have one)")
def test_dashboard_entries_round_trip_through_redis(db):
    from dvctt.monitoring.kpi import catalogue_days
    from dvctt.plans.dashboards.periods import period_parse
    from dvctt.plans.dashboards.selectors import DataVersion, KpiSource

    prefix = f"test-{uuid.uuid4().hex}"
    config = cache_from_url(REDIS) | {"KEY_PREFIX": prefix}
    with override_settings(CACHES={"default": config}):
        cache = caches["default"]
        try:
            period = period_parse({"ky": "nam"})
            # a figure computed by one source (the warmer) ...
            first = KpiSource(version=DataVersion("v1", "c1"))
            figures = first.kpis(period)
            # ... is what another source (a web process) reads back from Redis, with its time
            second = KpiSource(version=DataVersion("v1", "c1"))
            assert second.kpis(period) == figures
            # (exactly: a recomputation would have its own time)
            assert second.computed_at == first.computed_at
            # and the catalogue's counts of the period's last day, kept under the catalogue's version, come back
            # from Redis equal to a fresh reading
            kept = cache.get(f"dvctt:dash:catalogue:c1:{period.date_to}:1")
            assert kept == catalogue_days([period.date_to], True)[period.date_to]
        finally:
            cache.clear()
