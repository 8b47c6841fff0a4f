"""Fixtures shared by the whole suite: a real Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("DVCTT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
_skipped_browser_tests: list[str] = []


def _chromium_available() -> bool:
    return os.path.exists(CHROMIUM) or shutil.which(CHROMIUM) is not None


@pytest.fixture(autouse=True)
def _vietnamese_first():
    """Every test starts in Vietnamese. A request in English (the language cookie) leaves English active in the
    thread after its response; without this, the next test on the same worker would see English messages."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(scope="session")
def chromium() -> Iterator[object]:
    """A headless Debian Chromium driven by Playwright (no browser download)."""
    if not _chromium_available():
        if os.environ.get("DVCTT_REQUIRE_BROWSER") == "1":
            pytest.fail(f"Chromium is required (DVCTT_REQUIRE_BROWSER=1) but {CHROMIUM} is missing")
        pytest.skip(f"BROWSER TESTS SKIPPED: no Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    """A fresh browser tab (Vietnamese locale, the province's time zone).

    Every request to a host other than this machine is blocked and fails the test at teardown: the platform
    runs on closed provincial networks, so a page that needs a CDN is broken there.
    """
    from urllib.parse import urlsplit

    context = chromium.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")  # type: ignore[attr-defined]
    external: list[str] = []

    def guard(route: object) -> None:
        url = route.request.url  # type: ignore[attr-defined]
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"} and parts.hostname not in LOCAL_HOSTS:
            external.append(url)
            route.abort()  # type: ignore[attr-defined]
        else:
            route.continue_()  # type: ignore[attr-defined]

    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    if external:
        pytest.fail("The page requested external hosts (no CDN allowed): " + ", ".join(sorted(set(external))))


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.skipped and "browser" in report.keywords:
        _skipped_browser_tests.append(report.nodeid)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if _skipped_browser_tests:
        terminalreporter.section("BROWSER TESTS SKIPPED", sep="!", red=True, bold=True)
        for nodeid in _skipped_browser_tests:
            terminalreporter.line(f"skipped: {nodeid}", red=True)
        terminalreporter.line(
            "Install Debian's chromium to run them; CI fails when any is skipped.", red=True
        )
