"""Complaints and petitions (PAKN): receipt with a due time, assignment, answer, publication, rating.

A PAKN is filed by the owner of a dossier (``portal.services.complaint_file`` calls :func:`complaint_create`);
it goes to the officials of the dossier's unit, who answer it within ``COMPLAINT_WORKING_DAYS`` working days on
the province's working calendar. The moves are one declared table (:data:`TRANSITIONS`): each move locks the
row, checks the state and the actor, saves with ``update_fields`` and appends a :class:`ComplaintEvent` in the
same transaction. An illegal move raises :class:`ConflictError` (409 in an API), a forbidden one
:class:`AccessDenied`.

Selectors scope every read: officials see the complaints of the units in their scope
(``accounts.scopes``: their unit, a leader's children, the whole province for monitors), a citizen their own,
the public only published answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.accounts.models import PROVINCE_ROLES, UNIT_ROLES, Role, User
from dvctt.accounts.scopes import scope_filter, unit_ids_in_scope
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.common.tasks import task_enqueue
from dvctt.common.text import FREE_TEXT_MAX_CHARS
from dvctt.complaints.models import Complaint, ComplaintEvent, ComplaintRating, ComplaintState
from dvctt.dossiers.models import Dossier

#: The answer period of a PAKN, in working days (Decision 766's "answered on time"; legal basis in
#: docs/complaints.md). A constant rather than a setting: the index compares provinces on the same rule.
COMPLAINT_WORKING_DAYS = Decimal(15)
ANSWER_MIN_CHARS = 10
RATING_COMMENT_MAX_CHARS = 2000

S = ComplaintState


@dataclass(frozen=True, slots=True)
class ComplaintMove:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    roles: frozenset[str]


#: Every move of a complaint: (name, allowed sources, target, roles that may make it). The actor must also have
#: the complaint's unit in their scope; answering is for the assignee or the unit's leader.
TRANSITIONS: dict[str, ComplaintMove] = {
    move.name: move
    for move in (
        ComplaintMove(
            "assign",
            gettext_lazy("Giao xử lý"),
            frozenset({S.RECEIVED, S.ASSIGNED}),
            S.ASSIGNED,
            frozenset({Role.UNIT_LEADER, Role.ONE_STOP_OFFICER}),
        ),
        ComplaintMove(
            "answer",
            gettext_lazy("Trả lời"),
            frozenset({S.RECEIVED, S.ASSIGNED}),
            S.ANSWERED,
            frozenset({Role.UNIT_LEADER, Role.SPECIALIST, Role.ONE_STOP_OFFICER}),
        ),
        ComplaintMove(
            "publish",
            gettext_lazy("Công khai trả lời"),
            frozenset({S.ANSWERED}),
            S.PUBLISHED,
            frozenset({Role.UNIT_LEADER}),
        ),
        ComplaintMove(
            "close",
            gettext_lazy("Đóng (không công khai)"),
            frozenset({S.ANSWERED}),
            S.CLOSED,
            frozenset({Role.UNIT_LEADER}),
        ),
    )
}
ANSWERED_STATES = frozenset({S.ANSWERED, S.PUBLISHED, S.CLOSED})
EVENT_LABELS: dict[str, Any] = {
    "receive": gettext_lazy("Tiếp nhận"),
    **{name: move.label for name, move in TRANSITIONS.items()},
    "rate": gettext_lazy("Người gửi đánh giá câu trả lời"),
}


# Reads ------------------------------------------------------------------------------------------------------


def complaints_visible_to(user: Any) -> QuerySet[Complaint]:
    """Officials: the complaints of the units in their scope; citizens and businesses: their own; else none."""
    qs = Complaint.objects.select_related("dossier", "unit", "assigned_to", "answered_by")
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return qs.none()
    if user.is_superuser or user.role in PROVINCE_ROLES or user.role in UNIT_ROLES:
        return scope_filter(qs, user, "unit")
    return qs.filter(author=user)


def complaint_get_for_user(*, user: Any, complaint_id: int) -> Complaint:
    complaint = complaints_visible_to(user).filter(pk=complaint_id).first()
    if complaint is None:
        raise NotFoundError(_("Không tìm thấy phản ánh, kiến nghị số %(id)s.") % {"id": complaint_id})
    return complaint


def complaints_of_dossier(*, user: Any, dossier: Dossier) -> QuerySet[Complaint]:
    return complaints_visible_to(user).filter(dossier=dossier).order_by("created_at", "id")


def complaints_published() -> QuerySet[Complaint]:
    """Answers published for everyone: subject, unit, procedure and answer; never the applicant."""
    return (
        Complaint.objects.filter(published=True)
        .select_related("unit", "dossier__procedure")
        .order_by("-published_at", "-id")
    )


def complaint_events(*, complaint: Complaint) -> QuerySet[ComplaintEvent]:
    return complaint.events.order_by("seq")


def complaint_assignees(*, complaint: Complaint) -> QuerySet[User]:
    """Active officials of the complaint's unit who may answer it (the choice list of "assign")."""
    if complaint.unit_id is None:
        return User.objects.none()
    return User.objects.filter(
        is_active=True, unit_id=complaint.unit_id, role__in=list(TRANSITIONS["answer"].roles)
    ).order_by("full_name", "username")


def complaint_moves_for(*, user: Any, complaint: Complaint) -> list[str]:
    """The moves ``user`` may make on ``complaint`` now (to show only the buttons that will work)."""
    return [name for name in TRANSITIONS if _refusal(user, complaint, TRANSITIONS[name]) is None]


# Writes -----------------------------------------------------------------------------------------------------


def complaint_due(*, received_at: datetime) -> tuple[datetime, int]:
    """The answer's due time: ``COMPLAINT_WORKING_DAYS`` working days after the next working moment, and the
    calendar revision it was computed on (the dossiers' arithmetic, ``calendar.deadlines.due_time``)."""
    from dvctt.calendar import deadlines
    from dvctt.calendar.selectors import working_calendar

    calendar = working_calendar()
    return deadlines.due_time(
        received_at, COMPLAINT_WORKING_DAYS, "ngay_lam_viec", calendar
    ), calendar.revision


def _event(
    complaint: Complaint, *, action: str, from_state: str, actor: User | None, at: datetime, payload: dict
) -> ComplaintEvent:
    """Append one event. Precondition: the complaint row is locked (or just created) in this transaction."""
    last = ComplaintEvent.objects.filter(complaint=complaint).aggregate(m=Max("seq"))["m"] or 0
    return ComplaintEvent.objects.create(
        complaint=complaint,
        seq=last + 1,
        action=action,
        from_state=from_state,
        to_state=complaint.state,
        actor=actor,
        actor_name=(actor.full_name or actor.username) if actor else _("Hệ thống"),
        at=at,
        payload=payload,
    )


def complaint_create(
    *, dossier: Dossier, author: User, kind: str, subject: str, content: str, at: datetime | None = None
) -> Complaint:
    """Record a PAKN already validated by the caller; its unit is the dossier's, its due time 15 working days.

    Precondition: the caller checked that ``author`` owns ``dossier`` (``portal.services.complaint_file``).
    """
    moment = at or timezone.now()
    due, revision = complaint_due(received_at=moment)
    with transaction.atomic():
        complaint = Complaint.objects.create(
            dossier=dossier,
            author=author,
            kind=kind,
            subject=subject,
            content=content,
            unit_id=dossier.unit_id,
            received_at=moment,
            due_at=due,
            due_calendar_revision=revision,
        )
        _event(
            complaint,
            action="receive",
            from_state="",
            actor=author,
            at=moment,
            payload={"due_at": due.isoformat(), "unit": dossier.unit.code if dossier.unit_id else ""},
        )
    return complaint


def _refusal(actor: Any, complaint: Complaint, move: ComplaintMove) -> str | None:
    """Why ``actor`` may not make ``move`` on ``complaint`` (None: they may). The state is checked apart."""
    if actor is None or not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return _("Hãy đăng nhập.")
    if actor.role not in move.roles:
        return _("Vai trò %(role)s không được %(move)s phản ánh, kiến nghị.") % {
            "role": actor.get_role_display(),
            "move": str(move.label).lower(),
        }
    scope = unit_ids_in_scope(actor)
    if scope is not None and complaint.unit_id not in scope:
        return _("Phản ánh, kiến nghị này thuộc đơn vị khác.")
    if (
        move.name == "answer"
        and actor.role != Role.UNIT_LEADER
        and complaint.assigned_to_id is not None
        and complaint.assigned_to_id != actor.pk
    ):
        return _("Phản ánh, kiến nghị này đã giao cho cán bộ khác trả lời.")
    if complaint.state not in move.sources:
        return _("Không thể %(move)s khi phản ánh, kiến nghị đang ở trạng thái “%(state)s”.") % {
            "move": str(move.label).lower(),
            "state": complaint.get_state_display(),
        }
    return None


def _lock_and_check(*, complaint_id: int, actor: User, move_name: str) -> Complaint:
    complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
    if complaint is None or not complaints_visible_to(actor).filter(pk=complaint_id).exists():
        raise NotFoundError(_("Không tìm thấy phản ánh, kiến nghị số %(id)s.") % {"id": complaint_id})
    move = TRANSITIONS[move_name]
    if complaint.state not in move.sources:
        raise ConflictError(
            _("Không thể %(move)s khi phản ánh, kiến nghị đang ở trạng thái “%(state)s”.")
            % {"move": str(move.label).lower(), "state": complaint.get_state_display()}
        )
    refusal = _refusal(actor, complaint, move)
    if refusal is not None:
        raise AccessDenied(refusal)
    return complaint


def complaint_assign(
    *, complaint_id: int, actor: User, assignee_id: int, at: datetime | None = None
) -> Complaint:
    """Give the complaint to one official of its unit to answer (again to another one while it is open)."""
    moment = at or timezone.now()
    with transaction.atomic():
        complaint = _lock_and_check(complaint_id=complaint_id, actor=actor, move_name="assign")
        assignee = complaint_assignees(complaint=complaint).filter(pk=assignee_id).first()
        if assignee is None:
            raise DomainError(
                _("Người được giao phải là cán bộ đang công tác của đơn vị xử lý phản ánh, kiến nghị."),
                fields={"assignee": [_("Chọn một cán bộ của đơn vị.")]},
            )
        source = complaint.state
        complaint.assigned_to = assignee
        complaint.assigned_at = moment
        complaint.state = S.ASSIGNED
        complaint.save(update_fields=["assigned_to", "assigned_at", "state", "updated_at"])
        _event(
            complaint,
            action="assign",
            from_state=source,
            actor=actor,
            at=moment,
            payload={"assignee": assignee.full_name or assignee.username, "assignee_id": assignee.pk},
        )
    return complaint


def check_answer(text: str) -> str:
    answer = (text or "").strip()
    if len(answer) < ANSWER_MIN_CHARS:
        raise DomainError(
            _("Nội dung trả lời: hãy trả lời rõ ràng, ít nhất %(n)s ký tự.") % {"n": ANSWER_MIN_CHARS},
            fields={"answer": [_("Ít nhất %(n)s ký tự.") % {"n": ANSWER_MIN_CHARS}]},
        )
    if len(answer) > FREE_TEXT_MAX_CHARS:
        raise DomainError(
            _("Nội dung trả lời: tối đa %(max)s ký tự (đang có %(n)s).")
            % {
                "max": f"{FREE_TEXT_MAX_CHARS:,}".replace(",", "."),
                "n": f"{len(answer):,}".replace(",", "."),
            },
            fields={"answer": [_("Quá dài.")]},
        )
    return answer


def complaint_answer(*, complaint_id: int, actor: User, answer: str, at: datetime | None = None) -> Complaint:
    """Answer the complaint; the citizen is notified through the dossier's notifications (after commit)."""
    from dvctt.dossiers.services.core import announce_on_commit, event_append

    text = check_answer(answer)
    moment = at or timezone.now()
    with transaction.atomic():
        complaint = _lock_and_check(complaint_id=complaint_id, actor=actor, move_name="answer")
        source = complaint.state
        complaint.answer = text
        complaint.answered_by = actor
        complaint.answered_at = moment
        complaint.state = S.ANSWERED
        complaint.save(update_fields=["answer", "answered_by", "answered_at", "state", "updated_at"])
        late = complaint.due_at is not None and moment > complaint.due_at
        _event(complaint, action="answer", from_state=source, actor=actor, at=moment, payload={"late": late})
        # The dossier's notification mechanism tells the applicant (e-mail, SMS, … as configured): one dossier
        # event carries the answer; the dossier's own status does not change.
        dossier = Dossier.objects.select_for_update().get(pk=complaint.dossier_id)
        event = event_append(
            dossier=dossier,
            action="complaint_answer",
            from_status=dossier.status,
            actor=actor,
            at=moment,
            payload={
                "complaint": complaint.pk,
                "content": _("Trả lời phản ánh, kiến nghị “%(subject)s”: %(answer)s")
                % {"subject": complaint.subject, "answer": text[:1500]},
            },
        )
        announce_on_commit(event)
        event_id = event.pk
        transaction.on_commit(lambda: complaint_answer_notify(event_id=event_id))
    return complaint


def _answer_message(event: Any) -> tuple[str, str]:
    dossier = event.dossier
    subject = _("Hồ sơ %(code)s: đã có trả lời phản ánh, kiến nghị") % {"code": dossier.code}
    body = "\n".join(
        [
            _("Kính gửi %(name)s,") % {"name": dossier.applicant_name},
            str(event.payload.get("content", "")),
            _("Ông/Bà xem câu trả lời và đánh giá mức độ hài lòng tại trang tra cứu hồ sơ %(code)s.")
            % {"code": dossier.code},
        ]
    )
    return subject, body


def complaint_answer_notify(*, event_id: int) -> int:
    """Tell the applicant that their PAKN was answered, through the dossier notifications' rows, channels and
    send task (idempotent: one row per event, channel and recipient).

    When the notifications' registry knows the ``complaint_answer`` event (with its own templates), the dossier
    event announced after commit already does it and this does nothing.
    """
    from dvctt.dossiers.models import DossierEvent, Notification
    from dvctt.dossiers.notifications.channels import enabled_channels
    from dvctt.dossiers.notifications.events import event_kind
    from dvctt.dossiers.notifications.tasks import send_notification

    kind = event_kind("complaint_answer")
    if kind is not None and kind.notifies:
        return 0
    event = DossierEvent.objects.select_related("dossier", "dossier__applicant").get(pk=event_id)
    dossier = event.dossier
    if dossier.is_test or dossier.imported:
        return 0
    subject, body = _answer_message(event)
    created = 0
    for channel in enabled_channels():
        recipient = channel.recipient_for(dossier)
        if not recipient:
            continue
        text = body if channel.name == "email" else body[:480]
        notification, is_new = Notification.objects.get_or_create(
            event=event,
            channel=channel.name,
            recipient=recipient,
            defaults={"dossier": dossier, "subject": subject[:255], "body": text},
        )
        if is_new:
            created += 1
            task_enqueue(send_notification, notification.pk)
    return created


def complaint_publish(*, complaint_id: int, actor: User, at: datetime | None = None) -> Complaint:
    """Make the answer public (the public PAKN page and the procedure's page)."""
    moment = at or timezone.now()
    with transaction.atomic():
        complaint = _lock_and_check(complaint_id=complaint_id, actor=actor, move_name="publish")
        source = complaint.state
        complaint.published = True
        complaint.published_at = moment
        complaint.state = S.PUBLISHED
        complaint.save(update_fields=["published", "published_at", "state", "updated_at"])
        _event(complaint, action="publish", from_state=source, actor=actor, at=moment, payload={})
    return complaint


def complaint_close(
    *, complaint_id: int, actor: User, reason: str = "", at: datetime | None = None
) -> Complaint:
    """Close an answered complaint without publishing it (personal matters); the citizen still sees the answer."""
    moment = at or timezone.now()
    note = (reason or "").strip()
    if len(note) > RATING_COMMENT_MAX_CHARS:
        raise DomainError(
            _("Lý do: tối đa %(max)s ký tự.") % {"max": RATING_COMMENT_MAX_CHARS},
            fields={"reason": [_("Quá dài.")]},
        )
    with transaction.atomic():
        complaint = _lock_and_check(complaint_id=complaint_id, actor=actor, move_name="close")
        source = complaint.state
        complaint.closed_at = moment
        complaint.state = S.CLOSED
        complaint.save(update_fields=["closed_at", "state", "updated_at"])
        _event(complaint, action="close", from_state=source, actor=actor, at=moment, payload={"reason": note})
    return complaint


def complaint_rate(
    *, complaint_id: int, actor: User, rating: int | str, comment: str = "", at: datetime | None = None
) -> Complaint:
    """The author's rating of the answer, once: rất hài lòng, hài lòng or không hài lòng."""
    moment = at or timezone.now()
    try:
        level = int(rating)
    except (TypeError, ValueError):
        level = 0
    if level not in ComplaintRating.values:
        raise DomainError(
            _("Hãy chọn một mức đánh giá: rất hài lòng, hài lòng hoặc không hài lòng."),
            fields={"rating": [_("Bắt buộc chọn.")]},
        )
    note = (comment or "").strip()
    if len(note) > RATING_COMMENT_MAX_CHARS:
        raise DomainError(
            _("Ý kiến: tối đa %(max)s ký tự.") % {"max": RATING_COMMENT_MAX_CHARS},
            fields={"comment": [_("Quá dài.")]},
        )
    with transaction.atomic():
        complaint = Complaint.objects.select_for_update().filter(pk=complaint_id).first()
        if complaint is None or complaint.author_id != getattr(actor, "pk", None):
            raise NotFoundError(_("Không tìm thấy phản ánh, kiến nghị số %(id)s.") % {"id": complaint_id})
        if complaint.answered_at is None:
            raise ConflictError(_("Phản ánh, kiến nghị chưa được trả lời: chưa thể đánh giá."))
        if complaint.rating is not None:
            raise ConflictError(_("Ông/Bà đã đánh giá câu trả lời này."))
        complaint.rating = level
        complaint.rating_comment = note
        complaint.rated_at = moment
        complaint.save(update_fields=["rating", "rating_comment", "rated_at", "updated_at"])
        _event(
            complaint,
            action="rate",
            from_state=complaint.state,
            actor=actor,
            at=moment,
            payload={"rating": level, "comment": note},
        )
    return complaint


def complaint_move(*, name: str, complaint_id: int, actor: User, data: dict[str, Any]) -> Complaint:
    """One entry point for the adapters: the move ``name`` with its form data."""
    if name == "assign":
        try:
            assignee_id = int(data.get("assignee") or 0)
        except (TypeError, ValueError):
            assignee_id = 0
        return complaint_assign(complaint_id=complaint_id, actor=actor, assignee_id=assignee_id)
    if name == "answer":
        return complaint_answer(complaint_id=complaint_id, actor=actor, answer=str(data.get("answer") or ""))
    if name == "publish":
        return complaint_publish(complaint_id=complaint_id, actor=actor)
    if name == "close":
        return complaint_close(complaint_id=complaint_id, actor=actor, reason=str(data.get("reason") or ""))
    raise NotFoundError(_("Thao tác “%(name)s” không có.") % {"name": name})


# Due colours, like the dossiers' --------------------------------------------------------------------------------


def complaint_due_state(complaint: Complaint, *, now: datetime, soon: datetime) -> str:
    """late / soon / on_track for an open complaint with a due time (the inbox's thresholds), else ``""``."""
    if not complaint.is_open or complaint.due_at is None:
        return ""
    if complaint.due_at <= now:
        return "late"
    if complaint.due_at <= soon:
        return "soon"
    return "on_track"


def complaint_due_filter(state: str, *, now: datetime, soon: datetime) -> Q:
    open_ = Q(state__in=[S.RECEIVED, S.ASSIGNED], due_at__isnull=False)
    if state == "late":
        return open_ & Q(due_at__lte=now)
    if state == "soon":
        return open_ & Q(due_at__gt=now, due_at__lte=soon)
    if state == "on_track":
        return open_ & Q(due_at__gt=soon)
    if state == "open":
        return Q(state__in=[S.RECEIVED, S.ASSIGNED])
    if state == "answered":
        return Q(state__in=list(ANSWERED_STATES))
    return Q()
