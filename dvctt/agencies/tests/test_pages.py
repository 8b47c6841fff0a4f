from datetime import date

import pytest

from dvctt.agencies.models import UnitLevel
from dvctt.agencies.services import unit_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def units():
    unit_create(code="R", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1))
    unit_create(
        code="N",
        name="Sở Tài chính",
        level=UnitLevel.DEPARTMENT,
        valid_from=date(2000, 1, 1),
        parent_code="R",
    )
    unit_create(
        code="K",
        name="Sở Kế hoạch và Đầu tư",
        level=UnitLevel.DEPARTMENT,
        valid_from=date(2000, 1, 1),
        valid_to=date(2025, 2, 28),
        parent_code="R",
        successor_code="N",
    )


def test_unit_list_groups_by_level_and_shows_ended_units_with_successor(
    client, units, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        response = client.get("/don-vi/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sở, ban, ngành" in html and "Sở Tài chính" in html
    assert "Đơn vị đã kết thúc hoạt động" in html
    # the ended unit appears in the ended table, linked to its successor
    ended = html.split("Đơn vị đã kết thúc hoạt động")[1]
    assert "Sở Kế hoạch và Đầu tư" in ended and "/don-vi/N/" in ended and "28/02/2025" in ended


def test_unit_list_on_a_past_day_in_dd_mm_yyyy(client, units):
    html = client.get("/don-vi/?ngay=28/02/2025").content.decode()
    assert 'value="28/02/2025"' in html
    in_force = html.split("Đơn vị đã kết thúc hoạt động")[0]
    assert "Sở Kế hoạch và Đầu tư" in in_force
    assert "Đơn vị đã kết thúc hoạt động" not in html


def test_unit_list_bad_day_is_a_clear_message_not_a_500(client, units):
    response = client.get("/don-vi/?ngay=31/02/2025")
    assert response.status_code == 400
    assert "dd/mm/yyyy" in response.content.decode()


def test_unit_detail_shows_validity_successor_heir_and_predecessors(client, units):
    html = client.get("/don-vi/K/").content.decode()
    assert "Sở Kế hoạch và Đầu tư" in html and "từ 01/01/2000 đến 28/02/2025" in html
    assert "Đã kết thúc hoạt động" in html and "/don-vi/N/" in html
    new = client.get("/don-vi/N/").content.decode()
    assert "Đơn vị tiền thân" in new and "/don-vi/K/" in new
    root = client.get("/don-vi/R/").content.decode()
    assert "Đơn vị trực thuộc" in root and "/don-vi/N/" in root


def test_unit_detail_unknown_is_404(client, units):
    assert client.get("/don-vi/KHONG/").status_code == 404
