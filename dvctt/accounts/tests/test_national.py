"""Matching a national identity to local accounts: by TechID, then by number; created when absent; an existing
local account is linked only after its password is proved — never merged silently."""

from __future__ import annotations

import time
from datetime import date

import pytest
from django.urls import reverse

from dvctt.accounts.models import NationalAccountType, NationalIdentity, Role, User
from dvctt.accounts.national import (
    NATIONAL_SESSION_KEY,
    PENDING_LINK_SESSION_KEY,
    NationalClaims,
    national_identity_link,
    national_sign_in,
)
from dvctt.common.errors import DomainError

PASSWORD = "x-Pass-1234"
NUMBER = "020190000101"


def claims(**kwargs) -> NationalClaims:
    values = dict(
        tech_id="TECH-1",
        subject="sub-1",
        id_number=NUMBER,
        full_name="Nguyễn Thị Thu Hà",
        date_of_birth=date(1990, 5, 12),
        address="Số 12 đường Lê Lợi, phường Vĩnh Trại",
        phone="0912000101",
        level="LoA2",
    )
    values.update(kwargs)
    return NationalClaims(**values)


@pytest.fixture
def local_citizen(db) -> User:
    return User.objects.create_user(
        username="thuha", password=PASSWORD, role=Role.CITIZEN, full_name="Thu Hà", national_id=NUMBER
    )


def test_a_new_identity_creates_a_citizen_account_with_verified_fields(db):
    # given no account with this number; when the identity signs in
    outcome = national_sign_in(claims=claims())
    # then a citizen account is created, linked, with no local password, and the identity's fields kept
    assert outcome.kind == "signed_in" and outcome.created
    user = outcome.user
    assert user is not None and user.role == Role.CITIZEN and not user.has_usable_password()
    assert (user.full_name, user.national_id, user.phone) == ("Nguyễn Thị Thu Hà", NUMBER, "0912000101")
    identity = user.national_identity
    assert identity.tech_id == "TECH-1" and identity.date_of_birth == date(1990, 5, 12)
    assert (
        identity.address.startswith("Số 12") and identity.level == "LoA2" and not identity.linked_by_password
    )


def test_the_same_techid_finds_the_same_account_and_refreshes_its_fields(db):
    first = national_sign_in(claims=claims()).user
    # when the same national account signs in again with a changed name and address
    again = national_sign_in(claims=claims(full_name="Nguyễn Thu Hà", address="Thôn Mới"))
    # then it is the same account (matched by TechID, not duplicated), with the new verified values
    assert again.kind == "signed_in" and not again.created and again.user == first
    assert User.objects.count() == 1
    identity = NationalIdentity.objects.get()
    assert (identity.full_name, identity.address) == ("Nguyễn Thu Hà", "Thôn Mới")
    assert User.objects.get().full_name == "Nguyễn Thu Hà"


def test_techid_wins_over_the_number(db, local_citizen):
    linked = national_sign_in(claims=claims(id_number="020190000999")).user
    # when the identity later reports the number of another local account: TechID decides
    outcome = national_sign_in(claims=claims())
    assert outcome.kind == "signed_in" and outcome.user == linked and outcome.user != local_citizen


def test_an_existing_local_account_is_not_merged_silently(local_citizen):
    # given a local citizen account with the same number and no link; when the identity signs in
    outcome = national_sign_in(claims=claims())
    # then linking is required: nothing is created or linked yet
    assert outcome.kind == "link_required" and outcome.user == local_citizen
    assert not NationalIdentity.objects.exists() and User.objects.count() == 1


def test_linking_needs_the_local_password(local_citizen):
    with pytest.raises(DomainError):
        national_identity_link(user=local_citizen, claims=claims(), password="wrong-password")
    assert not NationalIdentity.objects.exists()
    # when the right password is given: the link is recorded, once
    identity = national_identity_link(user=local_citizen, claims=claims(), password=PASSWORD)
    assert identity.user == local_citizen and identity.linked_by_password
    local_citizen.refresh_from_db()
    assert local_citizen.full_name == "Nguyễn Thị Thu Hà"  # the verified name replaces the typed one
    # and later sign-ins find it by TechID without asking again
    assert national_sign_in(claims=claims()).kind == "signed_in"
    with pytest.raises(DomainError):
        national_identity_link(user=local_citizen, claims=claims(tech_id="TECH-2"), password=PASSWORD)


def test_linking_refuses_an_account_of_another_number(local_citizen):
    with pytest.raises(DomainError):
        national_identity_link(user=local_citizen, claims=claims(id_number="020190000999"), password=PASSWORD)
    assert not NationalIdentity.objects.exists()


def test_a_number_already_linked_to_another_national_account_is_refused(local_citizen):
    national_identity_link(user=local_citizen, claims=claims(), password=PASSWORD)
    # when a second national account reports the same number
    outcome = national_sign_in(claims=claims(tech_id="TECH-OTHER", subject="sub-other"))
    # then it is refused: no second account, no re-link
    assert outcome.kind == "refused" and outcome.message
    assert User.objects.count() == 1 and NationalIdentity.objects.get().tech_id == "TECH-1"


def test_two_local_accounts_with_the_number_are_refused(local_citizen):
    User.objects.create_user(username="thuha2", password=PASSWORD, role=Role.CITIZEN, national_id=NUMBER)
    outcome = national_sign_in(claims=claims())
    assert outcome.kind == "refused" and not NationalIdentity.objects.exists() and User.objects.count() == 2


def test_an_officials_account_is_never_matched(db, units):
    official = User.objects.create_user(
        username="cv", password=PASSWORD, role=Role.SPECIALIST, national_id=NUMBER, unit=units["D"]
    )
    outcome = national_sign_in(claims=claims())
    assert outcome.kind == "signed_in" and outcome.created and outcome.user != official


def test_a_business_is_matched_by_tax_code(db):
    business = User.objects.create_user(
        username="dn", password=PASSWORD, role=Role.BUSINESS, tax_code="4900123456", organisation_name="DN"
    )
    business_claims = claims(
        tech_id="TECH-B",
        account_type=NationalAccountType.BUSINESS,
        id_number="020180000303",
        tax_code="4900123456",
        organisation_name="Công ty TNHH Đồng Đăng",
    )
    assert national_sign_in(claims=business_claims).kind == "link_required"
    # a business with no local account: created with the business role
    created = national_sign_in(
        claims=claims(
            tech_id="TECH-C",
            account_type=NationalAccountType.BUSINESS,
            tax_code="4900999999",
            organisation_name="Công ty mới",
        )
    )
    assert created.created and created.user is not None and created.user.role == Role.BUSINESS
    assert created.user.tax_code == "4900999999" and created.user != business


@pytest.mark.parametrize(
    "bad",
    [{"tech_id": ""}, {"id_number": ""}, {"id_number": "12345"}],
    ids=["no-techid", "no-number", "short"],
)
def test_an_identity_without_its_keys_is_refused(db, bad):
    outcome = national_sign_in(claims=claims(**bad))
    assert outcome.kind == "refused" and not User.objects.exists()


def test_claims_survive_the_session():
    original = claims()
    assert NationalClaims.from_session(original.to_session()) == original


# --- the link page over HTTP -------------------------------------------------------------------------------


def _pending(client, user: User, **extra) -> None:
    session = client.session
    session[PENDING_LINK_SESSION_KEY] = {
        "claims": claims().to_session(),
        "user_id": user.pk,
        "next": "/",
        "at": time.time(),
        **extra,
    }
    session.save()


def test_link_page_wrong_then_right_password(client, local_citizen):
    _pending(client, local_citizen)
    url = reverse("accounts:national_link")
    page = client.get(url)
    assert (
        page.status_code == 200 and "thuha" in page.content.decode() and NUMBER not in page.content.decode()
    )
    wrong = client.post(url, {"password": "wrong-password", "action": "link"})
    assert wrong.status_code == 400 and "Mật khẩu không đúng." in wrong.content.decode()
    assert not NationalIdentity.objects.exists() and "_auth_user_id" not in client.session
    right = client.post(url, {"password": PASSWORD, "action": "link"})
    assert right.status_code == 302 and right["Location"] == "/"
    assert int(client.session["_auth_user_id"]) == local_citizen.pk
    assert client.session[NATIONAL_SESSION_KEY] == "TECH-1"
    assert NationalIdentity.objects.get().user == local_citizen
    assert PENDING_LINK_SESSION_KEY not in client.session


def test_link_page_without_a_pending_identity_says_so(client, local_citizen):
    page = client.get(reverse("accounts:national_link"))
    assert page.status_code == 400 and "hết hạn" in page.content.decode()
    _pending(client, local_citizen, at=time.time() - 3600)
    assert client.get(reverse("accounts:national_link")).status_code == 400


def test_link_can_be_cancelled(client, local_citizen):
    _pending(client, local_citizen)
    answer = client.post(reverse("accounts:national_link"), {"action": "cancel"})
    assert answer.status_code == 302 and PENDING_LINK_SESSION_KEY not in client.session
    assert not NationalIdentity.objects.exists()


def test_login_page_says_soon_while_the_service_is_off(client, settings):
    settings.DVCTT_IDENTITY_CLIENT_ID = ""
    page = client.get(reverse("accounts:login")).content.decode()
    assert "sắp có" in page and "national-sign-in" not in page


def test_login_page_offers_the_national_sign_in_when_configured(client, settings):
    settings.DVCTT_IDENTITY_CLIENT_ID = "dvctt"
    settings.DVCTT_IDENTITY_ISSUER = "http://127.0.0.1:9"
    page = client.get(reverse("accounts:login") + "?next=/ho-so/").content.decode()
    assert "national-sign-in" in page and "sắp có" not in page and "next=%2Fho-so%2F" in page


def test_link_page_counts_failures_like_the_login_page(client, local_citizen):
    # given a pending link; when the password is guessed more times than the lockout allows
    _pending(client, local_citizen)
    url = reverse("accounts:national_link")
    statuses = [client.post(url, {"password": f"guess-{i}", "action": "link"}).status_code for i in range(6)]
    # then the account is locked out (django-axes): even the right password does not link it now
    locked = client.post(url, {"password": PASSWORD, "action": "link"})
    assert statuses[:4] == [400] * 4 and locked.status_code in (403, 429)
    assert not NationalIdentity.objects.exists() and "_auth_user_id" not in client.session
