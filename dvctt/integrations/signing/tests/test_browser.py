"""In a real Chromium: the officer sees an unsigned result marked so, signs it on the server with the agency key,
sees the verdict turn valid with its details, hands the result over; the applicant sees the same verdict."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.common.tests.browser import sign_in
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.integrations.signing.models import SigningPolicy
from dvctt.integrations.signing.tests import pki
from dvctt.integrations.signing.tests.test_services import approve
from dvctt.portal.tests.a11y import assert_accessible

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_officer_signs_on_the_server_and_the_applicant_sees_the_verdict(
    page: Any, live_server: Any, processing, specialist, one_stop, citizen, trusted, agency_key
) -> None:
    SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
    dossier = approve(processing, specialist, pki.result_pdf())
    officer_url = live_server.url + reverse("backoffice:dossier", args=[dossier.code])

    # the one-stop officer may not hand over an unsigned result under this procedure's policy
    sign_in(page, live_server, one_stop)
    page.goto(live_server.url + reverse("backoffice:dossier_action", args=[dossier.code, "return_result"]))
    page.get_by_label("Hình thức trả kết quả").select_option("online")
    page.get_by_role("button", name="Xác nhận: Trả kết quả").click()
    assert "Chưa thể trả kết quả hồ sơ" in page.locator("[role=alert]").first.inner_text()

    # the specialist sees it marked unsigned, signs it on the server
    sign_in(page, live_server, specialist)
    page.goto(officer_url)
    verdict = page.locator(".signing-verdict")
    assert verdict.get_attribute("data-verdict") == "unsigned"
    assert verdict.locator(".badge").inner_text() == "Chưa ký số"
    assert_accessible(page, label="officer page, unsigned result")
    page.get_by_role("button", name="Ký số trên máy chủ").click()
    page.wait_for_selector('.signing-verdict[data-verdict="valid"]')
    assert "chữ ký số hợp lệ" in page.locator(".messages").inner_text()
    details = page.locator(".signing-verdict").inner_text()
    assert "Sở Tư pháp tỉnh Lạng Sơn" in details and "CN=DVCTT Test Root CA" in details
    assert "Chữ ký bao trùm toàn bộ tệp" in details
    assert page.get_by_role("button", name="Ký số trên máy chủ").count() == 0
    assert_accessible(page, label="officer page, signed result")

    # now the one-stop officer hands it over
    sign_in(page, live_server, one_stop)
    page.goto(live_server.url + reverse("backoffice:dossier_action", args=[dossier.code, "return_result"]))
    page.get_by_label("Hình thức trả kết quả").select_option("online")
    page.get_by_role("button", name="Xác nhận: Trả kết quả").click()
    page.wait_for_selector("#done")
    assert Dossier.objects.get(pk=dossier.pk).status == Status.RETURNED

    # the applicant's page says the same, in plain words
    sign_in(page, live_server, citizen)
    page.goto(live_server.url + reverse("portal:dossier_lookup") + f"?ma={dossier.code}")
    citizen_verdict = page.locator(".signing-verdict")
    assert citizen_verdict.get_attribute("data-verdict") == "valid"
    assert "Kết quả có chữ ký số hợp lệ của Sở Tư pháp tỉnh Lạng Sơn" in citizen_verdict.inner_text()
    assert page.get_by_role("button", name="Ký số trên máy chủ").count() == 0
    assert_accessible(page, label="applicant page, signed result")
