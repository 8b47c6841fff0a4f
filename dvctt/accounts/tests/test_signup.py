"""Sign-up and profile pages over HTTP: errors beside fields in Vietnamese, input kept, safe redirect."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from dvctt.accounts.models import Role, User

pytestmark = pytest.mark.django_db

GOOD = {
    "role": "citizen",
    "full_name": "Lý Thị Hoa",
    "national_id": "020299001111",
    "phone": "0987654321",
    "email": "hoa@example.vn",
    "username": "lythihoa",
    "password1": "Ls-portal-2025!",
    "password2": "Ls-portal-2025!",
}


def test_signup_page_keeps_a_place_for_vneid(client: Client) -> None:
    html = client.get(reverse("accounts:signup")).content.decode()
    assert "VNeID" in html and 'name="national_id"' in html


def test_signup_creates_a_citizen_signs_in_and_follows_next(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "next": "/nop-ho-so/1.001193/"})
    assert response.status_code == 302 and response["Location"] == "/nop-ho-so/1.001193/"
    user = User.objects.get(username="lythihoa")
    assert user.role == Role.CITIZEN and user.national_id == "020299001111" and user.phone == "0987654321"
    assert client.get(reverse("accounts:profile")).status_code == 200


def test_signup_refuses_an_outside_next(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "next": "https://evil.example/"})
    assert response["Location"] == reverse("accounts:profile")


def test_signup_errors_beside_fields_and_input_kept(client: Client) -> None:
    User.objects.create_user(username="lythihoa", password="x-Pass-1234")
    response = client.post(
        reverse("accounts:signup"), {**GOOD, "national_id": "123", "password2": "khac-nhau-1!"}
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "Hai mật khẩu không khớp." in html
    assert 'value="Lý Thị Hoa"' in html
    # the service's checks come back beside their fields too
    response = client.post(reverse("accounts:signup"), {**GOOD, "national_id": "123"})
    assert "tên đăng nhập đã được sử dụng." in response.content.decode()
    response = client.post(reverse("accounts:signup"), {**GOOD, "username": "moi", "national_id": "123"})
    assert "số định danh cá nhân phải gồm đúng 12 chữ số." in response.content.decode()
    assert not User.objects.filter(username="moi").exists()


def test_business_signup_needs_name_and_tax_code(client: Client) -> None:
    response = client.post(reverse("accounts:signup"), {**GOOD, "role": "business"})
    assert response.status_code == 400
    assert "tên tổ chức, doanh nghiệp không được để trống." in response.content.decode()


def test_profile_needs_sign_in_and_shows_the_account(client: Client) -> None:
    assert client.get(reverse("accounts:profile")).status_code == 302
    user = User.objects.create_user(
        username="u1", password="x-Pass-1234", full_name="Hà Văn Tú", phone="0911111111"
    )
    client.force_login(user)
    html = client.get(reverse("accounts:profile")).content.decode()
    assert "Hà Văn Tú" in html and "0911111111" in html and reverse("portal:my_dossiers") in html
