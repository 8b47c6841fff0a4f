"""The national portal's acknowledgements of a dossier's record: the one way its sync state (DongBoDVCQG) changes."""

from __future__ import annotations

from django.utils import timezone

from dvctt.dossiers.models import Dossier, SyncState


def dossier_sync_mark(*, dossier_id: int, synced: bool, error: str = "") -> None:
    """DongBoDVCQG = 1 only on the portal's acknowledgement of the dossier's record (``synced``); a record the portal
    refused for good marks the dossier failed with the reason, unless an earlier acknowledgement stands."""
    if synced:
        Dossier.objects.filter(pk=dossier_id).update(
            sync_state=SyncState.SYNCED, synced_at=timezone.now(), sync_error=""
        )
    else:
        Dossier.objects.filter(pk=dossier_id).exclude(sync_state=SyncState.SYNCED).update(
            sync_state=SyncState.FAILED, sync_error=error[:2000]
        )
