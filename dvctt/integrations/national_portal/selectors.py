"""Reads of the national portal's views."""

from __future__ import annotations

from typing import Any

from dvctt.dossiers.models import Dossier, DossierFile


def dossier_file_for_link(*, file_id: int) -> DossierFile | None:
    """A dossier file named by a signed link (the caller checked the signature: it is the permission)."""
    return DossierFile.objects.filter(pk=file_id).first()


def dossier_sync_state(*, code: str) -> dict[str, Any] | None:
    """The national sync state of one dossier, for the console (administrators and monitors see the province)."""
    row = (
        Dossier.objects.filter(code=code)
        .values("code", "status", "sync_state", "sync_error", "synced_at")
        .first()
    )
    return dict(row) if row is not None else None
