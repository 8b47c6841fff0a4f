"""The periodic watch, notifications at every change, and pauses across Tết."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail

from dvctt.common.errors import AccessDenied
from dvctt.dossiers import services
from dvctt.dossiers.deadlines import paused_time
from dvctt.dossiers.models import Notification
from dvctt.dossiers.notifications.channels import ChannelError, EmailChannel
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.dossiers.watch import dossier_watch


@pytest.fixture
def unit_with_email(unit):
    unit.email = "sotuphap@langson.gov.vn"
    unit.save()
    return unit


class TestWatch:
    def test_flags_due_within_a_working_day_once_and_reminds_the_unit(self, processing, unit_with_email):
        # Due Thursday 06/03/2025 09:00; on Wednesday 10:00 it is within one working day.
        mail.outbox.clear()
        report = dossier_watch(now=vn(2025, 3, 5, 10))
        assert report.due_soon == 1 and report.overdue == 0
        processing.refresh_from_db()
        assert processing.due_soon_flagged_at == vn(2025, 3, 5, 10)
        reminder = [m for m in mail.outbox if m.to == ["sotuphap@langson.gov.vn"]]
        assert len(reminder) == 1 and processing.code in reminder[0].subject
        assert dossier_watch(now=vn(2025, 3, 5, 11)).due_soon == 0

    def test_two_working_days_ahead_is_not_flagged(self, processing):
        assert dossier_watch(now=vn(2025, 3, 4, 8)).due_soon == 0

    def test_flags_overdue(self, processing):
        report = dossier_watch(now=vn(2025, 3, 6, 9, 1))
        assert report.overdue == 1
        processing.refresh_from_db()
        assert processing.overdue_flagged_at is not None

    def test_ended_dossiers_are_not_flagged(self, processing, leader):
        services.dossier_approve(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 5))
        assert dossier_watch(now=vn(2025, 3, 10)).overdue == 0

    def test_expired_supplement_cancels_the_dossier(self, processing, specialist):
        services.dossier_request_supplement(
            dossier_id=processing.pk,
            actor=specialist,
            content="Bổ sung",
            deadline=vn(2025, 3, 10, 17),
            at=vn(2025, 3, 4, 9),
        )
        assert dossier_watch(now=vn(2025, 3, 10, 16)).expired_supplements == 0
        assert dossier_watch(now=vn(2025, 3, 10, 17, 1)).expired_supplements == 1
        processing.refresh_from_db()
        assert processing.status == Status.STOPPED


class TestNotifications:
    def test_every_status_change_notifies_the_applicant_by_email(
        self, procedure, unit, citizen, one_stop, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_submit(
                actor=citizen, submission=submission(unit), at=vn(2025, 3, 3, 8)
            )
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
        sent = Notification.objects.filter(dossier=dossier, state=Notification.State.SENT)
        assert sent.count() == 2
        assert [m.to for m in mail.outbox] == [["an@example.vn"], ["an@example.vn"]]
        assert "06/03/2025" in mail.outbox[1].body  # the appointment
        assert dossier.code in mail.outbox[1].subject

    def test_rolled_back_change_sends_nothing(
        self, submitted, specialist, django_capture_on_commit_callbacks
    ):
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True), pytest.raises(AccessDenied):
            services.dossier_receive(dossier_id=submitted.pk, actor=specialist)
        assert mail.outbox == []

    def test_failure_is_recorded_and_retried_by_the_watch(
        self, submitted, monkeypatch, django_capture_on_commit_callbacks
    ):
        from dvctt.dossiers.notifications.services import notifications_create_for_event

        calls = {"n": 0}

        def flaky(self, message):
            calls["n"] += 1
            if calls["n"] == 1:
                raise ChannelError("SMTP 451 try later")

        monkeypatch.setattr(EmailChannel, "send", flaky)
        event = submitted.events.get()
        (notification,) = notifications_create_for_event(event_id=event.pk)
        from dvctt.dossiers.notifications.tasks import send_notification

        send_notification.enqueue(notification.pk)
        notification.refresh_from_db()
        assert (notification.state, notification.attempts) == (Notification.State.FAILED, 1)
        assert "451" in notification.last_error
        assert dossier_watch(now=vn(2025, 3, 3, 10)).notifications_retried == 1
        notification.refresh_from_db()
        assert (notification.state, notification.attempts) == (Notification.State.SENT, 2)

    def test_creation_is_idempotent(self, submitted):
        from dvctt.dossiers.notifications.services import notifications_create_for_event

        event = submitted.events.get()
        assert len(notifications_create_for_event(event_id=event.pk)) == 1
        assert notifications_create_for_event(event_id=event.pk) == []


def test_pause_across_tet_moves_the_effective_due_by_the_paused_time(
    procedure, unit, citizen, one_stop, specialist
):
    # Received Wed 22/01/2025 09:00, 3 working days = 24 working hours: Wed 6 h, Thu 8 h, Fri 8 h, then the
    # Tết break 25/01–02/02, and the last 2 h on Monday 03/02 from 07:00.
    dossier = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 1, 22, 8))
    dossier = services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 1, 22, 9))
    assert dossier.due_at == vn(2025, 2, 3, 9)
    services.dossier_forward(
        dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 1, 22, 10)
    )
    services.dossier_request_supplement(
        dossier_id=dossier.pk, actor=specialist, content="Bổ sung", at=vn(2025, 1, 23, 9)
    )
    dossier = services.dossier_answer_supplement(
        dossier_id=dossier.pk, actor=citizen, note="Đã bổ sung", at=vn(2025, 2, 4, 9)
    )
    # The indicators' paused time is counted as it ran (spec: NgayBoSung − NgayYeuCau), Tết included.
    assert paused_time(dossier=dossier, until=vn(2025, 3, 1)) == timedelta(days=12)
    # The appointment given to people resumes the 16 working hours left at the request (Thu 6 h, Fri 8 h,
    # Mon 2 h) from the answer: Tue 04/02 6 h, Wed 8 h, Thu 06/02 07:00–09:00 — not due + 12 clock days.
    assert dossier.effective_due_at == vn(2025, 2, 6, 9)
    assert dossier.due_at == vn(2025, 2, 3, 9)
