"""The national sign-in over HTTP against the sandbox provider running as its own process.

The Django test client plays the browser on the platform's side; urllib plays it on the provider's login page
(the two meet through the redirects, as a browser's would).
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dvctt.accounts.models import NationalIdentity, Role, User
from dvctt.accounts.national import NATIONAL_SESSION_KEY, PENDING_LINK_SESSION_KEY
from dvctt.common.tests.sandboxes import free_port
from dvctt.dossiers.models import Dossier
from dvctt.integrations.identity.sandbox import PEOPLE
from dvctt.integrations.identity.tests.conftest import point_at
from dvctt.portal.tests.test_apply import DETAILS, _complete, _draft

pytestmark = pytest.mark.django_db

START = "accounts:identity:start"
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">')
HA = PEOPLE[0]


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _provider_answer(
    authorize_url: str,
    *,
    person: dict = HA,
    decision: str = "allow",
    password: str = "sandbox",  # noqa: S107
) -> str:
    """At the provider: open the login page, pick the person, type the password, agree or refuse.
    Returns where the provider sends the browser back (the platform's callback URL)."""
    with urllib.request.urlopen(authorize_url, timeout=5) as response:  # noqa: S310 - loopback
        page = response.read().decode()
    assert "Chọn người thử nghiệm" in page and HA["HoVaTen"] in page
    form = {name: value.replace("&amp;", "&") for name, value in HIDDEN.findall(page)}
    form.update(sub=person["sub"], password=password, decision=decision)
    parts = urllib.parse.urlsplit(authorize_url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        opener.open(
            f"{parts.scheme}://{parts.netloc}/oauth2/authorize",
            urllib.parse.urlencode(form).encode(),
            timeout=5,
        )
    except urllib.error.HTTPError as exc:
        assert exc.code == 302, exc.read()
        return exc.headers["Location"]
    raise AssertionError("the provider did not redirect back")


def _path(url: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return f"{parts.path}?{parts.query}"


def _go_to_provider(client: Client, next_url: str = "") -> str:
    response = client.get(reverse(START) + (f"?next={next_url}" if next_url else ""))
    assert response.status_code == 302
    location = response["Location"]
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(location).query)
    # PKCE, state, nonce and the level are in the request
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0] and query["acr_values"] == ["LoA1"]
    assert query["redirect_uri"] == ["http://127.0.0.1:8000" + reverse("accounts:identity:callback")]
    return location


def _sign_in(client: Client, *, person: dict = HA, next_url: str = "") -> Any:
    back = _provider_answer(_go_to_provider(client, next_url), person=person)
    return client.get(_path(back))


def _signed_in_user(client: Client) -> int | None:
    value = client.session.get("_auth_user_id")
    return int(value) if value else None


def _failure_page(response: Any, status: int, words: str) -> None:
    page = response.content.decode()
    assert response.status_code == status, page[:500]
    assert 'id="identity-failure"' in page and words in page
    assert reverse("accounts:login") in page  # a way back


def test_sign_in_creates_the_account_and_opens_the_session(client: Client, provider: Any) -> None:
    # when a person with no account signs in through the provider
    response = _sign_in(client, next_url="/ho-so-cua-toi/")
    # then they land where they were going, signed in as a new citizen with the verified identity
    assert response.status_code == 302 and response["Location"] == "/ho-so-cua-toi/"
    user = User.objects.get(pk=_signed_in_user(client))
    assert (
        user.role == Role.CITIZEN and user.national_id == HA["SoDinhDanh"] and user.full_name == HA["HoVaTen"]
    )
    identity = user.national_identity
    assert identity.tech_id == HA["TechID"] and identity.subject == HA["sub"]
    assert identity.date_of_birth.isoformat() == "1990-05-12" and identity.address == HA["ThuongTru"]
    assert identity.level == "LoA2"
    assert client.session[NATIONAL_SESSION_KEY] == HA["TechID"]
    assert provider.state()["counts"] == {"authorize": 1, "code": 1, "token": 1, "userinfo": 1}
    # and the profile shows the verified identity
    profile = client.get(reverse("accounts:profile")).content.decode()
    assert 'id="identity-verified"' in profile and HA["ThuongTru"] in profile


def test_second_sign_in_finds_the_same_account(client: Client, provider: Any) -> None:
    _sign_in(client)
    first = _signed_in_user(client)
    client.logout()
    _sign_in(client)
    assert _signed_in_user(client) == first and User.objects.count() == 1


def test_configured_endpoints_without_discovery(client: Client, provider: Any, settings: Any) -> None:
    point_at(settings, provider.url, discovery=False)
    response = _sign_in(client)
    assert response.status_code == 302 and _signed_in_user(client) is not None


def test_a_business_signs_in(client: Client, provider: Any) -> None:
    _sign_in(client, person=PEOPLE[2])
    user = User.objects.get(pk=_signed_in_user(client))
    assert user.role == Role.BUSINESS and user.tax_code == "4900123456"
    assert user.organisation_name.startswith("Công ty TNHH")


def test_an_existing_local_account_must_prove_its_password(client: Client, provider: Any) -> None:
    local = User.objects.create_user(
        username="thuha", password="x-Pass-1234", role=Role.CITIZEN, national_id=HA["SoDinhDanh"]
    )
    response = _sign_in(client, next_url="/ho-so-cua-toi/")
    # not signed in yet, nothing linked: the link page asks for the local password
    assert response.status_code == 302 and response["Location"] == reverse("accounts:national_link")
    assert _signed_in_user(client) is None and not NationalIdentity.objects.exists()
    assert PENDING_LINK_SESSION_KEY in client.session
    answer = client.post(reverse("accounts:national_link"), {"password": "x-Pass-1234", "action": "link"})
    assert answer.status_code == 302 and answer["Location"] == "/ho-so-cua-toi/"
    assert _signed_in_user(client) == local.pk and NationalIdentity.objects.get().user == local
    assert User.objects.count() == 1


# --- failures: a clear Vietnamese page, a way back, never a 500 -------------------------------------------


def test_a_wrong_state_is_refused(client: Client, provider: Any) -> None:
    back = _provider_answer(_go_to_provider(client))
    forged = re.sub(r"state=[^&]+", "state=forged", _path(back))
    _failure_page(client.get(forged), 400, "Phiên đăng nhập không hợp lệ")
    assert _signed_in_user(client) is None and provider.state()["counts"].get("token") is None


def test_a_callback_from_another_browser_is_refused(client: Client, provider: Any) -> None:
    back = _provider_answer(_go_to_provider(client))
    stranger = Client()
    _failure_page(stranger.get(_path(back)), 400, "Phiên đăng nhập không hợp lệ")


def test_a_replayed_callback_is_refused(client: Client, provider: Any) -> None:
    back = _provider_answer(_go_to_provider(client))
    assert client.get(_path(back)).status_code == 302
    client.logout()
    _failure_page(client.get(_path(back)), 400, "Phiên đăng nhập không hợp lệ")


def test_a_refused_consent(client: Client, provider: Any) -> None:
    back = _provider_answer(_go_to_provider(client), decision="deny")
    assert "error=access_denied" in back
    _failure_page(client.get(_path(back)), 400, "Bạn chưa đồng ý chia sẻ thông tin")
    assert _signed_in_user(client) is None and not User.objects.exists()


def test_an_expired_code(client: Client, provider: Any) -> None:
    provider.code_ttl(0)
    back = _provider_answer(_go_to_provider(client))
    _failure_page(client.get(_path(back)), 400, "Mã đăng nhập đã hết hạn")
    assert _signed_in_user(client) is None and provider.state()["counts"]["token"] == 1


def test_the_provider_down_at_the_token_endpoint(client: Client, provider: Any) -> None:
    back = _provider_answer(_go_to_provider(client))
    provider.fault("down")
    _failure_page(client.get(_path(back)), 503, "Không kết nối được hệ thống định danh")
    assert _signed_in_user(client) is None


def test_the_provider_unreachable(client: Client, provider: Any, settings: Any) -> None:
    point_at(settings, f"http://127.0.0.1:{free_port()}")  # nothing listens there
    _failure_page(client.get(reverse(START)), 503, "Không kết nối được hệ thống định danh")


def test_the_provider_gone_between_login_and_token(client: Client, provider: Any, settings: Any) -> None:
    point_at(settings, provider.url, discovery=False)
    back = _provider_answer(_go_to_provider(client))
    settings.DVCTT_IDENTITY_TOKEN_URL = f"http://127.0.0.1:{free_port()}/oauth2/token"
    _failure_page(client.get(_path(back)), 503, "Không kết nối được hệ thống định danh")


@pytest.mark.parametrize("fault", ["bad_signature", "bad_nonce"])
def test_an_id_token_that_is_not_valid(client: Client, provider: Any, fault: str) -> None:
    back = _provider_answer(_go_to_provider(client))
    provider.fault(fault)
    _failure_page(client.get(_path(back)), 400, "Không xác minh được thông tin đăng nhập")
    assert _signed_in_user(client) is None and not User.objects.exists()


def test_a_wrong_client_secret(client: Client, provider: Any, settings: Any) -> None:
    back = _provider_answer(_go_to_provider(client))
    settings.DVCTT_IDENTITY_CLIENT_SECRET = "not-the-secret"
    _failure_page(client.get(_path(back)), 503, "Không kết nối được hệ thống định danh")
    assert _signed_in_user(client) is None


def test_off_when_not_configured(client: Client, settings: Any) -> None:
    settings.DVCTT_IDENTITY_CLIENT_ID = ""
    _failure_page(client.get(reverse(START)), 404, "sắp có")
    _failure_page(client.get(reverse("accounts:identity:callback") + "?code=x&state=y"), 404, "sắp có")


# --- the dossier and the e-form ---------------------------------------------------------------------------


def test_a_dossier_of_a_national_account_carries_it(
    client: Client, provider: Any, online_procedure: Any, tmp_path: Any
) -> None:
    from dvctt.interchange.exporter import interchange_export

    _sign_in(client)
    draft = _draft(client)
    # the details page shows the verified identity read-only
    page = client.get(reverse("portal:draft_details", args=[draft.pk])).content.decode()
    assert re.search(r'id="id_full_name" name="full_name" value="' + HA["HoVaTen"] + '" readonly', page)
    assert re.search(
        r'id="id_national_id" name="national_id" value="' + HA["SoDinhDanh"] + '" readonly', page
    )
    assert re.search(r'id="id_date_of_birth" value="12/05/1990" readonly', page)
    assert re.search(r'id="id_address" name="address" value="[^"]+" readonly', page)
    # a tampered post cannot change what the identity vouches for
    _complete(client, draft)
    draft.refresh_from_db()
    assert (
        draft.applicant_data["full_name"] == HA["HoVaTen"]
        and draft.applicant_data["national_id"] == HA["SoDinhDanh"]
    )
    assert (
        draft.applicant_data["address"] == HA["ThuongTru"]
        and draft.applicant_data["phone"] == DETAILS["phone"]
    )
    assert client.post(reverse("portal:draft_review", args=[draft.pk])).status_code == 302
    dossier = Dossier.objects.get()
    assert dossier.applicant_name == HA["HoVaTen"] and dossier.applicant_id_number == HA["SoDinhDanh"]
    assert dossier.applicant_address == HA["ThuongTru"]
    assert dossier.extra == {"TaiKhoanDuocXacThucVoiVNeID": 1, "MaDoiTuong": HA["TechID"]}
    # and the interchange export writes both keys
    interchange_export(folder=tmp_path)
    line = json.loads((tmp_path / "dossiers.jsonl").read_text(encoding="utf-8").splitlines()[0])
    assert line["TaiKhoanDuocXacThucVoiVNeID"] == 1 and line["MaDoiTuong"] == HA["TechID"]


def test_a_dossier_of_a_local_account_does_not(client: Client, online_procedure: Any, citizen: Any) -> None:
    client.force_login(citizen)
    draft = _draft(client)
    page = client.get(reverse("portal:draft_details", args=[draft.pk])).content.decode()
    assert "readonly" not in page
    _complete(client, draft)
    assert client.post(reverse("portal:draft_review", args=[draft.pk])).status_code == 302
    assert "TaiKhoanDuocXacThucVoiVNeID" not in Dossier.objects.get().extra
