"""The long tracking register's PDF in a real Chromium: asked from the exports page, followed on its status page
(a static script polls the JSON record: no CSP violation, no timed reload), downloaded once done; axe on both."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from dvctt.backoffice.tests.test_browser import open_checked, sign_in
from dvctt.common.tests.test_browser_csp import WATCH
from dvctt.dossiers.models import RegisterExport
from dvctt.dossiers.tests.test_register_pdf import _load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_long_register_is_followed_then_downloaded(
    page: Any, live_server: Any, settings, unit, procedure, one_stop
) -> None:
    settings.DVCTT_REGISTER_PDF_INLINE_ROWS = 10  # 40 rows: the background path, quickly
    _load(unit, procedure, 40)
    page.add_init_script(WATCH)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    sign_in(page, live_server, one_stop)
    # While one is still being written, its page says where it is
    running = RegisterExport.objects.create(
        requested_by=one_stop,
        unit=unit,
        start=date(2025, 3, 1),
        end=date(2025, 3, 31),
        state="running",
        rows_total=40,
        rows_done=10,
    )
    open_checked(page, live_server.url + reverse("backoffice:register_export", args=[running.pk]))
    assert page.get_by_role("status").inner_text() == "Đang lập: 10/40 dòng"
    # and follows it (the script asks the JSON record), then shows the button once it is done
    RegisterExport.objects.filter(pk=running.pk).update(rows_done=25)
    expect(page.get_by_role("status")).to_have_text("Đang lập: 25/40 dòng", timeout=15_000)
    assert page.locator("#register-export-progress").evaluate("bar => bar.value") == 25
    RegisterExport.objects.filter(pk=running.pk).update(state="done", rows_done=40)
    expect(page.get_by_role("status")).to_have_text("Đã lập xong: 40/40 dòng", timeout=15_000)
    assert page.get_by_role("link", name="Tải bản PDF").count() == 1
    assert violations + page.evaluate("window.__cspViolations || []") == []
    RegisterExport.objects.filter(pk=running.pk).delete()
    # When the officer asks for the March register as PDF from the exports page
    open_checked(
        page, live_server.url + reverse("backoffice:exports") + "?tu_ngay=01/03/2025&den_ngay=31/03/2025"
    )
    page.get_by_role("button", name="Sổ theo dõi hồ sơ (PDF, để in)").click()
    # Then the status page shows it done (the tests' task backend ran it) with the download button
    page.wait_for_url("**/so-danh-sach/ban-in/*/")
    assert_status = page.get_by_role("status").inner_text()
    assert assert_status == "Đã lập xong: 40/40 dòng"
    open_checked(page, page.url)
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải bản PDF").click()
    assert download.value.suggested_filename == f"so-theo-doi-{unit.code}-20250301-20250331.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    assert violations + page.evaluate("window.__cspViolations || []") == []
