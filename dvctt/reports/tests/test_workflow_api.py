"""The stored reports' path over the API (/api/v1/reports/stored/...): the same moves and rights as the pages,
the project's error shape, and the OpenAPI schema documenting each action."""

from __future__ import annotations

import pytest
from django.db import transaction

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.reports.models import PeriodicReport
from dvctt.reports.tests.helpers import load_with_fields

DISTRICT, DEPARTMENT = "000.00.11.H38", "000.01.00.H38"
BASE = "/api/v1/reports/stored/"
Q1 = {"form": "06", "date_from": "2025-01-01", "date_to": "2025-03-31"}


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_with_fields(read_folder(sample_dir() / "interchange").data)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def people(_sample_loaded, db):
    units = {u.code: u for u in Unit.objects.filter(code__in=[DISTRICT, DEPARTMENT])}

    def user(name: str, role: str, unit: Unit | None = None) -> User:
        return User.objects.create_user(username=name, password="x-Pass-12345", role=role, unit=unit)

    return {
        "leader": user("leader", Role.UNIT_LEADER, units[DISTRICT]),
        "other": user("other", Role.UNIT_LEADER, units[DEPARTMENT]),
        "monitor": user("monitor", Role.MONITOR),
        "ppc": user("ppc", Role.PPC_LEADER),
        "citizen": user("citizen", Role.CITIZEN),
    }


def _as(client, user):
    client.force_login(user)
    return client


def test_the_full_path_over_the_api(client, people):
    # the district's leader stores a draft and submits it
    created = _as(client, people["leader"]).post(BASE, Q1, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert body["state"] == "draft" and body["unit"] == DISTRICT and body["figures"] is None
    assert body["moves"] == ["submit"]
    rid = body["id"]
    submitted = client.post(f"{BASE}{rid}/submit/", {"note": "Kính gửi Sở"}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["state"] == "submitted"
    assert submitted.json()["figures"]["form"] == "06"
    # the leader may not receive it; the monitor receives it; the PPC leader approves it
    refused = client.post(f"{BASE}{rid}/receive/", content_type="application/json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    assert _as(client, people["monitor"]).post(f"{BASE}{rid}/receive/").json()["state"] == "received"
    approved = _as(client, people["ppc"]).post(
        f"{BASE}{rid}/approve/", {"note": "Đồng ý"}, content_type="application/json"
    )
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    events = [(e["action"], e["actor"], e["note"]) for e in approved.json()["events"]]
    assert events == [
        ("create", "leader", ""),
        ("submit", "leader", "Kính gửi Sở"),
        ("receive", "monitor", ""),
        ("approve", "ppc", "Đồng ý"),
    ]
    # nothing moves an approved report
    again = _as(client, people["monitor"]).post(f"{BASE}{rid}/return/")
    assert again.status_code == 409 and again.json()["error"]["code"] == "illegal_move"
    assert PeriodicReport.objects.get(pk=rid).events.count() == 4


def test_rights_and_errors(client, people):
    rid = _as(client, people["leader"]).post(BASE, Q1, content_type="application/json").json()["id"]
    # a second draft of the same period conflicts
    assert client.post(BASE, Q1, content_type="application/json").status_code == 409
    # out of order: approve a draft
    assert _as(client, people["monitor"]).post(f"{BASE}{rid}/approve/").status_code == 409
    # another unit's leader does not see it; a citizen has no reports; anonymous must sign in
    assert _as(client, people["other"]).get(f"{BASE}{rid}/").status_code == 404
    assert client.post(f"{BASE}{rid}/submit/").status_code == 404
    assert _as(client, people["citizen"]).get(BASE).status_code == 403
    client.logout()
    assert client.post(f"{BASE}{rid}/submit/").status_code in (401, 403)
    # bad input: the project's error shape with the field
    bad = _as(client, people["leader"]).post(
        BASE, {**Q1, "date_from": "01/01/2025"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "date_from" in bad.json()["error"]["fields"]
    reversed_period = client.post(BASE, {**Q1, "date_from": "2025-04-01"}, content_type="application/json")
    assert reversed_period.status_code == 400 and reversed_period.json()["error"]["code"] == "invalid_period"
    # the monitor returns a submitted report to draft
    client.post(f"{BASE}{rid}/submit/")
    returned = _as(client, people["monitor"]).post(
        f"{BASE}{rid}/return/", {"note": "Thiếu số liệu xã"}, content_type="application/json"
    )
    assert returned.json()["state"] == "draft"
    # lists are scoped
    assert [r["id"] for r in _as(client, people["other"]).get(BASE).json()] == []
    assert [r["id"] for r in _as(client, people["monitor"]).get(BASE).json()] == [rid]


def test_the_schema_documents_each_action(client, people):
    schema = _as(client, people["monitor"]).get("/api/v1/schema/", {"format": "json"}).json()
    for action in ("submit", "receive", "approve", "return"):
        operation = schema["paths"][f"/api/v1/reports/stored/{{report_id}}/{action}/"]["post"]
        assert operation["operationId"] == f"reports_stored_{action}"
        assert set(operation["responses"]) >= {"200", "403", "404", "409"}
    assert "post" in schema["paths"]["/api/v1/reports/stored/"]
