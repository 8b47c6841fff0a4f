"""Public tracking is limited per client address (issue 18, defect 8): the page and the API share one budget."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.core.cache import cache
from django.test import Client, override_settings

from dvctt.common import throttle

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Every request of a test falls in the same minute, and no count is left from another test."""
    monkeypatch.setattr(throttle, "time", SimpleNamespace(time=lambda: 1_800_000_010.0))
    cache.clear()
    yield
    cache.clear()


def _lookups(client: Client, n: int, **extra: str) -> list[int]:
    statuses = []
    for i in range(n):
        if i % 2:
            statuses.append(client.get(f"/api/v1/track/000.00.12.H38-250303-{i:04d}/", **extra).status_code)
        else:
            statuses.append(client.get(f"/tra-cuu/?ma=000.00.12.H38-250303-{i:04d}", **extra).status_code)
    return statuses


def test_the_31st_lookup_in_a_minute_is_refused_on_the_page_and_the_api():
    client = Client()
    # given 30 lookups of guessed codes from one address, on the page and the API alike
    assert set(_lookups(client, 30)) == {404}
    # when the 31st comes, on the page, then it is refused in Vietnamese, with when to come back
    page = client.get("/tra-cuu/?ma=000.00.12.H38-250303-0031")
    assert page.status_code == 429
    assert page["Retry-After"] == "51"
    body = page.content.decode()
    assert "Tra cứu quá nhiều lần" in body
    assert "Ông/Bà đã tra cứu quá 30 lần trong 60 giây. Vui lòng thử lại sau 51 giây." in body
    # and on the API, in the API's error shape
    api = client.get("/api/v1/track/000.00.12.H38-250303-0032/")
    assert api.status_code == 429
    assert api["Retry-After"] == "51"
    assert api.json()["error"]["code"] == "throttled"
    assert "tra cứu quá 30 lần" in api.json()["error"]["message"]


def test_another_address_is_not_affected():
    client = Client()
    _lookups(client, 31)
    assert client.get("/tra-cuu/?ma=X").status_code == 429
    assert client.get("/tra-cuu/?ma=X", REMOTE_ADDR="127.0.0.2").status_code == 404
    assert client.get("/api/v1/track/X/", REMOTE_ADDR="127.0.0.2").status_code == 404


def test_the_form_without_a_code_is_not_counted():
    client = Client()
    for _ in range(40):
        assert client.get("/tra-cuu/").status_code == 200


def test_a_forged_forwarded_for_header_does_not_reset_the_count():
    client = Client()
    _lookups(client, 30)
    assert client.get("/tra-cuu/?ma=X", HTTP_X_FORWARDED_FOR="10.9.9.9").status_code == 429


@override_settings(DVCTT_PROXY_COUNT=1)
def test_behind_one_proxy_the_address_the_proxy_saw_counts():
    # given the province's reverse proxy on 127.0.0.1 appending the client's address
    client = Client(REMOTE_ADDR="127.0.0.1")
    _lookups(client, 30, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.5")
    assert client.get("/tra-cuu/?ma=X", HTTP_X_FORWARDED_FOR="203.0.113.5").status_code == 429
    assert client.get("/tra-cuu/?ma=X", HTTP_X_FORWARDED_FOR="203.0.113.5, 198.51.100.7").status_code == 404


@override_settings(DVCTT_TRACK_THROTTLE_LIMIT=3, DVCTT_TRACK_THROTTLE_WINDOW=10)
def test_the_limit_and_window_are_settings():
    client = Client()
    assert _lookups(client, 4) == [404, 404, 404, 429]
