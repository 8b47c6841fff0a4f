"""The register's pages cost the same number of queries for 3 activities as for 30 (no query per row)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dvctt.outreach import services

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def _queries(client, url, params):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


def test_list_counts_and_export_do_not_grow_with_the_rows(client, people, units):
    client.force_login(people["monitor"])
    pages = [
        (reverse("outreach:activities"), {}),
        (reverse("outreach:activities"), {"xuat": "xlsx"}),
        (reverse("outreach:counts"), {"ky": "nam", "nam": "2025"}),
    ]
    seen: list[int] = []
    counted: list[int] = []
    few: list[int] = []
    for total in (3, 30):
        while len(seen) < total:
            n = len(seen)
            services.activity_record(
                actor=people["monitor"],
                unit_id=units[("just", "home", "sci")[n % 3]].pk,
                date=TODAY - timedelta(days=n % 20),
                channel=("meeting", "press", "training")[n % 3],
                title=f"Hoạt động {n}",
                audience="citizens",
                reach=n,
                today=TODAY,
            )
            seen.append(n)
        counted = [_queries(client, url, params) for url, params in pages]
        if total == 3:
            few = counted
    assert counted == few, (few, counted)
