"""Start a payment and confirm it. Only :func:`payment_confirm` (the gateway's server-to-server notification)
marks a payment paid: what the browser brings back on its return is never trusted.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.dossiers.selectors import dossier_get_for_user, dossier_obligation_amount
from dvctt.dossiers.states import ENDING_STATUSES, PaymentChannel, Status
from dvctt.integrations.payments import protocol
from dvctt.integrations.payments.client import GatewayClient, PaymentRefused, PaymentRequest
from dvctt.integrations.payments.config import _setting
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    Gateway,
    PaymentCallback,
    PaymentPurpose,
    PaymentRoute,
    PaymentState,
    PaymentTransaction,
)

logger = logging.getLogger(__name__)

#: Refusals of one kind from one sender (and for one transaction) within this window are counted on one row.
REFUSAL_WINDOW = timedelta(hours=1)
#: The row that counts the refusals beyond the hourly cap of distinct rows.
REFUSAL_OVERFLOW = "overflow: quá nhiều thông báo bị từ chối trong một giờ, chỉ đếm"
#: A refused message's fields are kept as a sample, bounded: these many characters per value.
SAMPLE_VALUE_CHARS = 128


def _order_id() -> str:
    return f"TT{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"


def payment_gateway_for(*, dossier) -> str:
    """The gateway that takes this dossier's payments: its procedure's route, else its unit's, else the
    generic gateway."""
    routes = {
        ("procedure" if route.procedure_id else "unit"): route.gateway
        for route in PaymentRoute.objects.filter(
            Q(procedure_id=dossier.procedure_id) | Q(unit_id=dossier.unit_id)
        )
    }
    return routes.get("procedure") or routes.get("unit") or Gateway.GENERIC


def payment_amount_due(*, dossier, purpose: str) -> int:
    """What the applicant has to pay now for ``purpose`` (0: nothing)."""
    if purpose == PaymentPurpose.FEES:
        if dossier.paid_online != PaymentChannel.NONE or dossier.status in ENDING_STATUSES:
            return 0
        return int(dossier.fee_total)
    if dossier.status != Status.FINANCIAL_OBLIGATION:
        return 0
    return dossier_obligation_amount(dossier=dossier)


def payment_start(
    *,
    actor: User,
    dossier_code: str,
    purpose: str,
    return_url: str,
    ipn_url: str,
    client: GatewayClient | None = None,
    ip: str = "",
) -> tuple[PaymentTransaction, str]:
    """Open a transaction for the applicant's dossier; return it and the URL to send the browser to.

    The gateway is the one configured for the dossier's procedure or unit (:func:`payment_gateway_for`):
    PayGov, or the generic gateway (``client``, the default). ``ip`` is the payer's address (PayGov's INIT).
    """
    dossier = dossier_get_for_user(user=actor, code=dossier_code)
    if dossier.applicant_id != actor.pk:
        raise AccessDenied(_("Chỉ chủ hồ sơ được thanh toán cho hồ sơ %(code)s.") % {"code": dossier.code})
    if purpose not in PaymentPurpose.values:
        raise DomainError(_("Nội dung thanh toán không hợp lệ."), code="invalid")
    amount = payment_amount_due(dossier=dossier, purpose=purpose)
    if amount <= 0:
        raise ConflictError(
            _("Hồ sơ %(code)s không có khoản nào cần thanh toán.") % {"code": dossier.code},
            code="nothing_to_pay",
        )
    if payment_gateway_for(dossier=dossier) == Gateway.PAYGOV:
        from dvctt.integrations.payments.paygov.services import paygov_payment_open

        return paygov_payment_open(
            actor=actor, dossier=dossier, purpose=purpose, amount=amount, order_id=_order_id(), ip=ip
        )
    client = client or GatewayClient()
    payment = PaymentTransaction.objects.create(
        order_id=_order_id(),
        dossier=dossier,
        purpose=purpose,
        amount=amount,
        gateway=client.name,
        created_by=actor,
    )
    label = PaymentPurpose(purpose).label
    url = client.redirect_url(
        PaymentRequest(
            order_id=payment.order_id,
            amount=amount,
            description=f"{label} {dossier.code}",
            return_url=return_url,
            ipn_url=ipn_url,
        )
    )
    return payment, url


@dataclass(frozen=True)
class ConfirmResult:
    verdict: str
    payment: PaymentTransaction | None
    reason: str = ""


def _apply(params: Mapping[str, str], client: GatewayClient, now: float | None) -> ConfirmResult:
    notification = client.read_notification(params, now=now)
    with transaction.atomic():
        payment = (
            PaymentTransaction.objects.select_for_update().filter(order_id=notification.order_id).first()
        )
        if payment is None:
            raise PaymentRefused(
                _("Không có giao dịch %(id)s.") % {"id": notification.order_id}, code="unknown_order"
            )
        if notification.amount != payment.amount:
            raise PaymentRefused(_("Số tiền không khớp giao dịch."), code="amount_mismatch")
        if payment.state != PaymentState.PENDING:
            if (
                notification.gateway_ref == payment.gateway_reference
                and notification.result == payment.result_code
            ):
                return ConfirmResult(CallbackVerdict.DUPLICATE, payment)
            raise PaymentRefused(_("Giao dịch đã được xác nhận trước đó."), code="already_confirmed")
        payment_settle_locked(
            payment=payment,
            paid=notification.paid,
            result_code=notification.result,
            gateway_reference=notification.gateway_ref,
            channel=PaymentChannel.PROVINCIAL_GATEWAY,
        )
    return ConfirmResult(CallbackVerdict.ACCEPTED, payment, REFUND_DUE_REASON if payment.refund_due else "")


#: The log reason of a paid notification for a dossier already paid (recorded, owed back).
REFUND_DUE_REASON = "refund_due: thanh toán trùng, cần hoàn tiền"


def _settled_by(payment: PaymentTransaction) -> tuple[bool, PaymentTransaction | None]:
    """Whether the dossier's fees or obligation of ``payment``'s purpose are already settled, and by which paid
    transaction (None: by another channel). Locks the dossier row first, so that two attempts confirmed at
    the same moment are taken one after the other."""
    from dvctt.dossiers.models import Dossier

    dossier = (
        Dossier.objects.select_for_update().only("pk", "status", "paid_online").get(pk=payment.dossier_id)
    )
    settled = (
        PaymentTransaction.objects.filter(
            dossier_id=payment.dossier_id,
            purpose=payment.purpose,
            state=PaymentState.PAID,
            refund_due=False,
        )
        .exclude(pk=payment.pk)
        .order_by("-confirmed_at", "-id")
    )
    if payment.purpose == PaymentPurpose.FEES:
        # Fees are paid once in a dossier's life.
        first = settled.first()
        return first is not None or dossier.paid_online != PaymentChannel.NONE, first
    # An obligation may be asked again later (another status 6): it is settled when nothing is asked now.
    if dossier.status == Status.FINANCIAL_OBLIGATION:
        return False, None
    return True, settled.first()


def payment_settle_locked(
    *,
    payment: PaymentTransaction,
    paid: bool,
    result_code: str,
    gateway_reference: str,
    channel: int,
) -> None:
    """Record a pending payment's verified result and, when paid, mark the dossier's fees or obligation paid.

    Precondition: inside ``transaction.atomic`` with ``payment`` locked (``select_for_update``) and pending.
    Called only on a gateway's verified word (a signed notification or a QUERY answer): fees through
    ``dossier_pay_fees``, an obligation through ``dossier_record_payment`` with actor None (the system). A
    refusal there (the amount no longer matches) raises and the whole atomic block rolls back.

    A paid result for a dossier whose fees (or obligation) were already settled — the payer started two
    attempts and paid both — is recorded all the same (the money was taken): the transaction is ``paid`` with
    ``refund_due`` (and ``duplicate_of`` the payment that settled it), the dossier is left as it is (no second
    event), and a warning without personal data is logged. The dossier row is locked first, so two attempts
    confirmed at the same moment settle it exactly once.
    """
    from dvctt.dossiers.services import dossier_pay_fees, dossier_record_payment

    double, first = _settled_by(payment) if paid else (False, None)
    payment.result_code = result_code
    payment.gateway_reference = gateway_reference
    payment.confirmed_at = timezone.now()
    payment.state = PaymentState.PAID if paid else PaymentState.FAILED
    payment.refund_due = double
    payment.duplicate_of = first
    payment.save(
        update_fields=[
            "result_code",
            "gateway_reference",
            "confirmed_at",
            "state",
            "refund_due",
            "duplicate_of",
        ]
    )
    if not paid:
        return
    if double:
        logger.warning(
            "payment %s (%s, dossier #%s, %s) paid twice: already settled by %s; refund due",
            payment.order_id,
            payment.purpose,
            payment.dossier_id,
            payment.gateway,
            first.order_id if first is not None else "another channel",
        )
        return
    if payment.purpose == PaymentPurpose.FEES:
        dossier_pay_fees(
            dossier_id=payment.dossier_id,
            amount=payment.amount,
            reference=payment.order_id,
            channel=channel,
        )
    else:
        dossier_record_payment(
            dossier_id=payment.dossier_id,
            actor=None,
            amount=payment.amount,
            channel=channel,
            reference=payment.order_id,
        )


def _refusal_rows_per_hour() -> int:
    return max(1, int(_setting("DVCTT_PAYMENT_REFUSAL_ROWS_PER_HOUR", "100")))


def _sample(params: Mapping[str, Any], names: Iterable[str]) -> dict[str, Any]:
    """The expected fields of a refused message, each cut short; other fields are only counted."""
    kept: dict[str, Any] = {name: str(params[name])[:SAMPLE_VALUE_CHARS] for name in names if name in params}
    others = len(params) - len(kept)
    if others > 0:
        kept["_other_fields"] = others
    return kept


def payment_refusal_record(
    *,
    code: str,
    message: str,
    params: Mapping[str, Any],
    fields: Iterable[str],
    payment: PaymentTransaction | None,
    sender: str = "",
    prefix: str = "",
) -> None:
    """Log a refused notification, bounded whoever sends them and however many.

    One row per kind of refusal (``code``), sender (the client address) and transaction (None for an unknown
    one) per :data:`REFUSAL_WINDOW`, counting repeats on it (``repeats``, ``last_received_at``); at most
    ``DVCTT_PAYMENT_REFUSAL_ROWS_PER_HOUR`` such rows in a window, beyond which the refusals are only counted
    on one overflow row. The row keeps a bounded sample of the first message's expected fields.
    """
    now = timezone.now()
    since = now - REFUSAL_WINDOW
    sender = sender[:64]
    key = f"{prefix}{code}:"
    refused = PaymentCallback.objects.filter(verdict=CallbackVerdict.REFUSED, received_at__gte=since)
    if refused.filter(transaction=payment, sender=sender, reason__startswith=key).update(
        repeats=F("repeats") + 1, last_received_at=now
    ):
        logger.debug("payment notification refused again (%s%s) from %s", prefix, code, sender)
        return
    if refused.exclude(reason=REFUSAL_OVERFLOW).count() >= _refusal_rows_per_hour():
        if not refused.filter(reason=REFUSAL_OVERFLOW).update(repeats=F("repeats") + 1, last_received_at=now):
            PaymentCallback.objects.create(
                verdict=CallbackVerdict.REFUSED, reason=REFUSAL_OVERFLOW, last_received_at=now
            )
            logger.warning(
                "payment notifications: over %s refusals an hour, now only counted", _refusal_rows_per_hour()
            )
        return
    PaymentCallback.objects.create(
        transaction=payment,
        params=_sample(params, fields),
        verdict=CallbackVerdict.REFUSED,
        reason=f"{key} {message}"[:255],
        sender=sender,
        last_received_at=now,
    )
    logger.warning("payment notification refused (%s%s) from %s", prefix, code, sender or "-")


def payment_confirm(
    *,
    params: Mapping[str, str],
    client: GatewayClient | None = None,
    now: float | None = None,
    sender: str = "",
) -> ConfirmResult:
    """Act on a gateway notification: verify, then mark the transaction (and the dossier) paid or failed.

    Idempotent: the same notification delivered again is acknowledged without a second effect. A bad
    signature, a stale (replayed) message, an unknown order, a wrong amount or a conflicting second
    notification is refused with ``PaymentRefused`` and changes nothing. Every accepted notification is
    logged on its own row; refusals are counted per kind and ``sender`` (:func:`payment_refusal_record`).
    A paid notification for a dossier already paid by another attempt is accepted and flagged for refund.
    """
    client = client or GatewayClient()
    raw = {name: str(params[name]) for name in params}
    try:
        result = _apply(raw, client, now)
    except DomainError as exc:
        order_id = raw.get("order_id", "")[:40]
        payment = PaymentTransaction.objects.filter(order_id=order_id).first() if order_id else None
        payment_refusal_record(
            code=exc.code,
            message=exc.message,
            params=raw,
            fields=(*protocol.NOTIFICATION_FIELDS, protocol.SIGNATURE),
            payment=payment,
            sender=sender,
        )
        if isinstance(exc, PaymentRefused):
            raise
        raise PaymentRefused(exc.message, code=exc.code) from exc
    PaymentCallback.objects.create(
        transaction=result.payment,
        params=raw,
        verdict=result.verdict,
        reason=result.reason,
        sender=sender[:64],
    )
    return result


def payment_get_for_user(*, user: User, order_id: str) -> PaymentTransaction | None:
    """The transaction if it is on one of the user's visible dossiers."""
    from dvctt.dossiers.selectors import dossiers_visible_to

    return (
        PaymentTransaction.objects.select_related("dossier")
        .filter(order_id=order_id, dossier__in=dossiers_visible_to(user))
        .first()
    )


@transaction.atomic
def payment_refund_record(
    *, payment_id: int, actor: User, reference: str, at: datetime | None = None
) -> PaymentTransaction:
    """Record that a double payment was refunded to the payer (the transfer itself is made outside the platform,
    by the gateway's or the treasury's procedure). Once only, only for a payment flagged ``refund_due``, with the
    transfer's reference; the payment stays paid and the dossier is not touched."""
    reference = (reference or "").strip()
    if not reference:
        raise DomainError(
            _("Cần nhập số chứng từ hoàn tiền."), code="invalid", fields={"reference": [_("Bắt buộc.")]}
        )
    if len(reference) > 64:
        raise DomainError(
            _("Số chứng từ hoàn tiền dài quá 64 ký tự."),
            code="invalid",
            fields={"reference": [_("Tối đa 64 ký tự.")]},
        )
    payment = PaymentTransaction.objects.select_for_update().filter(pk=payment_id).first()
    if payment is None:
        raise NotFoundError(_("Không tìm thấy giao dịch thanh toán."))
    if not payment.refund_due:
        raise ConflictError(
            _("Giao dịch %(order)s không phải thanh toán trùng cần hoàn tiền.") % {"order": payment.order_id},
            code="not_refund_due",
        )
    if payment.refunded_at is not None:
        raise ConflictError(
            _("Giao dịch %(order)s đã được ghi nhận hoàn tiền ngày %(day)s.")
            % {
                "order": payment.order_id,
                "day": timezone.localtime(payment.refunded_at).strftime("%d/%m/%Y"),
            },
            code="already_refunded",
        )
    payment.refunded_at = at or timezone.now()
    payment.refunded_by = actor
    payment.refund_reference = reference
    payment.save(update_fields=["refunded_at", "refunded_by", "refund_reference"])
    logger.info("payment %s: refund of a double payment recorded (%s)", payment.order_id, reference)
    return payment
