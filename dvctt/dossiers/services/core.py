"""The one way a dossier changes: lock, check the move and the actor, change, record the event, then side effects.

Every transition service calls :func:`transition_apply`. It

1. locks the dossier row (``select_for_update``) so two officers cannot both act on the same state;
2. refuses a form posted against an older version (``expected_version``) with a conflict;
3. checks the move against the state table (:mod:`dvctt.dossiers.states`) and the actor's role and unit;
4. lets the caller change fields, then saves only those fields and bumps ``version``;
5. appends one :class:`DossierEvent` in the same transaction, with its outbox message for the national sync;
6. sends the ``dossier_changed`` signal (notifications, rollups listen to it): in the same transaction on the
   database task backend, their tasks committed with the change; after the commit on the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.common.errors import AccessDenied, ConflictError, NotFoundError
from dvctt.common.tasks import tasks_batched, tasks_commit_with_caller
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, SyncState
from dvctt.dossiers.states import BEFORE_WITHDRAWAL, RESUME, SAME, Move, Status, transition_check
from dvctt.outbox.services import message_publish

#: Sent for a committed change of a dossier (:func:`announce_on_commit`): ``dossier_id``, ``event_id``, ``action``.
#: Receivers only queue tasks (``task_enqueue``): on the database task backend they run inside the transaction.
dossier_changed = Signal()
#: Sent inside the ``return_result`` transaction (the dossier locked) with ``dossier``: a receiver refuses to issue
#: the result by raising a DomainError (the signing app does, for a result not validly signed).
result_issuing = Signal()


def result_issuing_check(dossier: Dossier) -> None:
    """The ``return_result`` move's check: ask the ``result_issuing`` receivers (they raise to refuse)."""
    result_issuing.send(sender=Dossier, dossier=dossier)


@dataclass
class Change:
    """What a transition's body wants written besides the status; ``at`` is the moment of the move."""

    at: datetime
    fields: set[str] = field(default_factory=set)
    payload: dict[str, Any] = field(default_factory=dict)
    after_commit: list[Callable[[], None]] = field(default_factory=list)

    def set(self, dossier: Dossier, **values: Any) -> None:
        for name, value in values.items():
            setattr(dossier, name, value)
            self.fields.add(name)


def now_or(at: datetime | None) -> datetime:
    if at is None:
        return timezone.now()
    if timezone.is_naive(at):
        raise ValueError("naive datetime: dossier times are timezone-aware")
    return at


def actor_may(*, actor: User | None, move: Move, dossier: Dossier) -> bool:
    """Whether ``actor`` may make ``move`` on ``dossier`` (role and unit; the state is checked separately)."""
    if actor is None:  # the system itself (periodic jobs, imports)
        return True
    if move.by_applicant and dossier.applicant_id is not None and dossier.applicant_id == actor.pk:
        return True
    if actor.role not in move.roles or actor.role in (Role.CITIZEN, Role.BUSINESS):
        return False
    from dvctt.accounts.scopes import unit_ids_in_scope

    scope = unit_ids_in_scope(actor)
    return scope is None or dossier.unit_id in scope or dossier.receiving_unit_id in scope


def event_append(
    *,
    dossier: Dossier,
    action: str,
    from_status: int | None,
    actor: User | None,
    at: datetime,
    payload: dict[str, Any] | None = None,
    first: bool = False,
) -> DossierEvent:
    """Append one event. Precondition: the dossier row is locked by the caller's transaction; ``first`` when the
    dossier was created in that transaction (its first event: no need to read the last number)."""
    last = 0 if first else DossierEvent.objects.filter(dossier=dossier).aggregate(m=Max("seq"))["m"] or 0
    event = DossierEvent.objects.create(
        dossier=dossier,
        seq=last + 1,
        action=action,
        from_status=from_status,
        to_status=dossier.status,
        actor=actor,
        actor_name=(actor.full_name or actor.username) if actor else _("Hệ thống"),
        actor_role=actor.role if actor else "",
        unit=actor.unit if actor and actor.unit_id else None,
        at=at,
        payload=payload or {},
    )
    _publish_for_sync(dossier=dossier, event=event)
    return event


def _publish_for_sync(*, dossier: Dossier, event: DossierEvent) -> None:
    """Write the outbox message that reports ``event`` to the outside systems (the national portal), in the
    event's transaction: one INSERT, none when no system is configured.

    Synced: a received dossier (its receipt sends the create), not an inter-agency child (counted through its
    parent), not a test dossier. The message carries only the event's id: the record is built when it is sent.
    """
    if (
        dossier.received_at is None
        or dossier.parent_id is not None
        or dossier.is_test
        or dossier.sync_state == SyncState.NOT_REQUIRED
    ):
        return
    message_publish(
        topic="dossier",
        key=dossier.code,
        operation="create" if event.action == "receive" else "update",
        payload={"action": event.action, "seq": event.seq},
        ref=event.pk,
    )


def relations_known(dossier: Dossier, *, events: list[DossierEvent], files: list[DossierFile]) -> None:
    """Hand ``dossier`` its complete lists of events and files, written by the caller, so that reading them
    (``dossier.events.all()``) costs no query, as after ``prefetch_related``. Precondition: they are all of the
    dossier's rows (a dossier created in the caller's transaction)."""
    known: dict[str, Any] = {
        "events": _known(DossierEvent.objects.filter(dossier=dossier), events),
        "files": _known(DossierFile.objects.filter(dossier=dossier), files),
    }
    dossier._prefetched_objects_cache = known  # type: ignore[attr-defined]


def _known(queryset: Any, rows: list[Any]) -> Any:
    """``queryset`` as ``prefetch_related`` leaves it: evaluated, its rows given."""
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset


def announce_on_commit(event: DossierEvent) -> None:
    """Send ``dossier_changed`` for ``event``, never for a rolled-back change. The tasks its receivers queue
    (notification, rollups) go in one INSERT.

    On the database task backend (one machine) the signal is sent at once, inside the caller's transaction: the
    tasks' rows commit with the change in the same COMMIT (a transactional outbox: a crash right after the commit
    loses no notification) and roll back with it. On the other backends (Redis, immediate) it is sent once the
    transaction commits."""
    dossier_id, event_id, action = event.dossier_id, event.pk, event.action

    def announce() -> None:
        with tasks_batched():
            dossier_changed.send(sender=Dossier, dossier_id=dossier_id, event_id=event_id, action=action)

    if tasks_commit_with_caller() and transaction.get_connection().in_atomic_block:
        announce()
        return
    transaction.on_commit(announce)


def _status_before_withdrawal(dossier: Dossier) -> int:
    """The status the pending withdrawal request was made from (imported dossiers have no such event: they go
    back to processing)."""
    request = dossier.events.filter(action="request_withdrawal").order_by("-seq").first()
    if request is None or request.from_status is None:
        return Status.PROCESSING
    return request.from_status


def dossier_lock(*, dossier_id: int) -> Dossier:
    try:
        return Dossier.objects.select_for_update().get(pk=dossier_id)
    except Dossier.DoesNotExist:
        raise NotFoundError(_("Không tìm thấy hồ sơ.")) from None


def transition_apply(
    *,
    dossier_id: int,
    move: str,
    actor: User | None,
    body: Callable[[Dossier, Change], None] | None = None,
    expected_version: int | None = None,
    at: datetime | None = None,
    payload: dict[str, Any] | None = None,
    extra_checks: Iterable[Callable[[Dossier], None]] = (),
) -> Dossier:
    """Apply one move of the state table to one dossier, atomically. Raises ConflictError / AccessDenied."""
    moment = now_or(at)
    with transaction.atomic():
        dossier = dossier_lock(dossier_id=dossier_id)
        if expected_version is not None and dossier.version != expected_version:
            raise ConflictError(
                _("Hồ sơ %(code)s đã được người khác cập nhật. Vui lòng xem lại trạng thái mới nhất.")
                % {"code": dossier.code},
                code="stale",
            )
        spec = transition_check(move=move, status=dossier.status)
        if not actor_may(actor=actor, move=spec, dossier=dossier):
            raise AccessDenied(
                _("Bạn không có quyền “%(move)s” đối với hồ sơ %(code)s.")
                % {"move": spec.label, "code": dossier.code}
            )
        for check in extra_checks:
            check(dossier)
        from_status = dossier.status
        change = Change(at=moment, payload=dict(payload or {}))
        if body is not None:
            body(dossier, change)
        if spec.target == RESUME:
            target = dossier.resume_status
            if target is None:
                raise ConflictError(_("Hồ sơ không có trạng thái để tiếp tục."), code="illegal_transition")
            change.set(dossier, resume_status=None)
        elif spec.target == SAME:
            target = dossier.status
        elif spec.target == BEFORE_WITHDRAWAL:
            target = _status_before_withdrawal(dossier)
        else:
            target = int(spec.target)
        change.set(dossier, status=target, version=dossier.version + 1)
        dossier.save(update_fields=[*sorted(change.fields), "updated_at"])
        event = event_append(
            dossier=dossier,
            action=move,
            from_status=from_status,
            actor=actor,
            at=moment,
            payload=change.payload,
        )
        announce_on_commit(event)
        for callback in change.after_commit:
            transaction.on_commit(callback)
    return dossier
