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

from django.db import transaction

from dvctt.dossiers.models import Dossier, DossierEvent, SyncState
from dvctt.dossiers.services.sync import dossier_sync_mark
from dvctt.integrations.national_portal.client import Answer, Transport, found, transport_for
from dvctt.integrations.national_portal.config import PortalConfig, portal_config
from dvctt.integrations.national_portal.record import dossier_record, is_processing_step, progress_item
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


def dossier_mark_synced(*, dossier_id: int) -> None:
    """DongBoDVCQG = 1: only on the portal's acknowledgement of the dossier's record."""
    dossier_sync_mark(dossier_id=dossier_id, synced=True)
    _refresh_facts(dossier_id)


def dossier_mark_failed(*, dossier_id: int, error: str) -> None:
    dossier_sync_mark(dossier_id=dossier_id, synced=False, error=error)
    _refresh_facts(dossier_id)


def _refresh_facts(dossier_id: int) -> None:
    # The dashboards' sync figures read the dossier facts: refresh them like any other change.
    from dvctt.monitoring.tasks import refresh_dossier

    transaction.on_commit(lambda: refresh_dossier.enqueue(dossier_id))


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

    def on_failed(self, message: Message) -> None:
        dossier_id = Dossier.objects.filter(code=message.key).values_list("pk", flat=True).first()
        if dossier_id is not None:
            dossier_mark_failed(dossier_id=dossier_id, error=message.last_error)
