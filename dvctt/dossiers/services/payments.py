"""Fees paid online: recorded on the dossier without a change of status (the fee is not a pause)."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError, NotFoundError
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.services.core import announce_on_commit, event_append, now_or
from dvctt.dossiers.states import PaymentChannel


def dossier_pay_fees(
    *,
    dossier_id: int,
    amount: int,
    reference: str,
    channel: int = PaymentChannel.PROVINCIAL_GATEWAY,
    at: datetime | None = None,
) -> Dossier:
    """Record that the dossier's fees were paid online, on the gateway's verified confirmation only (its signed
    notification or a query to it): no person, applicant or officer, can mark fees paid.

    Locks the row. Idempotent: a dossier already paid is returned unchanged (no second event). The amount
    must be the dossier's fee total, so a payment for another amount never marks the fees paid.
    """
    moment = now_or(at)
    if channel not in (PaymentChannel.NATIONAL_PORTAL, PaymentChannel.PROVINCIAL_GATEWAY):
        raise DomainError(_("Kênh thanh toán trực tuyến không hợp lệ."), code="invalid_channel")
    with transaction.atomic():
        dossier = Dossier.objects.select_for_update().filter(pk=dossier_id).first()
        if dossier is None:
            raise NotFoundError(_("Không tìm thấy hồ sơ."))
        if dossier.paid_online != PaymentChannel.NONE:
            return dossier
        if amount != dossier.fee_total or amount <= 0:
            raise DomainError(
                _("Số tiền %(amount)s đồng không khớp phí, lệ phí của hồ sơ %(code)s (%(total)s đồng).")
                % {"amount": amount, "code": dossier.code, "total": dossier.fee_total},
                code="amount_mismatch",
            )
        dossier.paid_online = channel
        dossier.version += 1
        dossier.save(update_fields=["paid_online", "version", "updated_at"])
        event = event_append(
            dossier=dossier,
            action="pay_fees",
            from_status=dossier.status,
            actor=None,
            at=moment,
            payload={"amount": amount, "channel": int(channel), "reference": reference},
        )
        announce_on_commit(event)
    return dossier
