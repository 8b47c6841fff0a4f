from datetime import date

import pytest

from dvctt.agencies.models import UnitLevel
from dvctt.agencies.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    unit_create(code="R", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1))
    unit_create(
        code="C", name="Xã mới", level=UnitLevel.COMMUNE, valid_from=date(2025, 7, 1), parent_code="R"
    )
    unit_create(
        code="D",
        name="Huyện cũ",
        level=UnitLevel.DISTRICT,
        valid_from=date(2000, 1, 1),
        valid_to=date(2025, 6, 30),
        parent_code="R",
        successor_code="C",
    )
    unit_create(
        code="O",
        name="Xã cũ",
        level=UnitLevel.COMMUNE,
        valid_from=date(2000, 1, 1),
        valid_to=date(2025, 4, 1),
        parent_code="D",
        successor_code="D",
    )


def test_list_on_a_day_is_public_and_paged(client, units, django_assert_num_queries):
    with django_assert_num_queries(2):  # count + page
        response = client.get("/api/v1/units/?on=2025-06-30")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert [u["code"] for u in body["results"]] == ["D", "R"]
    assert body["results"][0] == {
        "code": "D",
        "name": "Huyện cũ",
        "level": "huyen",
        "parent": "R",
        "valid_from": "2000-01-01",
        "valid_to": "2025-06-30",
        "successor": "C",
        "address": "",
        "phone": "",
        "email": "",
    }


def test_list_filters_level_and_defaults_to_today(client, units):
    assert [u["code"] for u in client.get("/api/v1/units/?level=xa").json()["results"]] == ["C"]
    assert client.get("/api/v1/units/").json()["count"] == 2  # R and C exist today


@pytest.mark.parametrize(
    ("query", "field"), [("on=30/06/2025", "on"), ("on=2025-02-30", "on"), ("level=quan", "level")]
)
def test_list_bad_parameters_give_400_in_the_common_shape(client, units, query, field):
    response = client.get(f"/api/v1/units/?{query}")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and field in error["fields"]


def test_detail_has_parent_successor_and_heir(client, units):
    body = client.get("/api/v1/units/O/").json()
    assert body["parent"] == {"code": "D", "name": "Huyện cũ"}
    assert body["successor"] == {"code": "D", "name": "Huyện cũ"}
    assert body["heir"] == {"code": "C", "name": "Xã mới"}
    assert body["valid_to"] == "2025-04-01"
    d = client.get("/api/v1/units/D/").json()
    assert d["children"] == [{"code": "O", "name": "Xã cũ"}]
    assert d["predecessors"] == [{"code": "O", "name": "Xã cũ"}]
    assert client.get("/api/v1/units/C/").json()["heir"] == {"code": "C", "name": "Xã mới"}


def test_detail_unknown_code_is_404_in_the_common_shape(client, units):
    response = client.get("/api/v1/units/000.99.99.H38/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert "000.99.99.H38" in response.json()["error"]["message"]


def test_openapi_documents_the_unit_endpoints(client):
    response = client.get("/api/v1/schema/?format=json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    params = {p["name"] for p in paths["/api/v1/units/"]["get"]["parameters"]}
    assert {"on", "level", "page"} <= params
    assert "400" in paths["/api/v1/units/"]["get"]["responses"]
    detail = paths["/api/v1/units/{code}/"]["get"]["responses"]
    assert detail["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/UnitDetail")
    assert "404" in detail
    assert "heir" in response.json()["components"]["schemas"]["UnitDetail"]["properties"]
