"""The admin edits through the services; the demo loader is idempotent."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest

from dvctt.calendar.demo import load
from dvctt.calendar.models import CalendarRevision, DayException
from dvctt.calendar.selectors import calendar_revision_current

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client_(client, django_user_model, seeded_calendar):
    user = django_user_model.objects.create_superuser(username="quantri", password="mat-khau-dai-1", email="")
    client.force_login(user)
    return client, user


def test_admin_add_day_bumps_the_revision_and_records_the_actor(admin_client_):
    client, user = admin_client_
    before = calendar_revision_current()
    response = client.post(
        "/admin/workcalendar/dayexception/add/",
        {"date": "14/03/2025", "kind": "day_off", "name": "Nghỉ đột xuất"},
    )
    assert response.status_code == 302
    assert DayException.objects.get(date=date(2025, 3, 14)).name == "Nghỉ đột xuất"
    latest = CalendarRevision.objects.get(pk=calendar_revision_current())
    assert latest.pk == before + 1 and latest.actor == user


def test_admin_refuses_a_makeup_day_on_a_weekday(admin_client_):
    client, _user = admin_client_
    before = calendar_revision_current()
    response = client.post(
        "/admin/workcalendar/dayexception/add/",
        {"date": "12/03/2025", "kind": "makeup_workday", "name": "Làm bù"},
    )
    assert response.status_code == 200
    assert "phải là thứ Bảy hoặc Chủ nhật" in response.content.decode()
    assert calendar_revision_current() == before


def test_demo_loader_is_idempotent(db):
    first = load(stdout=StringIO(), scale=1.0)
    revision = calendar_revision_current()
    second = load(stdout=StringIO(), scale=1.0)
    from dvctt.calendar.demo import demo_years
    from dvctt.calendar.models import CalendarYear

    assert "thêm 0 ngày" not in first
    assert "thêm 0 ngày" in second
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(demo_years())
    assert calendar_revision_current() == revision
