"""Every move after submission: checks at the one-stop unit, processing, pauses, the result, side branches.

Each function is one move of :data:`dvctt.dossiers.states.MOVES`, applied through
:func:`dvctt.dossiers.services.core.transition_apply` (lock, state and actor check, event, signal after commit).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers.deadlines import resumed_due
from dvctt.dossiers.files import upload_check
from dvctt.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    Extension,
    Outcome,
    ReturnMethod,
    SupplementRequest,
)
from dvctt.dossiers.numbering import dossier_code_next
from dvctt.dossiers.selectors import dossier_obligation_request
from dvctt.dossiers.services.core import (
    Change,
    announce_on_commit,
    event_append,
    result_issuing_check,
    transition_apply,
)
from dvctt.dossiers.slips.content import lookup_url
from dvctt.dossiers.slips.documents import dossier_document_store
from dvctt.dossiers.slips.forms import SlipKind
from dvctt.dossiers.states import PaymentChannel, Status


def _required_text(value: str, field: str, what: str) -> str:
    text = (value or "").strip()
    if not text:
        raise DomainError(
            _("Chưa nhập %(what)s.") % {"what": what}, code="invalid", fields={field: [_("Bắt buộc.")]}
        )
    return text


def _pending_supplement(dossier: Dossier) -> SupplementRequest | None:
    """The latest supplement request still waiting for the applicant."""
    return dossier.supplements.filter(answered_at__isnull=True).order_by("-requested_at").first()


def _close_pending_supplements(dossier: Dossier, at: datetime) -> None:
    """A dossier that ends (stopped, withdrawn, cancelled) no longer waits for any supplement."""
    dossier.supplements.filter(answered_at__isnull=True).update(expired_at=at)


def dossier_refuse_acceptance(
    *,
    dossier_id: int,
    actor: User,
    reasons: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Refuse to receive (status 3), with the written reasons of the refusal slip."""
    reasons = _required_text(reasons, "reasons", _("lý do từ chối"))

    def body(dossier: Dossier, change: Change) -> None:
        change.set(dossier, ended_at=change.at)
        change.payload["reasons"] = reasons

    return transition_apply(
        dossier_id=dossier_id,
        move="refuse_acceptance",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
    )


def dossier_request_supplement(
    *,
    dossier_id: int,
    actor: User,
    content: str,
    deadline: datetime | None = None,
    second_request_reason: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask, in writing, for more papers. The clock pauses until the supplement arrives.

    The law allows one request; a second one needs a reason and makes the dossier count as late. Before receipt
    (status 1) it is guidance to complete the dossier (Decree 61, art. 15): no clock runs yet, so it pauses
    nothing and is no request in that count.
    """
    content = _required_text(content, "content", _("nội dung yêu cầu bổ sung"))

    def check(dossier: Dossier) -> None:
        received = dossier.received_at
        earlier = received is not None and dossier.supplements.filter(requested_at__gte=received).exists()
        if earlier and not second_request_reason.strip():
            raise ConflictError(
                _(
                    "Hồ sơ %(code)s đã được yêu cầu bổ sung một lần. Yêu cầu lần hai phải ghi rõ lý do "
                    "và hồ sơ sẽ bị tính là trễ hạn."
                )
                % {"code": dossier.code},
                code="second_supplement",
            )
        if deadline is not None and deadline <= (at or timezone.now()):
            raise DomainError(
                _("Hạn bổ sung phải sau thời điểm yêu cầu."), code="invalid", fields={"deadline": []}
            )

    def body(dossier: Dossier, change: Change) -> None:
        due_before = dossier.effective_due_at if dossier.received_at is not None else None
        SupplementRequest.objects.create(
            dossier=dossier,
            requested_at=change.at,
            deadline=deadline,
            content=content,
            requested_by=actor,
            due_before=due_before,
        )
        if due_before is not None:
            change.payload["due_before"] = due_before.isoformat()
        change.set(dossier, resume_status=dossier.status)
        change.payload.update(content=content, deadline=deadline.isoformat() if deadline else None)
        if dossier.received_at is None:
            change.payload["guidance"] = True
        if second_request_reason.strip():
            change.payload["second_request_reason"] = second_request_reason.strip()

    return transition_apply(
        dossier_id=dossier_id,
        move="request_supplement",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[check],
    )


@dataclass(frozen=True)
class FileUpload:
    name: str
    upload: UploadedFile


def _store_files(dossier: Dossier, kind: str, uploads: list[FileUpload], *, electronic: bool = True) -> int:
    checked = [(u, upload_check(upload=u.upload, label=u.name)) for u in uploads]
    for item, info in checked:
        stored = DossierFile(
            dossier=dossier,
            kind=kind,
            name=item.name,
            content_type=info.content_type,
            size=info.size,
            sha256=info.sha256,
            digitised=True,
            electronic=electronic,
        )
        stored.file.save(info.name, item.upload, save=False)
        stored.save()
    return len(checked)


def dossier_answer_supplement(
    *,
    dossier_id: int,
    actor: User,
    note: str = "",
    files: list[FileUpload] | None = None,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The applicant supplies what was asked; the clock resumes. A second answer is refused (state check), so is
    an answer with neither a note nor a file (it would resume the clock with nothing supplied)."""
    from dvctt.common.text import FREE_TEXT_MAX_CHARS

    if not note.strip() and not files:
        raise DomainError(
            _("Hãy ghi nội dung bổ sung hoặc đính kèm ít nhất một tệp."),
            code="empty_answer",
            fields={"note": [_("Bắt buộc khi không đính kèm tệp.")]},
        )
    if len(note) > FREE_TEXT_MAX_CHARS:
        raise DomainError(
            _("Nội dung bổ sung dài quá %(max)s ký tự.")
            % {"max": f"{FREE_TEXT_MAX_CHARS:,}".replace(",", ".")},
            code="too_long",
            fields={"note": [_("Tối đa %(max)s ký tự.") % {"max": FREE_TEXT_MAX_CHARS}]},
        )

    def body(dossier: Dossier, change: Change) -> None:
        request = _pending_supplement(dossier)
        if request is None:
            raise ConflictError(_("Không có yêu cầu bổ sung nào đang chờ."), code="illegal_transition")
        request.answered_at = change.at
        request.answer_note = note.strip()
        request.save(update_fields=["answered_at", "answer_note"])
        stored = _store_files(dossier, DossierFile.Kind.SUPPLEMENT, files or [])
        if stored:
            change.set(dossier, digitised=True)
        if dossier.effective_due_at is not None and not request.is_guidance:
            # The working time left at the request resumes now (an apology during the pause moved the base).
            due_after = resumed_due(
                due=dossier.effective_due_at, paused_at=request.requested_at, resumed_at=change.at
            )
            request.due_after = due_after
            request.save(update_fields=["due_after"])
            change.payload.update(
                due_before=dossier.effective_due_at.isoformat(), due_after=due_after.isoformat()
            )
            change.set(dossier, effective_due_at=due_after)
        change.payload.update(
            files=stored, paused_seconds=int((change.at - request.requested_at).total_seconds())
        )

    return transition_apply(
        dossier_id=dossier_id,
        move="answer_supplement",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
    )


def dossier_expire_supplement(
    *, dossier_id: int, actor: User | None = None, at: datetime | None = None
) -> Dossier:
    """The supplement deadline passed unanswered: the dossier is cancelled (not accepted, or stopped)."""

    def check(dossier: Dossier) -> None:
        request = _pending_supplement(dossier)
        if request is None or request.deadline is None:
            raise ConflictError(_("Yêu cầu bổ sung không có hạn để hết."), code="illegal_transition")
        if at is not None and at < request.deadline:
            raise ConflictError(_("Chưa hết hạn bổ sung."), code="not_expired")

    def body(dossier: Dossier, change: Change) -> None:
        _close_pending_supplements(dossier, change.at)
        # Cancelled before receipt: not accepted; after: processing stopped. Both end the dossier.
        final = Status.NOT_ACCEPTED if dossier.resume_status == Status.NEW else Status.STOPPED
        change.set(dossier, ended_at=change.at, resume_status=final)

    return transition_apply(
        dossier_id=dossier_id,
        move="expire_supplement",
        actor=actor,
        body=body,
        at=at,
        extra_checks=[check],
    )


def dossier_forward(
    *,
    dossier_id: int,
    actor: User,
    assignee: User | None = None,
    to_unit_codes: list[str] | None = None,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Send the dossier on for processing: to a specialist of the unit, and/or to other units (liên thông).

    Each other unit gets a child dossier (``parent`` set) that statistics count once, through the parent.
    """
    codes = [c for c in (to_unit_codes or []) if c]
    units = list(Unit.objects.filter(code__in=codes))
    missing = sorted(set(codes) - {u.code for u in units})
    if missing:
        raise DomainError(
            _("Không có đơn vị: %(codes)s.") % {"codes": ", ".join(missing)},
            code="unknown_unit",
            fields={"units": missing},
        )

    def check(dossier: Dossier) -> None:
        if assignee is not None and assignee.unit_id != dossier.unit_id:
            raise DomainError(_("Cán bộ được giao không thuộc đơn vị xử lý hồ sơ."), code="invalid_assignee")

    def body(dossier: Dossier, change: Change) -> None:
        if assignee is not None:
            change.set(dossier, assignee=assignee)
        children = []
        for unit in units:
            child = Dossier.objects.create(
                code=dossier_code_next(unit_code=unit.code, day=timezone.localdate(change.at)),
                procedure_id=dossier.procedure_id,
                procedure_version_id=dossier.procedure_version_id,
                unit=unit,
                receiving_unit=dossier.receiving_unit,
                channel=dossier.channel,
                status=Status.PROCESSING,
                applicant_id=dossier.applicant_id,
                applicant_type=dossier.applicant_type,
                applicant_name=dossier.applicant_name,
                applicant_id_number=dossier.applicant_id_number,
                submitted_at=dossier.submitted_at,
                # The part handed to another unit keeps the dossier's receipt and its appointment in force: a
                # late dossier forwarded stays late there (the hand-over time is its event's).
                received_at=dossier.received_at or change.at,
                due_at=dossier.effective_due_at or dossier.due_at,
                first_due_at=dossier.effective_due_at or dossier.due_at,
                effective_due_at=dossier.effective_due_at,
                parent=dossier,
                parent_code=dossier.code,
                is_test=dossier.is_test,
            )
            child_event = event_append(
                dossier=child,
                action="forward",
                from_status=None,
                actor=actor,
                at=change.at,
                payload={"parent": dossier.code, "note": note},
            )
            announce_on_commit(child_event)
            children.append(child.code)
        change.payload.update(
            note=note, assignee=assignee.username if assignee else None, children=children, units=codes
        )

    return transition_apply(
        dossier_id=dossier_id,
        move="forward",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[check],
    )


def dossier_request_financial_obligation(
    *,
    dossier_id: int,
    actor: User,
    amount: int,
    content: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Ask the applicant to pay a tax or charge before the result; the clock pauses."""
    if amount <= 0:
        raise DomainError(
            _("Số tiền phải lớn hơn 0."), code="invalid", fields={"amount": [_("Số tiền không hợp lệ.")]}
        )
    content = _required_text(content, "content", _("nội dung nghĩa vụ tài chính"))

    def body(dossier: Dossier, change: Change) -> None:
        change.set(dossier, resume_status=dossier.status)
        change.payload.update(amount=amount, content=content)
        if dossier.effective_due_at is not None:
            change.payload["due_before"] = dossier.effective_due_at.isoformat()

    return transition_apply(
        dossier_id=dossier_id,
        move="request_financial_obligation",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
    )


def dossier_record_payment(
    *,
    dossier_id: int,
    actor: User | None,
    amount: int,
    channel: int = PaymentChannel.NONE,
    reference: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The financial obligation is met; the clock resumes.

    ``actor`` an officer: the payment was taken at the counter (``channel`` NONE; an officer cannot vouch for an
    online payment). ``actor`` None: the system, on a payment the gateway confirmed (signed notification or
    query). Either way the amount must be the one asked. Applicants cannot make this move (state table).
    """
    requests: list[DossierEvent | None] = []

    def check(dossier: Dossier) -> None:
        if actor is not None and channel != PaymentChannel.NONE:
            raise DomainError(
                _(
                    "Cán bộ chỉ ghi nhận khoản nộp tại quầy; thanh toán trực tuyến do cổng thanh toán xác nhận."
                ),
                code="invalid_channel",
                fields={"payment_channel": [_("Kênh thanh toán không hợp lệ.")]},
            )
        asked = dossier_obligation_request(dossier=dossier)
        due = int(asked.payload.get("amount") or 0) if asked is not None else 0
        requests.append(asked)
        if amount != due:
            raise DomainError(
                _("Số tiền %(amount)s đồng không khớp nghĩa vụ tài chính của hồ sơ %(code)s (%(due)s đồng).")
                % {"amount": amount, "code": dossier.code, "due": due},
                code="amount_mismatch",
                fields={"amount": [_("Số tiền không khớp.")]},
            )

    def body(dossier: Dossier, change: Change) -> None:
        if channel != PaymentChannel.NONE:
            change.set(dossier, paid_online=channel)
        asked = requests[-1]  # read by the check, under the same lock
        if dossier.effective_due_at is not None and asked is not None:
            # The time spent waiting for the payment is not counted: the working time left resumes now.
            due_after = resumed_due(due=dossier.effective_due_at, paused_at=asked.at, resumed_at=change.at)
            change.payload.update(
                due_before=dossier.effective_due_at.isoformat(), due_after=due_after.isoformat()
            )
            change.set(dossier, effective_due_at=due_after)
        change.payload.update(
            amount=amount,
            channel=int(channel),
            reference=reference,
            method="counter" if actor is not None else "gateway",
        )

    return transition_apply(
        dossier_id=dossier_id,
        move="record_payment",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[check],
    )


# --- sign-off: the specialist proposes, the unit leader decides ----------------------------------------------------

PROPOSAL_OUTCOMES = ("approve", "refuse")


def _sign_off_required(dossier: Dossier) -> bool:
    version = dossier.procedure_version
    return version is not None and version.sign_off_required


def _sign_off_check(dossier: Dossier, actor: User | None) -> None:
    """With sign-off on, a specialist's decision is a proposal (``dossier_propose_result``), never the result."""
    if actor is not None and actor.role == Role.SPECIALIST and _sign_off_required(dossier):
        raise AccessDenied(
            _(
                "Thủ tục %(code)s cần lãnh đạo đơn vị ký duyệt: chuyên viên đề xuất kết quả, lãnh đạo phê duyệt "
                "hoặc từ chối."
            )
            % {"code": dossier.procedure.code}
        )


def dossier_proposal_pending(*, dossier: Dossier) -> DossierEvent | None:
    """The proposal waiting for the unit leader: the latest ``propose_result`` not followed by a return, while the
    dossier is being processed (a decision ends it)."""
    if dossier.status != Status.PROCESSING:
        return None
    last = dossier.events.filter(action__in=["propose_result", "return_proposal"]).order_by("-seq").first()
    return last if last is not None and last.action == "propose_result" else None


def dossier_propose_result(
    *,
    dossier_id: int,
    actor: User,
    outcome: str,
    result_name: str = "",
    reasons: str = "",
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """A specialist proposes the result of a dossier whose procedure needs sign-off: ``approve`` (with the name
    of the result document) or ``refuse`` (with the reasons). The status does not change; the event carries the
    proposal for the unit leader, who approves or refuses (the usual moves) or returns it with a note.
    """
    if outcome not in PROPOSAL_OUTCOMES:
        raise DomainError(
            _("Đề xuất không hợp lệ."),
            code="invalid",
            fields={"outcome": [_("Chọn phê duyệt hoặc từ chối.")]},
        )
    if outcome == "approve":
        result_name = _required_text(result_name, "result_name", _("tên giấy tờ kết quả"))
    else:
        reasons = _required_text(reasons, "reasons", _("lý do đề xuất từ chối"))

    def check(dossier: Dossier) -> None:
        if not _sign_off_required(dossier):
            raise ConflictError(
                _("Thủ tục %(code)s không có bước lãnh đạo ký duyệt: chuyên viên phê duyệt trực tiếp.")
                % {"code": dossier.procedure.code},
                code="no_sign_off",
            )
        if dossier_proposal_pending(dossier=dossier) is not None:
            raise ConflictError(
                _("Hồ sơ %(code)s đã có đề xuất đang chờ lãnh đạo ký duyệt.") % {"code": dossier.code},
                code="proposal_pending",
            )

    def body(dossier: Dossier, change: Change) -> None:
        change.payload.update(outcome=outcome, note=(note or "").strip())
        if outcome == "approve":
            change.payload["result_name"] = result_name
        else:
            change.payload["reasons"] = reasons

    return transition_apply(
        dossier_id=dossier_id,
        move="propose_result",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[check],
    )


def dossier_return_proposal(
    *,
    dossier_id: int,
    actor: User,
    note: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The unit leader sends the pending proposal back to the specialist with a note (status unchanged)."""
    note = _required_text(note, "note", _("ý kiến trả lại"))

    def check(dossier: Dossier) -> None:
        if dossier_proposal_pending(dossier=dossier) is None:
            raise ConflictError(
                _("Hồ sơ %(code)s không có đề xuất nào đang chờ ký duyệt.") % {"code": dossier.code},
                code="no_proposal",
            )

    def body(dossier: Dossier, change: Change) -> None:
        pending = dossier_proposal_pending(dossier=dossier)
        change.payload.update(note=note, proposal_seq=pending.seq if pending else None)

    return transition_apply(
        dossier_id=dossier_id,
        move="return_proposal",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[check],
    )


@dataclass(frozen=True)
class ResultDocument:
    name: str
    upload: UploadedFile | None = None


def dossier_approve(
    *,
    dossier_id: int,
    actor: User,
    results: list[ResultDocument] | None = None,
    note: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Processing ends with a result (status 9). Uploaded result files are electronic results."""
    results = results or []

    def check(dossier: Dossier) -> None:
        if dossier.children.exclude(status__in=[Status.PROCESSED, Status.RETURNED]).exists():
            raise ConflictError(
                _("Các đơn vị liên thông chưa xử lý xong hồ sơ %(code)s.") % {"code": dossier.code},
                code="children_open",
            )

    def body(dossier: Dossier, change: Change) -> None:
        electronic = _store_files(
            dossier, DossierFile.Kind.RESULT, [FileUpload(r.name, r.upload) for r in results if r.upload]
        )
        for r in results:
            if r.upload is None:
                DossierFile.objects.create(dossier=dossier, kind=DossierFile.Kind.RESULT, name=r.name)
        change.set(dossier, ended_at=change.at, outcome=Outcome.APPROVED)
        if electronic:
            change.set(dossier, has_e_result=True)
        change.payload.update(note=note, results=[r.name for r in results], electronic=electronic)

    return transition_apply(
        dossier_id=dossier_id,
        move="approve",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[check, lambda dossier: _sign_off_check(dossier, actor)],
    )


def dossier_refuse(
    *,
    dossier_id: int,
    actor: User,
    reasons: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Processing ends with a written refusal to grant (status 9, outcome refused).

    The written refusal (its reasons, the agency, the date, the legal wording of the form set in force) is
    rendered and kept as the dossier's electronic result in the same transaction; the move's notification tells
    the applicant where to download it.
    """
    reasons = _required_text(reasons, "reasons", _("lý do từ chối giải quyết"))

    def body(dossier: Dossier, change: Change) -> None:
        change.set(dossier, ended_at=change.at, outcome=Outcome.REFUSED)
        change.payload["reasons"] = reasons
        change.payload["content"] = _(
            "Văn bản từ chối giải quyết hồ sơ được gửi kèm kết quả giải quyết của hồ sơ; Ông/Bà tải về tại %(url)s"
        ) % {"url": lookup_url(dossier.code)}

    with transaction.atomic():
        dossier = transition_apply(
            dossier_id=dossier_id,
            move="refuse",
            actor=actor,
            body=body,
            at=at,
            expected_version=expected_version,
            extra_checks=[lambda dossier: _sign_off_check(dossier, actor)],
        )
        dossier_document_store(dossier=dossier, kind=SlipKind.REFUSAL_DECISION)
    return dossier


def dossier_stop(
    *,
    dossier_id: int,
    actor: User,
    reasons: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """Processing stops (status 8) with the stop notice's reasons."""
    reasons = _required_text(reasons, "reasons", _("lý do dừng xử lý"))

    def body(dossier: Dossier, change: Change) -> None:
        _close_pending_supplements(dossier, change.at)
        change.set(dossier, ended_at=change.at, resume_status=None)
        change.payload["reasons"] = reasons

    return transition_apply(
        dossier_id=dossier_id, move="stop", actor=actor, body=body, at=at, expected_version=expected_version
    )


def dossier_request_withdrawal(
    *,
    dossier_id: int,
    actor: User,
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    reason = _required_text(reason, "reason", _("lý do rút hồ sơ"))

    def body(dossier: Dossier, change: Change) -> None:
        # The status to go back to is this event's from_status; a running pause keeps its resume_status.
        change.payload["reason"] = reason

    return transition_apply(
        dossier_id=dossier_id,
        move="request_withdrawal",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
    )


def _withdrawal_pending(dossier: Dossier) -> None:
    """Status 7 covers both a pending and an accepted withdrawal; only a pending one can be decided."""
    if dossier.ended_at is not None:
        raise ConflictError(_("Yêu cầu rút hồ sơ đã được chấp nhận."), code="illegal_transition")


def dossier_accept_withdrawal(
    *, dossier_id: int, actor: User, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The withdrawal is accepted: the dossier ends (status 7 with an end time)."""

    def body(dossier: Dossier, change: Change) -> None:
        _close_pending_supplements(dossier, change.at)
        change.set(dossier, ended_at=change.at, resume_status=None)

    return transition_apply(
        dossier_id=dossier_id,
        move="accept_withdrawal",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[_withdrawal_pending],
    )


def dossier_reject_withdrawal(
    *,
    dossier_id: int,
    actor: User,
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    reason = _required_text(reason, "reason", _("lý do không chấp nhận"))

    def body(dossier: Dossier, change: Change) -> None:
        change.payload["reason"] = reason

    return transition_apply(
        dossier_id=dossier_id,
        move="reject_withdrawal",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[_withdrawal_pending],
    )


def _apology_check(dossier: Dossier, *, at: datetime, new_due_at: datetime) -> None:
    """An apology is made before the appointment in force (the effective one, moved by pauses) has passed; while
    the clock is paused, the pause must have begun before it. The new appointment comes after it."""
    from dvctt.dossiers.deadlines import pause_running

    due = dossier.effective_due_at
    if due is None:
        raise ConflictError(_("Hồ sơ chưa có ngày hẹn trả."), code="no_appointment")
    pause = pause_running(dossier=dossier)
    judged = pause.since if pause is not None else at
    if judged >= due:
        raise ConflictError(
            _("Đã quá hạn trả kết quả (%(due)s): phiếu xin lỗi phải được lập trước thời hạn.")
            % {"due": timezone.localtime(due).strftime("%d/%m/%Y %H:%M")},
            code="apology_too_late",
        )
    if new_due_at <= due:
        raise DomainError(
            _("Ngày hẹn mới phải sau ngày hẹn hiện tại (%(due)s).")
            % {"due": timezone.localtime(due).strftime("%d/%m/%Y %H:%M")},
            code="invalid",
            fields={"new_due_at": []},
        )


def _open_draft(dossier: Dossier) -> Extension | None:
    return dossier.extensions.filter(state=Extension.State.DRAFT).order_by("-id").first()


def dossier_draft_apology(
    *,
    dossier_id: int,
    actor: User,
    new_due_at: datetime,
    reason: str,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """An officer drafts the apology with a new appointment, for the unit leader to issue (the letter is signed by
    the head of the agency). A dossier has at most one open draft: drafting again replaces it. A draft for a
    second or later apology is flagged to the leader (``Extension.repeated``)."""
    reason = _required_text(reason, "reason", _("lý do chậm trả kết quả"))

    def body(dossier: Dossier, change: Change) -> None:
        _apology_check(dossier, at=change.at, new_due_at=new_due_at)
        current = dossier.effective_due_at
        assert current is not None  # _apology_check
        sequence = dossier.extensions.filter(state=Extension.State.ISSUED).count() + 1
        draft = _open_draft(dossier) or Extension(dossier=dossier, state=Extension.State.DRAFT)
        draft.at = change.at
        draft.drafted_at = change.at
        draft.drafted_by = actor
        draft.previous_due_at = current
        draft.new_due_at = new_due_at
        draft.reason = reason
        draft.sequence = sequence
        draft.save()
        change.payload.update(
            extension=draft.pk,
            previous_due_at=current.isoformat(),
            new_due_at=new_due_at.isoformat(),
            reason=reason,
            sequence=sequence,
        )

    return transition_apply(
        dossier_id=dossier_id,
        move="draft_apology",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
    )


def dossier_apologise(
    *,
    dossier_id: int,
    actor: User,
    new_due_at: datetime | None = None,
    reason: str = "",
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    """The unit leader issues the apology with a new appointment: only before the appointment in force (the
    effective one); the old and the new appointments are both kept. It issues the open draft when there is one
    (the leader may change its appointment and reason), else the leader's own text."""

    def body(dossier: Dossier, change: Change) -> None:
        draft = _open_draft(dossier)
        due = new_due_at or (draft.new_due_at if draft else None)
        text = (reason or (draft.reason if draft else "")).strip()
        if due is None:
            raise DomainError(
                _("Cần ngày hẹn trả mới."), code="invalid", fields={"new_due_at": [_("Trường này bắt buộc.")]}
            )
        text = _required_text(text, "reason", _("lý do chậm trả kết quả"))
        _apology_check(dossier, at=change.at, new_due_at=due)
        current = dossier.effective_due_at
        assert current is not None  # _apology_check
        sequence = dossier.extensions.filter(state=Extension.State.ISSUED).count() + 1
        extension = draft or Extension(dossier=dossier)
        extension.state = Extension.State.ISSUED
        extension.at = change.at
        extension.previous_due_at = current
        extension.new_due_at = due
        extension.reason = text
        extension.issued_by = actor
        extension.sequence = sequence
        extension.save()
        change.payload.update(
            extension=extension.pk,
            previous_due_at=current.isoformat(),
            new_due_at=due.isoformat(),
            reason=text,
            sequence=sequence,
        )
        if draft is not None and draft.drafted_by_id:
            change.payload["drafted_by"] = str(draft.drafted_by)
        # The new appointment is the one told to the applicant: the pauses before it are behind it.
        change.set(dossier, due_at=due, effective_due_at=due)

    return transition_apply(
        dossier_id=dossier_id,
        move="apologise",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
    )


def dossier_return_result(
    *,
    dossier_id: int,
    actor: User,
    method: str = ReturnMethod.COUNTER,
    at: datetime | None = None,
    expected_version: int | None = None,
) -> Dossier:
    if method not in ReturnMethod.values:
        raise DomainError(_("Hình thức trả kết quả không hợp lệ."), code="invalid", fields={"method": []})

    def body(dossier: Dossier, change: Change) -> None:
        change.set(dossier, returned_at=change.at, return_method=method)
        change.payload["method"] = method

    return transition_apply(
        dossier_id=dossier_id,
        move="return_result",
        actor=actor,
        body=body,
        at=at,
        expected_version=expected_version,
        extra_checks=[result_issuing_check],
    )


def dossier_mark_uncollected(*, dossier_id: int, actor: User, at: datetime | None = None) -> Dossier:
    def check(dossier: Dossier) -> None:
        if dossier.result_uncollected_at is not None:
            raise ConflictError(_("Đã ghi nhận không đến nhận kết quả."), code="illegal_transition")

    def body(dossier: Dossier, change: Change) -> None:
        change.set(dossier, result_uncollected_at=change.at)

    return transition_apply(
        dossier_id=dossier_id, move="mark_uncollected", actor=actor, body=body, at=at, extra_checks=[check]
    )


#: The national three-level rating: 3 very satisfied, 2 satisfied, 1 not satisfied.
RATING_LEVELS = (3, 2, 1)
NOT_SATISFIED = 1


def dossier_rate(
    *,
    dossier_id: int,
    actor: User,
    level: int | None = None,
    satisfied: bool | None = None,
    comment: str = "",
) -> Dossier:
    """The applicant rates the handling once, on the national three levels (``level``; ``satisfied`` is the
    two-level form older clients send: True → satisfied, False → not satisfied). Not satisfied flags the
    dossier (CoPhanAnh) for the satisfaction indicator."""
    if level is None and satisfied is not None:
        level = 2 if satisfied else NOT_SATISFIED
    if level not in RATING_LEVELS:
        raise DomainError(
            _("Hãy chọn một mức: Rất hài lòng, Hài lòng hoặc Không hài lòng."),
            code="invalid",
            fields={"level": [_("Chọn một trong ba mức.")]},
        )
    text = (comment or "").strip()
    if len(text) > 2000:
        raise DomainError(
            _("Ý kiến dài quá 2.000 ký tự."), code="invalid", fields={"comment": [_("Tối đa 2.000 ký tự.")]}
        )
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().get(pk=dossier_id)
        if dossier.applicant_id != actor.pk:
            raise AccessDenied(_("Chỉ chủ hồ sơ được đánh giá."))
        if dossier.ended_at is None:
            raise ConflictError(_("Chỉ đánh giá khi hồ sơ đã có kết quả."), code="not_ended")
        if dossier.rating is not None:
            raise ConflictError(_("Hồ sơ này đã được đánh giá."), code="already_rated")
        dossier.rating = level
        fields = ["rating", "updated_at", "version"]
        if level == NOT_SATISFIED and not dossier.has_complaint:
            dossier.has_complaint = True
            fields.append("has_complaint")
        dossier.version += 1
        dossier.save(update_fields=fields)
        event = event_append(
            dossier=dossier,
            action="rate",
            from_status=dossier.status,
            actor=actor,
            at=timezone.now(),
            payload={"level": level, "satisfied": level != NOT_SATISFIED, "comment": text},
        )
        announce_on_commit(event)
    return dossier
