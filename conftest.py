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


@pytest.fixture
def page(chromium: object) -> Iterator[object]:
    context = chromium.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")  # type: ignore[attr-defined]
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


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
