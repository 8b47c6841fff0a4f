"""Stored register PDFs are removed after ``DVCTT_REGISTER_EXPORT_KEEP_DAYS``: real files in a temporary media
folder, the file leaving storage only after the row's commit, the pages saying so in Vietnamese."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from dvctt.dossiers.models import RegisterExport
from dvctt.dossiers.slips.register_exports import register_export_start, register_exports_prune
from dvctt.dossiers.slips.tasks import register_exports_prune_task
from dvctt.dossiers.tests.conftest import PDF
from dvctt.dossiers.tests.test_register_pdf import short_limit_register  # noqa: F401 - the fixture

START, END = date(2025, 3, 1), date(2025, 3, 31)


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _stored(user, unit, *, finished_days_ago: float, state: str = "done") -> RegisterExport:
    """An export with a real file in storage, finished (or started) that many days ago."""
    export = RegisterExport.objects.create(requested_by=user, unit=unit, start=START, end=END, state=state)
    export.file.save(f"so-theo-doi-{export.pk}.pdf", ContentFile(PDF), save=False)
    at = timezone.now() - timedelta(days=finished_days_ago)
    RegisterExport.objects.filter(pk=export.pk).update(
        file=export.file.name,
        size=len(PDF),
        started_at=at,
        finished_at=at if state == "done" else None,
        created_at=at,
    )
    export.refresh_from_db()
    return export


def _on_disk(media: Path, export: RegisterExport, name: str | None = None) -> bool:
    return (media / (name or export.file.name)).is_file()


@pytest.mark.django_db(transaction=True)
def test_pdfs_past_the_keep_days_are_removed_after_commit_never_open_ones(media, unit, one_stop, settings):
    settings.DVCTT_REGISTER_EXPORT_KEEP_DAYS = 7
    # Given exports finished 8 and 6 days ago, and a queued and a running one asked 30 days ago (each with a file
    # in storage, to show the job leaves them whatever they hold)
    old = _stored(one_stop, unit, finished_days_ago=8)
    recent = _stored(one_stop, unit, finished_days_ago=6)
    queued = _stored(one_stop, unit, finished_days_ago=30, state="queued")
    running = _stored(one_stop, unit, finished_days_ago=30, state="running")
    old_name = old.file.name
    assert all(_on_disk(media, e) for e in (old, recent, queued, running))

    # When the job runs inside a transaction, its files are still there until the commit
    with transaction.atomic():
        assert register_exports_prune() == 1
        assert RegisterExport.objects.get(pk=old.pk).file == ""  # the row is marked at once
        assert _on_disk(media, old, old_name)  # the file not yet: the transaction may still roll back
    # Then once committed the old file is gone, the row kept (marked), the others untouched
    assert not _on_disk(media, old, old_name)
    old.refresh_from_db()
    assert old.state == "done" and old.file == "" and old.size == len(PDF)
    for export in (recent, queued, running):
        fresh = RegisterExport.objects.get(pk=export.pk)
        assert fresh.file.name == export.file.name and _on_disk(media, export)
    # and a second run has nothing to do
    assert register_exports_prune() == 0


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_run_keeps_the_file_its_row_still_names(media, unit, one_stop):
    old = _stored(one_stop, unit, finished_days_ago=10)
    with pytest.raises(RuntimeError), transaction.atomic():
        assert register_exports_prune() == 1
        raise RuntimeError("the worker's transaction fails after the job")
    old.refresh_from_db()
    assert old.file.name and _on_disk(media, old)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("short_limit_register")  # 60 rows, the background path
def test_the_task_removes_a_real_register_and_its_pages_say_so(media, client, unit, one_stop, settings):
    # Given a 60-row register made in the background (the tests' backend runs the task at once) 8 days ago
    settings.DVCTT_REGISTER_EXPORT_KEEP_DAYS = 7
    export = register_export_start(user=one_stop, unit=unit, start=START, end=END)
    assert export.state == "done" and (media / export.file.name).read_bytes().startswith(b"%PDF")
    name = export.file.name
    RegisterExport.objects.filter(pk=export.pk).update(finished_at=timezone.now() - timedelta(days=8))
    # When the scheduled task runs
    assert register_exports_prune_task.call() == 1
    assert not (media / name).exists()
    # Then the download answers 404 with the reason in Vietnamese, in the API's error shape
    client.force_login(one_stop)
    response = client.get(f"/api/v1/registers/exports/{export.pk}/file/")
    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "removed"
    assert "đã bị xóa" in error["message"] and "lưu 7 ngày" in error["message"]
    # the status says it is removed and offers no download
    status = client.get(f"/api/v1/registers/exports/{export.pk}/").json()
    assert status["removed"] is True and status["download_url"] is None and status["size"] is None
    # and the back office's page says so instead of the download link
    html = client.get(f"/mot-cua/so-danh-sach/ban-in/{export.pk}/").content.decode()
    assert "Bản in này đã bị xóa" in html and "lưu 7 ngày" in html
    assert f"/api/v1/registers/exports/{export.pk}/file/" not in html
