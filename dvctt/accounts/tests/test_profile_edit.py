"""A person edits their own contact details; name and number are locked once a national identity vouches."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import NationalIdentity, Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def an(db) -> User:
    return User.objects.create_user(
        username="an",
        password="x-Pass-1234",
        role=Role.CITIZEN,
        full_name="Nguyễn Văn An",
        national_id="020090001111",
    )


def _post(client: Client, **data: str):
    base = {"full_name": "Nguyễn Văn An", "national_id": "020090001111", "phone": "", "email": ""}
    return client.post(reverse("accounts:profile_edit"), {**base, **data})


def test_the_header_names_my_dossiers_and_the_profile(client: Client, an: User) -> None:
    client.force_login(an)
    html = client.get(reverse("portal:home")).content.decode()
    assert f'href="{reverse("portal:my_dossiers")}"' in html and "Hồ sơ của tôi" in html
    assert f'href="{reverse("accounts:profile")}"' in html


def test_contact_details_are_saved_as_digits(client: Client, an: User) -> None:
    client.force_login(an)
    response = _post(client, phone="0912 345.678", email="an@example.vn", full_name="Nguyễn Văn Ân")
    assert response.status_code == 302 and response["Location"] == reverse("accounts:profile")
    an.refresh_from_db()
    assert (an.phone, an.email, an.full_name) == ("0912345678", "an@example.vn", "Nguyễn Văn Ân")


def test_bad_input_is_refused_in_vietnamese_and_changes_nothing(client: Client, an: User) -> None:
    client.force_login(an)
    response = _post(client, phone="12345", email="khong-phai-thu")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Chưa lưu được" in html and ("Số điện thoại không hợp lệ" in html or "thư điện tử" in html)
    response = _post(client, phone="0912345678", national_id="123")
    assert response.status_code == 400 and "12 chữ số" in response.content.decode()
    an.refresh_from_db()
    assert (an.phone, an.email, an.national_id) == ("", "", "020090001111")


def test_identity_fields_are_locked_once_verified(client: Client, an: User) -> None:
    NationalIdentity.objects.create(
        user=an,
        tech_id="vneid-1",
        subject="s-1",
        id_number="020090001111",
        full_name="Nguyễn Văn An",
        verified_at=timezone.now(),
    )
    client.force_login(an)
    page = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Đã xác thực qua tài khoản định danh quốc gia" in page and "disabled" in page
    # a forged post cannot change them: disabled fields keep their initial value
    response = _post(client, full_name="Người Khác", national_id="999999999999", phone="0912345678")
    assert response.status_code == 302
    an.refresh_from_db()
    assert (an.full_name, an.national_id, an.phone) == ("Nguyễn Văn An", "020090001111", "0912345678")
