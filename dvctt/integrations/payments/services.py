"""Start a payment and confirm it. Only :func:`payment_confirm` (the gateway's server-to-server notification)
marks a payment paid: what the browser brings back on its return is never trusted.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers.selectors import dossier_get_for_user, dossier_obligation_amount
from dvctt.dossiers.states import ENDING_STATUSES, PaymentChannel, Status
from dvctt.integrations.payments.client import GatewayClient, PaymentRefused, PaymentRequest
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    Gateway,
    PaymentCallback,
    PaymentPurpose,
    PaymentRoute,
    PaymentState,
    PaymentTransaction,
)


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
    return ConfirmResult(CallbackVerdict.ACCEPTED, payment)


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
    """
    from dvctt.dossiers.services import dossier_pay_fees, dossier_record_payment

    payment.result_code = result_code
    payment.gateway_reference = gateway_reference
    payment.confirmed_at = timezone.now()
    payment.state = PaymentState.PAID if paid else PaymentState.FAILED
    payment.save(update_fields=["result_code", "gateway_reference", "confirmed_at", "state"])
    if not paid:
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
