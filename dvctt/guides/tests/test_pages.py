"""Over HTTP: the public pages show only live copies, the back office is for writers, feedback is one plain form."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.test import Client
from openpyxl import load_workbook

from dvctt.guides import services
from dvctt.guides.models import Feedback, Guide, GuideImage, Status

from .conftest import GUIDE, picture

pytestmark = pytest.mark.django_db


def _published(people: dict[str, Any], **extra: Any) -> Guide:
    guide = services.guide_create(actor=people["monitor"], **{**GUIDE, **extra})
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    return services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)


def _as(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# Public -----------------------------------------------------------------------------------------------------


def test_a_published_guide_is_public_a_draft_is_404(client: Client, people: Any) -> None:
    guide = _published(people)
    draft = services.guide_create(
        actor=people["monitor"], **{**GUIDE, "slug": "ban-nhap", "title_vi": "Bản nháp X"}
    )
    listing = client.get("/huong-dan/").content.decode()
    assert GUIDE["title_vi"] in listing and "Bản nháp X" not in listing
    page = client.get(f"/huong-dan/{guide.slug}/")
    assert page.status_code == 200
    assert "<h2>Bước 1</h2>" in page.content.decode()
    assert client.get(f"/huong-dan/{draft.slug}/").status_code == 404
    services.guide_archive(actor=people["monitor"], guide_id=guide.pk)
    assert client.get(f"/huong-dan/{guide.slug}/").status_code == 404


def test_the_list_filters_by_kind_and_refuses_an_unknown_one(client: Client, people: Any) -> None:
    _published(people)
    _published(people, slug="thanh-toan", kind="pay", title_vi="Thanh toán lệ phí trực tuyến")
    body = client.get("/huong-dan/?loai=pay").content.decode()
    assert "Thanh toán lệ phí trực tuyến" in body and GUIDE["title_vi"] not in body
    refused = client.get("/huong-dan/?loai=<script>")
    assert refused.status_code == 400 and "không có" in refused.content.decode()


def test_faq_page_searches_without_diacritics(client: Client, people: Any) -> None:
    faq = services.faq_create(
        actor=people["monitor"],
        topic="sign_in",
        question_vi="Quên mật khẩu thì làm thế nào?",
        answer_vi="Chọn *Quên mật khẩu*.",
    )
    services.faq_move(actor=people["monitor"], faq_id=faq.pk, action="submit")
    services.faq_move(actor=people["admin"], faq_id=faq.pk, action="publish")
    found = client.get("/huong-dan/hoi-dap/", {"q": "QUEN MAT KHAU"}).content.decode()
    assert "Quên mật khẩu thì làm thế nào?" in found and "<em>Quên mật khẩu</em>" in found
    assert "Quên mật khẩu thì" not in client.get("/huong-dan/hoi-dap/", {"q": "ho chieu"}).content.decode()


def test_english_shows_the_english_version_or_says_it_falls_back(client: Client, people: Any) -> None:
    _published(people, title_en="Applying online step by step", body_en="Sign in with **VNeID**.")
    _published(people, slug="chi-tieng-viet", title_vi="Chỉ có tiếng Việt")
    client.cookies[django_settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(f"/huong-dan/{GUIDE['slug']}/").content.decode()
    assert "Applying online step by step" in english and "fallback-notice" not in english
    fallback = client.get("/huong-dan/chi-tieng-viet/").content.decode()
    assert "Chỉ có tiếng Việt" in fallback and "fallback-notice" in fallback and 'lang="vi"' in fallback


def test_the_procedure_page_lists_its_live_guides(client: Client, people: Any, procedure: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], procedure_codes=["1.001193"], **GUIDE)
    assert GUIDE["title_vi"] not in client.get("/thu-tuc/1.001193/").content.decode()
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)
    page = client.get("/thu-tuc/1.001193/").content.decode()
    assert f'href="/huong-dan/{GUIDE["slug"]}/"' in page and GUIDE["title_vi"] in page
    # and the guide links back to the procedure
    assert 'href="/thu-tuc/1.001193/"' in client.get(f"/huong-dan/{GUIDE['slug']}/").content.decode()


def test_feedback_is_a_plain_form_with_csrf_one_vote_per_session(people: Any) -> None:
    guide = _published(people)
    url = f"/huong-dan/{guide.slug}/gop-y/"
    strict = Client(enforce_csrf_checks=True)
    assert strict.post(url, {"helpful": "yes"}).status_code == 403  # no CSRF token
    page = strict.get(f"/huong-dan/{guide.slug}/")
    token = page.cookies[django_settings.CSRF_COOKIE_NAME].value
    answer = strict.post(url, {"helpful": "yes", "comment": "Rất rõ ràng", "csrfmiddlewaretoken": token})
    assert answer.status_code == 302 and answer["Location"].endswith(f"/huong-dan/{guide.slug}/#gop-y")
    after = strict.get(f"/huong-dan/{guide.slug}/").content.decode()
    assert "Cảm ơn bạn đã góp ý" in after and "Bạn đã góp ý cho trang này" in after
    strict.post(url, {"helpful": "no", "csrfmiddlewaretoken": token})
    assert list(Feedback.objects.values_list("helpful", "comment")) == [(True, "Rất rõ ràng")]
    # a new session votes again
    Client().post(url, {"helpful": "no"})
    assert Feedback.objects.count() == 2


def test_feedback_bounds_and_bad_input_never_500(client: Client, people: Any) -> None:
    guide = _published(people)
    url = f"/huong-dan/{guide.slug}/gop-y/"
    too_long = client.post(url, {"helpful": "no", "comment": "x" * 501}, follow=True)
    assert too_long.status_code == 200 and "dài quá 500 ký tự" in too_long.content.decode()
    assert client.post(url, {"helpful": "maybe"}).status_code == 302
    assert client.get(url).status_code == 405
    assert client.post("/huong-dan/khong-co/gop-y/", {"helpful": "yes"}).status_code == 404
    assert not Feedback.objects.exists()
    assert client.post("/huong-dan/hoi-dap/gop-y/", {"helpful": "yes"}).status_code == 302
    assert Feedback.objects.get().page_key == "faq"


def test_pictures_are_served_for_live_guides_and_to_writers(client: Client, people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    image = services.guide_image_add(actor=people["monitor"], guide_id=guide.pk, upload=picture("PNG"))
    url = f"/huong-dan/anh/{image.pk}/"
    assert client.get(url).status_code == 404
    assert _as(people["citizen"]).get(url).status_code == 404
    writer = _as(people["monitor2"]).get(url)
    assert writer.status_code == 200 and writer["Content-Type"] == "image/png"
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)
    public = client.get(url)
    assert public.status_code == 200 and public["Content-Type"] == "image/png"
    assert b"".join(public.streaming_content)[:8] == b"\x89PNG\r\n\x1a\n"
    assert client.get("/huong-dan/anh/999999/").status_code == 404


# Back office ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["citizen", "officer", "ppc"])
def test_the_back_office_is_403_for_everyone_but_writers(people: Any, who: str) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    client = _as(people[who])
    for url in (
        "/theo-doi/huong-dan/",
        "/theo-doi/huong-dan/them/",
        f"/theo-doi/huong-dan/{guide.pk}/",
        "/theo-doi/huong-dan/hoi-dap/",
        "/theo-doi/huong-dan/gop-y/",
        "/theo-doi/huong-dan/gop-y/?xuat=xlsx",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "dành cho cán bộ theo dõi kế hoạch" in response.content.decode()
    assert client.post(f"/theo-doi/huong-dan/{guide.pk}/submit/").status_code == 403
    assert Guide.objects.get().status == Status.DRAFT


def test_anonymous_visitors_are_sent_to_sign_in(client: Client) -> None:
    response = client.get("/theo-doi/huong-dan/")
    assert response.status_code == 302 and "/accounts/" in response["Location"]


def test_a_monitor_writes_previews_and_saves_a_guide_over_http(people: Any, procedure: Any) -> None:
    client = _as(people["monitor"])
    data = {
        "slug": "thanh-toan-truc-tuyen",
        "kind": "pay",
        "order": "10",
        "title_vi": "Thanh toán trực tuyến",
        "body_vi": "## Các bước\n<script>alert(1)</script>",
        "videos": "https://www.youtube.com/watch?v=abc | Video thanh toán",
        "procedures": "1.001193",
    }
    preview = client.post("/theo-doi/huong-dan/them/", {**data, "preview": "1"})
    body = preview.content.decode()
    assert preview.status_code == 200 and "<h3>Các bước</h3>" in body and "<script>alert" not in body
    assert not Guide.objects.exists()  # a preview saves nothing
    saved = client.post("/theo-doi/huong-dan/them/", {**data, "save": "1"})
    guide = Guide.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"/theo-doi/huong-dan/{guide.pk}/"
    assert guide.videos == [{"url": "https://www.youtube.com/watch?v=abc", "title": "Video thanh toán"}]
    assert list(guide.procedures.values_list("code", flat=True)) == ["1.001193"]
    bad = client.post("/theo-doi/huong-dan/them/", {**data, "slug": "khac", "videos": "javascript:alert(1)"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()
    assert Guide.objects.count() == 1


def test_the_author_sees_no_publish_button_and_a_forged_post_is_refused(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    author = _as(people["monitor"])
    author.post(f"/theo-doi/huong-dan/{guide.pk}/submit/")
    page = author.get(f"/theo-doi/huong-dan/{guide.pk}/").content.decode()
    assert "Duyệt và xuất bản" not in page and "cần một cán bộ khác" in page
    forged = author.post(f"/theo-doi/huong-dan/{guide.pk}/publish/")
    assert forged.status_code == 403 and Guide.objects.get().status == Status.REVIEW
    reviewer = _as(people["monitor2"])
    assert "Duyệt và xuất bản" in reviewer.get(f"/theo-doi/huong-dan/{guide.pk}/").content.decode()
    empty = reviewer.post(f"/theo-doi/huong-dan/{guide.pk}/return/", {"reason": ""})
    assert empty.status_code == 400 and Guide.objects.get().status == Status.REVIEW
    assert reviewer.post(f"/theo-doi/huong-dan/{guide.pk}/publish/").status_code == 302
    assert Guide.objects.get().is_live
    assert reviewer.post(f"/theo-doi/huong-dan/{guide.pk}/publish/").status_code == 409
    assert reviewer.post(f"/theo-doi/huong-dan/{guide.pk}/fly/").status_code == 404


def test_history_and_a_revision_are_visible(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    services.guide_update(
        actor=people["monitor"], guide_id=guide.pk, kind="apply", title_vi="Hai", body_vi="B"
    )
    client = _as(people["monitor2"])
    page = client.get(f"/theo-doi/huong-dan/{guide.pk}/").content.decode()
    assert "Tạo bản nháp" in page and "Lưu bản nháp" in page
    first = guide.history.earliest("history_date")
    revision = client.get(f"/theo-doi/huong-dan/{guide.pk}/phien-ban/{first.history_id}/")
    assert revision.status_code == 200 and GUIDE["title_vi"] in revision.content.decode()
    assert client.get(f"/theo-doi/huong-dan/{guide.pk}/phien-ban/999999/").status_code == 404


def test_image_upload_over_http(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    client = _as(people["monitor"])
    ok = client.post(f"/theo-doi/huong-dan/{guide.pk}/anh/", {"image": picture("JPEG")}, follow=True)
    image = GuideImage.objects.get()
    assert f"![mô tả ảnh](/huong-dan/anh/{image.pk}/)" in ok.content.decode()
    bad = client.post(
        f"/theo-doi/huong-dan/{guide.pk}/anh/", {"image": picture("PNG", name="anh.gif")}, follow=True
    )
    assert "chỉ nhận PNG, JPEG hoặc WebP" in bad.content.decode() and GuideImage.objects.count() == 1


def test_feedback_page_and_its_formula_safe_export(people: Any) -> None:
    guide = _published(people)
    services.feedback_record(
        page_key=f"guide:{guide.pk}", guide=guide, helpful=True, comment="", token="1" * 32
    )
    services.feedback_record(
        page_key=f"guide:{guide.pk}",
        guide=guide,
        helpful=False,
        comment='=HYPERLINK("http://x")',
        token="2" * 32,
    )
    client = _as(people["admin"])
    page = client.get("/theo-doi/huong-dan/gop-y/").content.decode()
    assert f'data-page="guide:{guide.pk}"' in page and "50,0%" in page and "=HYPERLINK" in page
    one = client.get("/theo-doi/huong-dan/gop-y/", {"trang": f"guide:{guide.pk}"})
    assert one.status_code == 200
    assert client.get("/theo-doi/huong-dan/gop-y/", {"trang": "guide:0"}).status_code == 404
    export = client.get("/theo-doi/huong-dan/gop-y/?xuat=xlsx")
    assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]
    workbook = load_workbook(io.BytesIO(export.content))
    rows = list(workbook.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert (GUIDE["title_vi"], f"/huong-dan/{guide.slug}/", 2, 1, 1, 50.0) in rows
    comments = workbook.worksheets[1]
    cell = next(
        c for row in comments.iter_rows(min_row=2) for c in row if c.value and "HYPERLINK" in str(c.value)
    )
    assert cell.data_type == "s" and cell.quotePrefix


def test_the_dashboards_show_the_guides_tab_to_writers_only(people: Any) -> None:
    assert (
        'href="/theo-doi/huong-dan/"' in _as(people["monitor"]).get("/theo-doi/huong-dan/").content.decode()
    )
    assert 'href="/huong-dan/"' in Client().get("/").content.decode()
