"""PayGov without the network: the checksum orders, routing a payment to PayGov, the callback's refusals."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest

from dvctt.common.errors import DomainError
from dvctt.dossiers.states import PaymentChannel
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    Gateway,
    PaymentCallback,
    PaymentRoute,
    PaymentState,
    PaymentTransaction,
)
from dvctt.integrations.payments.paygov import protocol
from dvctt.integrations.payments.paygov.client import PayGovClient
from dvctt.integrations.payments.paygov.services import paygov_callback, receipt_info
from dvctt.integrations.payments.paygov.tests.conftest import PARTNER, SECRET, paygov_settings
from dvctt.integrations.payments.services import payment_gateway_for, payment_start

pytestmark = pytest.mark.django_db

CALLBACK = {
    "LoaiBanTin": "PAY_RESULT",
    "MaLoi": "00",
    "MaDoiTac": "P1",
    "MaThamChieu": "TT251207ABC",
    "SoTien": "8000",
    "MaTienTe": "VND",
    "MaGiaoDich": "PG1",
    "MaNganHang": "VCB",
    "ThoiGianGD": "20251207093000",
    "ThongTinGiaoDich": "Phí, lệ phí H38.1",
}


def test_callback_checksum_is_the_specs_order_with_the_secret_last() -> None:
    expected = hashlib.sha256(
        "PAY_RESULT|00|P1|TT251207ABC|8000|VND|PG1|VCB|20251207093000|Phí, lệ phí H38.1|s3cret".encode()
    ).hexdigest()
    assert protocol.checksum(CALLBACK, protocol.CALLBACK_ORDER, secret="s3cret") == expected
    signed = protocol.sign(CALLBACK, protocol.CALLBACK_ORDER, secret="s3cret")
    assert signed["MaXacThuc"] == expected
    assert protocol.verify(signed, protocol.CALLBACK_ORDER, secret="s3cret")
    assert protocol.verify(
        {**signed, "MaXacThuc": expected.upper()}, protocol.CALLBACK_ORDER, secret="s3cret"
    )


def test_query_and_get_bill_checksum_order() -> None:
    message = {
        "LoaiBanTin": "QUERY",
        "PhienBan": "1.0.6",
        "MaDoiTac": "P1",
        "MaThamChieu": "TT1",
        "ThoiGianGD": "20251207093000",
    }
    expected = hashlib.sha256(b"QUERY|1.0.6|P1|TT1|20251207093000|k").hexdigest()
    assert protocol.checksum(message, protocol.QUERY_ORDER, secret="k") == expected


@pytest.mark.parametrize(
    "change",
    [{"SoTien": "1"}, {"MaLoi": "24"}, {"MaThamChieu": "TTX"}, {"MaXacThuc": ""}, {"MaXacThuc": "zz"}],
)
def test_any_change_breaks_the_checksum(change: dict[str, str]) -> None:
    signed = protocol.sign(CALLBACK, protocol.CALLBACK_ORDER, secret="s3cret")
    assert not protocol.verify({**signed, **change}, protocol.CALLBACK_ORDER, secret="s3cret")
    assert not protocol.verify(signed, protocol.CALLBACK_ORDER, secret="other")
    assert not protocol.verify(signed, protocol.CALLBACK_ORDER, secret="")


def test_gateway_is_chosen_by_procedure_then_unit_then_default(
    submitted: Any, procedure: Any, unit: Any
) -> None:
    # Given no route: the existing gateway
    assert payment_gateway_for(dossier=submitted) == Gateway.GENERIC
    # When the unit is routed to PayGov
    PaymentRoute.objects.create(gateway=Gateway.PAYGOV, unit=unit)
    assert payment_gateway_for(dossier=submitted) == Gateway.PAYGOV
    # When the procedure itself is routed to the generic gateway, the procedure wins
    PaymentRoute.objects.create(gateway=Gateway.GENERIC, procedure=procedure.procedure)
    assert payment_gateway_for(dossier=submitted) == Gateway.GENERIC


def test_a_route_names_exactly_one_target(procedure: Any, unit: Any) -> None:
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRoute.objects.create(gateway=Gateway.PAYGOV)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentRoute.objects.create(gateway=Gateway.PAYGOV, unit=unit, procedure=procedure.procedure)


def test_paygov_route_without_configuration_refuses_and_opens_nothing(
    submitted: Any, citizen: Any, procedure: Any
) -> None:
    PaymentRoute.objects.create(gateway=Gateway.PAYGOV, procedure=procedure.procedure)
    with pytest.raises(DomainError) as refused:
        payment_start(
            actor=citizen, dossier_code=submitted.code, purpose="fees", return_url="/r/", ipn_url="/i/"
        )
    assert refused.value.code == "payment_unavailable"
    assert not PaymentTransaction.objects.exists()


def test_receipt_info_names_the_dossier_the_payer_and_each_fee(submitted: Any) -> None:
    info = receipt_info(dossier=submitted, purpose="fees", amount=8000)
    assert info["MaDichVu"] == 2 and info["MaHoSo"] == submitted.code
    assert info["MaTTHC"] == "1.001193" and info["MaDonVi"] == "000.00.12.H38"
    assert info["HoTenNguoiNop"] == "Nguyễn Văn An"
    # "Lệ phí ..." is a charge (2); anything else a fee (1)
    assert info["PhiLePhi"] == [
        {"MaPhiLePhi": "", "TenPhiLePhi": "Lệ phí đăng ký khai sinh", "LoaiPhiLePhi": 2, "SoTien": 8000}
    ]


def _pending(submitted: Any, citizen: Any, order_id: str = "TT251207PG0001") -> PaymentTransaction:
    return PaymentTransaction.objects.create(
        order_id=order_id, dossier=submitted, purpose="fees", amount=8000, gateway=Gateway.PAYGOV
    )


def _callback(payment: PaymentTransaction, **over: str) -> dict[str, object]:
    fields = {
        **CALLBACK,
        "MaDoiTac": PARTNER,
        "MaThamChieu": payment.order_id,
        "SoTien": str(payment.amount),
        **over,
    }
    return protocol.sign(fields, protocol.CALLBACK_ORDER, secret=SECRET)


@pytest.mark.parametrize(
    ("over", "reply", "code"),
    [
        ({"MaDoiTac": "OTHER"}, "01", "bad_merchant"),
        ({"SoTien": "7000"}, "03", "amount_mismatch"),
        ({"MaThamChieu": "TT000NOPE"}, "02", "unknown_order"),
    ],
)
def test_signed_but_wrong_callback_is_refused_and_changes_nothing(
    settings: Any, submitted: Any, citizen: Any, over: dict[str, str], reply: str, code: str
) -> None:
    # Given a pending PayGov payment
    paygov_settings(settings, "http://127.0.0.1:9/api")
    payment = _pending(submitted, citizen)
    # When a correctly signed callback names another partner, amount or reference
    answer = paygov_callback(params=_callback(payment, **over))
    # Then it is answered with an error code, signed, and nothing is paid
    assert answer.verdict == CallbackVerdict.REFUSED and answer.reply["MaLoi"] == reply
    assert protocol.verify(answer.reply, protocol.CALLBACK_REPLY_ORDER, secret=SECRET)
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PENDING and submitted.paid_online == PaymentChannel.NONE
    assert PaymentCallback.objects.get().reason.startswith(f"paygov {code}:")


def test_paid_callback_marks_channel_one_and_a_repeat_is_acknowledged(
    settings: Any, submitted: Any, citizen: Any
) -> None:
    paygov_settings(settings, "http://127.0.0.1:9/api")
    payment = _pending(submitted, citizen)
    first = paygov_callback(params=_callback(payment))
    second = paygov_callback(params=_callback(payment))
    assert (first.verdict, second.verdict) == (CallbackVerdict.ACCEPTED, CallbackVerdict.DUPLICATE)
    assert first.reply["MaLoi"] == second.reply["MaLoi"] == "00"
    assert first.reply["MaThamChieu"] == payment.order_id
    submitted.refresh_from_db()
    assert submitted.paid_online == PaymentChannel.NATIONAL_PORTAL
    assert submitted.events.filter(action="pay_fees").count() == 1
    # A different result for the settled payment is refused
    third = paygov_callback(params=_callback(payment, MaLoi="24", MaGiaoDich="PG2"))
    assert third.verdict == CallbackVerdict.REFUSED
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID and payment.gateway_reference == "PG1"


def test_client_without_secret_refuses_every_callback(settings: Any, submitted: Any, citizen: Any) -> None:
    paygov_settings(settings, "http://127.0.0.1:9/api")
    settings.DVCTT_PAYGOV_SECRET = ""
    payment = _pending(submitted, citizen)
    answer = paygov_callback(params=_callback(payment), client=PayGovClient())
    assert answer.verdict == CallbackVerdict.REFUSED and answer.reply["MaLoi"] == "01"


def test_a_second_attempt_paid_too_is_recorded_for_refund_and_acknowledged(
    settings: Any, submitted: Any, citizen: Any
) -> None:
    # Given two attempts the payer paid both of (two tabs)
    paygov_settings(settings, "http://127.0.0.1:9/api")
    first = _pending(submitted, citizen)
    second = _pending(submitted, citizen, order_id="TT251207PG0002")
    assert paygov_callback(params=_callback(first), sender="10.0.0.5").verdict == CallbackVerdict.ACCEPTED
    # When the second is reported paid
    answer = paygov_callback(params=_callback(second, MaGiaoDich="PG2"), sender="10.0.0.5")
    # Then the platform is answered with success ("00", signed), so it stops retrying
    assert answer.verdict == CallbackVerdict.ACCEPTED and answer.reply["MaLoi"] == "00"
    assert answer.reply["MaThamChieu"] == second.order_id
    assert protocol.verify(answer.reply, protocol.CALLBACK_REPLY_ORDER, secret=SECRET)
    # And both are recorded paid, the second owed back and pointing at the first
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.refund_due) == (PaymentState.PAID, False)
    assert (second.state, second.refund_due, second.duplicate_of_id) == (PaymentState.PAID, True, first.pk)
    assert second.gateway_reference == "PG2"
    # And the dossier has exactly one payment, the first
    submitted.refresh_from_db()
    assert submitted.paid_online == PaymentChannel.NATIONAL_PORTAL
    events = submitted.events.filter(action="pay_fees")
    assert events.count() == 1 and events.get().payload["reference"] == first.order_id
    assert "refund_due" in PaymentCallback.objects.filter(transaction=second).get().reason
    # And the platform's retry is a duplicate, acknowledged with no second effect
    again = paygov_callback(params=_callback(second, MaGiaoDich="PG2"))
    assert again.verdict == CallbackVerdict.DUPLICATE and again.reply["MaLoi"] == "00"
    assert submitted.events.filter(action="pay_fees").count() == 1


def test_forged_callbacks_are_counted_on_one_row_per_sender(
    settings: Any, submitted: Any, citizen: Any
) -> None:
    # Given 300 callbacks with a wrong checksum, for references nobody knows
    paygov_settings(settings, "http://127.0.0.1:9/api")
    for index in range(300):
        forged = {**CALLBACK, "MaThamChieu": f"TT{index:010d}", "MaXacThuc": f"{index:064x}"}
        assert paygov_callback(params=forged, sender="198.51.100.3").reply["MaLoi"] == "01"
    # Then one row counts them all
    row = PaymentCallback.objects.get()
    assert row.repeats == 300 and row.sender == "198.51.100.3" and row.transaction is None
    assert row.reason.startswith("paygov bad_signature:")


def test_a_second_attempt_found_paid_by_query_is_recorded_for_refund(
    settings: Any, submitted: Any, citizen: Any
) -> None:
    from dvctt.integrations.payments.paygov.client import PaymentResult
    from dvctt.integrations.payments.paygov.services import paygov_settle

    class Platform:
        """Answers QUERY: the second attempt was paid too (its callback never came)."""

        def query(self, reference: str) -> PaymentResult:
            return PaymentResult(
                reference=reference, code="00", amount=8000, platform_reference="PG2", bank="VCB"
            )

    # Given the dossier paid by a first attempt, and a second attempt still pending
    paygov_settings(settings, "http://127.0.0.1:9/api")
    first = _pending(submitted, citizen)
    second = _pending(submitted, citizen, order_id="TT251207PG0002")
    paygov_callback(params=_callback(first))
    # When the settlement run asks the platform about the second
    state = paygov_settle(payment_id=second.pk, client=Platform())  # type: ignore[arg-type]
    # Then it is recorded paid, owed back, and the dossier still has one payment event
    assert state == PaymentState.PAID
    second.refresh_from_db()
    assert second.refund_due and second.duplicate_of_id == first.pk
    assert submitted.events.filter(action="pay_fees").count() == 1
    assert "refund_due" in PaymentCallback.objects.get(transaction=second).reason
