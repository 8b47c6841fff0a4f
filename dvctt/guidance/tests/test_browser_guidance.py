"""In Chromium: a citizen opens an official's guidance link, applies online with consent; the official's page
counts one guided dossier (and shows none of it); the unit leader's "explain this number" lists the official."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import Role, User
from dvctt.common.tests.browser import sign_in_with_the_form
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.tests.conftest import PDF
from dvctt.guidance.models import Guidance
from dvctt.guidance.services import guidance_link_get_or_create
from dvctt.portal.tests.a11y import assert_accessible

from .conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _sign_in(page: Any, username: str) -> None:
    sign_in_with_the_form(page, username, PASSWORD)


def test_link_apply_with_consent_counted_for_the_official_and_explained_to_the_leader(
    page: Any,
    live_server: Any,
    online_procedure: Any,
    citizen: Any,
    cadre: Any,
    unit: Any,
    tmp_path: Path,
    settings: Any,
) -> None:
    base = live_server.url
    settings.PUBLIC_BASE_URL = base
    User.objects.create_user(
        username="lanhdao.stp", password=PASSWORD, role=Role.UNIT_LEADER, unit=unit, full_name="Lãnh Đạo"
    )
    link = guidance_link_get_or_create(official=cadre)
    pdf = tmp_path / "to-khai.pdf"
    pdf.write_bytes(PDF)

    # The citizen scans the card: the official's name and unit, and the consent rule
    page.goto(f"{base}/huong-dan-boi/{link.token}/")
    assert "Lê Văn Cán" in page.inner_text("main") and unit.name in page.inner_text("main")
    assert_accessible(page, label="guidance landing")

    # and applies online
    with page.expect_navigation():
        page.click("text=Tìm thủ tục để nộp hồ sơ")
    page.goto(base + reverse("portal:apply", args=["1.001193"]))
    _sign_in(page, "congdan")
    page.fill("#id_phone", "0912345678")
    page.fill("#ef-ho_ten_tre", "Nguyễn Văn Bình")
    page.fill("#ef-ngay_sinh", "01/02/2025")
    with page.expect_navigation():
        page.click("button[value=next]")
    page.set_input_files("#id_component-1", str(pdf))
    page.wait_for_selector(".file-list li:has-text('to-khai.pdf')")
    with page.expect_navigation():
        page.click("button[value=next]")
    assert "/xem-lai/" in page.url
    # the review step offers the official of the link, the consent unticked
    assert page.is_checked("#guide-link") and not page.is_checked("#guide-consent")
    assert "Lê Văn Cán" in page.inner_text("#can-bo-huong-dan")
    assert_accessible(page, label="review with guidance")
    page.check("#guide-consent")
    with page.expect_navigation():
        page.click("main button:has-text('Nộp hồ sơ')")
    dossier = Dossier.objects.get()
    assert dossier.code in page.inner_text(".dossier-code")
    assert Guidance.objects.get().official == cadre

    # The official's page: one guided dossier, and nothing about it
    page.context.clear_cookies()
    page.goto(base + reverse("guidance:mine"))
    _sign_in(page, "le.van.can")
    assert page.inner_text("[data-count=month]") == "1"
    assert page.inner_text("[data-count=total]") == "1"
    assert dossier.code not in page.content() and citizen.full_name not in page.content()
    assert link.token in page.input_value("#guide-url")
    assert_accessible(page, label="official's guidance page")
    # the printable card: its style applies (a static sheet: the CSP refuses inline styles), the address on it
    page.goto(base + reverse("guidance:card"))
    assert page.eval_on_selector(".card", "e => getComputedStyle(e).textAlign") == "center"
    assert f"{base}/huong-dan-boi/{link.token}/" in page.inner_text(".url")

    # The unit leader's explain: the official is listed among those who guided
    page.context.clear_cookies()
    year = timezone.localdate().year
    url = (
        reverse("dashboards:explain", args=["official_guidance_rate", "tu"])
        + f"?ky=nam&nam={year}&dv={unit.code}"
    )
    page.goto(base + url)
    _sign_in(page, "lanhdao.stp")
    assert "Lê Văn Cán" in page.inner_text("main")
    assert_accessible(page, label="explain guidance")
