"""The outbox adapter of the national portal: one message = the dossier's current record, then its progress step.

Idempotent by design: the record always carries the dossier's whole current state, keyed by ``MaHoSo``. A
create is sent with ``isUpdating`` false only while the portal has not acknowledged the dossier; a retry of a
create first asks ``TraCuuHoSo`` (the previous attempt may have reached the portal and its answer been lost),
and a create answered "đã tồn tại" is sent again as an update. So a crash between a send and its marking never
creates a second dossier on the portal.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from typing import TypeVar

from django.db import transaction
from django_tasks import task

from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.models import Dossier, DossierEvent, SyncState
from dvctt.dossiers.services.sync import dossier_sync_mark
from dvctt.integrations.national_portal.client import Answer, Transport, found, transport_for
from dvctt.integrations.national_portal.config import PortalConfig, portal_config
from dvctt.integrations.national_portal.record import (
    dossier_record,
    dossiers_for_records,
    is_processing_step,
    progress_item,
    record_context,
)
from dvctt.outbox.models import Message
from dvctt.outbox.registry import Delivery

logger = logging.getLogger(__name__)

SYSTEM = "national_portal"
TOPIC = "dossier"
#: ``Message.step`` once the record part of a message is acknowledged (a retry sends only the progress).
RECORD_DONE = 1


def _failed(answer: Answer, *earlier: Answer) -> Delivery:
    raw = "\n".join(a.raw for a in (*earlier, answer))
    reason = answer.message or (f"HTTP {answer.status}" if answer.status else "no answer")
    if answer.error_code is not None:
        reason = f"error_code {answer.error_code}: {reason}"
    elif answer.status and answer.status != 200:
        reason = f"HTTP {answer.status}: {reason}"
    return Delivery(ok=False, answer=raw, error=reason[:500])


T = TypeVar("T")


def _chunks(items: list[T], size: int) -> Iterator[list[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def dossier_mark_synced(*, dossier_id: int) -> None:
    """DongBoDVCQG = 1: only on the portal's acknowledgement of the dossier's record."""
    dossier_sync_mark(dossier_id=dossier_id, synced=True)
    _refresh_facts(dossier_id)


def dossier_mark_failed(*, dossier_id: int, error: str) -> None:
    dossier_sync_mark(dossier_id=dossier_id, synced=False, error=error)
    _refresh_facts(dossier_id)


def _refresh_facts(dossier_id: int) -> None:
    # The dashboards' sync figures read the dossier facts: refresh them like any other change.
    transaction.on_commit(lambda: _enqueue_refresh(dossier_id))


def _enqueue_refresh(dossier_id: int) -> None:
    from dvctt.monitoring.tasks import refresh_dossier

    task_enqueue(refresh_dossier, dossier_id)


@task(queue_name="rollups")
def refresh_synced_dossiers(dossier_ids: list[int]) -> int:
    """The facts of the dossiers a batch of the sender acknowledged: one task for the batch; and the derived
    "integrated on DVCQG" flag of their procedures (a procedure's first acknowledged dossier may turn it on)."""
    from dvctt.integrations.national_portal.integration import integration_refresh_for_dossiers
    from dvctt.monitoring.rollups import facts_refresh

    refreshed = facts_refresh(dossier_ids=dossier_ids)
    integration_refresh_for_dossiers(dossier_ids=dossier_ids)
    return refreshed


class NationalPortalAdapter:
    system = SYSTEM
    topics = frozenset({TOPIC})

    def __init__(self) -> None:
        self._config: PortalConfig | None = None
        self._transport: Transport | None = None
        self._lock = threading.Lock()

    def enabled(self) -> bool:
        return portal_config().enabled

    def transport(self) -> Transport:
        """One transport per configuration (its session or token is reused across messages)."""
        config = portal_config()
        with self._lock:
            if self._transport is None or config != self._config:
                self._config, self._transport = config, transport_for(config)
            return self._transport

    def send(self, message: Message) -> Delivery:
        dossier = (
            Dossier.objects.select_related("procedure", "procedure_version__field", "unit")
            .filter(code=message.key)
            .first()
        )
        if dossier is None:
            return Delivery(ok=False, error=f"dossier {message.key} not found")
        transport = self.transport()
        answers: list[Answer] = []
        if message.step < RECORD_DONE:
            updating = dossier.sync_state == SyncState.SYNCED
            if not updating and message.attempts > 1:
                lookup = transport.lookup(dossier.code)
                answers.append(lookup)
                if lookup.status == 0:
                    return _failed(lookup)
                updating = found(lookup)
            record = dossier_record(dossier)
            answer = transport.create(record, updating=updating)
            if answer.already_exists and not updating:
                answers.append(answer)
                answer = transport.create(record, updating=True)
            if not answer.ok:
                return _failed(answer, *answers)
            answers.append(answer)
            if dossier.sync_state != SyncState.SYNCED:
                dossier_mark_synced(dossier_id=dossier.pk)
            Message.objects.filter(pk=message.pk).update(step=RECORD_DONE)
            message.step = RECORD_DONE
        action = str((message.payload or {}).get("action", ""))
        if is_processing_step(action) and message.ref:
            event = DossierEvent.objects.select_related("unit").filter(pk=message.ref).first()
            if event is not None:
                previous = (
                    DossierEvent.objects.filter(dossier_id=dossier.pk, seq__lt=event.seq)
                    .order_by("-seq")
                    .values_list("at", flat=True)
                    .first()
                )
                answer = transport.progress([progress_item(event, dossier, started=previous)])
                if not answer.ok:
                    return _failed(answer, *answers)
                answers.append(answer)
        return Delivery(ok=True, answer="\n".join(a.raw for a in answers))

    def send_many(self, messages: list[Message]) -> list[Delivery]:
        """Deliver claimed messages of distinct dossiers (the heads of their keys) in few calls: records of
        dossiers the portal has in DongBoHoSoMC calls of up to ``record_batch`` (creates apart from updates),
        then the steps in CapNhatTienDoHoSoMC calls of up to ``progress_batch`` items. Each key has at most one
        message here, so a dossier's order is the claim's order.

        A call the portal refuses is not guessed at: its messages go through :meth:`send` one by one (so one bad
        record fails alone, with its own answer, and a create that already exists becomes an update). A call
        without an answer is a failed attempt of each of its messages (retried; a create's retry asks first).
        So are a create's retries and a message whose dossier is gone: they take :meth:`send` from the start.
        """
        if len(messages) <= 1:
            return [self.send(m) for m in messages]
        config, transport = portal_config(), self.transport()
        dossiers = dossiers_for_records([m.key for m in messages])
        context = record_context(list(dossiers.values()))
        results: dict[int, Delivery] = {}
        answers: dict[int, list[Answer]] = {m.pk: [] for m in messages}
        one_by_one: list[Message] = []
        batched: list[Message] = []
        acknowledged: list[Message] = []
        for message in messages:
            dossier = dossiers.get(message.key)
            retrying_create = (
                dossier is not None
                and message.step < RECORD_DONE
                and dossier.sync_state != SyncState.SYNCED
                and message.attempts > 1
            )
            (one_by_one if dossier is None or retrying_create else batched).append(message)

        records = [m for m in batched if m.step < RECORD_DONE]
        for updating in (False, True):
            group = [m for m in records if (dossiers[m.key].sync_state == SyncState.SYNCED) == updating]
            for chunk in _chunks(group, config.record_batch):
                answer = transport.create_many(
                    [dossier_record(dossiers[m.key], context=context) for m in chunk], updating=updating
                )
                if answer.ok:
                    for m in chunk:
                        answers[m.pk].append(answer)
                        m.step = RECORD_DONE
                        acknowledged.append(m)
                elif answer.status == 0:
                    results.update((m.pk, _failed(answer)) for m in chunk)
                else:
                    one_by_one.extend(chunk)

        # The acknowledgements in one transaction: each message's step, DongBoDVCQG of the new dossiers, and their
        # facts' refresh queued with them. (A crash before it only repeats an idempotent record.)
        if acknowledged:
            with transaction.atomic():
                Message.objects.filter(pk__in=[m.pk for m in acknowledged]).update(step=RECORD_DONE)
                created = {
                    dossiers[m.key].pk for m in acknowledged if dossiers[m.key].sync_state != SyncState.SYNCED
                }
                for dossier_id in sorted(created):
                    dossier_sync_mark(dossier_id=dossier_id, synced=True)
                if created:
                    task_enqueue(refresh_synced_dossiers, sorted(created))

        steps: list[tuple[Message, dict]] = []
        for message in batched:
            if message.pk in results or message.step < RECORD_DONE:
                continue
            action = str((message.payload or {}).get("action", ""))
            dossier = dossiers[message.key]
            event, previous = (
                context.event(dossier.pk, message.ref)
                if is_processing_step(action) and message.ref
                else (None, None)
            )
            if event is None:
                results[message.pk] = Delivery(ok=True, answer="\n".join(a.raw for a in answers[message.pk]))
            else:
                steps.append((message, progress_item(event, dossier, started=previous)))
        for chunk_steps in _chunks(steps, config.progress_batch):
            answer = transport.progress([item for _m, item in chunk_steps])
            for m, _item in chunk_steps:
                if answer.ok:
                    raw = "\n".join(a.raw for a in (*answers[m.pk], answer))
                    results[m.pk] = Delivery(ok=True, answer=raw)
                elif answer.status == 0:
                    results[m.pk] = _failed(answer, *answers[m.pk])
                else:
                    one_by_one.append(m)  # its record is acknowledged (step): send() sends only the step

        for message in one_by_one:
            results[message.pk] = self.send(message)
        return [results[m.pk] for m in messages]

    def on_failed(self, message: Message) -> None:
        dossier_id = Dossier.objects.filter(code=message.key).values_list("pk", flat=True).first()
        if dossier_id is not None:
            dossier_mark_failed(dossier_id=dossier_id, error=message.last_error)
