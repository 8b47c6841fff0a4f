"""The home page and the shell (base.html) over HTTP."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import NoReverseMatch, reverse

from dvctt.accounts.models import User

pytestmark = pytest.mark.django_db


def _reverse_or_none(name: str) -> str | None:
    try:
        return reverse(name)
    except NoReverseMatch:
        return None


def test_home_renders_search_form_that_gets_the_procedure_list(client: Client) -> None:
    # When an anonymous visitor opens the home page
    response = client.get(reverse("portal:home"))
    # Then it answers with a search form that GETs `q`
    assert response.status_code == 200
    html = response.content.decode()
    form = re.search(r'<form class="search-form large" role="search" method="get" action="([^"]*)">', html)
    assert form is not None
    assert 'name="q"' in html
    # pointing at the procedure list once that page exists
    procedures_url = _reverse_or_none("portal:procedure_list")
    if procedures_url is not None:
        assert form.group(1) == procedures_url
        assert f'href="{procedures_url}?q=khai%20sinh"' in html


def test_home_costs_no_query_for_an_anonymous_visitor_once_warm(
    client: Client, django_assert_num_queries: Any
) -> None:
    # Given the figures, popular procedures, fields and unit counts were computed once (cached five minutes)
    client.get(reverse("portal:home"))
    # Then the next visitors cost no database query, however big the catalogue is
    with django_assert_num_queries(0):
        response = client.get(reverse("portal:home"))
    assert response.status_code == 200


def test_home_shows_headline_figures_from_the_kpi_engine(client: Client, monkeypatch: Any) -> None:
    from dvctt.monitoring import kpi

    calls = []

    def fake(**kwargs: Any) -> dict[str, Any]:
        calls.append(kwargs)
        return {"province": {"online_dossier_rate": {"value": 0.8123}, "on_time_rate": {"value": 0.95}}}

    monkeypatch.setattr(kpi, "kpi_compute", fake)
    html = client.get(reverse("portal:home")).content.decode()
    assert "81,2%" in html and "95,0%" in html
    assert calls[0]["date_from"].month == 1 and calls[0]["date_from"].day == 1
    client.get(reverse("portal:home"))
    assert len(calls) == 1  # cached


def test_home_renders_without_figures_when_the_engine_fails(client: Client, monkeypatch: Any) -> None:
    from dvctt.monitoring import kpi

    def broken(**kwargs: Any) -> dict[str, Any]:
        raise RuntimeError("rollups missing")

    monkeypatch.setattr(kpi, "kpi_compute", broken)
    response = client.get(reverse("portal:home"))
    assert response.status_code == 200
    assert "hồ sơ được nộp trực tuyến" not in response.content.decode()


def test_home_lists_popular_online_procedures_and_fields(
    client: Client, procedure: Any, unit: Any, citizen: Any
) -> None:
    from dvctt.dossiers import services
    from dvctt.dossiers.tests.conftest import submission

    # Given a dossier submitted today for an online procedure
    services.dossier_submit(actor=citizen, submission=submission(unit))
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:procedure_detail", args=["1.001193"])}">Đăng ký khai sinh</a>' in html
    assert "Toàn trình" in html
    assert "Sở" in html  # unit counts by level


def test_shell_has_skip_link_landmarks_and_login(client: Client) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert '<a class="skip-link" href="#main">' in html
    assert '<main id="main"' in html
    assert 'aria-label="Điều hướng chính"' in html
    assert f'href="{reverse("accounts:login")}"' in html
    assert '<html lang="vi">' in html


@override_settings(ROOT_URLCONF="dvctt.portal.tests.urls_without_catalog")
def test_shell_renders_without_pages_that_do_not_exist_yet(client: Client) -> None:
    # Given a URL layout with no procedure list, unit list or API
    # When the home page renders
    response = client.get("/")
    # Then it does not crash and simply leaves those links out
    assert response.status_code == 200
    html = response.content.decode()
    assert "/thu-tuc/" not in html
    assert "/don-vi/" not in html
    assert "Thủ tục được tìm nhiều" not in html
    assert 'name="q"' in html


def test_logged_in_user_sees_name_and_logout(client: Client) -> None:
    # Given a signed-in citizen
    user = User.objects.create_user(username="citizen1", password="x-Secret-123", full_name="Hoàng Văn Nam")
    client.force_login(user)
    # When they open the home page
    html = client.get(reverse("portal:home")).content.decode()
    # Then the header shows their name and a logout button instead of the login link
    assert "Hoàng Văn Nam" in html
    assert f'action="{reverse("accounts:logout")}"' in html
    assert f'href="{reverse("accounts:login")}"' not in html


def test_current_section_is_marked_in_navigation(client: Client) -> None:
    html = client.get(reverse("portal:home")).content.decode()
    assert f'<a href="{reverse("portal:home")}" aria-current="page">' in html
