"""Complaints and petitions (PAKN): due time on the working calendar, who may do what, each move, the rating.

Times are Asia/Ho_Chi_Minh; the calendar is the seeded one (working hours 07:00–11:30, 13:30–17:00).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.complaints.models import Complaint, ComplaintEvent, ComplaintState
from dvctt.dossiers.models import DossierEvent, Notification
from dvctt.dossiers.tests.conftest import vn
from dvctt.portal import complaints as pakn
from dvctt.portal.services import complaint_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def complaint(received: Any, citizen: User) -> Complaint:
    """Filed on Friday 24/01/2025 09:00, the last working day before the Tết 2025 break (25/01–02/02)."""
    return pakn.complaint_create(
        dossier=received,
        author=citizen,
        kind="phan_anh",
        subject="Chậm trả kết quả",
        content="Đã quá hẹn mà chưa nhận được kết quả.",
        at=vn(2025, 1, 24, 9),
    )


@pytest.fixture
def monitor(db) -> User:
    return User.objects.create_user(username="theodoi", password="x-Pass-1234", role=Role.MONITOR)


def test_due_is_fifteen_working_days_skipping_the_tet_break(complaint: Complaint, received: Any) -> None:
    # Friday 24/01 09:00 + 15 working days. The working days after 24/01 are 03–07/02, 10–14/02, 17–21/02 (Tết
    # closes 25/01–02/02): the 15th is Friday 21/02, at the same hour of the day, 09:00. Without the break it
    # would have been Friday 14/02.
    assert complaint.due_at == vn(2025, 2, 21, 9)
    assert complaint.unit_id == received.unit_id and complaint.received_at == vn(2025, 1, 24, 9)
    assert complaint.state == ComplaintState.RECEIVED
    event = complaint.events.get()
    assert (event.seq, event.action, event.to_state) == (1, "receive", "received")


def test_filing_through_the_portal_service_sets_unit_receipt_and_due(received: Any, citizen: User) -> None:
    complaint = complaint_file(
        actor=citizen,
        dossier_code=received.code,
        kind="kien_nghi",
        subject="Đề nghị trả kết quả qua bưu điện",
        content="Tôi ở xa, đề nghị trả kết quả qua bưu chính công ích.",
    )
    assert complaint.unit_id == received.unit_id and complaint.received_at is not None
    assert complaint.due_at is not None and complaint.due_at > complaint.received_at
    assert complaint.due_calendar_revision is not None


def test_selectors_scope_by_role(
    complaint: Complaint,
    one_stop: User,
    specialist: User,
    leader: User,
    foreign_officer: User,
    monitor: User,
    citizen: User,
    other_citizen: User,
) -> None:
    for user in (one_stop, specialist, leader, monitor, citizen):
        assert list(pakn.complaints_visible_to(user)) == [complaint], user.username
    for user in (foreign_officer, other_citizen):
        assert not pakn.complaints_visible_to(user).exists(), user.username
        with pytest.raises(NotFoundError):
            pakn.complaint_get_for_user(user=user, complaint_id=complaint.pk)


def test_each_move_in_order_with_its_event(
    complaint: Complaint, leader: User, specialist: User, django_capture_on_commit_callbacks: Any
) -> None:
    # leader assigns to the specialist
    pakn.complaint_assign(
        complaint_id=complaint.pk, actor=leader, assignee_id=specialist.pk, at=vn(2025, 2, 3, 8)
    )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSIGNED and complaint.assigned_to == specialist
    # the specialist answers (late: after 21/02 09:00)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        pakn.complaint_answer(
            complaint_id=complaint.pk,
            actor=specialist,
            answer="Hồ sơ đã có kết quả, mời Ông/Bà đến nhận.",
            at=vn(2025, 2, 24, 10),
        )
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ANSWERED and complaint.answered_by == specialist
    assert complaint.answered_at == vn(2025, 2, 24, 10)
    # the applicant is notified through the dossier's notifications, with the answer
    notification = Notification.objects.get(event__action="complaint_answer")
    assert notification.state == Notification.State.SENT and notification.recipient == "an@example.vn"
    assert "Hồ sơ đã có kết quả" in notification.body
    assert [m.to for m in mail.outbox] == [["an@example.vn"]]
    # the leader publishes
    pakn.complaint_publish(complaint_id=complaint.pk, actor=leader, at=vn(2025, 2, 25, 9))
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.PUBLISHED and complaint.published
    assert list(pakn.complaints_published()) == [complaint]
    events = list(complaint.events.values_list("seq", "action", "from_state", "to_state"))
    assert events == [
        (1, "receive", "", "received"),
        (2, "assign", "received", "assigned"),
        (3, "answer", "assigned", "answered"),
        (4, "publish", "answered", "published"),
    ]
    assert ComplaintEvent.objects.get(complaint=complaint, action="answer").payload == {"late": True}


def test_close_instead_of_publishing(complaint: Complaint, leader: User) -> None:
    pakn.complaint_answer(
        complaint_id=complaint.pk, actor=leader, answer="Đã chuyển bộ phận liên quan xử lý."
    )
    with pytest.raises(DomainError, match="Lý do: tối đa 2000 ký tự"):
        pakn.complaint_close(complaint_id=complaint.pk, actor=leader, reason="x" * 2001)
    pakn.complaint_close(complaint_id=complaint.pk, actor=leader, reason="Thông tin cá nhân")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.CLOSED and not complaint.published
    assert not pakn.complaints_published().exists()


def test_invalid_moves_are_refused_with_clear_errors(
    complaint: Complaint, leader: User, specialist: User, one_stop: User, foreign_officer: User, monitor: User
) -> None:
    # publishing before an answer: wrong state
    with pytest.raises(ConflictError, match="Không thể công khai trả lời khi phản ánh, kiến nghị đang ở"):
        pakn.complaint_publish(complaint_id=complaint.pk, actor=leader)
    # a specialist may not assign, a monitor may not answer, another unit's officer does not even see it
    with pytest.raises(AccessDenied, match="không được giao xử lý"):
        pakn.complaint_assign(complaint_id=complaint.pk, actor=specialist, assignee_id=specialist.pk)
    with pytest.raises(AccessDenied, match="không được trả lời"):
        pakn.complaint_answer(complaint_id=complaint.pk, actor=monitor, answer="Một câu trả lời đủ dài.")
    with pytest.raises(NotFoundError):
        pakn.complaint_answer(
            complaint_id=complaint.pk, actor=foreign_officer, answer="Một câu trả lời đủ dài."
        )
    # assigning to someone outside the unit
    with pytest.raises(DomainError, match="cán bộ đang công tác của đơn vị"):
        pakn.complaint_assign(complaint_id=complaint.pk, actor=leader, assignee_id=foreign_officer.pk)
    # once assigned to the specialist, the one-stop officer may not answer in their place; the leader may
    pakn.complaint_assign(complaint_id=complaint.pk, actor=one_stop, assignee_id=specialist.pk)
    with pytest.raises(AccessDenied, match="đã giao cho cán bộ khác"):
        pakn.complaint_answer(complaint_id=complaint.pk, actor=one_stop, answer="Một câu trả lời đủ dài.")
    # an answer too short, too long
    with pytest.raises(DomainError, match="ít nhất 10 ký tự"):
        pakn.complaint_answer(complaint_id=complaint.pk, actor=specialist, answer="  ngắn ")
    with pytest.raises(DomainError, match=r"tối đa 10\.000 ký tự"):
        pakn.complaint_answer(complaint_id=complaint.pk, actor=specialist, answer="x" * 10_001)
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.ASSIGNED and complaint.answer == ""
    pakn.complaint_answer(complaint_id=complaint.pk, actor=leader, answer="Lãnh đạo trả lời trực tiếp.")
    # answering twice is a conflict
    with pytest.raises(ConflictError, match="Không thể trả lời"):
        pakn.complaint_answer(complaint_id=complaint.pk, actor=leader, answer="Trả lời lần thứ hai.")
    assert complaint.events.count() == 3  # receive, assign, answer: nothing from the refused moves


def test_rating_once_by_the_author_only(
    complaint: Complaint, leader: User, citizen: User, other_citizen: User
) -> None:
    with pytest.raises(ConflictError, match="chưa được trả lời"):
        pakn.complaint_rate(complaint_id=complaint.pk, actor=citizen, rating=3)
    pakn.complaint_answer(complaint_id=complaint.pk, actor=leader, answer="Đã trả kết quả ngày 03/02/2025.")
    with pytest.raises(NotFoundError):
        pakn.complaint_rate(complaint_id=complaint.pk, actor=other_citizen, rating=3)
    with pytest.raises(DomainError, match="Hãy chọn một mức đánh giá"):
        pakn.complaint_rate(complaint_id=complaint.pk, actor=citizen, rating=5)
    with pytest.raises(DomainError, match="tối đa 2000 ký tự"):
        pakn.complaint_rate(complaint_id=complaint.pk, actor=citizen, rating=2, comment="x" * 2001)
    pakn.complaint_rate(complaint_id=complaint.pk, actor=citizen, rating=1, comment="Trả lời chung chung")
    complaint.refresh_from_db()
    assert complaint.rating == 1 and complaint.get_rating_display() == "Không hài lòng"
    with pytest.raises(ConflictError, match="đã đánh giá"):
        pakn.complaint_rate(complaint_id=complaint.pk, actor=citizen, rating=3)
    complaint.refresh_from_db()
    assert complaint.rating == 1 and complaint.events.filter(action="rate").count() == 1


def test_due_colours(complaint: Complaint) -> None:
    # due 21/02/2025 09:00; "soon" = within one working day, as in the dossier inbox
    assert pakn.complaint_due_state(complaint, now=vn(2025, 2, 19, 9), soon=vn(2025, 2, 20, 9)) == "on_track"
    assert (
        pakn.complaint_due_state(complaint, now=vn(2025, 2, 20, 9, 30), soon=vn(2025, 2, 21, 9, 30)) == "soon"
    )
    assert pakn.complaint_due_state(complaint, now=vn(2025, 2, 21, 9), soon=vn(2025, 2, 24, 9)) == "late"
    late = Complaint.objects.filter(
        pakn.complaint_due_filter("late", now=vn(2025, 2, 21, 9), soon=vn(2025, 2, 24, 9))
    )
    assert list(late) == [complaint]


def test_owner_page_shows_the_answer_and_rates_it(
    client: Any, complaint: Complaint, leader: User, citizen: User, other_citizen: User
) -> None:
    pakn.complaint_answer(
        complaint_id=complaint.pk, actor=leader, answer="Kết quả đã sẵn sàng tại bộ phận một cửa."
    )
    client.force_login(citizen)
    url = reverse("portal:dossier_lookup") + f"?ma={complaint.dossier.code}"
    html = client.get(url).content.decode()
    assert "Kết quả đã sẵn sàng tại bộ phận một cửa." in html and "Rất hài lòng" in html
    rate_url = reverse("portal:complaint_rate", args=[complaint.dossier.code, complaint.pk])
    assert client.post(rate_url, {"rating": "9"}).status_code == 302  # refused: message, nothing stored
    complaint.refresh_from_db()
    assert complaint.rating is None
    assert client.post(rate_url, {"rating": "3", "comment": "Cảm ơn"}).status_code == 302
    complaint.refresh_from_db()
    assert complaint.rating == 3 and complaint.rating_comment == "Cảm ơn"
    html = client.get(url).content.decode()
    assert "Ông/Bà đã đánh giá:" in html and rate_url not in html
    # another citizen neither sees it nor rates it
    client.force_login(other_citizen)
    assert "Kết quả đã sẵn sàng" not in client.get(url).content.decode()
    assert client.post(rate_url, {"rating": "1"}).status_code == 404


def test_public_page_lists_published_answers_without_personal_data(
    client: Any, complaint: Complaint, leader: User
) -> None:
    pakn.complaint_answer(complaint_id=complaint.pk, actor=leader, answer="Câu trả lời được công khai.")
    assert (
        "Câu trả lời được công khai."
        not in client.get(reverse("portal:complaints_published")).content.decode()
    )
    pakn.complaint_publish(complaint_id=complaint.pk, actor=leader)
    html = client.get(reverse("portal:complaints_published")).content.decode()
    assert "Câu trả lời được công khai." in html and "Chậm trả kết quả" in html
    assert "Nguyễn Văn An" not in html and complaint.dossier.code not in html


def test_dossier_event_of_the_answer_leaves_the_dossier_status_alone(
    complaint: Complaint, leader: User
) -> None:
    status = complaint.dossier.status
    pakn.complaint_answer(
        complaint_id=complaint.pk, actor=leader, answer="Trả lời không đổi trạng thái hồ sơ."
    )
    event = DossierEvent.objects.get(dossier=complaint.dossier, action="complaint_answer")
    assert event.from_status == event.to_status == status
