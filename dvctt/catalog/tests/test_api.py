from datetime import date

import pytest
from django.core.files.base import ContentFile

from dvctt.catalog import services
from dvctt.catalog.tests.factories import FieldFactory, UnitFactory, VersionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def khai_sinh(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    UnitFactory(code="000.00.03.H38", name="Sở Tư pháp")
    FieldFactory(code="HT", name="Hộ tịch")
    first = services.procedure_version_create(
        code="1.000001",
        valid_from=date(2023, 1, 1),
        name="Đăng ký khai sinh",
        field_code="HT",
        online_level=3,
        unit_codes=["000.00.03.H38"],
    )
    current = services.procedure_version_create(
        code="1.000001",
        valid_from=date(2024, 1, 1),
        name="Đăng ký khai sinh",
        field_code="HT",
        online_level=4,
        unit_codes=["000.00.03.H38"],
        components=[
            {"name": "Tờ khai đăng ký khai sinh", "template": ContentFile(b"mau", name="to-khai.docx")}
        ],
        fees=[{"name": "Lệ phí", "amount": 8000}],
        eform=[{"name": "ho_ten", "label": "Họ tên", "type": "text", "required": True}],
    )
    return first, current


def test_list_is_public_paged_and_searchable(client, khai_sinh):
    VersionFactory(name="Cấp giấy phép xây dựng")
    response = client.get("/api/v1/procedures/", {"q": "dang ky khai sinh"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row["code"] == "1.000001"
    assert row["online_level"] == 4
    assert row["field"] == {"code": "HT", "name": "Hộ tịch"}
    assert row["units"] == [{"code": "000.00.03.H38", "name": "Sở Tư pháp", "level": "so"}]


def test_list_on_a_past_day_gives_the_old_version(client, khai_sinh):
    body = client.get("/api/v1/procedures/", {"on": "2023-06-01", "online_level": 3}).json()
    assert [row["valid_from"] for row in body["results"]] == ["2023-01-01"]


@pytest.mark.parametrize(
    ("params", "field"), [({"online_level": "5"}, "online_level"), ({"on": "31/12/2024"}, "on")]
)
def test_bad_parameters_are_400_in_the_common_shape(client, params, field):
    response = client.get("/api/v1/procedures/", params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"]


def test_list_query_count_does_not_grow(client, django_assert_num_queries):
    unit = UnitFactory()
    for n in range(25):
        VersionFactory(name=f"Thủ tục {n}").units.add(unit)
    # count, page, units
    with django_assert_num_queries(3):
        response = client.get("/api/v1/procedures/", {"page_size": 25})
    assert len(response.json()["results"]) == 25


def test_detail_has_current_version_components_fees_eform_and_versions(client, khai_sinh):
    response = client.get("/api/v1/procedures/1.000001/")
    assert response.status_code == 200
    body = response.json()
    assert body["valid_from"] == "2024-01-01"
    assert body["in_force"] is True
    assert body["components"][0]["name"] == "Tờ khai đăng ký khai sinh"
    assert body["components"][0]["template_url"].endswith(".docx")
    assert body["fees"] == [{"name": "Lệ phí", "amount": 8000, "note": ""}]
    assert body["eform"][0]["name"] == "ho_ten"
    assert [(v["valid_from"], v["valid_until"]) for v in body["versions"]] == [
        ("2023-01-01", "2023-12-31"),
        ("2024-01-01", None),
    ]


def test_detail_unknown_code_is_404_in_the_common_shape(client):
    response = client.get("/api/v1/procedures/9.999999/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "procedure_not_found"


def test_fields_list(client):
    FieldFactory(code="HT", name="Hộ tịch")
    FieldFactory(code="DD", name="Đất đai")
    # ordered by the folded name: "dat dai" before "ho tich" whatever the database collation
    assert client.get("/api/v1/fields/").json() == [
        {"code": "DD", "name": "Đất đai"},
        {"code": "HT", "name": "Hộ tịch"},
    ]


def test_openapi_documents_the_endpoints(client, admin_client):
    schema = admin_client.get("/api/v1/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/v1/procedures/"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {
        "q",
        "field",
        "unit",
        "online_level",
        "on",
        "page",
    }
    assert "400" in operation["responses"]
    assert "404" in schema["paths"]["/api/v1/procedures/{code}/"]["get"]["responses"]
