"""The signing verdict in the dossier API: ``results`` of ``GET /api/v1/dossiers/<code>/`` lists each result with
its signature check (signed, signer, time, verdict, checked_at), as the officers' page shows it, and the OpenAPI
schema documents it."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from dvctt.integrations.signing.tests import pki
from dvctt.integrations.signing.tests.test_services import approve, result_of

pytestmark = pytest.mark.django_db


def detail(user, dossier) -> dict:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("api:dossier-detail", args=[dossier.code]))
    assert response.status_code == 200, response.content
    return response.json()


def test_a_validly_signed_result_reads_signed_with_signer_time_and_verdict(
    processing, specialist, citizen, trusted, ca
):
    dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
    file = result_of(dossier)
    for reader in (specialist, citizen):  # the officer and the applicant read the same verdict
        [result] = detail(reader, dossier)["results"]
        assert result["id"] == file.pk and result["name"] == "Giấy khai sinh" and result["stored"] is True
        signature = result["signature"]
        assert signature["signed"] is True and signature["verdict"] == "valid"
        assert signature["verdict_label"] == "Chữ ký số hợp lệ"
        assert signature["signer"] == "Sở Tư pháp tỉnh Lạng Sơn"
        assert signature["problem"] == "" and signature["signatures"] == 1
        signed_at = datetime.fromisoformat(signature["signed_at"])
        checked_at = datetime.fromisoformat(signature["checked_at"])
        assert signed_at.tzinfo is not None and checked_at >= signed_at
        assert (
            signature["checked_at"]
            == file.signature_check.checked_at.astimezone(checked_at.tzinfo).isoformat()
        )


@pytest.mark.parametrize(
    ("make", "verdict", "signed", "problem"),
    [
        ("unsigned", "unsigned", False, "unsigned"),
        ("untrusted", "signed_untrusted", True, "untrusted_root"),
        ("modified", "signed_invalid", True, "not_whole_file"),
        ("garbage", "error", None, "unreadable"),
    ],
)
def test_each_other_verdict_reads_as_the_page_shows_it(
    processing, specialist, trusted, ca, foreign_ca, make, verdict, signed, problem
):
    data = {
        "unsigned": pki.result_pdf(),
        "untrusted": pki.sign(pki.result_pdf(), foreign_ca),
        "modified": pki.sign(pki.result_pdf(), ca) + b"\n% after\n",
        "garbage": b"%PDF-1.4\nnot really a pdf\n",
    }[make]
    dossier = approve(processing, specialist, data)
    [result] = detail(specialist, dossier)["results"]
    signature = result["signature"]
    assert (signature["verdict"], signature["signed"], signature["problem"]) == (verdict, signed, problem)
    if not signed:
        assert signature["signer"] == "" and signature["signed_at"] is None


def test_a_result_changed_after_its_check_has_no_verdict_until_checked_again(
    processing, specialist, trusted, ca
):
    dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
    file = result_of(dossier)
    file.file.save("thay-the.pdf", ContentFile(pki.result_pdf()), save=False)
    file.sha256 = "0" * 64
    file.save(update_fields=["file", "sha256"])
    [result] = detail(specialist, dossier)["results"]
    assert result["signature"] is None


def test_a_dossier_without_results_lists_none_and_a_paper_result_has_no_verdict(
    processing, specialist, leader, one_stop
):
    assert detail(specialist, processing)["results"] == []
    client = Client()
    client.force_login(specialist)
    response = client.post(
        reverse("api:dossier-action", args=[processing.code, "approve"]),
        {"results": ["Giấy khai sinh (bản giấy)"]},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    [result] = response.json()["results"]
    assert result["name"] == "Giấy khai sinh (bản giấy)"
    assert result["stored"] is False and result["signature"] is None


def test_the_schema_documents_the_results_and_their_signature(admin_client):
    response = admin_client.get(reverse("api:schema"), {"format": "json"})
    assert response.status_code == 200
    components = response.json()["components"]["schemas"]
    detail_schema = components["DossierDetail"]["properties"]
    assert detail_schema["results"]["type"] == "array"
    assert detail_schema["results"]["items"]["$ref"].endswith("/ResultFile")
    result = components["ResultFile"]["properties"]
    assert result["signature"]["nullable"] is True or "allOf" in result["signature"]
    signature = components["Signature"]["properties"]
    assert {"signed", "verdict", "signer", "signed_at", "checked_at"} <= set(signature)
    assert set(components["VerdictEnum"]["enum"]) == {
        "valid",
        "signed_untrusted",
        "signed_invalid",
        "unsigned",
        "error",
    }
