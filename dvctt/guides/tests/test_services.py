"""The workflow and its permissions, the live copy, the history, pictures and feedback — through the services."""

from __future__ import annotations

from typing import Any

import pytest

from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.guides import selectors, services
from dvctt.guides.models import FAQ_PAGE, Feedback, Guide, Status

from .conftest import GUIDE, picture

pytestmark = pytest.mark.django_db


def _published(people: dict[str, Any], **extra: Any) -> Guide:
    guide = services.guide_create(actor=people["monitor"], **{**GUIDE, **extra})
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    return services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)


def test_a_monitor_writes_another_publishes_and_the_portal_shows_the_rendered_copy(
    people: Any, procedure: Any
) -> None:
    # given a monitor's draft attached to a procedure
    guide = services.guide_create(actor=people["monitor"], procedure_codes=["1.001193"], **GUIDE)
    assert guide.status == Status.DRAFT and not guide.is_live
    assert selectors.guides_for_procedure(code="1.001193") == []
    # when it is submitted and a second monitor publishes it
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    guide = services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)
    # then the live copy is the sanitised HTML, and the procedure lists it
    assert guide.status == Status.PUBLISHED and guide.is_live and guide.reviewer == people["monitor2"]
    assert guide.live["html_vi"].startswith("<h2>Bước 1</h2>")
    assert selectors.guide_get_public(slug=GUIDE["slug"]).pk == guide.pk
    assert [g.pk for g in selectors.guides_for_procedure(code="1.001193")] == [guide.pk]


def test_the_author_cannot_publish_their_own_text_but_an_administrator_can(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    with pytest.raises(AccessDenied):
        services.guide_publish(actor=people["monitor"], guide_id=guide.pk)
    assert Guide.objects.get().status == Status.REVIEW
    own = services.guide_create(actor=people["admin"], **{**GUIDE, "slug": "cua-quan-tri"})
    services.guide_submit_for_review(actor=people["admin"], guide_id=own.pk)
    assert services.guide_publish(actor=people["admin"], guide_id=own.pk).is_live


@pytest.mark.parametrize("who", ["citizen", "officer", "ppc"])
def test_only_monitors_and_administrators_write(people: Any, who: str) -> None:
    with pytest.raises(AccessDenied):
        services.guide_create(actor=people[who], **GUIDE)
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    with pytest.raises(AccessDenied):
        services.guide_submit_for_review(actor=people[who], guide_id=guide.pk)
    with pytest.raises(AccessDenied):
        services.faq_create(actor=people[who], topic="apply", question_vi="Hỏi?", answer_vi="Đáp.")


def test_return_needs_a_reason_and_sends_the_text_back_to_draft(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    with pytest.raises(DomainError) as refused:
        services.guide_return(actor=people["monitor2"], guide_id=guide.pk, reason="   ")
    assert "reason" in refused.value.fields
    guide = services.guide_return(actor=people["monitor2"], guide_id=guide.pk, reason="Thiếu ảnh bước 2.")
    assert guide.status == Status.DRAFT and guide.return_reason == "Thiếu ảnh bước 2."


def test_illegal_moves_are_conflicts_and_change_nothing(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    with pytest.raises(ConflictError):
        services.guide_publish(actor=people["monitor2"], guide_id=guide.pk)  # a draft is not under review
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    with pytest.raises(ConflictError):
        services.guide_update(
            actor=people["monitor"], guide_id=guide.pk, kind="apply", title_vi="X", body_vi="Y"
        )
    with pytest.raises(ConflictError):
        services.guide_reopen(actor=people["monitor"], guide_id=guide.pk)
    assert Guide.objects.get().status == Status.REVIEW and Guide.objects.get().title_vi == GUIDE["title_vi"]


def test_editing_a_published_guide_keeps_the_live_copy_until_the_next_publication(people: Any) -> None:
    guide = _published(people)
    services.guide_update(
        actor=people["monitor"],
        guide_id=guide.pk,
        kind="apply",
        title_vi="Tiêu đề mới",
        body_vi="Nội dung mới",
    )
    guide.refresh_from_db()
    assert guide.status == Status.DRAFT and guide.is_live
    assert guide.live["title_vi"] == GUIDE["title_vi"]  # citizens still read the published version
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    guide = services.guide_publish(actor=people["admin"], guide_id=guide.pk)
    assert guide.live["title_vi"] == "Tiêu đề mới" and guide.live["html_vi"] == "<p>Nội dung mới</p>\n"


def test_archiving_takes_a_guide_off_the_portal_and_reopening_makes_a_draft(
    people: Any, procedure: Any
) -> None:
    guide = _published(people, procedure_codes=["1.001193"])
    services.guide_archive(actor=people["monitor"], guide_id=guide.pk)
    assert not Guide.objects.get().is_live
    assert list(selectors.guides_public()) == []
    assert selectors.guides_for_procedure(code="1.001193") == []
    assert services.guide_reopen(actor=people["monitor"], guide_id=guide.pk).status == Status.DRAFT


def test_every_save_keeps_a_revision_naming_the_actor_and_the_move(people: Any) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    services.guide_update(
        actor=people["monitor"], guide_id=guide.pk, kind="apply", title_vi="Hai", body_vi="B"
    )
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    services.guide_return(actor=people["monitor2"], guide_id=guide.pk, reason="Sửa tiêu đề")
    history = selectors.revisions(item=Guide.objects.get())
    assert [(h.history_user.username, h.history_change_reason, h.status) for h in reversed(history)] == [
        ("giamsat", "Tạo bản nháp", "draft"),
        ("giamsat", "Lưu bản nháp", "draft"),
        ("giamsat", "Gửi duyệt", "review"),
        ("giamsat2", "Trả lại để sửa: Sửa tiêu đề", "draft"),
    ]
    assert history[-1].title_vi == GUIDE["title_vi"] and history[0].title_vi == "Hai"


def test_bad_input_is_refused_in_vietnamese_with_nothing_written(people: Any) -> None:
    cases = [
        ({"slug": "Có Dấu"}, "slug"),
        ({"title_vi": " "}, "title_vi"),
        ({"body_vi": "x" * 50_001}, "body_vi"),
        ({"title_en": "Apply online"}, "body_en"),
        ({"videos": [{"url": "javascript:alert(1)", "title": "x"}]}, "videos"),
        ({"videos": [{"url": "ftp://x.vn/a.mp4"}]}, "videos"),
        ({"procedure_codes": ["9.999999"]}, "procedures"),
        ({"kind": "nonsense"}, "kind"),
    ]
    for extra, field in cases:
        with pytest.raises(DomainError) as refused:
            services.guide_create(actor=people["monitor"], **{**GUIDE, **extra})
        assert field in refused.value.fields, extra
    assert not Guide.objects.exists()
    services.guide_create(actor=people["monitor"], **GUIDE)
    with pytest.raises(ConflictError):
        services.guide_create(actor=people["monitor"], **GUIDE)


def test_videos_are_kept_as_checked_links(people: Any) -> None:
    guide = _published(people, videos=[{"url": "https://www.youtube.com/watch?v=abc", "title": "Video 1"}])
    assert guide.live["videos"] == [{"url": "https://www.youtube.com/watch?v=abc", "title": "Video 1"}]


# Pictures ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "WEBP"])
def test_a_picture_is_checked_and_stored(people: Any, fmt: str) -> None:
    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    image = services.guide_image_add(actor=people["monitor"], guide_id=guide.pk, upload=picture(fmt))
    assert (image.width, image.height) == (40, 30)
    assert image.content_type == {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}[fmt]
    assert image.file.name.startswith(f"guides/{guide.pk}/") and "buoc" not in image.file.name
    with image.file.open("rb") as handle:
        assert len(handle.read()) == image.size


def test_pictures_that_are_not_what_they_claim_are_refused(people: Any, settings: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    guide = services.guide_create(actor=people["monitor"], **GUIDE)
    bad = [
        picture("GIF"),
        picture("BMP", name="anh.png"),
        picture("PNG", name="anh.jpg"),
        SimpleUploadedFile("anh.png", b"\x89PNG\r\n\x1a\n" + b"not really" * 20),
        SimpleUploadedFile("anh.png", b""),
        SimpleUploadedFile("anh.svg", b"<svg onload='alert(1)'/>"),
        SimpleUploadedFile("anh.png", picture("PNG").read()[:60]),
    ]
    for upload in bad:
        with pytest.raises(DomainError):
            services.guide_image_add(actor=people["monitor"], guide_id=guide.pk, upload=upload)
    settings.DVCTT_GUIDE_IMAGE_MAX_BYTES = 1000
    with pytest.raises(DomainError) as refused:
        services.guide_image_add(
            actor=people["monitor"], guide_id=guide.pk, upload=picture("PNG", size=(400, 400))
        )
    assert refused.value.code in ("image_too_big",) or "MB" in refused.value.message
    assert not guide.images.exists()


def test_the_default_limit_is_two_megabytes(people: Any) -> None:
    from dvctt.guides.images import max_image_bytes

    assert max_image_bytes() == 2 * 1024 * 1024


# FAQ and search ---------------------------------------------------------------------------------------------


def _faq(people: Any, question: str, answer: str, topic: str = "sign_in", **extra: Any) -> Any:
    faq = services.faq_create(
        actor=people["monitor"], topic=topic, question_vi=question, answer_vi=answer, **extra
    )
    services.faq_move(actor=people["monitor"], faq_id=faq.pk, action="submit")
    return services.faq_move(actor=people["monitor2"], faq_id=faq.pk, action="publish")


def test_faq_search_ignores_diacritics_and_case(people: Any) -> None:
    forgot = _faq(people, "Quên mật khẩu thì làm thế nào?", "Chọn **Quên mật khẩu** ở trang đăng nhập.")
    _faq(people, "Nộp lệ phí bằng cách nào?", "Thanh toán trực tuyến qua PayGov.", topic="pay")
    draft = services.faq_create(
        actor=people["monitor"], topic="sign_in", question_vi="Mật khẩu nháp?", answer_vi="x"
    )
    for query in ("quen mat khau", "QUÊN MẬT KHẨU", "Quen  Mat", "mật khau"):
        assert [f.pk for f in selectors.faqs_public(query=query)] == [forgot.pk], query
    assert list(selectors.faqs_public(query="ho chieu")) == []
    assert draft.pk not in [f.pk for f in selectors.faqs_public(query="mat khau")]
    assert [f.topic for f in selectors.faqs_public(topic="pay")] == ["pay"]


def test_guides_are_searched_the_same_way(people: Any) -> None:
    guide = _published(people)
    assert [g.pk for g in selectors.guides_public(query="DANG NHAP vneid")] == [guide.pk]


def test_english_falls_back_to_vietnamese_when_not_written(people: Any) -> None:
    faq = _faq(people, "Quên mật khẩu?", "Chọn Quên mật khẩu.")
    shown = selectors.live_shown(faq, language="en")
    assert shown.lang == "vi" and shown.fallback and shown.title == "Quên mật khẩu?"
    both = _faq(
        people,
        "Đổi số điện thoại?",
        "Vào Tài khoản.",
        question_en="Change phone?",
        answer_en="Go to Account.",
    )
    shown = selectors.live_shown(both, language="en")
    assert (shown.lang, shown.fallback, shown.title) == ("en", False, "Change phone?")
    assert selectors.live_shown(both, language="vi").title == "Đổi số điện thoại?"


# Feedback ---------------------------------------------------------------------------------------------------


TOKEN = "a" * 32


def test_one_vote_per_session_and_page(people: Any) -> None:
    guide = _published(people)
    page = f"guide:{guide.pk}"
    services.feedback_record(page_key=page, guide=guide, helpful=True, comment="", token=TOKEN)
    with pytest.raises(ConflictError):
        services.feedback_record(page_key=page, guide=guide, helpful=False, comment="đổi ý", token=TOKEN)
    # the same session may answer for another page; another session for the same page
    services.feedback_record(page_key=FAQ_PAGE, guide=None, helpful=False, comment="", token=TOKEN)
    services.feedback_record(page_key=page, guide=guide, helpful=False, comment="", token="b" * 32)
    assert Feedback.objects.count() == 3
    # no token, no session, no account is stored; the two votes of one session are not linkable
    voters = set(Feedback.objects.values_list("voter", flat=True))
    assert len(voters) == 3 and TOKEN not in "".join(voters)


def test_comments_are_bounded_and_personal_numbers_masked(people: Any) -> None:
    with pytest.raises(DomainError) as refused:
        services.feedback_record(page_key=FAQ_PAGE, guide=None, helpful=False, comment="x" * 501, token=TOKEN)
    assert "comment" in refused.value.fields
    assert not Feedback.objects.exists()
    answer = services.feedback_record(
        page_key=FAQ_PAGE,
        guide=None,
        helpful=False,
        comment="Gọi tôi 0912345678, CCCD 020090001111",
        token=TOKEN,
    )
    assert "0912345678" not in answer.comment and "020090001111" not in answer.comment
    assert answer.comment.startswith("Gọi tôi 091****678")


def test_feedback_summary_counts_per_page(people: Any) -> None:
    guide = _published(people)
    for i, helpful in enumerate([True, True, False]):
        services.feedback_record(
            page_key=f"guide:{guide.pk}", guide=guide, helpful=helpful, comment="", token=f"{i:032d}"
        )
    pages = {p.page_key: p for p in selectors.feedback_summary(user=people["monitor"])}
    row = pages[f"guide:{guide.pk}"]
    assert (row.total, row.helpful, row.not_helpful, row.percent) == (3, 2, 1, 66.7)
    assert pages[FAQ_PAGE].total == 0 and pages[FAQ_PAGE].percent is None
    with pytest.raises(AccessDenied):
        selectors.feedback_summary(user=people["citizen"])


def test_the_admin_shows_a_guides_procedures_but_leaves_changing_them_to_the_workflow(
    people: Any, procedure: Any, client: Any
) -> None:
    """A change of the attached procedures through the Django admin would be missing from the guide's history:
    the admin shows them read-only (the back office's workflow changes them, with a revision)."""
    guide = services.guide_create(actor=people["monitor"], procedure_codes=["1.001193"], **GUIDE)
    admin = people["admin"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    url = f"/admin/guides/guide/{guide.pk}/change/"
    page = client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    assert "procedures" not in form.fields and "title_vi" in form.fields
    assert "procedures" in page.context["adminform"].readonly_fields  # shown, not an input
