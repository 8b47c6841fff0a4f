"""A database fault is a clear 503, an unknown API address a JSON 404 (dvctt/common/db_unavailable.py,
dvctt/common/error_views.py). The real fault, a database restarting under load, is test_database_restart.py;
here the views raise what Django raises when the connection is gone, through the whole middleware stack."""

from __future__ import annotations

import pytest
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dvctt.common.error_views import server_error

pytestmark = pytest.mark.django_db


def _page_losing_the_database(request: HttpRequest) -> HttpResponse:
    raise OperationalError("server closed the connection unexpectedly")


class _ApiLosingTheDatabase(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise InterfaceError("connection already closed")


class _ApiFailing(APIView):
    permission_classes = [AllowAny]

    def get(self, request: Request) -> Response:
        raise RuntimeError("a bug")


urlpatterns = [
    path(
        "api/v1/",
        include([path("down/", _ApiLosingTheDatabase.as_view()), path("bug/", _ApiFailing.as_view())]),
    ),
    path("trang/", _page_losing_the_database),
    path("", include("dvctt.urls")),
]
handler404 = "dvctt.common.error_views.page_not_found"
handler500 = "dvctt.common.error_views.server_error"


@pytest.mark.urls(__name__)
def test_the_api_answers_503_in_its_error_shape() -> None:
    response = Client().get("/api/v1/down/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5" and response["Cache-Control"] == "no-store"
    error = response.json()["error"]
    assert error["code"] == "database_unavailable"
    assert "không có dữ liệu nào bị ghi dở" in error["message"]


@pytest.mark.urls(__name__)
def test_the_api_speaks_english_to_a_client_that_asks() -> None:
    response = Client().get("/api/v1/down/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "database_unavailable"


@pytest.mark.urls(__name__)
def test_a_page_gets_the_platforms_own_503_page() -> None:
    response = Client().get("/trang/")
    assert response.status_code == 503
    html = response.content.decode()
    assert "Hệ thống tạm thời gián đoạn" in html and "Traceback" not in html
    assert response["Retry-After"] == "5"


@pytest.mark.urls(__name__)
def test_an_unknown_api_address_is_a_json_404_and_a_page_stays_a_page() -> None:
    api = Client().get("/api/v1/no-such-operation/")
    assert api.status_code == 404 and api["Content-Type"] == "application/json"
    assert api.json()["error"]["code"] == "not_found"
    page = Client().get("/khong-co-trang-nay/")
    assert page.status_code == 404 and "Không tìm thấy trang" in page.content.decode()


@pytest.mark.urls(__name__)
def test_a_bug_under_the_api_is_a_json_500_without_a_traceback() -> None:
    response = Client(raise_request_exception=False).get("/api/v1/bug/")
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "server_error"
    assert "RuntimeError" not in response.content.decode()


def test_a_database_fault_outside_the_view_is_a_503_too() -> None:
    """Django's handler500 sees the exception being handled (raised in a middleware, not the view)."""
    request = RequestFactory().get("/api/v1/dossiers/")
    try:
        raise OperationalError("terminating connection due to administrator command")
    except OperationalError:
        response = server_error(request)
    assert response.status_code == 503 and response["Retry-After"] == "5"
    page = RequestFactory().get("/thu-tuc/")
    try:
        raise OperationalError("the database system is starting up")
    except OperationalError:
        response = server_error(page)
    assert response.status_code == 503 and "Hệ thống tạm thời gián đoạn" in response.content.decode()


def test_persistent_connections_are_checked_before_reuse() -> None:
    """After a restart, a kept connection is dead: Django must test it before the request uses it."""
    from django.conf import settings

    assert settings.DATABASES["default"]["CONN_HEALTH_CHECKS"] is True
