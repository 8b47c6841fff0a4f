"""Start a payment and confirm it. Only :func:`payment_confirm` (the gateway's server-to-server notification)
marks a payment paid: what the browser brings back on its return is never trusted.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers.selectors import dossier_get_for_user, dossier_obligation_amount
from dvctt.dossiers.states import ENDING_STATUSES, PaymentChannel, Status
from dvctt.integrations.payments.client import GatewayClient, PaymentRefused, PaymentRequest
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    PaymentCallback,
    PaymentPurpose,
    PaymentState,
    PaymentTransaction,
)


def _order_id() -> str:
    return f"TT{timezone.localtime():%y%m%d}{secrets.token_hex(6).upper()}"


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
) -> tuple[PaymentTransaction, str]:
    """Open a transaction for the applicant's dossier; return it and the URL to send the browser to."""
    client = client or GatewayClient()
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
    from dvctt.dossiers.services import dossier_pay_fees, dossier_record_payment

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
        payment.result_code = notification.result
        payment.gateway_reference = notification.gateway_ref
        payment.confirmed_at = timezone.now()
        payment.state = PaymentState.PAID if notification.paid else PaymentState.FAILED
        payment.save(update_fields=["result_code", "gateway_reference", "confirmed_at", "state"])
        if notification.paid:
            if payment.purpose == PaymentPurpose.FEES:
                dossier_pay_fees(
                    dossier_id=payment.dossier_id,
                    amount=payment.amount,
                    reference=payment.order_id,
                )
            else:
                dossier_record_payment(
                    dossier_id=payment.dossier_id,
                    actor=None,
                    amount=payment.amount,
                    channel=PaymentChannel.PROVINCIAL_GATEWAY,
                    reference=payment.order_id,
                )
    return ConfirmResult(CallbackVerdict.ACCEPTED, payment)


def payment_confirm(
    *, params: Mapping[str, str], client: GatewayClient | None = None, now: float | None = None
) -> ConfirmResult:
    """Act on a gateway notification: verify, then mark the transaction (and the dossier) paid or failed.

    Idempotent: the same notification delivered again is acknowledged without a second effect. A bad
    signature, a stale (replayed) message, an unknown order, a wrong amount or a conflicting second
    notification is refused with ``PaymentRefused`` and changes nothing. Every notification is logged.
    """
    client = client or GatewayClient()
    raw = {name: str(params[name]) for name in params}
    try:
        result = _apply(raw, client, now)
    except DomainError as exc:
        payment = PaymentTransaction.objects.filter(order_id=raw.get("order_id", "")).first()
        PaymentCallback.objects.create(
            transaction=payment,
            params=raw,
            verdict=CallbackVerdict.REFUSED,
            reason=f"{exc.code}: {exc.message}"[:255],
        )
        if isinstance(exc, PaymentRefused):
            raise
        raise PaymentRefused(exc.message, code=exc.code) from exc
    PaymentCallback.objects.create(transaction=result.payment, params=raw, verdict=result.verdict)
    return result


def payment_get_for_user(*, user: User, order_id: str) -> PaymentTransaction | None:
    """The transaction if it is on one of the user's visible dossiers."""
    from dvctt.dossiers.selectors import dossiers_visible_to

    return (
        PaymentTransaction.objects.select_related("dossier")
        .filter(order_id=order_id, dossier__in=dossiers_visible_to(user))
        .first()
    )
