from datetime import date

import pytest

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create, unit_end

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.com", "x"))
    return client


def test_admin_shows_a_units_history(admin_client):
    b = unit_create(code="B", name="Sở B", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1))
    a = unit_create(code="A", name="Sở A", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1))
    unit_end(unit=a, last_day=date(2025, 2, 28), successor_code="B")
    assert admin_client.get("/admin/agencies/unit/").status_code == 200
    response = admin_client.get(f"/admin/agencies/unit/{a.pk}/history/")
    assert response.status_code == 200
    assert a.history.count() == 2 and b.history.count() == 1


def test_admin_form_refuses_a_successor_cycle(admin_client):
    b = unit_create(code="B", name="Sở B", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1))
    a = unit_create(
        code="A",
        name="Sở A",
        level=UnitLevel.DEPARTMENT,
        valid_from=date(2000, 1, 1),
        valid_to=date(2025, 2, 28),
        successor_code="B",
    )
    response = admin_client.post(
        f"/admin/agencies/unit/{b.pk}/change/",
        {
            "code": "B",
            "name": "Sở B",
            "level": "so",
            "valid_from": "01/01/2000",
            "valid_to": "30/06/2025",
            "successor": a.pk,
            "extra": "{}",
        },
    )
    assert response.status_code == 200  # form shown again with the error
    assert "vòng lặp" in response.content.decode()
    assert Unit.objects.get(code="B").successor is None
