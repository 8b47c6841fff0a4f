"""Writes of the guidance app (docs/guidance.md): links, recorded guidance, the watch's acknowledgements.

The abuse rules live here, so that every adapter (the portal's apply page, the API) enforces them alike: only
with the applicant's consent, only for an online dossier the applicant filed themselves, never the official's own
dossier (same account, or the official's ID number as the applicant's), at most one official per dossier.
"""

from __future__ import annotations

import secrets
from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Channel

from .models import Guidance, GuidanceFlag, GuidanceLink, GuidanceSource
from .selectors import can_watch, official_can_guide


def _new_token() -> str:
    # 12 random bytes: 16 URL-safe characters, unguessable (96 bits)
    return secrets.token_urlsafe(12)


def guidance_link_get_or_create(*, official: User) -> GuidanceLink:
    """The official's active link, made on first use. Refuses accounts that are not officials'."""
    if not official_can_guide(official):
        raise AccessDenied(_("Chỉ cán bộ, công chức đang công tác mới có liên kết hướng dẫn."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=official.pk).first()
        link = GuidanceLink.objects.filter(official=official, active=True).first()
        if link is None:
            link = GuidanceLink.objects.create(official=official, token=_new_token())
    return link


def guidance_link_rotate(*, official: User) -> GuidanceLink:
    """Replace the official's link by a new one (the old card stops working at once)."""
    if not official_can_guide(official):
        raise AccessDenied(_("Chỉ cán bộ, công chức đang công tác mới có liên kết hướng dẫn."))
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=official.pk).first()
        GuidanceLink.objects.filter(official=official, active=True).update(
            active=False, revoked_at=timezone.now()
        )
        return GuidanceLink.objects.create(official=official, token=_new_token())


def guidance_link_revoke(*, official: User) -> int:
    """Deactivate the official's link without a new one. Returns how many links were revoked (0 or 1)."""
    return GuidanceLink.objects.filter(official=official, active=True).update(
        active=False, revoked_at=timezone.now()
    )


def _applicant_key(dossier: Dossier) -> str:
    if dossier.applicant_id_number:
        return dossier.applicant_id_number
    return f"u{dossier.applicant_id}" if dossier.applicant_id else ""


def guidance_record(
    *,
    dossier: Dossier,
    official: User,
    source: str,
    consent: bool,
    link: GuidanceLink | None = None,
    at: datetime | None = None,
) -> Guidance:
    """Record that ``official`` guided ``dossier``, with the applicant's consent. Idempotent for the same official.

    Call it in the transaction that submitted the dossier. Raises DomainError (nothing written) without consent,
    for a dossier that is not online or was filed by an officer, for the official's own dossier, and
    ConflictError when another official is already recorded for the dossier.
    """
    if not consent:
        raise DomainError(
            _("Hãy đánh dấu ô đồng ý để ghi nhận cán bộ đã hướng dẫn bạn."),
            code="consent_required",
            fields={"guide_consent": [_("Cần sự đồng ý của bạn.")]},
        )
    if source not in GuidanceSource.values:
        raise DomainError(
            _("Cách ghi nhận không hợp lệ."), code="invalid", fields={"source": ["link, named"]}
        )
    if not official_can_guide(official):
        raise DomainError(
            _("Người được chọn không phải cán bộ đang công tác."),
            code="not_official",
            fields={"guide_official": [_("Hãy chọn một cán bộ trong danh sách.")]},
        )
    if dossier.channel != Channel.ONLINE or dossier.assisted:
        raise DomainError(
            _("Chỉ ghi nhận cán bộ hướng dẫn cho hồ sơ công dân tự nộp trực tuyến."), code="not_online"
        )
    own_account = dossier.applicant_id is not None and dossier.applicant_id == official.pk
    own_number = bool(official.national_id) and dossier.applicant_id_number.strip() == official.national_id
    if own_account or own_number:
        raise DomainError(
            _("Cán bộ không thể được ghi nhận là người hướng dẫn hồ sơ của chính mình."),
            code="own_dossier",
            fields={"guide_official": [_("Đây là hồ sơ của chính cán bộ này.")]},
        )
    existing = Guidance.objects.filter(dossier=dossier).first()
    if existing is not None:
        if existing.official_id == official.pk:
            return existing
        raise ConflictError(
            _("Hồ sơ %(code)s đã ghi nhận một cán bộ hướng dẫn; mỗi hồ sơ chỉ một cán bộ.")
            % {"code": dossier.code},
            code="already_guided",
        )
    moment = at or timezone.now()
    submitted = dossier.submitted_at or dossier.received_at or moment
    try:
        with transaction.atomic():
            return Guidance.objects.create(
                dossier=dossier,
                official=official,
                source=source,
                link=link if link is not None and link.official_id == official.pk else None,
                consented_at=moment,
                created_at=moment,
                day=timezone.localdate(submitted),
                applicant_key=_applicant_key(dossier),
            )
    except IntegrityError:
        # recorded meanwhile by a concurrent request: the same answer as if it had come first
        existing = Guidance.objects.filter(dossier=dossier).first()
        if existing is not None and existing.official_id == official.pk:
            return existing
        raise ConflictError(
            _("Hồ sơ %(code)s đã ghi nhận một cán bộ hướng dẫn; mỗi hồ sơ chỉ một cán bộ.")
            % {"code": dossier.code},
            code="already_guided",
        ) from None


def guidance_flag_acknowledge(*, flag_id: int, actor: User) -> GuidanceFlag:
    """A monitor marks a flag as looked at (it leaves the open list, its history stays)."""
    if not can_watch(actor):
        raise AccessDenied(_("Chỉ cán bộ theo dõi kế hoạch xác nhận cảnh báo."))
    with transaction.atomic():
        flag = GuidanceFlag.objects.select_for_update().filter(pk=flag_id).first()
        if flag is None:
            raise NotFoundError(_("Không có cảnh báo số %(id)s.") % {"id": flag_id})
        if flag.acknowledged_at is None:
            flag.acknowledged_at = timezone.now()
            flag.acknowledged_by = actor
            flag.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return flag
