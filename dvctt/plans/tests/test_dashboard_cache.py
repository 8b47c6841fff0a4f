"""The cache of the dashboards' figures follows the data: its key holds a version that moves after a write."""

from __future__ import annotations

import time

import pytest
from django.db import connection

from dvctt.agencies.models import Unit
from dvctt.plans.dashboards.selectors import FALLBACK_BUCKET_SECONDS, data_version


@pytest.mark.django_db(transaction=True)
def test_the_data_version_moves_after_a_write(monkeypatch):
    # given the version now
    before = data_version()
    # when a unit is written (committed)
    Unit.objects.create(code="V1", name="Đơn vị mới", level="so", valid_from="2020-01-01")
    if connection.vendor != "postgresql":
        # SQLite keeps no table statistics: the version is a ten-second clock bucket
        now = time.time()
        monkeypatch.setattr(time, "time", lambda: now + FALLBACK_BUCKET_SECONDS)
    # then the version differs within seconds (PostgreSQL flushes table statistics at most every 10 s when idle)
    deadline = time.monotonic() + 15
    while data_version() == before and time.monotonic() < deadline:
        time.sleep(0.5)
    assert data_version() != before


@pytest.mark.django_db
def test_the_version_watches_every_table_the_figures_are_read_from():
    from django.apps import apps

    from dvctt.plans.dashboards.selectors import VERSION_TABLES

    # every watched name is a table of the schema (a renamed model would silently stop moving the version)
    assert set(VERSION_TABLES) <= set(connection.introspection.table_names())
    # and every rollup or fact table of monitoring is watched
    monitoring = {model._meta.db_table for model in apps.get_app_config("monitoring").get_models()}
    rollups = {table for table in monitoring if "kpi" in table and "snapshot" not in table} | {
        "monitoring_dossierfact"
    }
    assert rollups <= set(VERSION_TABLES)
