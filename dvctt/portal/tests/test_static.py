"""Everything the pages need is served by the platform itself: provincial networks are closed."""

from __future__ import annotations

import gzip
import re
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

URL_ATTRIBUTE = re.compile(r"""\b(?:src|href|action|srcset|poster|data)\s*=\s*["']([^"']*)["']""", re.I)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)""", re.I)
# The budget for the home page: HTML + CSS before compression. Raise it only with a reason in docs/ui.md.
HOME_BUDGET_BYTES = 40_000


def _external(urls: list[str], own_origin: str = "http://testserver") -> list[str]:
    """Absolute or protocol-relative URLs that leave the page's own origin."""
    return [
        u
        for u in urls
        if re.match(r"^(?:[a-z][a-z0-9+.-]*:)?//", u, re.I) and not (u + "/").startswith(own_origin + "/")
    ]


def _stylesheet_paths(html: str) -> list[str]:
    return re.findall(r'<link rel="stylesheet" href="/static/([^"]+)"', html)


def test_home_page_references_no_external_host(client: Client) -> None:
    # When the home page renders
    html = client.get(reverse("portal:home")).content.decode()
    # Then no src/href/action points at another host (absolute or protocol-relative)
    urls = URL_ATTRIBUTE.findall(html)
    assert urls, "the pattern must see the page's links"
    assert _external(urls) == []
    assert _external(re.findall(r"(?:https?:)?//[^\s\"'<>]+", html)) == []


def test_stylesheets_load_nothing_from_outside() -> None:
    # Given every stylesheet the shell links to
    html = Client().get(reverse("portal:home")).content.decode()
    paths = _stylesheet_paths(html)
    assert paths == ["dvctt/site.css", "dvctt/portal.css"]
    for path in paths:
        found = finders.find(path)
        assert found, path
        css = Path(str(found)).read_text(encoding="utf-8")
        # Then they import nothing and their url()s stay on this host
        assert "@import" not in css
        assert _external(CSS_URL.findall(css)) == []


def test_static_files_are_served_by_the_platform(client: Client) -> None:
    # whitenoise answers /static/ itself (no separate web server needed in the demo or in tests)
    response = client.get("/static/dvctt/site.css")
    assert response.status_code == 200
    assert b".site-header" in b"".join(response.streaming_content)  # type: ignore[attr-defined]


def test_home_page_weight_within_budget(client: Client, capsys: pytest.CaptureFixture[str]) -> None:
    # Given the home page and its stylesheet, as the browser fetches them
    html = client.get(reverse("portal:home")).content
    css = b"".join(Path(str(finders.find(path))).read_bytes() for path in _stylesheet_paths(html.decode()))
    raw = len(html) + len(css)
    compressed = len(gzip.compress(html)) + len(gzip.compress(css))
    with capsys.disabled():
        print(f"\nhome page weight: HTML {len(html)} B + CSS {len(css)} B = {raw} B raw, {compressed} B gzip")
    # Then the total stays within budget (a phone on a 3G link in a mountain commune)
    assert raw <= HOME_BUDGET_BYTES


def test_upload_script_is_served_and_self_contained(client: Client) -> None:
    response = client.get("/static/dvctt/js/upload.js")
    assert response.status_code == 200
    script = b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]
    assert "XMLHttpRequest" in script
    assert _external(re.findall(r"(?:https?:)?//[^\s\"'<>]+", script)) == []
