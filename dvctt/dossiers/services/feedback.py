"""The applicant's complaint or petition (PAKN) about a dossier: flagged on the dossier, kept in the log."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import AccessDenied, DomainError, NotFoundError
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.services.core import announce_on_commit, event_append, now_or


def dossier_complain(
    *, dossier_id: int, actor: User, kind: str, content: str, at: datetime | None = None
) -> Dossier:
    """Set ``has_complaint`` (CoPhanAnh) and append a "complaint" event. Only the dossier's owner. Locks the row."""
    moment = now_or(at)
    text = (content or "").strip()
    if not text:
        raise DomainError(
            _("Chưa nhập nội dung phản ánh, kiến nghị."), code="invalid", fields={"content": [_("Bắt buộc.")]}
        )
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if dossier is None:
            raise NotFoundError(_("Không tìm thấy hồ sơ."))
        if dossier.applicant_id is None or dossier.applicant_id != actor.pk:
            raise AccessDenied(
                _("Chỉ chủ hồ sơ được gửi phản ánh, kiến nghị về hồ sơ %(code)s.") % {"code": dossier.code}
            )
        fields = ["version", "updated_at"]
        if not dossier.has_complaint:
            dossier.has_complaint = True
            fields.append("has_complaint")
        dossier.version += 1
        dossier.save(update_fields=fields)
        event = event_append(
            dossier=dossier,
            action="complaint",
            from_status=dossier.status,
            actor=actor,
            at=moment,
            payload={"kind": kind, "content": text[:2000]},
        )
        announce_on_commit(event)
    return dossier
