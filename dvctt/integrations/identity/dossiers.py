"""A dossier submitted online by an account linked to a national identity carries it (spec §3).

``TaiKhoanDuocXacThucVoiVNeID`` 1 and ``MaDoiTuong`` (the national account's TechID) are interchange keys that
the dossier model does not have columns for; they go into ``Dossier.extra``, whose keys the interchange export
writes back verbatim (``integrations.interchange.writer.record_to_dict``). Written in the submission's own
transaction, in the new row's own INSERT (``pre_save``), so no reader ever sees the dossier without them.
"""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import NationalIdentity, User
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Channel

VERIFIED_KEY = "TaiKhoanDuocXacThucVoiVNeID"
SUBJECT_KEY = "MaDoiTuong"


def national_account_keys(*, applicant_id: int | None, applicant: User | None = None) -> dict[str, Any]:
    """The keys a dossier of this applicant account carries: empty when it is not linked.

    ``applicant``, the account itself, is read with no query when its link came with it (a signed-in request's
    account does: accounts/backends.py)."""
    if applicant_id is None:
        return {}
    if applicant is not None and applicant.pk == applicant_id and User.national_identity.is_cached(applicant):
        identity = getattr(applicant, "national_identity", None)  # None: read, and not linked
        tech_id = identity.tech_id if identity is not None else ""
    else:
        tech_id = (
            NationalIdentity.objects.filter(user_id=applicant_id).values_list("tech_id", flat=True).first()
        )
    if not tech_id:
        return {}
    return {VERIFIED_KEY: 1, SUBJECT_KEY: tech_id}


def dossier_mark_national_account(sender: Any, instance: Dossier, raw: bool = False, **_: Any) -> None:
    """``pre_save`` of a dossier: a new online dossier of a linked account gets the two keys in its INSERT.

    Only dossiers the applicant submitted themself (not imported, not filed by an officer for them).
    """
    if raw or not instance._state.adding or instance.pk is not None:
        return
    if instance.imported or instance.assisted or instance.channel != Channel.ONLINE:
        return
    applicant = instance.applicant if Dossier.applicant.is_cached(instance) else None
    keys = national_account_keys(applicant_id=instance.applicant_id, applicant=applicant)
    if keys:
        instance.extra = {**(instance.extra or {}), **keys}
