"""The officials' PAKN pages over HTTP (list with due colours, scope, moves, refusals) and, in a real Chromium,
an officer answering and the citizen seeing and rating the answer."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dvctt.accounts.models import User
from dvctt.backoffice.tests.conftest import client_for
from dvctt.complaints.models import Complaint, ComplaintState
from dvctt.dossiers.tests.conftest import vn
from dvctt.portal import complaints as pakn


def _file(dossier: Any, citizen: User, subject: str, at: Any) -> Complaint:
    return pakn.complaint_create(
        dossier=dossier, author=citizen, kind="phan_anh", subject=subject, content="Nội dung phản ánh.", at=at
    )


@pytest.mark.django_db
class TestPages:
    def test_list_shows_due_colours_and_counts_in_scope(
        self, received: Any, citizen: User, one_stop: User, foreign_officer: User
    ) -> None:
        late = _file(received, citizen, "Phản ánh quá hạn", vn(2025, 1, 24, 9))
        fresh = _file(received, citizen, "Phản ánh mới", timezone.now())
        soon = _file(received, citizen, "Phản ánh sắp đến hạn", timezone.now() - timedelta(days=30))
        Complaint.objects.filter(pk=soon.pk).update(due_at=timezone.now() + timedelta(minutes=30))
        html = client_for(one_stop).get(reverse("backoffice:complaints")).content.decode()
        assert "Đang xử lý: <strong>3</strong>" in html and "Quá hạn: <strong>1</strong>" in html
        assert "Đến hạn trong 1 ngày: <strong>1</strong>" in html and "Trong hạn: <strong>1</strong>" in html
        # rows ordered by due time: the late one first, with its red badge
        assert (
            html.index("Phản ánh quá hạn") < html.index("Phản ánh sắp đến hạn") < html.index("Phản ánh mới")
        )
        assert '<span class="badge late">Quá hạn</span>' in html
        assert '<span class="badge warning">Đến hạn trong 1 ngày</span>' in html
        late_only = client_for(one_stop).get(reverse("backoffice:complaints") + "?loc=late").content.decode()
        assert "Phản ánh quá hạn" in late_only and "Phản ánh mới" not in late_only
        # another unit's officer sees none of them, and not the page of one
        other = client_for(foreign_officer)
        assert "Phản ánh quá hạn" not in other.get(reverse("backoffice:complaints")).content.decode()
        assert other.get(reverse("backoffice:complaint", args=[fresh.pk])).status_code == 404
        assert late.pk and fresh.pk

    def test_leader_assigns_specialist_answers_leader_publishes(
        self, received: Any, citizen: User, leader: User, specialist: User
    ) -> None:
        complaint = _file(received, citizen, "Chậm trả kết quả", timezone.now())
        leader_client, specialist_client = client_for(leader), client_for(specialist)
        page = leader_client.get(reverse("backoffice:complaint", args=[complaint.pk])).content.decode()
        assert 'id="form-assign"' in page and 'id="form-publish"' not in page
        response = leader_client.post(
            reverse("backoffice:complaint_action", args=[complaint.pk, "assign"]), {"assignee": specialist.pk}
        )
        assert response.status_code == 302
        page = specialist_client.get(reverse("backoffice:complaint", args=[complaint.pk])).content.decode()
        assert 'id="form-answer"' in page and 'id="form-assign"' not in page
        # a too short answer: the message, what was typed kept, nothing stored
        response = specialist_client.post(
            reverse("backoffice:complaint_action", args=[complaint.pk, "answer"]), {"answer": "ngắn"}
        )
        assert response.status_code == 400
        assert (
            "ít nhất 10 ký tự" in response.content.decode()
            and ">ngắn</textarea>" in response.content.decode()
        )
        response = specialist_client.post(
            reverse("backoffice:complaint_action", args=[complaint.pk, "answer"]),
            {"answer": "Kết quả đã trả qua bưu chính ngày hôm nay."},
        )
        assert response.status_code == 302
        # the specialist may not publish (403 with the reason); the leader may
        response = specialist_client.post(
            reverse("backoffice:complaint_action", args=[complaint.pk, "publish"])
        )
        assert response.status_code == 403 and "không được công khai trả lời" in response.content.decode()
        response = leader_client.post(reverse("backoffice:complaint_action", args=[complaint.pk, "publish"]))
        assert response.status_code == 302
        complaint.refresh_from_db()
        assert complaint.state == ComplaintState.PUBLISHED and complaint.answered_by == specialist
        # publishing again: a conflict, shown with the state
        response = leader_client.post(reverse("backoffice:complaint_action", args=[complaint.pk, "publish"]))
        assert response.status_code == 409 and "Đã công khai trả lời" in response.content.decode()

    def test_citizens_are_kept_out_and_unknown_moves_are_404(
        self, received: Any, citizen: User, leader: User
    ) -> None:
        complaint = _file(received, citizen, "Chậm trả kết quả", timezone.now())
        assert client_for(citizen).get(reverse("backoffice:complaints")).status_code == 403
        assert Client().get(reverse("backoffice:complaints")).status_code == 302
        response = client_for(leader).post(
            reverse("backoffice:complaint_action", args=[complaint.pk, "delete"])
        )
        assert response.status_code == 404

    def test_list_query_count_does_not_grow_with_rows(
        self, received: Any, citizen: User, one_stop: User, django_assert_max_num_queries: Any
    ) -> None:
        for n in range(12):
            _file(received, citizen, f"Phản ánh {n}", timezone.now())
        client = client_for(one_stop)
        client.get(reverse("backoffice:complaints"))  # warm the session and the calendar cache
        with django_assert_max_num_queries(14):
            assert client.get(reverse("backoffice:complaints")).status_code == 200


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_officer_answers_and_citizen_sees_and_rates(
    page: Any, live_server: Any, received: Any, citizen: User, one_stop: User
) -> None:
    from dvctt.common.tests.browser import sign_in
    from dvctt.portal.tests.a11y import assert_accessible

    complaint = _file(received, citizen, "Chưa nhận được kết quả", timezone.now())
    # the one-stop officer opens the list, then the complaint, and answers
    sign_in(page, live_server, one_stop)
    page.goto(live_server.url + reverse("backoffice:complaints"))
    assert_accessible(page, label="complaint list")
    page.get_by_role("link", name="Chưa nhận được kết quả").click()
    page.wait_for_selector("#form-answer")
    assert_accessible(page, label="complaint page")
    page.get_by_label("Nội dung trả lời").fill(
        "Kết quả đã sẵn sàng, mời Ông/Bà đến nhận tại bộ phận một cửa."
    )
    page.get_by_role("button", name="Gửi trả lời").click()
    page.wait_for_selector("#answer")
    assert page.locator("#state").inner_text() == "Đã trả lời"
    # the citizen sees the answer on their dossier's page and rates it
    sign_in(page, live_server, citizen)
    page.goto(live_server.url + reverse("portal:dossier_lookup") + f"?ma={received.code}")
    section = page.locator("#phan-anh")
    assert "Kết quả đã sẵn sàng, mời Ông/Bà đến nhận" in section.inner_text()
    assert_accessible(page, label="dossier page with an answer")
    section.get_by_label("Hài lòng", exact=True).check()
    section.get_by_label("Ý kiến (không bắt buộc)").fill("Cảm ơn cán bộ")
    section.get_by_role("button", name="Gửi đánh giá câu trả lời").click()
    page.wait_for_selector(".complaint-rating")
    assert "Hài lòng" in page.locator(".complaint-rating").inner_text()
    complaint.refresh_from_db()
    assert complaint.rating == 2 and complaint.rating_comment == "Cảm ơn cán bộ"
    assert complaint.answered_by == one_stop
