"""Every move of the state machine through its service, and the refusals that must change nothing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent, Outcome
from dvctt.dossiers.states import PaymentChannel, Status
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn


def snapshot(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (dossier.status, dossier.version, dossier.due_at, dossier.ended_at, dossier.events.count())


def events(dossier: Dossier) -> list[tuple[str, int | None, int]]:
    return list(dossier.events.order_by("seq").values_list("action", "from_status", "to_status"))


class TestSubmission:
    def test_submit_gives_code_status_fees_and_one_event(self, submitted, unit):
        assert submitted.code == f"{unit.code}-250303-0001"
        assert submitted.status == Status.NEW
        assert submitted.fee_total == 8000
        assert submitted.digitised is True
        assert submitted.form_data["ngay_sinh"] is not None
        assert events(submitted) == [("submit", None, Status.NEW)]
        stored = submitted.files.get()
        assert stored.size > 0 and len(stored.sha256) == 64

    def test_codes_are_consecutive_per_unit_and_day(self, procedure, unit, citizen):
        codes = [
            services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 4, 8 + i)).code
            for i in range(3)
        ]
        assert codes == [f"{unit.code}-250304-000{i}" for i in (1, 2, 3)]
        next_day = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 5))
        assert next_day.code.endswith("-250305-0001")

    def test_client_key_makes_a_retry_return_the_same_dossier(self, procedure, unit, citizen):
        first = services.dossier_submit(
            actor=citizen, submission=submission(unit, client_key="k-1"), at=vn(2025, 3, 4)
        )
        again = services.dossier_submit(
            actor=citizen, submission=submission(unit, client_key="k-1"), at=vn(2025, 3, 4)
        )
        assert again.pk == first.pk
        assert Dossier.objects.count() == 1

    @pytest.mark.parametrize(
        ("change", "code"),
        [
            ({"form": {"ho_ten_tre": ""}}, "invalid"),
            ({"procedure_code": "9.999999"}, "unknown_procedure"),
            ({"unit_code": "000.00.99.H38"}, "unknown_unit"),
        ],
    )
    def test_bad_submission_leaves_nothing(self, procedure, unit, citizen, change, code):
        sub = submission(unit, form=change.get("form"))
        if "procedure_code" in change:
            sub.procedure_code = change["procedure_code"]
        if "unit_code" in change:
            sub.unit_code = change["unit_code"]
        with pytest.raises(DomainError) as raised:
            services.dossier_submit(actor=citizen, submission=sub, at=vn(2025, 3, 4))
        assert raised.value.code == code
        assert raised.value.message
        assert Dossier.objects.count() == 0
        # The failed attempt used no code: the next dossier still gets number 0001.
        ok = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 4))
        assert ok.code.endswith("-250304-0001")

    def test_form_error_names_the_field(self, procedure, unit, citizen):
        with pytest.raises(DomainError) as raised:
            services.dossier_submit(
                actor=citizen,
                submission=submission(unit, form={"ho_ten_tre": "A", "ngay_sinh": "31/02/2025"}),
                at=vn(2025, 3, 4),
            )
        assert "ngay_sinh" in raised.value.fields

    @pytest.mark.parametrize(
        ("name", "content", "code"),
        [
            ("virus.exe", b"MZ\x90\x00", "file_type"),
            ("fake.pdf", b"\x89PNG\r\n\x1a\nnot a pdf", "file_type"),
            ("empty.pdf", b"", "file_empty"),
        ],
    )
    def test_bad_files_are_refused(self, procedure, unit, citizen, name, content, code):
        upload = SimpleUploadedFile(name, content)
        with pytest.raises(DomainError) as raised:
            services.dossier_submit(
                actor=citizen,
                submission=submission(unit, components=[services.ComponentUpload("Tờ khai", upload)]),
                at=vn(2025, 3, 4),
            )
        assert raised.value.code == code
        assert Dossier.objects.count() == 0

    def test_too_big_file_is_refused(self, procedure, unit, citizen, settings):
        settings.DVCTT_MAX_UPLOAD_BYTES = 100
        with pytest.raises(DomainError) as raised:
            services.dossier_submit(
                actor=citizen,
                submission=submission(
                    unit,
                    components=[
                        services.ComponentUpload("Tờ khai", pdf_upload(content=b"%PDF-" + b"x" * 200))
                    ],
                ),
                at=vn(2025, 3, 4),
            )
        assert raised.value.code == "file_too_big"

    def test_citizen_cannot_submit_at_the_counter(self, procedure, unit, citizen):
        with pytest.raises(DomainError):
            services.dossier_submit(actor=citizen, submission=submission(unit, channel=1), at=vn(2025, 3, 4))

    def test_counter_intake_receives_at_once(self, procedure, unit, one_stop):
        dossier = services.dossier_intake(
            actor=one_stop, submission=submission(unit, channel=1), at=vn(2025, 3, 4, 9)
        )
        assert dossier.status == Status.RECEIVED
        assert dossier.assisted is False
        assert dossier.applicant is None
        assert [e[0] for e in events(dossier)] == ["submit", "receive"]

    def test_officer_filing_online_for_an_applicant_is_assisted(self, procedure, unit, one_stop):
        dossier = services.dossier_submit(
            actor=one_stop, submission=submission(unit, channel=2), at=vn(2025, 3, 4)
        )
        assert dossier.assisted is True


class TestReceipt:
    def test_receive_stores_due_time_from_the_calendar(self, received):
        assert received.status == Status.RECEIVED
        assert received.received_at == vn(2025, 3, 3, 9)
        assert received.due_at == vn(2025, 3, 6, 9)
        assert received.first_due_at == received.due_at
        assert received.due_calendar_revision is not None

    def test_receipt_before_tet_runs_over_the_break(self, procedure, unit, citizen, one_stop):
        # Friday 24/01/2025 16:00, 3 working days: 1 hour on Friday, Tết 25/01–02/02, then Mon 3, Tue 4, Wed 5.
        dossier = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 1, 24, 15))
        dossier = services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 1, 24, 16))
        assert dossier.due_at == vn(2025, 2, 5, 16)

    def test_refuse_acceptance_needs_reasons_and_ends(self, submitted, one_stop):
        before = snapshot(submitted)
        with pytest.raises(DomainError):
            services.dossier_refuse_acceptance(dossier_id=submitted.pk, actor=one_stop, reasons="  ")
        assert snapshot(submitted) == before
        dossier = services.dossier_refuse_acceptance(
            dossier_id=submitted.pk, actor=one_stop, reasons="Thiếu giấy chứng sinh", at=vn(2025, 3, 3, 9)
        )
        assert dossier.status == Status.NOT_ACCEPTED
        assert dossier.ended_at == vn(2025, 3, 3, 9)


class TestIllegalMoves:
    def test_illegal_move_is_a_conflict_and_changes_nothing(self, submitted, leader):
        before = snapshot(submitted)
        with pytest.raises(ConflictError) as raised:
            services.dossier_approve(dossier_id=submitted.pk, actor=leader)
        assert raised.value.code == "illegal_transition"
        assert snapshot(submitted) == before

    def test_wrong_role_is_refused(self, submitted, specialist):
        before = snapshot(submitted)
        with pytest.raises(AccessDenied):
            services.dossier_receive(dossier_id=submitted.pk, actor=specialist)
        assert snapshot(submitted) == before

    def test_officer_of_another_unit_is_refused(self, submitted, foreign_officer):
        before = snapshot(submitted)
        with pytest.raises(AccessDenied):
            services.dossier_receive(dossier_id=submitted.pk, actor=foreign_officer)
        assert snapshot(submitted) == before

    def test_citizen_cannot_receive_own_dossier(self, submitted, citizen):
        with pytest.raises(AccessDenied):
            services.dossier_receive(dossier_id=submitted.pk, actor=citizen)

    def test_stale_version_is_a_conflict(self, received, one_stop, specialist):
        stale = received.version - 1
        with pytest.raises(ConflictError) as raised:
            services.dossier_forward(
                dossier_id=received.pk, actor=one_stop, assignee=specialist, expected_version=stale
            )
        assert raised.value.code == "stale"


class TestSupplement:
    def test_supplement_pauses_and_resumes_to_the_same_status(self, processing, specialist, citizen):
        dossier = services.dossier_request_supplement(
            dossier_id=processing.pk,
            actor=specialist,
            content="Bổ sung giấy chứng sinh",
            at=vn(2025, 3, 4, 9),
        )
        assert dossier.status == Status.SUPPLEMENT_REQUESTED
        dossier = services.dossier_answer_supplement(
            dossier_id=dossier.pk,
            actor=citizen,
            files=[services.FileUpload("Giấy chứng sinh", pdf_upload("cs.pdf"))],
            at=vn(2025, 3, 5, 9),
        )
        assert dossier.status == Status.PROCESSING
        request = dossier.supplements.get()
        assert request.answered_at == vn(2025, 3, 5, 9)
        from dvctt.dossiers.deadlines import paused_time

        assert paused_time(dossier=dossier, until=vn(2025, 3, 10)) == timedelta(days=1)
        # The stored effective due moves with the answered pause; the appointment itself does not.
        assert dossier.effective_due_at == vn(2025, 3, 7, 9)
        assert dossier.due_at == vn(2025, 3, 6, 9)

    def test_supplement_answered_twice_is_refused(self, processing, specialist, citizen):
        services.dossier_request_supplement(dossier_id=processing.pk, actor=specialist, content="Bổ sung")
        services.dossier_answer_supplement(dossier_id=processing.pk, actor=citizen, note="Đã bổ sung")
        before = snapshot(processing)
        with pytest.raises(ConflictError):
            services.dossier_answer_supplement(dossier_id=processing.pk, actor=citizen, note="Đã bổ sung")
        assert snapshot(processing) == before

    def test_second_request_needs_a_reason(self, processing, specialist, citizen):
        services.dossier_request_supplement(dossier_id=processing.pk, actor=specialist, content="Lần 1")
        services.dossier_answer_supplement(dossier_id=processing.pk, actor=citizen, note="Đã bổ sung")
        with pytest.raises(ConflictError) as raised:
            services.dossier_request_supplement(dossier_id=processing.pk, actor=specialist, content="Lần 2")
        assert raised.value.code == "second_supplement"
        dossier = services.dossier_request_supplement(
            dossier_id=processing.pk,
            actor=specialist,
            content="Lần 2",
            second_request_reason="Giấy tờ bổ sung sai",
        )
        assert dossier.supplements.count() == 2

    def test_request_before_receipt_is_guidance_that_pauses_nothing(
        self, submitted, one_stop, specialist, citizen
    ):
        # given an online dossier guided at intake (status 1), answered, then received
        services.dossier_request_supplement(
            dossier_id=submitted.pk, actor=one_stop, content="Thiếu tờ khai", at=vn(2025, 3, 3, 9)
        )
        services.dossier_answer_supplement(
            dossier_id=submitted.pk, actor=citizen, note="Đã bổ sung", at=vn(2025, 3, 3, 14)
        )
        dossier = services.dossier_receive(dossier_id=submitted.pk, actor=one_stop, at=vn(2025, 3, 3, 15))
        guidance = dossier.supplements.get()
        # then it is shown as guidance, its event says so, and it moved no appointment
        assert guidance.is_guidance
        event = dossier.events.get(action="request_supplement")
        assert event.payload["guidance"] is True
        from dvctt.dossiers.deadlines import paused_time
        from dvctt.dossiers.states import event_label

        assert (
            event_label(event.action, event.payload)
            == "Hướng dẫn bổ sung, hoàn thiện hồ sơ (trước khi tiếp nhận)"
        )
        assert paused_time(dossier=dossier, until=vn(2025, 3, 10)) == timedelta(0)
        assert dossier.effective_due_at == dossier.due_at
        # and the first request after receipt is the first request: no second-request reason is asked
        dossier = services.dossier_forward(
            dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 16)
        )
        dossier = services.dossier_request_supplement(
            dossier_id=dossier.pk, actor=specialist, content="Bổ sung bản sao", at=vn(2025, 3, 4, 9)
        )
        request = dossier.supplements.order_by("requested_at").last()
        assert not request.is_guidance
        assert "guidance" not in dossier.events.filter(action="request_supplement").last().payload

    def test_supplement_at_intake_expiring_means_not_accepted(self, submitted, one_stop):
        services.dossier_request_supplement(
            dossier_id=submitted.pk,
            actor=one_stop,
            content="Thiếu tờ khai",
            deadline=vn(2025, 3, 10, 17),
            at=vn(2025, 3, 3, 9),
        )
        with pytest.raises(ConflictError):
            services.dossier_expire_supplement(dossier_id=submitted.pk, at=vn(2025, 3, 9))
        dossier = services.dossier_expire_supplement(dossier_id=submitted.pk, at=vn(2025, 3, 11))
        assert dossier.status == Status.NOT_ACCEPTED
        assert dossier.ended_at == vn(2025, 3, 11)

    def test_supplement_in_processing_expiring_stops_the_dossier(self, processing, specialist):
        services.dossier_request_supplement(
            dossier_id=processing.pk,
            actor=specialist,
            content="Bổ sung",
            deadline=vn(2025, 3, 10, 17),
            at=vn(2025, 3, 4, 9),
        )
        dossier = services.dossier_expire_supplement(dossier_id=processing.pk, at=vn(2025, 3, 11))
        assert dossier.status == Status.STOPPED


class TestProcessing:
    def test_full_path_to_returned_result(self, processing, leader, one_stop):
        assert processing.status == Status.PROCESSING
        dossier = services.dossier_approve(
            dossier_id=processing.pk,
            actor=leader,
            results=[services.ResultDocument("Giấy khai sinh", pdf_upload("gks.pdf"))],
            at=vn(2025, 3, 5, 10),
        )
        assert (dossier.status, dossier.outcome, dossier.has_e_result) == (
            Status.PROCESSED,
            Outcome.APPROVED,
            True,
        )
        assert dossier.ended_at == vn(2025, 3, 5, 10)
        dossier = services.dossier_return_result(
            dossier_id=dossier.pk, actor=one_stop, method="online", at=vn(2025, 3, 5, 11)
        )
        assert dossier.status == Status.RETURNED
        assert [e[0] for e in events(dossier)] == ["submit", "receive", "forward", "approve", "return_result"]
        # One event per move, numbered without gaps.
        assert list(dossier.events.values_list("seq", flat=True)) == [1, 2, 3, 4, 5]

    def test_refuse_after_processing(self, processing, leader):
        dossier = services.dossier_refuse(
            dossier_id=processing.pk, actor=leader, reasons="Không đủ điều kiện"
        )
        assert (dossier.status, dossier.outcome) == (Status.PROCESSED, Outcome.REFUSED)

    def test_financial_obligation_pauses_until_paid(self, processing, specialist, citizen):
        dossier = services.dossier_request_financial_obligation(
            dossier_id=processing.pk, actor=specialist, amount=50000, content="Lệ phí trước bạ"
        )
        assert dossier.status == Status.FINANCIAL_OBLIGATION
        # the applicant cannot settle it, whatever the amount or channel
        before = snapshot(dossier)
        with pytest.raises(AccessDenied):
            services.dossier_record_payment(
                dossier_id=dossier.pk, actor=citizen, amount=50000, channel=PaymentChannel.PROVINCIAL_GATEWAY
            )
        assert snapshot(dossier) == before
        # the system does, on the gateway's verified confirmation of the amount due
        with pytest.raises(DomainError):
            services.dossier_record_payment(
                dossier_id=dossier.pk, actor=None, amount=5000, channel=PaymentChannel.PROVINCIAL_GATEWAY
            )
        dossier = services.dossier_record_payment(
            dossier_id=dossier.pk, actor=None, amount=50000, channel=PaymentChannel.PROVINCIAL_GATEWAY
        )
        assert (dossier.status, dossier.paid_online) == (Status.PROCESSING, PaymentChannel.PROVINCIAL_GATEWAY)
        assert dossier.events.get(action="record_payment").payload["method"] == "gateway"

    def test_stop(self, processing, leader):
        dossier = services.dossier_stop(
            dossier_id=processing.pk, actor=leader, reasons="Theo yêu cầu cơ quan"
        )
        assert dossier.status == Status.STOPPED and dossier.ended_at is not None

    def test_forward_to_another_unit_creates_a_child(self, received, one_stop, other_unit, leader):
        dossier = services.dossier_forward(
            dossier_id=received.pk, actor=one_stop, to_unit_codes=[other_unit.code], at=vn(2025, 3, 3, 10)
        )
        child = dossier.children.get()
        assert child.unit == other_unit and child.parent_code == dossier.code
        assert child.code.startswith(other_unit.code + "-250303-")
        assert child.due_at == dossier.due_at
        # The parent cannot be approved while a child is open.
        with pytest.raises(ConflictError) as raised:
            services.dossier_approve(dossier_id=dossier.pk, actor=leader)
        assert raised.value.code == "children_open"

    def test_a_late_dossier_forwarded_to_another_unit_stays_late_there(self, received, one_stop, other_unit):
        # given a dossier due Thu 06/03 09:00, forwarded to another unit the following Monday
        dossier = services.dossier_forward(
            dossier_id=received.pk, actor=one_stop, to_unit_codes=[other_unit.code], at=vn(2025, 3, 10, 9)
        )
        # then the other unit's part exists (no error) with the dossier's receipt and appointment, overdue
        child = dossier.children.get()
        assert (child.received_at, child.effective_due_at) == (dossier.received_at, vn(2025, 3, 6, 9))
        assert child.events.get().at == vn(2025, 3, 10, 9)

    def test_forward_to_unknown_unit_is_refused(self, received, one_stop):
        before = snapshot(received)
        with pytest.raises(DomainError):
            services.dossier_forward(dossier_id=received.pk, actor=one_stop, to_unit_codes=["nope"])
        assert snapshot(received) == before


class TestAppointmentAfterAPause:
    """The working time left when the clock paused resumes on the working calendar (hours 07:00–11:30, 13:30–17:00)."""

    def test_the_issue_example_moves_on_working_hours_not_clock_hours(self, calendar_seeded):
        from dvctt.dossiers.deadlines import resumed_due

        # due Wed 10:00, request Mon 16:00, answer Tue 08:00: 12 working hours were left
        got = resumed_due(
            due=vn(2025, 3, 12, 10), paused_at=vn(2025, 3, 10, 16), resumed_at=vn(2025, 3, 11, 8)
        )
        assert got == vn(2025, 3, 12, 14)  # never Thu 02:00 (due + 16 clock hours)
        # a pause that began at or after the appointment moves nothing
        assert resumed_due(
            due=vn(2025, 3, 12, 10), paused_at=vn(2025, 3, 12, 10), resumed_at=vn(2025, 3, 13, 8)
        ) == vn(2025, 3, 12, 10)

    def test_answered_supplement_gives_a_new_appointment_recorded_with_the_request(
        self, processing, specialist, citizen
    ):
        # given a dossier due Thu 06/03 09:00, asked for a supplement Mon 03/03 16:00 (19 working hours left)
        services.dossier_request_supplement(
            dossier_id=processing.pk, actor=specialist, content="Bổ sung", at=vn(2025, 3, 3, 16)
        )
        # when the applicant answers Tue 04/03 08:00
        dossier = services.dossier_answer_supplement(
            dossier_id=processing.pk, actor=citizen, note="Đã bổ sung", at=vn(2025, 3, 4, 8)
        )
        # then 19 working hours from Tue 08:00 end Thu 06/03 11:00, shown and recorded before and after
        request = dossier.supplements.get()
        assert (request.due_before, request.due_after) == (vn(2025, 3, 6, 9), vn(2025, 3, 6, 11))
        assert dossier.effective_due_at == vn(2025, 3, 6, 11)
        assert (
            dossier.due_at == dossier.first_due_at == vn(2025, 3, 6, 9)
        )  # NgayHenTra: the first appointment
        event = dossier.events.get(action="answer_supplement")
        assert event.payload["due_after"] == vn(2025, 3, 6, 11).isoformat()

    def test_waiting_for_a_financial_obligation_is_not_counted(
        self, processing, specialist, one_stop, leader
    ):
        # given a dossier due Thu 06/03 09:00 asked to pay Tue 04/03 09:00 (16 working hours left)
        services.dossier_request_financial_obligation(
            dossier_id=processing.pk, actor=specialist, amount=50000, content="Thuế", at=vn(2025, 3, 4, 9)
        )
        dossier = Dossier.objects.get(pk=processing.pk)
        from dvctt.dossiers.deadlines import pause_running

        pause = pause_running(dossier=dossier)
        assert pause is not None and pause.since == vn(2025, 3, 4, 9) and pause.left_seconds == 16 * 3600
        # when the payment is taken at the counter Wed 05/03 15:00
        dossier = services.dossier_record_payment(
            dossier_id=processing.pk, actor=one_stop, amount=50000, at=vn(2025, 3, 5, 15)
        )
        # then the 16 hours resume: Wed 2 h, Thu 8 h, Fri 07:00–11:30 and 13:30–15:00
        assert dossier.effective_due_at == vn(2025, 3, 7, 15)
        assert dossier.due_at == vn(2025, 3, 6, 9)
        # and an apology made after the first appointment but before the one in force is in time
        dossier = services.dossier_apologise(
            dossier_id=processing.pk,
            actor=leader,
            new_due_at=vn(2025, 3, 10, 9),
            reason="Chờ xác minh",
            at=vn(2025, 3, 7, 10),
        )
        assert dossier.extensions.get().previous_due_at == vn(2025, 3, 7, 15)

    def test_an_apology_while_paused_judges_the_start_of_the_pause(self, processing, specialist, leader):
        # given a pause that began before the appointment and runs past it in clock time
        services.dossier_request_supplement(
            dossier_id=processing.pk, actor=specialist, content="Bổ sung", at=vn(2025, 3, 5, 9)
        )
        # when the leader apologises on Fri 07/03, after the clock-time appointment, while still paused
        dossier = services.dossier_apologise(
            dossier_id=processing.pk,
            actor=leader,
            new_due_at=vn(2025, 3, 14, 9),
            reason="Chờ bổ sung",
            at=vn(2025, 3, 7, 9),
        )
        # then it is in time, and the answer resumes the time left before the new appointment
        assert dossier.effective_due_at == vn(2025, 3, 14, 9)


class TestApologyAndWithdrawal:
    def test_apology_before_due_keeps_both_times(self, processing, leader):
        dossier = services.dossier_apologise(
            dossier_id=processing.pk,
            actor=leader,
            new_due_at=vn(2025, 3, 10, 9),
            reason="Chờ xác minh",
            at=vn(2025, 3, 5, 9),
        )
        assert dossier.due_at == vn(2025, 3, 10, 9)
        assert dossier.first_due_at == vn(2025, 3, 6, 9)
        extension = dossier.extensions.get()
        assert (extension.previous_due_at, extension.new_due_at) == (vn(2025, 3, 6, 9), vn(2025, 3, 10, 9))
        assert dossier.effective_due_at == vn(2025, 3, 10, 9)

    def test_officers_draft_the_apology_and_the_leader_issues_it(
        self, processing, specialist, leader, client
    ):
        # a specialist cannot issue an apology: the letter is signed by the head of the agency
        before = snapshot(processing)
        with pytest.raises(AccessDenied):
            services.dossier_apologise(
                dossier_id=processing.pk,
                actor=specialist,
                new_due_at=vn(2025, 3, 10, 9),
                reason="Chờ xác minh",
                at=vn(2025, 3, 5, 9),
            )
        assert snapshot(processing) == before
        # given a specialist's draft, which moves no appointment yet
        dossier = services.dossier_draft_apology(
            dossier_id=processing.pk,
            actor=specialist,
            new_due_at=vn(2025, 3, 10, 9),
            reason="Chờ xác minh",
            at=vn(2025, 3, 5, 9),
        )
        assert dossier.effective_due_at == vn(2025, 3, 6, 9)
        draft = dossier.extensions.get()
        assert (draft.state, draft.drafted_by, draft.sequence) == ("draft", specialist, 1)
        # when the leader issues it without changing it
        dossier = services.dossier_apologise(dossier_id=processing.pk, actor=leader, at=vn(2025, 3, 5, 10))
        # then the draft becomes the issued apology and the appointment moves
        issued = dossier.extensions.get()
        assert (issued.pk, issued.state, issued.issued_by, issued.drafted_by) == (
            draft.pk,
            "issued",
            leader,
            specialist,
        )
        assert dossier.effective_due_at == dossier.due_at == vn(2025, 3, 10, 9)

    def test_a_later_apology_is_flagged_to_the_leader(self, processing, specialist, leader, client):
        services.dossier_apologise(
            dossier_id=processing.pk,
            actor=leader,
            new_due_at=vn(2025, 3, 10, 9),
            reason="Lần một",
            at=vn(2025, 3, 5, 9),
        )
        # when a second apology is drafted for the same dossier
        dossier = services.dossier_draft_apology(
            dossier_id=processing.pk,
            actor=specialist,
            new_due_at=vn(2025, 3, 14, 9),
            reason="Lần hai",
            at=vn(2025, 3, 7, 9),
        )
        draft = dossier.extensions.get(state="draft")
        assert draft.sequence == 2 and draft.repeated
        # then the leader's page lists it, flagged
        client.force_login(leader)
        page = client.get("/mot-cua/lanh-dao/").content.decode()
        assert dossier.code in page and "Xin lỗi lần thứ 2" in page and "data-repeated" in page

    def test_apology_after_due_is_refused(self, processing, leader):
        before = snapshot(processing)
        with pytest.raises(ConflictError) as raised:
            services.dossier_apologise(
                dossier_id=processing.pk,
                actor=leader,
                new_due_at=vn(2025, 3, 12),
                reason="Muộn",
                at=vn(2025, 3, 6, 10),
            )
        assert raised.value.code == "apology_too_late"
        assert snapshot(processing) == before

    def test_withdrawal_requested_then_accepted_ends(self, processing, citizen, one_stop):
        dossier = services.dossier_request_withdrawal(
            dossier_id=processing.pk, actor=citizen, reason="Không cần nữa"
        )
        assert dossier.status == Status.WITHDRAWAL_REQUESTED and dossier.ended_at is None
        dossier = services.dossier_accept_withdrawal(dossier_id=dossier.pk, actor=one_stop)
        assert dossier.status == Status.WITHDRAWAL_REQUESTED and dossier.ended_at is not None
        with pytest.raises(ConflictError):
            services.dossier_accept_withdrawal(dossier_id=dossier.pk, actor=one_stop)

    def test_withdrawal_rejected_resumes(self, processing, citizen, one_stop):
        services.dossier_request_withdrawal(dossier_id=processing.pk, actor=citizen, reason="Đổi ý")
        dossier = services.dossier_reject_withdrawal(
            dossier_id=processing.pk, actor=one_stop, reason="Đã có kết quả"
        )
        assert dossier.status == Status.PROCESSING

    def test_rejected_withdrawal_during_a_supplement_pause_keeps_the_pause(
        self, processing, specialist, citizen, one_stop
    ):
        # Found by the state-machine property test: the withdrawal must not overwrite the pause's resume status.
        services.dossier_request_supplement(dossier_id=processing.pk, actor=specialist, content="Bổ sung")
        services.dossier_request_withdrawal(dossier_id=processing.pk, actor=citizen, reason="Rút")
        dossier = services.dossier_reject_withdrawal(dossier_id=processing.pk, actor=one_stop, reason="Không")
        assert (dossier.status, dossier.resume_status) == (Status.SUPPLEMENT_REQUESTED, Status.PROCESSING)
        dossier = services.dossier_answer_supplement(
            dossier_id=processing.pk, actor=citizen, note="Đã bổ sung"
        )
        assert dossier.status == Status.PROCESSING

    def test_another_citizen_cannot_withdraw(self, processing, db):
        from dvctt.accounts.models import Role, User

        stranger = User.objects.create_user(username="khac", password="x-Pass-1234", role=Role.CITIZEN)
        with pytest.raises(AccessDenied):
            services.dossier_request_withdrawal(dossier_id=processing.pk, actor=stranger, reason="x")


def test_events_are_append_only(submitted):
    event = DossierEvent.objects.get(dossier=submitted)
    event.action = "tampered"
    with pytest.raises(RuntimeError):
        event.save()
    with pytest.raises(RuntimeError):
        event.delete()


def test_rating_dissatisfied_records_a_complaint(processing, leader, citizen):
    services.dossier_approve(dossier_id=processing.pk, actor=leader)
    dossier = services.dossier_rate(dossier_id=processing.pk, actor=citizen, satisfied=False, comment="Chậm")
    assert dossier.has_complaint is True and dossier.rating == 1  # "không hài lòng" of the three levels
    with pytest.raises(ConflictError):  # once
        services.dossier_rate(dossier_id=processing.pk, actor=citizen, level=3)


@pytest.mark.parametrize("level", [3, 2])
def test_rating_on_the_national_three_levels(processing, leader, citizen, level):
    with pytest.raises(DomainError):
        services.dossier_rate(dossier_id=processing.pk, actor=citizen, level=3)  # no result yet
    services.dossier_approve(dossier_id=processing.pk, actor=leader)
    for bad in (0, 4, None):
        with pytest.raises(DomainError):
            services.dossier_rate(dossier_id=processing.pk, actor=citizen, level=bad)
    dossier = services.dossier_rate(dossier_id=processing.pk, actor=citizen, level=level)
    assert dossier.rating == level and dossier.has_complaint is False
    event = dossier.events.get(action="rate")
    assert event.payload["level"] == level and event.payload["satisfied"] is True
