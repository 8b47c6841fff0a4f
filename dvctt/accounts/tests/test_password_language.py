"""Password and form errors entirely in the page's language, Vietnamese and English."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

ENGLISH_WORDS = ("This password", "This field", "Enter a valid", "Ensure this value")


def _signup(client: Client, **data: str) -> str:
    base = {
        "role": "citizen",
        "full_name": "Nguyễn Văn An",
        "national_id": "020090001111",
        "phone": "0912345678",
        "email": "",
        "username": "an",
        "password1": "1234567",
        "password2": "1234567",
    }
    response = client.post(reverse("accounts:signup"), {**base, **data})
    assert response.status_code == 400
    return response.content.decode()


def test_password_refusals_are_all_vietnamese_on_a_vietnamese_page(client: Client) -> None:
    html = _signup(client, email="khong-phai-thu")  # a form error first: the form's own message
    assert "Nhập một địa chỉ email hợp lệ." in html
    html = _signup(client, email="an@example.vn")  # then the password rules
    assert "Mật khẩu quá ngắn: cần ít nhất 8 ký tự." in html
    assert "Mật khẩu này quá phổ biến." in html
    for english in ENGLISH_WORDS:
        assert english not in html, english


def test_password_refusals_are_all_english_on_an_english_page(client: Client) -> None:
    client.cookies["django_language"] = "en"
    assert "Enter a valid email address." in _signup(client, email="not-an-email")
    html = _signup(client, email="an@example.vn")
    assert "This password is too short. It must contain at least 8 characters." in html
    assert "Mật khẩu quá ngắn" not in html and "quá phổ biến" not in html
