"""The back office over HTTP: the FAQ pages (the guide pages are in test_pages.py; both kinds go through one gate,
one fetch with its 404, one form round and one move view, so these pin the FAQ side of that shared code), and a
guide's history showing the procedures attached at each revision."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from dvctt.catalog.tests.factories import VersionFactory
from dvctt.guides import selectors, services
from dvctt.guides.models import Faq, Status

pytestmark = pytest.mark.django_db

DESK = "/theo-doi/huong-dan/hoi-dap/"


@pytest.fixture
def writer(people: dict[str, Any]) -> Client:
    client = Client()
    client.force_login(people["monitor"])
    return client


def test_a_writer_previews_saves_and_edits_an_faq_entry(writer: Client) -> None:
    data = {"topic": "sign_in", "order": "5", "question_vi": "Quên mật khẩu?", "answer_vi": "**Bấm** quên"}
    preview = writer.post(DESK + "them/", {**data, "preview": "1"})
    assert preview.status_code == 200 and "<strong>Bấm</strong>" in preview.content.decode()
    assert not Faq.objects.exists()
    saved = writer.post(DESK + "them/", {**data, "save": "1"})
    faq = Faq.objects.get()
    assert saved.status_code == 302 and saved["Location"] == f"{DESK}{faq.pk}/"
    form = writer.get(f"{DESK}{faq.pk}/sua/").content.decode()
    assert "Sửa câu hỏi" in form and "Quên mật khẩu?" in form
    edited = writer.post(
        f"{DESK}{faq.pk}/sua/", {**data, "question_vi": "Quên mật khẩu thì sao?"}, follow=True
    )
    assert "Đã lưu bản nháp câu hỏi." in edited.content.decode()
    assert Faq.objects.get().question_vi == "Quên mật khẩu thì sao?"
    half = writer.post(f"{DESK}{faq.pk}/sua/", {**data, "question_en": "Forgot?"})
    assert half.status_code == 400 and "Bản tiếng Anh cần có cả tiêu đề và nội dung" in half.content.decode()


def test_faq_moves_history_and_missing_entries(people: dict[str, Any], writer: Client) -> None:
    faq = services.faq_create(actor=people["monitor"], topic="pay", question_vi="Phí?", answer_vi="Có.")
    submitted = writer.post(f"{DESK}{faq.pk}/submit/", follow=True)
    assert "Câu hỏi: Gửi duyệt — xong." in submitted.content.decode()
    locked = writer.get(f"{DESK}{faq.pk}/sua/", follow=True)
    assert "Câu hỏi đang chờ duyệt hoặc đã lưu trữ: chưa sửa được." in locked.content.decode()
    assert writer.post(f"{DESK}{faq.pk}/publish/").status_code == 403  # the author is no reviewer
    assert writer.post(f"{DESK}{faq.pk}/reopen/").status_code == 409
    assert writer.post(f"{DESK}{faq.pk}/fly/").status_code == 404
    assert Faq.objects.get().status == Status.REVIEW
    first = faq.history.earliest("history_date")
    revision = writer.get(f"{DESK}{faq.pk}/phien-ban/{first.history_id}/")
    assert revision.status_code == 200 and "Phí?" in revision.content.decode()
    for missing in (f"{DESK}999999/", f"{DESK}999999/sua/", f"{DESK}{faq.pk}/phien-ban/999999/"):
        response = writer.get(missing)
        assert response.status_code == 404 and "Không có" in response.content.decode(), missing
    assert writer.post(f"{DESK}999999/submit/").status_code == 404


def test_a_change_of_the_attached_procedures_shows_in_the_history(
    people: dict[str, Any], writer: Client, procedure: Any
) -> None:
    VersionFactory(procedure__code="1.000656", name="Đăng ký kết hôn")
    text = {"kind": "apply", "title_vi": "Khai sinh", "body_vi": "Các bước"}
    guide = services.guide_create(
        actor=people["monitor"], slug="khai-sinh", procedure_codes=["1.001193"], **text
    )
    services.guide_update(
        actor=people["monitor"], guide_id=guide.pk, procedure_codes=["1.000656", "1.001193"], **text
    )
    services.guide_submit_for_review(actor=people["monitor"], guide_id=guide.pk)
    services.guide_withdraw(actor=people["monitor"], guide_id=guide.pk)
    services.guide_update(actor=people["monitor"], guide_id=guide.pk, procedure_codes=[], **text)
    rows = selectors.revisions(item=guide)
    assert [(h.history_change_reason, h.procedure_codes, h.procedures_changed) for h in reversed(rows)] == [
        ("Tạo bản nháp", ["1.001193"], False),
        ("Lưu bản nháp", ["1.000656", "1.001193"], True),
        ("Gửi duyệt", ["1.000656", "1.001193"], False),
        ("Rút về để sửa", ["1.000656", "1.001193"], False),
        ("Lưu bản nháp", [], True),
    ]
    page = writer.get(f"/theo-doi/huong-dan/{guide.pk}/").content.decode()
    assert "1.000656, 1.001193" in page and page.count("đã thay đổi") == 2
    second = rows[3]
    revision = writer.get(f"/theo-doi/huong-dan/{guide.pk}/phien-ban/{second.history_id}/").content.decode()
    assert "Thủ tục áp dụng: 1.000656, 1.001193" in revision
