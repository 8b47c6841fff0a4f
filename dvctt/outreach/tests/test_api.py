"""The register's API: list and create through the same services as the pages, scoped to the reader, with the
project's error shape; documented in the OpenAPI schema."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from dvctt.outreach.models import CommunicationActivity

pytestmark = pytest.mark.django_db
URL = "/api/v1/outreach/activities/"


def body(**extra):
    values = {
        "unit": "S03",
        "date": (timezone.localdate() - timedelta(days=2)).isoformat(),
        "channel": "broadcast",
        "title": "Phóng sự truyền hình về dịch vụ công",
        "audience": "everyone",
        "reach": 50000,
        "links": ["https://langsontv.vn/phong-su"],
    }
    values.update(extra)
    return values


def test_officials_create_for_their_unit_and_list_their_scope(people, units):
    api = APIClient()
    api.force_authenticate(people["just_officer"])
    created = api.post(URL, body(), format="json")
    assert created.status_code == 201, created.content
    assert created.json()["unit"] == "S03" and created.json()["recorded_by"] == "motcua.stp"
    assert created.json()["date"] == body()["date"]
    refused = api.post(URL, body(unit="S02"), format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    # the home officer sees nothing of Justice's; the monitor sees it and filters it
    api.force_authenticate(people["home_officer"])
    assert api.get(URL).json()["count"] == 0
    api.force_authenticate(people["monitor"])
    listed = api.get(URL, {"q": "phong su", "channel": "broadcast"}).json()
    assert [a["title"] for a in listed["results"]] == ["Phóng sự truyền hình về dịch vụ công"]
    day = body()["date"]
    counts = api.get(URL + "counts/", {"from": day, "to": day}).json()
    assert counts["total"] == 1 and counts["channels"]["broadcast"] == 1 and counts["reach"] == 50000
    assert counts["units"][0]["unit"] == "S03"


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"reach": -3}, "reach"),
        ({"date": "2999-01-01"}, "date"),
        ({"date": "07/12/2026"}, "date"),
        ({"channel": "tv"}, "channel"),
        ({"links": ["javascript:alert(1)"]}, "links"),
        ({"unit": "KHONG-CO"}, "unit"),
    ],
)
def test_bad_bodies_get_the_error_shape_and_write_nothing(people, units, extra, field):
    api = APIClient()
    api.force_authenticate(people["just_officer"])
    refused = api.post(URL, body(**extra), format="json")
    assert refused.status_code == 400
    assert field in refused.json()["error"].get("fields", {}), refused.json()
    assert not CommunicationActivity.objects.exists()


def test_citizens_and_anonymous_are_refused_and_the_schema_documents_it(people, units):
    api = APIClient()
    assert api.get(URL).status_code in (401, 403)
    api.force_authenticate(people["citizen"])
    assert api.get(URL).status_code == 403
    assert api.get(URL, {"from": "2025-02-01", "to": "2025-01-01"}).status_code == 403
    api.force_authenticate(people["monitor"])
    bad = api.get(URL, {"from": "2025-02-01", "to": "2025-01-01"})
    assert bad.status_code == 400 and "from" in bad.json()["error"]["fields"]
    schema = api.get("/api/v1/schema/", {"format": "json"}).json()
    assert {"/api/v1/outreach/activities/", "/api/v1/outreach/activities/counts/"} <= set(schema["paths"])
    assert "post" in schema["paths"]["/api/v1/outreach/activities/"]
