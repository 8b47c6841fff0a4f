"""Over HTTP: the verdict on the officers' dossier page and the applicant's page, the officer's server-signing and
recheck actions, the back office and the API refusing to hand over a result the policy does not allow."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from dvctt.dossiers.models import DossierFile
from dvctt.dossiers.states import Status
from dvctt.integrations.signing.models import SigningPolicy, Verdict
from dvctt.integrations.signing.tests import pki
from dvctt.integrations.signing.tests.test_services import approve, result_of

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def officer_page(user, dossier) -> str:
    response = client_for(user).get(reverse("backoffice:dossier", args=[dossier.code]))
    assert response.status_code == 200
    return response.content.decode()


def citizen_page(user, dossier) -> str:
    response = client_for(user).get(reverse("portal:dossier_lookup") + f"?ma={dossier.code}")
    assert response.status_code == 200
    return response.content.decode()


def test_valid_verdict_with_details_for_officers_and_plain_words_for_the_applicant(
    processing, specialist, citizen, trusted, ca
):
    dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
    html = officer_page(specialist, dossier)
    assert 'data-verdict="valid"' in html and "Chữ ký số hợp lệ" in html
    assert "Sở Tư pháp tỉnh Lạng Sơn" in html and "CN=DVCTT Test Root CA" in html
    assert "Chữ ký bao trùm toàn bộ tệp, nội dung không bị thay đổi" in html
    assert "soft-fail (offline)" in html
    assert "Ký số trên máy chủ" not in html  # no key configured, and already valid
    page = citizen_page(citizen, dossier)
    assert 'data-verdict="valid"' in page
    assert "Kết quả có chữ ký số hợp lệ của Sở Tư pháp tỉnh Lạng Sơn, ký lúc" in page
    assert "CN=" not in page and "Kiểm tra lại" not in page  # plain words, no officer actions


@pytest.mark.parametrize(
    ("make", "verdict", "officer_text", "citizen_text"),
    [
        ("unsigned", "unsigned", "Chưa ký số", "Kết quả điện tử này chưa được ký số."),
        ("untrusted", "signed_untrusted", "danh sách tin cậy", "chưa xác thực được người ký"),
        (
            "modified",
            "signed_invalid",
            "dữ liệu được thêm vào sau khi ký",
            "Chữ ký số trên kết quả không hợp lệ",
        ),
        ("garbage", "error", "Không đọc được cấu trúc tệp PDF", "Chưa kiểm tra được chữ ký số"),
    ],
)
def test_each_bad_verdict_is_marked_on_both_pages(
    processing, specialist, citizen, trusted, ca, foreign_ca, make, verdict, officer_text, citizen_text
):
    data = {
        "unsigned": pki.result_pdf(),
        "untrusted": pki.sign(pki.result_pdf(), foreign_ca),
        "modified": pki.sign(pki.result_pdf(), ca) + b"\n% after\n",
        "garbage": b"%PDF-1.4\nnot really a pdf\n",
    }[make]
    dossier = approve(processing, specialist, data)
    html = officer_page(specialist, dossier)
    assert f'data-verdict="{verdict}"' in html and officer_text in html
    page = citizen_page(citizen, dossier)
    assert f'data-verdict="{verdict}"' in page and citizen_text in page


def test_officer_signs_on_the_server_and_the_page_shows_it_valid(
    processing, specialist, citizen, trusted, agency_key
):
    dossier = approve(processing, specialist, pki.result_pdf())
    file = result_of(dossier)
    html = officer_page(specialist, dossier)
    assert "Ký số trên máy chủ" in html
    url = reverse("backoffice:signing:sign", args=[dossier.code, file.pk])
    assert client_for(specialist).get(url).status_code == 405  # POST only
    response = client_for(specialist).post(url, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"#chu-ky-so-{file.pk}")
    html = response.content.decode()
    assert "Đã ký số kết quả “Giấy khai sinh” trên máy chủ; chữ ký số hợp lệ." in html
    assert 'data-verdict="valid"' in html and "Ký số trên máy chủ" not in html
    assert result_of(dossier).signature_check.verdict == Verdict.VALID
    assert "Kết quả có chữ ký số hợp lệ của Sở Tư pháp tỉnh Lạng Sơn" in citizen_page(citizen, dossier)


def test_signing_refusals_are_messages_not_errors(
    processing, specialist, foreign_officer, citizen, agency_key
):
    dossier = approve(processing, specialist, pki.result_pdf())
    file = result_of(dossier)
    url = reverse("backoffice:signing:sign", args=[dossier.code, file.pk])
    assert client_for(foreign_officer).post(url).status_code == 404  # not in scope: no such dossier for them
    assert client_for(citizen).post(url).status_code == 403  # the back office is for officials
    other = reverse("backoffice:signing:sign", args=[dossier.code, 999999])
    assert client_for(specialist).post(other).status_code == 404
    component = dossier.files.filter(kind=DossierFile.Kind.COMPONENT).first()
    if component is not None:
        url_component = reverse("backoffice:signing:sign", args=[dossier.code, component.pk])
        assert client_for(specialist).post(url_component).status_code == 404


def test_recheck_after_the_trust_list_changed(processing, specialist, ca):
    from dvctt.integrations.signing.trust import trust_anchor_add

    dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
    assert 'data-verdict="signed_untrusted"' in officer_page(specialist, dossier)
    trust_anchor_add(data=ca.root.pem)
    file = result_of(dossier)
    response = client_for(specialist).post(
        reverse("backoffice:signing:recheck", args=[dossier.code, file.pk]), follow=True
    )
    html = response.content.decode()
    assert "Đã kiểm tra lại chữ ký số của “Giấy khai sinh”: Chữ ký số hợp lệ." in html
    assert 'data-verdict="valid"' in html


def test_back_office_hand_over_refused_with_the_reason(processing, specialist, one_stop):
    SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
    dossier = approve(processing, specialist, pki.result_pdf())
    dossier.refresh_from_db()
    response = client_for(one_stop).post(
        reverse("backoffice:dossier_action", args=[dossier.code, "return_result"]),
        {"expected_version": dossier.version, "method": "online"},
    )
    assert response.status_code == 409
    assert "Chưa thể trả kết quả hồ sơ" in response.content.decode()
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSED


def test_the_applicant_cannot_download_before_hand_over_what_may_not_be_issued(
    processing, specialist, citizen, trusted, ca
):
    # an unsigned result of a procedure that allows only signed ones: refused with the reason, not served
    SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
    dossier = approve(processing, specialist, pki.result_pdf())
    url = reverse("portal:dossier_file", args=[dossier.code, result_of(dossier).pk])
    response = client_for(citizen).get(url)
    assert response.status_code == 409
    assert "Chưa thể trả kết quả hồ sơ" in response.content.decode()
    # once signed by a trusted agency, the same file number serves the signed result
    signed = pki.sign(pki.result_pdf(), ca)
    stored = result_of(dossier)
    stored.file.save("giay-khai-sinh-ky-so.pdf", ContentFile(signed), save=False)
    stored.sha256 = hashlib.sha256(signed).hexdigest()
    stored.save()
    response = client_for(citizen).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == signed


def test_api_hand_over_refused_with_the_error_shape(processing, specialist, one_stop):
    SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
    dossier = approve(processing, specialist, pki.result_pdf())
    response = client_for(one_stop).post(
        reverse("api:dossier-action", args=[dossier.code, "return_result"]),
        {"method": "online"},
        content_type="application/json",
    )
    assert response.status_code == 409
    error = response.json()["error"]
    assert error["code"] == "result_not_signed" and "chữ ký số hợp lệ" in error["message"]


def test_admin_uploads_a_root_to_the_trust_list(admin_client, ca):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dvctt.integrations.signing.models import TrustAnchor

    url = reverse("admin:signing_trustanchor_add")
    response = admin_client.post(
        url,
        {
            "name": "",
            "active": "on",
            "note": "Ban Cơ yếu Chính phủ root",
            "upload": SimpleUploadedFile("root.cer", ca.root.der),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    anchor = TrustAnchor.objects.get()
    assert (
        anchor.name == "DVCTT Test Root CA"
        and anchor.active
        and anchor.subject.startswith("CN=DVCTT Test Root CA")
    )
    bad = admin_client.post(
        url, {"name": "x", "active": "on", "upload": SimpleUploadedFile("a.cer", ca.agency.der)}
    )
    assert bad.status_code == 200 and "không phải chứng thư của tổ chức chứng thực" in bad.content.decode()
    assert TrustAnchor.objects.count() == 1
