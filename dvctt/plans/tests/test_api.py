"""API contracts: plans, targets by year, index and PAR scores; the one error shape for bad input."""

from decimal import Decimal

import pytest

from dvctt.accounts.models import Role, User
from dvctt.plans import selectors
from dvctt.plans.models import Plan
from dvctt.plans.services import ParRow, par_criteria_save_year, target_set
from dvctt.plans.tests.conftest import kpis_dict

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(client, monitor):
    client.force_login(monitor)
    return client


@pytest.fixture
def fake_kpis(monkeypatch):
    seen = []

    def fake(*, date_from, date_to, units_mode):
        seen.append(units_mode)
        data = kpis_dict(D1={"on_time_rate": (1, 2), "online_dossier_rate": (3, 4)})
        data["from"], data["to"] = date_from.isoformat(), date_to.isoformat()
        return data

    monkeypatch.setattr(selectors, "_kpi_engine", lambda: fake)
    return seen


def test_plan_list_is_paginated_with_a_fixed_query_count(api, plan, django_assert_num_queries):
    for n in range(4):
        Plan.objects.create(
            name=f"KH {n}",
            decision_number=f"{n}/KH",
            decision_date="2024-01-01",
            start_year=2024,
            end_year=2025,
        )
    with django_assert_num_queries(3):  # session with user, count, page
        body = api.get("/api/v1/plans/").json()
    assert body["count"] == 5
    first = next(p for p in body["results"] if p["decision_number"] == "165/KH-UBND")
    assert first == {
        "id": plan.pk,
        "name": "Kế hoạch thử",
        "decision_number": "165/KH-UBND",
        "decision_date": "2023-08-02",
        "signer": "Phó Chủ tịch",
        "start_year": 2023,
        "end_year": 2025,
        "note": "",
    }


def test_targets_by_year_with_province_as_null_unit(api, plan, units, django_assert_num_queries):
    target_set(plan=plan, indicator="online_dossier_rate", year=2025, value="0.5")
    for unit in (units["D"], units["H"], units["X"]):
        target_set(plan=plan, indicator="online_processing_rate", year=2025, value="0.8", unit=unit)
    target_set(plan=plan, indicator="online_dossier_rate", year=2024, value="0.5")
    with django_assert_num_queries(4):  # session with user, plan, count, page with units
        body = api.get(f"/api/v1/plans/{plan.pk}/targets/?year=2025").json()
    assert body["count"] == 4
    assert body["results"][0] == {
        "indicator": "online_dossier_rate",
        "year": 2025,
        "unit": None,
        "value": 0.5,
        "kind": "at_least",
    }
    assert [r["unit"] for r in body["results"][1:]] == ["D1", "H1", "X1"]
    assert api.get(f"/api/v1/plans/{plan.pk}/targets/").json()["count"] == 5


def test_targets_bad_year_and_unknown_plan(api, plan):
    response = api.get(f"/api/v1/plans/{plan.pk}/targets/?year=abc")
    assert response.status_code == 400 and response.json()["error"]["code"] == "invalid"
    assert "year" in response.json()["error"]["fields"]
    response = api.get("/api/v1/plans/999/targets/")
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_index_scores(api, units, fake_kpis):
    response = api.get("/api/v1/scores/index/?from=2025-01-01&to=2025-06-30&units=current")
    body = response.json()
    assert response.status_code == 200 and fake_kpis == ["current"]
    assert body["from"] == "2025-01-01" and body["version"] == "2025.1"
    assert body["units"]["D1"]["progress"] == 10.0 and body["units"]["D1"]["total"] == 10.0
    assert "sync_rate" in body["units"]["D1"]["missing"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("from=2025-02-01&to=2025-01-01", "from"),
        ("from=2025-01-01", "to"),
        ("from=01/01/2025&to=2025-01-31", "from"),
        ("from=2025-01-01&to=2025-01-31&units=all", "units"),
    ],
)
def test_index_scores_bad_periods(api, fake_kpis, query, field):
    response = api.get(f"/api/v1/scores/index/?{query}")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert fake_kpis == []


def test_par_scores(api, units, fake_kpis):
    par_criteria_save_year(
        year=2024, rows=[ParRow("online_dossier_rate", Decimal(2), Decimal("0.5"), "linear")]
    )
    body = api.get("/api/v1/scores/par/?year=2024").json()
    assert body["year"] == 2024 and body["to"] == "2024-12-31"
    assert body["units"]["D1"]["total"] == 2.0 and body["province"]["max"] == 2.0
    assert api.get("/api/v1/scores/par/").status_code == 400
    future = api.get("/api/v1/scores/par/?year=2099")
    assert future.status_code == 400 and "chưa bắt đầu" in future.json()["error"]["message"]


def test_scores_need_the_kpi_engine(api, monkeypatch):
    def missing():
        raise selectors.KpiUnavailable("Chưa có bộ tính chỉ số từ cơ sở dữ liệu.")

    monkeypatch.setattr(selectors, "_kpi_engine", missing)
    response = api.get("/api/v1/scores/index/?from=2025-01-01&to=2025-01-31")
    assert response.status_code == 503 and response.json()["error"]["code"] == "kpi_unavailable"


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.ONE_STOP_OFFICER])
def test_api_is_for_province_officials(client, units, role):
    unit = units["D"] if role == Role.ONE_STOP_OFFICER else None
    client.force_login(User.objects.create_user(username="x", password="x-Pass-1234", role=role, unit=unit))
    for url in ["/api/v1/plans/", "/api/v1/scores/par/?year=2024"]:
        response = client.get(url)
        assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"


def test_ppc_leader_reads_the_api(client, plan):
    client.force_login(User.objects.create_user(username="ld", password="x-Pass-1234", role=Role.PPC_LEADER))
    assert client.get("/api/v1/plans/").status_code == 200
