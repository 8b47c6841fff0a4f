"""A forbidden or missing page is the platform's own page, in the page's language, with a way back."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied, server_error

from dvctt.accounts.models import Role, User

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_ours_with_a_way_back(client: Client) -> None:
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html and "Not Found" not in html
    assert 'href="/"' in html or f'href="{reverse("portal:home")}"' in html
    assert reverse("portal:dossier_lookup") in html
    assert "/khong-co-trang-nay/" in html  # the address the visitor asked for, escaped by the template


def test_a_missing_page_in_english(client: Client) -> None:
    client.cookies["django_language"] = "en"
    html = client.get("/no-such-page/").content.decode()
    assert "Page not found" in html and "Không tìm thấy trang" not in html


def test_a_forbidden_page_is_ours_and_offers_the_way_the_reader_can_go(client: Client) -> None:
    citizen = User.objects.create_user(username="dan", password="x-Pass-1234", role=Role.CITIZEN)
    client.force_login(citizen)
    response = client.get(reverse("backoffice:home"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "Không có quyền truy cập" in html and "403 Forbidden" not in html
    assert "Về trang chủ" in html


def test_a_forbidden_page_asks_an_anonymous_reader_to_sign_in() -> None:
    request = RequestFactory().get("/theo-doi/")
    request.user = AnonymousUser()
    with translation.override("vi"):
        response = permission_denied(request, PermissionDenied())
    html = response.content.decode()
    assert response.status_code == 403
    assert f"{reverse('accounts:login')}?next=/theo-doi/" in html


def test_the_server_error_page_renders_without_a_request_context() -> None:
    request = RequestFactory().get("/")
    with translation.override("vi"):
        response = server_error(request)
    assert response.status_code == 500
    html = response.content.decode()
    assert "Hệ thống đang gặp sự cố" in html and "Something went wrong" in html
