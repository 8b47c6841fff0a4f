"""In a real Chromium: a monitor writes a guide with a picture and submits it, a second monitor publishes it, a
citizen finds it from the procedure's page and votes "helpful", and the department sees the vote. The pages pass
the accessibility check and load nothing from another host (the ``page`` fixture fails on any)."""

from __future__ import annotations

from typing import Any

import pytest

from dvctt.common.tests.browser import sign_in as _sign_in
from dvctt.guides.models import Feedback, Guide
from dvctt.portal.tests.a11y import assert_accessible

from .conftest import picture

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_write_review_publish_find_from_the_procedure_and_vote(
    page: Any, live_server: Any, people: Any, procedure: Any, tmp_path: Any
) -> None:
    # given a monitor in the back office
    _sign_in(page, live_server, people["monitor"])
    page.goto(live_server.url + "/theo-doi/huong-dan/")
    page.get_by_role("link", name="Viết hướng dẫn mới").click()
    # when they write a guide attached to the birth registration procedure, preview it and save it
    page.fill("#id_slug", "dang-ky-khai-sinh-truc-tuyen")
    page.select_option("#id_kind", "apply")
    page.fill("#id_title_vi", "Đăng ký khai sinh trực tuyến")
    page.fill("#id_body_vi", "# Bước 1: Đăng nhập\nDùng tài khoản **VNeID**.")
    page.fill("#id_procedures", "1.001193")
    page.get_by_role("button", name="Xem trước").click()
    assert page.locator(".preview-body-vi h2").inner_text() == "Bước 1: Đăng nhập"
    assert_accessible(page, label="guide form with preview")
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url("**/theo-doi/huong-dan/*/")
    guide = Guide.objects.get()
    # and upload a picture, then put it in the text
    upload = tmp_path / "buoc-1.png"
    upload.write_bytes(picture("PNG", size=(120, 80)).read())
    page.set_input_files("#id_image", str(upload))
    page.get_by_role("button", name="Tải ảnh lên").click()
    page.wait_for_selector(".image-snippet")
    snippet = page.locator(".image-snippet").input_value()
    assert snippet.startswith("![") and "/huong-dan/anh/" in snippet
    page.get_by_role("link", name="Sửa", exact=True).click()
    page.fill(
        "#id_body_vi",
        "# Bước 1: Đăng nhập\nDùng tài khoản **VNeID**.\n\n"
        + snippet.replace("mô tả ảnh", "Màn hình đăng nhập"),
    )
    page.get_by_role("button", name="Lưu bản nháp").click()
    page.wait_for_url(f"**/theo-doi/huong-dan/{guide.pk}/")
    page.get_by_role("button", name="Gửi duyệt").click()
    page.wait_for_selector('.workflow-status [data-status="review"]')
    assert page.get_by_role("button", name="Duyệt và xuất bản").count() == 0  # not by its author
    assert_accessible(page, label="guide under review")
    # then a second monitor publishes it
    _sign_in(page, live_server, people["monitor2"])
    page.goto(live_server.url + f"/theo-doi/huong-dan/{guide.pk}/")
    page.get_by_role("button", name="Duyệt và xuất bản").click()
    page.wait_for_selector('.workflow-status [data-status="published"]')
    # and a citizen finds it from the procedure's page, sees the picture, and says it helped
    _sign_in(page, live_server, people["citizen"])
    page.goto(live_server.url + "/thu-tuc/1.001193/")
    page.locator(".procedure-guides").get_by_role("link", name="Đăng ký khai sinh trực tuyến").click()
    page.wait_for_url("**/huong-dan/dang-ky-khai-sinh-truc-tuyen/")
    image = page.get_by_role("img", name="Màn hình đăng nhập")
    assert image.evaluate("img => img.complete && img.naturalWidth") == 120
    assert_accessible(page, label="public guide")
    page.fill("#feedback-comment", "Dễ làm theo")
    page.get_by_role("button", name="Có, hữu ích").click()
    page.wait_for_selector(".feedback-done")
    assert list(Feedback.objects.values_list("helpful", "comment")) == [(True, "Dễ làm theo")]
    # and the department sees the vote on its feedback page
    _sign_in(page, live_server, people["monitor"])
    page.goto(live_server.url + "/theo-doi/huong-dan/gop-y/")
    row = page.locator(f'tr[data-page="guide:{guide.pk}"]')
    assert row.locator(".total").inner_text() == "1"
    assert row.locator(".helpful").inner_text() == "1"
    assert row.locator(".percent").inner_text() == "100,0%"
    assert "Dễ làm theo" in page.locator(".feedback-comments").inner_text()
    assert_accessible(page, label="feedback page")
