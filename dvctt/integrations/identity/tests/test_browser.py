"""In Chromium: sign in through the sandbox provider's login page, land back signed in, and start an application
whose applicant fields the identity vouches for are prefilled and read-only."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.accounts.models import NationalIdentity
from dvctt.integrations.identity.sandbox import PEOPLE
from dvctt.integrations.identity.tests.conftest import point_at
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
HA = PEOPLE[0]


def test_sign_in_with_the_national_account_then_apply(
    page: Any, live_server: Any, provider_process: Any, settings: Any, online_procedure: Any
) -> None:
    provider_process.reset()
    settings.PUBLIC_BASE_URL = live_server.url
    point_at(settings, provider_process.url)

    # Applying needs an account: the login page offers the national sign-in
    page.goto(live_server.url + reverse("portal:apply", args=["1.001193"]))
    assert reverse("accounts:login") in page.url
    with page.expect_navigation():
        page.click("#national-sign-in")

    # At the provider: pick the person, type the password, agree
    assert page.url.startswith(provider_process.url + "/oauth2/authorize")
    page.check(f"input[name=sub][value={HA['sub']}]")
    page.fill("#password", "sandbox")
    with page.expect_navigation(url=f"{live_server.url}/**"):
        page.click("#allow")

    # Back on the platform, signed in, on the application's first step
    page.wait_for_selector("#id_full_name")
    assert "/thong-tin/" in page.url
    assert NationalIdentity.objects.get().tech_id == HA["TechID"]
    assert page.input_value("#id_full_name") == HA["HoVaTen"]
    assert page.input_value("#id_national_id") == HA["SoDinhDanh"]
    assert page.input_value("#id_date_of_birth") == "12/05/1990"
    assert page.input_value("#id_address") == HA["ThuongTru"]
    for field in ("#id_full_name", "#id_national_id", "#id_date_of_birth", "#id_address"):
        assert page.get_attribute(field, "readonly") is not None
        assert not page.is_editable(field)
    assert page.is_editable("#id_phone")  # contacts stay the applicant's to type
    assert page.input_value("#id_phone") == HA["SoDienThoai"]
    assert_accessible(page, label="draft details with a verified identity")
