"""After signing in (no "next"), each person lands on their own page."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dvctt.accounts.models import Role, User

pytestmark = pytest.mark.django_db
PASSWORD = "x-Pass-1234"


def _sign_in(client: Client, username: str, next_url: str = "") -> str:
    url = reverse("accounts:login") + (f"?next={next_url}" if next_url else "")
    response = client.post(url, {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return response["Location"]


def test_officers_land_on_their_inbox_and_leaders_on_their_page(
    client: Client, one_stop: Any, specialist: Any, leader: Any
) -> None:
    for user, expected in (
        (one_stop, "backoffice:home"),
        (specialist, "backoffice:home"),
        (leader, "backoffice:leader"),
    ):
        user.set_password(PASSWORD)
        user.save()
        assert _sign_in(Client(), user.username) == reverse(expected), user.role


def test_monitors_and_ppc_leaders_land_on_the_dashboards(client: Client, unit: Any) -> None:
    for role in (Role.MONITOR, Role.PPC_LEADER):
        User.objects.create_user(username=f"u-{role}", password=PASSWORD, role=role)
        assert _sign_in(Client(), f"u-{role}") == reverse("dashboards:overview")


def test_a_citizen_lands_on_my_dossiers_only_when_they_have_some(
    client: Client, citizen: Any, submitted: Any
) -> None:
    newcomer = User.objects.create_user(username="moi", password=PASSWORD, role=Role.CITIZEN)
    assert _sign_in(Client(), newcomer.username) == reverse("portal:home")
    citizen.set_password(PASSWORD)
    citizen.save()
    assert submitted.applicant_id == citizen.pk
    assert _sign_in(Client(), citizen.username) == reverse("portal:my_dossiers")


def test_next_still_wins(client: Client, one_stop: Any) -> None:
    one_stop.set_password(PASSWORD)
    one_stop.save()
    assert _sign_in(client, one_stop.username, next_url="/tra-cuu/") == "/tra-cuu/"
