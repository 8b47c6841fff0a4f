"""Administration: users and roles with change history; catalogue, units and calendar pages answer."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dvctt.accounts.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, unit):
    admin = User.objects.create_superuser(username="root", password="x-Pass-1234", email="root@example.vn")
    client.force_login(admin)
    return client


def test_role_change_is_kept_in_the_user_history(admin_client, unit):
    # given a specialist; when an admin makes them unit leader
    user = User.objects.create_user(username="cv", password="x-Pass-1234", role=Role.SPECIALIST, unit=unit)
    user.role = Role.UNIT_LEADER
    user.save()
    # then the history holds both roles, and the admin's history page lists them
    assert [h.role for h in user.history.order_by("history_id")] == [Role.SPECIALIST, Role.UNIT_LEADER]
    page = admin_client.get(reverse("admin:accounts_user_history", args=[user.pk]))
    assert page.status_code == 200
    assert "unit_leader" in page.content.decode() or "Lãnh đạo đơn vị" in page.content.decode()


def test_login_writes_no_history_row(client, unit):
    user = User.objects.create_user(
        username="mc", password="x-Pass-1234", role=Role.ONE_STOP_OFFICER, unit=unit
    )
    client.force_login(user)  # saves last_login only
    assert user.history.count() == 1
    assert not hasattr(user.history.first(), "password")


@pytest.mark.parametrize(
    "name",
    [
        "admin:accounts_user_changelist",
        "admin:agencies_unit_changelist",
        "admin:catalog_procedure_changelist",
        "admin:catalog_procedureversion_changelist",
        "admin:workcalendar_calendaryear_changelist",
        "admin:workcalendar_dayexception_changelist",
    ],
)
def test_admin_lists_answer(admin_client, name):
    assert admin_client.get(reverse(name)).status_code == 200
