"""Long tracking registers as PDF, written in the background: start, run (the task's body), read, download.

A register of more than ``PDF_MAX_ROWS`` rows is not laid out during the request. ``register_export_start``
records what was asked (who, unit, period, language) and queues ``tasks.register_export_run_task``; the task
counts the rows, lays the PDF out a page at a time (``register_pdf.py``) into a temporary file, updating
``rows_done`` as it goes (each update its own short write, so the status page sees it), then stores the file
(default storage, ``registers/YYYY/MM/``). Only the user who asked reads the record and the file, and only while
the unit is still in their scope (checked again at every read).
"""

from __future__ import annotations

import logging
import tempfile
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from dvctt.accounts.models import User
from dvctt.accounts.scopes import unit_ids_in_scope
from dvctt.agencies.models import Unit
from dvctt.common.errors import AccessDenied, ConflictError, NotFoundError
from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.models import RegisterExport
from dvctt.dossiers.slips.register import register_count, register_open

logger = logging.getLogger(__name__)

_OPEN = (RegisterExport.State.QUEUED, RegisterExport.State.RUNNING)
#: An open export older than this is not handed out again (10,000 rows take well under a minute of CPU).
REUSE_MINUTES = 30


def register_export_start(*, user: User, unit: Unit, start: date, end: date) -> RegisterExport:
    """Queue the PDF of the unit's register for ``user`` (who must already have been checked to see the unit).

    The same request while an earlier one of the same user is still queued or running (asked in the last
    ``REUSE_MINUTES``: an older one is taken for lost, its worker gone) returns that one."""
    from dvctt.dossiers.slips.tasks import register_export_run_task

    register_open(unit=unit, start=start, end=end)  # checks the period
    with transaction.atomic():
        existing = (
            RegisterExport.objects.filter(
                requested_by=user,
                unit=unit,
                start=start,
                end=end,
                state__in=_OPEN,
                created_at__gte=timezone.now() - timedelta(minutes=REUSE_MINUTES),
            )
            .order_by("-created_at")
            .first()
        )
        if existing is not None:
            return existing
        export = RegisterExport.objects.create(
            requested_by=user, unit=unit, start=start, end=end, language=translation.get_language() or "vi"
        )
        task_enqueue(register_export_run_task, export.pk)
    export.refresh_from_db()
    return export


def _progress(export_id: int, done: int) -> None:
    RegisterExport.objects.filter(pk=export_id).update(rows_done=done)


def register_export_run(*, export_id: int) -> RegisterExport:
    """Lay out and store the PDF of one export (the task's body). Idempotent: a finished export is left as it is;
    one found running (its worker died) is started again from the first row.

    A worker calls it outside any transaction, so each progress update is committed as it goes and the status page
    sees it; the immediate backend (tests, ``make demo``) runs it inside the request's transaction instead."""
    with transaction.atomic():
        export = RegisterExport.objects.select_for_update().select_related("unit").get(pk=export_id)
        if export.state in (RegisterExport.State.DONE, RegisterExport.State.FAILED):
            return export
        export.state = RegisterExport.State.RUNNING
        export.started_at = timezone.now()
        export.rows_done = 0
        export.save(update_fields=["state", "started_at", "rows_done"])
    from dvctt.dossiers.slips.register_pdf import register_pdf_write

    try:
        with translation.override(export.language), tempfile.TemporaryFile() as out:
            register = register_open(unit=export.unit, start=export.start, end=export.end)
            export.rows_total = register_count(register=register)
            export.save(update_fields=["rows_total"])
            rows = register_pdf_write(
                register=register, out=out, progress=lambda done: _progress(export.pk, done)
            )
            out.seek(0)
            name = f"so-theo-doi-{export.unit.code}-{export.start:%Y%m%d}-{export.end:%Y%m%d}-{export.pk}.pdf"
            export.file.save(name, File(out), save=False)
            export.size = export.file.size
    except Exception as exc:  # a failed layout or write leaves a clear state, not a spinner forever
        logger.exception("register export %s failed", export_id)
        export.state = RegisterExport.State.FAILED
        export.error = f"{type(exc).__name__}: {exc}"[:1000]
        export.finished_at = timezone.now()
        export.save(update_fields=["state", "error", "finished_at"])
        return export
    export.state = RegisterExport.State.DONE
    export.rows_done = rows
    export.rows_total = rows  # dossiers received meanwhile may have changed the first count
    export.finished_at = timezone.now()
    export.save(update_fields=["state", "rows_done", "rows_total", "file", "size", "finished_at"])
    return export


def register_export_get_for_user(*, user: User, export_id: int) -> RegisterExport:
    """The export, for the user who asked for it (anyone else: not found) while the unit is in their scope."""
    export = (
        RegisterExport.objects.filter(pk=export_id, requested_by_id=user.pk).select_related("unit").first()
        if user.is_authenticated
        else None
    )
    if export is None:
        raise NotFoundError(gettext("Không có bản in sổ theo dõi hồ sơ này."), code="not_found")
    scope = unit_ids_in_scope(user)
    if scope is not None and export.unit_id not in scope:
        raise AccessDenied(
            gettext("Bạn không còn quyền xem sổ theo dõi hồ sơ của %(unit)s.") % {"unit": export.unit.name}
        )
    return export


def register_exports_for_user(*, user: User, limit: int = 5) -> list[RegisterExport]:
    """The user's latest exports (their own only), newest first."""
    if not user.is_authenticated:
        return []
    return list(
        RegisterExport.objects.filter(requested_by_id=user.pk)
        .select_related("unit")
        .order_by("-created_at")[:limit]
    )


def register_export_file_for_user(*, user: User, export_id: int) -> RegisterExport:
    """As ``register_export_get_for_user``, and the file must be ready (else ConflictError) and still stored (else
    NotFoundError ``removed``: its retention ran out)."""
    export = register_export_get_for_user(user=user, export_id=export_id)
    if register_export_removed(export):
        raise NotFoundError(register_export_removed_message(), code="removed")
    if export.state != RegisterExport.State.DONE or not export.file:
        raise ConflictError(gettext("Bản in chưa lập xong."), code="not_ready")
    return export


def register_export_removed(export: RegisterExport) -> bool:
    """Whether the export's PDF was removed by the retention job (``removed_at``)."""
    return export.removed_at is not None


def register_export_removed_message() -> str:
    return gettext(
        "Bản in này đã bị xóa: bản in sổ theo dõi hồ sơ chỉ được lưu %(days)s ngày sau khi lập. "
        "Hãy lập lại bản in từ trang Sổ và danh sách."
    ) % {"days": settings.DVCTT_REGISTER_EXPORT_KEEP_DAYS}


#: Rows marked per transaction by the retention job (each transaction's files are removed after its commit).
PRUNE_BATCH = 200


def register_exports_prune(*, now: datetime | None = None, keep_days: int | None = None) -> int:
    """Remove the stored PDFs of exports finished more than ``keep_days`` (``DVCTT_REGISTER_EXPORT_KEEP_DAYS``)
    ago; returns how many. Queued and running exports are never touched.

    The row is kept (the status page then says the file was removed) with its file emptied and ``removed_at`` set;
    the file leaves storage
    only once that change is committed, so a rolled-back run loses no file a row still names. A file whose removal
    fails is logged and left behind (no row names it any more). Rows are locked with ``skip_locked``: two runs at
    once share the work."""
    keep = settings.DVCTT_REGISTER_EXPORT_KEEP_DAYS if keep_days is None else keep_days
    cutoff = (now or timezone.now()) - timedelta(days=keep)
    expired = (
        RegisterExport.objects.filter(state=RegisterExport.State.DONE, finished_at__lt=cutoff)
        .exclude(file="")
        .order_by("pk")
    )
    removed = 0
    moment = now or timezone.now()
    while True:
        with transaction.atomic():
            batch = list(expired.select_for_update(skip_locked=True).values_list("pk", "file")[:PRUNE_BATCH])
            if not batch:
                return removed
            RegisterExport.objects.filter(pk__in=[pk for pk, _name in batch]).update(
                file="", removed_at=moment
            )
            names = [name for _pk, name in batch]
            transaction.on_commit(lambda names=names: _stored_files_delete(names))  # type: ignore[misc]
        removed += len(batch)


def _stored_files_delete(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            logger.exception("register export file %s could not be removed", name)


def register_export_json(export: RegisterExport) -> dict[str, object]:
    """The progress record as the API and the status page's poll answer it (ISO times, no personal data)."""
    from django.urls import reverse

    removed = register_export_removed(export)
    done = export.state == RegisterExport.State.DONE and not removed
    return {
        "id": export.pk,
        "unit": export.unit.code,
        "from": export.start.isoformat(),
        "to": export.end.isoformat(),
        "state": export.state,
        "state_label": str(RegisterExport.State(export.state).label),
        "rows_done": export.rows_done,
        "rows_total": export.rows_total,
        "created_at": export.created_at.isoformat(),
        "finished_at": export.finished_at.isoformat() if export.finished_at else None,
        "status_url": reverse("api:dossier-register-export", args=[export.pk]),
        "download_url": reverse("api:dossier-register-export-file", args=[export.pk]) if done else None,
        "size": export.size if done else None,
        "removed": removed,
    }
