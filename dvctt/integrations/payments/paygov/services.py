"""PayGov payments: open (INIT), act on the platform's signed callback, settle by QUERY, keep the receipt.

Only the platform's verified word — its signed callback or its signed answer to our QUERY — marks a payment
paid (channel 1, the national portal). What the browser brings back is never read.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import DomainError
from dvctt.common.tasks import task_enqueue
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import PaymentChannel
from dvctt.integrations.payments.client import PaymentRefused
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    Gateway,
    PaymentCallback,
    PaymentPurpose,
    PaymentState,
    PaymentTransaction,
)
from dvctt.integrations.payments.paygov import protocol
from dvctt.integrations.payments.paygov.client import (
    InitRequest,
    PayGovClient,
    PayGovUnavailable,
    PaymentResult,
)
from dvctt.integrations.payments.services import (
    REFUND_DUE_REASON,
    payment_refusal_record,
    payment_settle_locked,
)

logger = logging.getLogger(__name__)

#: ``MaDichVu`` of procedure fees (spec §2).
SERVICE_PROCEDURE_FEES = 2
FEE = 1  # LoaiPhiLePhi: phí
CHARGE = 2  # LoaiPhiLePhi: lệ phí


def _fee_kind(item: Mapping[str, Any]) -> int:
    if item.get("LoaiPhiLePhi") in (FEE, CHARGE, str(FEE), str(CHARGE)):
        return int(item["LoaiPhiLePhi"])
    return CHARGE if str(item.get("TenPhiLePhi", "")).strip().lower().startswith("lệ phí") else FEE


def receipt_info(*, dossier: Dossier, purpose: str, amount: int) -> dict[str, Any]:
    """INIT's ``ThongTinBienLai``: what the platform prints on the receipt."""
    if purpose == PaymentPurpose.FEES:
        items = [
            {
                "MaPhiLePhi": str(item.get("MaPhiLePhi", "")),
                "TenPhiLePhi": str(item.get("TenPhiLePhi", "")),
                "LoaiPhiLePhi": _fee_kind(item),
                "SoTien": int(item.get("Gia") or 0),
            }
            for item in (dossier.fees or [])
            if isinstance(item, dict) and int(item.get("Gia") or 0) > 0
        ]
    else:
        items = [
            {
                "MaPhiLePhi": "",
                "TenPhiLePhi": str(PaymentPurpose.OBLIGATION.label),
                "LoaiPhiLePhi": FEE,
                "SoTien": amount,
            }
        ]
    return {
        "MaDichVu": SERVICE_PROCEDURE_FEES,
        "MaDVC": dossier.procedure.code,
        "MaTTHC": dossier.procedure.code,
        "MaDonVi": dossier.unit.code,
        "MaHoSo": dossier.code,
        "HoTenNguoiNop": dossier.applicant_name,
        "SoCMNDNguoiNop": dossier.applicant_id_number,
        "DiaChiNguoiNop": dossier.applicant_address,
        "SoDienThoaiNguoiNop": dossier.applicant_phone,
        "EmailNguoiNop": dossier.applicant_email,
        "PhiLePhi": items,
    }


def paygov_payment_open(
    *, actor: User, dossier: Dossier, purpose: str, amount: int, order_id: str, ip: str
) -> tuple[PaymentTransaction, str]:
    """Create the transaction and register it with the platform (INIT); return it and the payer's URL.

    Precondition: the caller (``payment_start``) checked the actor owns the dossier and ``amount`` is due.
    A refused or failed INIT marks the transaction failed (nothing was paid) and raises.
    """
    client = PayGovClient()
    if not client.config.enabled:
        raise PayGovUnavailable(_("Chưa cấu hình kết nối Nền tảng thanh toán quốc gia."))
    payment = PaymentTransaction.objects.create(
        order_id=order_id,
        dossier=dossier,
        purpose=purpose,
        amount=amount,
        gateway=Gateway.PAYGOV,
        created_by=actor,
    )
    try:
        url = client.init(
            InitRequest(
                reference=payment.order_id,
                amount=amount,
                description=f"{PaymentPurpose(purpose).label} {dossier.code}",
                ip=ip or "127.0.0.1",
                receipt=receipt_info(dossier=dossier, purpose=purpose, amount=amount),
            )
        )
    except DomainError:
        PaymentTransaction.objects.filter(pk=payment.pk, state=PaymentState.PENDING).update(
            state=PaymentState.FAILED, result_code="INIT", confirmed_at=timezone.now()
        )
        raise
    return payment, url


def _settle(result: PaymentResult, *, via: str) -> tuple[str, PaymentTransaction]:
    """Apply a verified result to its pending transaction; returns the verdict. Raises ``PaymentRefused``."""
    with transaction.atomic():
        payment = (
            PaymentTransaction.objects.select_for_update()
            .filter(order_id=result.reference, gateway=Gateway.PAYGOV)
            .first()
        )
        if payment is None:
            raise PaymentRefused(
                _("Không có giao dịch %(id)s.") % {"id": result.reference}, code="unknown_order"
            )
        if result.paid and result.amount != payment.amount:
            raise PaymentRefused(_("Số tiền không khớp giao dịch."), code="amount_mismatch")
        if payment.state != PaymentState.PENDING:
            if result.platform_reference == payment.gateway_reference and result.code == payment.result_code:
                return CallbackVerdict.DUPLICATE, payment
            raise PaymentRefused(_("Giao dịch đã được xác nhận trước đó."), code="already_confirmed")
        payment_settle_locked(
            payment=payment,
            paid=result.paid,
            result_code=result.code,
            gateway_reference=result.platform_reference,
            channel=PaymentChannel.NATIONAL_PORTAL,
        )
        if result.paid:
            transaction.on_commit(lambda: _receipt_later(payment.pk))
    logger.info(
        "PayGov %s %s via %s: %s%s",
        payment.order_id,
        result.code,
        via,
        payment.state,
        " (refund due)" if payment.refund_due else "",
    )
    return CallbackVerdict.ACCEPTED, payment


def _receipt_later(payment_id: int) -> None:
    from dvctt.integrations.payments.paygov.tasks import paygov_receipt_fetch_task

    try:
        task_enqueue(paygov_receipt_fetch_task, payment_id)
    except Exception:  # the settlement run fetches missing receipts again
        logger.exception("PayGov receipt of payment %s not fetched", payment_id)


def _log_refusal(*, raw: Mapping[str, Any], reference: str, exc: DomainError, sender: str = "") -> None:
    """Bounded: one row per kind of refusal, sender and transaction per hour, with a counter, under a cap of
    distinct rows an hour (:func:`payment_refusal_record`)."""
    payment = (
        PaymentTransaction.objects.filter(order_id=reference, gateway=Gateway.PAYGOV).first()
        if reference
        else None
    )
    payment_refusal_record(
        code=exc.code,
        message=exc.message,
        params=raw,
        fields=(*protocol.CALLBACK_ORDER, protocol.CHECKSUM),
        payment=payment,
        sender=sender,
        prefix="paygov ",
    )


REPLY_CODES = {
    "bad_signature": protocol.REPLY_BAD_CHECKSUM,
    "bad_merchant": protocol.REPLY_BAD_CHECKSUM,
    "unknown_order": protocol.REPLY_UNKNOWN,
    "amount_mismatch": protocol.REPLY_AMOUNT,
}


@dataclass(frozen=True)
class CallbackAnswer:
    verdict: str
    reply: dict[str, object]
    payment: PaymentTransaction | None = None


def paygov_callback(
    *, params: Mapping[str, Any], client: PayGovClient | None = None, sender: str = ""
) -> CallbackAnswer:
    """Act on the platform's result callback; return the province's signed answer.

    Idempotent: the same result delivered again is acknowledged (``MaLoi`` "00") with no second effect. A paid
    result for a dossier already paid by another attempt is accepted ("00": the platform stops retrying) and
    recorded with ``refund_due``. A bad checksum, an unknown reference, a wrong amount or a conflicting second
    result changes nothing, is answered with an error code and logged (bounded: repeats from one ``sender``
    are counted on one row, under an hourly cap).
    """
    client = client or PayGovClient()
    raw = {str(name): value for name, value in params.items()}
    reference = str(raw.get("MaThamChieu", ""))[:64]
    try:
        verdict, payment = _settle(client.read_callback(raw), via="callback")
    except DomainError as exc:
        _log_refusal(raw=raw, reference=reference, exc=exc, sender=sender)
        code = REPLY_CODES.get(exc.code, protocol.REPLY_OTHER)
        return CallbackAnswer(
            CallbackVerdict.REFUSED, client.reply(code=code, description=exc.message, reference=reference)
        )
    refund = verdict == CallbackVerdict.ACCEPTED and payment.refund_due
    PaymentCallback.objects.create(
        transaction=payment,
        params=raw,
        verdict=verdict,
        reason=f"paygov callback; {REFUND_DUE_REASON}" if refund else "paygov callback",
        sender=sender[:64],
    )
    return CallbackAnswer(
        verdict,
        client.reply(code=protocol.REPLY_OK, description=_("Thành công"), reference=payment.order_id),
        payment,
    )


def paygov_settle(*, payment_id: int, client: PayGovClient | None = None) -> str:
    """Ask the platform (QUERY) for a pending PayGov payment's result and act on it; returns the state.

    A platform that has no final result yet leaves it pending; a signed "paid" marks it paid exactly as the
    callback would; any other final code marks it failed.
    """
    client = client or PayGovClient()
    payment = PaymentTransaction.objects.get(pk=payment_id, gateway=Gateway.PAYGOV)
    if payment.state != PaymentState.PENDING:
        return payment.state
    try:
        result = client.query(payment.order_id)
        if result.pending:
            return PaymentState.PENDING
        verdict, payment = _settle(result, via="QUERY")
    except PaymentRefused as exc:
        raw = {"LoaiBanTin": protocol.QUERY, "MaThamChieu": payment.order_id}
        _log_refusal(raw=raw, reference=payment.order_id, exc=exc)
        return PaymentState.PENDING
    if verdict == CallbackVerdict.ACCEPTED:
        PaymentCallback.objects.create(
            transaction=payment,
            params={
                "LoaiBanTin": protocol.QUERY,
                "MaLoi": result.code,
                "MaGiaoDich": result.platform_reference,
            },
            verdict=verdict,
            reason=f"paygov QUERY; {REFUND_DUE_REASON}" if payment.refund_due else "paygov QUERY",
        )
    return payment.state


def paygov_receipt_fetch(*, payment_id: int, client: PayGovClient | None = None) -> bool:
    """Fetch and keep the receipt (GET_BILL) of a paid PayGov payment; True when it is kept."""
    client = client or PayGovClient()
    payment = PaymentTransaction.objects.get(pk=payment_id, gateway=Gateway.PAYGOV)
    if payment.state != PaymentState.PAID:
        return False
    if payment.receipt:
        return True
    bill = client.get_bill(payment.order_id)
    if bill is None:
        return False
    link = str(bill.get("DuongDanBienLai", ""))
    if link and urllib.parse.urlsplit(link).scheme not in ("http", "https"):
        bill = {**bill, "DuongDanBienLai": ""}  # shown as a link: nothing but a web address
    PaymentTransaction.objects.filter(pk=payment.pk).update(receipt=bill, receipt_at=timezone.now())
    return True


def paygov_settle_pending(*, older_than_minutes: int | None = None, now: datetime | None = None) -> Counter:
    """Settle, by QUERY, the pending PayGov payments older than ``older_than_minutes`` (the setting by default),
    then fetch the receipts that are missing. Bounded: at most the configured batch of each per run; one
    unreachable platform ends the run (it is retried on the next). Returns counts by outcome."""
    client = PayGovClient()
    counts: Counter = Counter()
    if not client.config.enabled:
        counts["disabled"] += 1
        return counts
    minutes = client.config.settle_after_minutes if older_than_minutes is None else older_than_minutes
    cutoff = (now or timezone.now()) - timedelta(minutes=minutes)
    pending = PaymentTransaction.objects.filter(
        gateway=Gateway.PAYGOV, state=PaymentState.PENDING, created_at__lte=cutoff
    ).order_by("created_at", "id")
    try:
        for payment_id in pending.values_list("pk", flat=True)[: client.config.settle_batch]:
            counts[paygov_settle(payment_id=payment_id, client=client)] += 1
        unreceipted = PaymentTransaction.objects.filter(
            gateway=Gateway.PAYGOV, state=PaymentState.PAID, receipt_at__isnull=True
        ).order_by("id")
        for payment_id in unreceipted.values_list("pk", flat=True)[: client.config.settle_batch]:
            counts[
                "receipt" if paygov_receipt_fetch(payment_id=payment_id, client=client) else "no_receipt"
            ] += 1
    except PayGovUnavailable as exc:
        logger.warning("PayGov settlement stopped: %s", exc.message)
        counts["unavailable"] += 1
    return counts
