"""A dossier submitted online by an account linked to a national identity carries it (spec §3).

``TaiKhoanDuocXacThucVoiVNeID`` 1 and ``MaDoiTuong`` (the national account's TechID) are interchange keys that
the dossier model does not have columns for; they go into ``Dossier.extra``, whose keys the interchange export
writes back verbatim (``integrations.interchange.writer.record_to_dict``). Written in the submission's own
transaction (``post_save`` of the new row), so no reader ever sees the dossier without them.
"""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import NationalIdentity
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Channel

VERIFIED_KEY = "TaiKhoanDuocXacThucVoiVNeID"
SUBJECT_KEY = "MaDoiTuong"


def national_account_keys(*, applicant_id: int | None) -> dict[str, Any]:
    """The keys a dossier of this applicant account carries: empty when it is not linked."""
    if applicant_id is None:
        return {}
    tech_id = NationalIdentity.objects.filter(user_id=applicant_id).values_list("tech_id", flat=True).first()
    if not tech_id:
        return {}
    return {VERIFIED_KEY: 1, SUBJECT_KEY: tech_id}


def dossier_mark_national_account(
    sender: Any, instance: Dossier, created: bool, raw: bool = False, **_: Any
) -> None:
    """``post_save`` of a dossier: a new online dossier of a linked account gets the two keys.

    Only dossiers the applicant submitted themself (not imported, not filed by an officer for them).
    """
    if not created or raw or instance.imported or instance.assisted or instance.channel != Channel.ONLINE:
        return
    keys = national_account_keys(applicant_id=instance.applicant_id)
    if not keys:
        return
    instance.extra = {**(instance.extra or {}), **keys}
    Dossier.objects.filter(pk=instance.pk).update(extra=instance.extra)
