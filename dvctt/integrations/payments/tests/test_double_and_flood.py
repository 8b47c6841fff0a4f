"""Issue 18, defects 2 and 10 on the provincial gateway: a dossier paid twice is recorded and flagged for refund
(the gateway is answered with success); a flood of refused notifications writes a bounded number of rows."""

from __future__ import annotations

import logging
import time
from datetime import timedelta
from typing import Any

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dvctt.dossiers.models import DossierEvent
from dvctt.dossiers.states import PaymentChannel, Status
from dvctt.integrations.payments import protocol
from dvctt.integrations.payments.config import gateway_config
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    PaymentCallback,
    PaymentState,
    PaymentTransaction,
)
from dvctt.integrations.payments.services import REFUSAL_OVERFLOW, payment_start

pytestmark = pytest.mark.django_db

RETURN = "http://testserver/thanh-toan/ket-qua/"
IPN = "http://testserver/thanh-toan/ipn/"


def _start(citizen: Any, dossier: Any, purpose: str = "fees") -> PaymentTransaction:
    payment, _url = payment_start(
        actor=citizen, dossier_code=dossier.code, purpose=purpose, return_url=RETURN, ipn_url=IPN
    )
    return payment


def _paid(payment: PaymentTransaction, ref: str) -> dict[str, str]:
    config = gateway_config()
    return protocol.signed(
        {
            "merchant": config.merchant,
            "order_id": payment.order_id,
            "amount": payment.amount,
            "result": "00",
            "gateway_ref": ref,
            "sent": int(time.time()),
        },
        secret=config.secret,
    )


def _ipn(client: Client, message: dict[str, str], sender: str = "203.0.113.7") -> Any:
    return client.post(reverse("portal:payment_ipn"), message, REMOTE_ADDR=sender)


# --- defect 2: paid twice -------------------------------------------------------------------------------------


def test_second_paid_attempt_is_recorded_flagged_for_refund_and_acknowledged(
    client: Client, submitted: Any, citizen: Any, caplog: Any
) -> None:
    # Given two attempts to pay the fees, started before either was paid (two tabs)
    first = _start(citizen, submitted)
    second = _start(citizen, submitted)
    # When the gateway reports both paid
    assert _ipn(client, _paid(first, "SBX1")).json() == {"RspCode": "00", "Message": "accepted"}
    submitted.refresh_from_db()
    version = submitted.version
    with caplog.at_level(logging.WARNING, logger="dvctt.integrations.payments.services"):
        answer = _ipn(client, _paid(second, "SBX2"))
    # Then the gateway is answered with success, so it stops retrying
    assert answer.status_code == 200 and answer.json()["RspCode"] == "00"
    # And both payments are recorded paid; the second is owed back, naming the one that settled the dossier
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.state, first.refund_due) == (PaymentState.PAID, False)
    assert (second.state, second.refund_due, second.duplicate_of_id) == (PaymentState.PAID, True, first.pk)
    assert second.gateway_reference == "SBX2" and second.confirmed_at is not None
    # And the dossier is as the first payment left it: one payment event, no new version, no status change
    submitted.refresh_from_db()
    assert submitted.paid_online == PaymentChannel.PROVINCIAL_GATEWAY and submitted.version == version
    assert submitted.status == 1
    events = DossierEvent.objects.filter(dossier=submitted, action="pay_fees")
    assert events.count() == 1 and events.get().payload["reference"] == first.order_id
    # And the callback log and a warning say so, with no personal data in the log line
    assert PaymentCallback.objects.get(transaction=second).reason.startswith("refund_due:")
    (line,) = [r.getMessage() for r in caplog.records if "refund due" in r.getMessage()]
    assert "paid twice" in line and f"dossier #{submitted.pk}" in line
    assert submitted.applicant_name not in line and submitted.code not in line
    # And the gateway's retry of the second notification is a duplicate, still success, still one event
    again = _ipn(client, _paid(second, "SBX2"))
    assert again.status_code == 200 and again.json() == {"RspCode": "00", "Message": "duplicate"}
    assert DossierEvent.objects.filter(dossier=submitted, action="pay_fees").count() == 1


def test_double_payment_of_a_financial_obligation_leaves_one_record_payment(
    client: Client, processing: Any, specialist: Any, citizen: Any
) -> None:
    from dvctt.dossiers.services import dossier_request_financial_obligation

    # Given an obligation the applicant started to pay twice
    dossier = dossier_request_financial_obligation(
        dossier_id=processing.pk, actor=specialist, amount=50000, content="Lệ phí trước bạ"
    )
    first = _start(citizen, dossier, purpose="obligation")
    second = _start(citizen, dossier, purpose="obligation")
    # When both are paid
    assert _ipn(client, _paid(first, "SBX1")).status_code == 200
    answer = _ipn(client, _paid(second, "SBX2"))
    # Then the second is acknowledged and owed back; the dossier resumed once
    assert answer.status_code == 200 and answer.json()["RspCode"] == "00"
    second.refresh_from_db()
    assert second.state == PaymentState.PAID and second.refund_due and second.duplicate_of_id == first.pk
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert DossierEvent.objects.filter(dossier=dossier, action="record_payment").count() == 1


def test_an_obligation_asked_again_later_is_paid_again_not_refunded(
    client: Client, processing: Any, specialist: Any, citizen: Any
) -> None:
    from dvctt.dossiers.services import dossier_request_financial_obligation

    # Given an obligation paid online, then another one asked later in the processing
    dossier = dossier_request_financial_obligation(
        dossier_id=processing.pk, actor=specialist, amount=50000, content="Lệ phí trước bạ"
    )
    first = _start(citizen, dossier, purpose="obligation")
    assert _ipn(client, _paid(first, "SBX1")).status_code == 200
    dossier = dossier_request_financial_obligation(
        dossier_id=processing.pk, actor=specialist, amount=20000, content="Phí thẩm định bổ sung"
    )
    second = _start(citizen, dossier, purpose="obligation")
    # When the second is paid
    assert _ipn(client, _paid(second, "SBX2")).status_code == 200
    # Then it settles the second request: not a double payment
    second.refresh_from_db()
    assert second.state == PaymentState.PAID and not second.refund_due
    dossier.refresh_from_db()
    assert dossier.status == Status.PROCESSING
    assert DossierEvent.objects.filter(dossier=dossier, action="record_payment").count() == 2


def test_database_still_refuses_two_settling_payments(submitted: Any, citizen: Any) -> None:
    # The constraint now reads: at most one paid transaction per dossier and purpose that is not owed back
    first = _start(citizen, submitted)
    second = _start(citizen, submitted)
    PaymentTransaction.objects.filter(pk=first.pk).update(state=PaymentState.PAID)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentTransaction.objects.filter(pk=second.pk).update(state=PaymentState.PAID)
    PaymentTransaction.objects.filter(pk=second.pk).update(state=PaymentState.PAID, refund_due=True)
    # and only a paid transaction can be owed back
    third = _start(citizen, submitted)
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentTransaction.objects.filter(pk=third.pk).update(refund_due=True)


def test_admin_lists_the_double_payments_to_refund(
    admin_client: Client, submitted: Any, citizen: Any, client: Client
) -> None:
    first = _start(citizen, submitted)
    second = _start(citizen, submitted)
    # Given a dossier paid twice
    _ipn(client, _paid(first, "SBX1"))
    _ipn(client, _paid(second, "SBX2"))
    url = reverse("admin:integrations_paymenttransaction_changelist")
    # When an officer filters the payments on "cần hoàn tiền"
    response = admin_client.get(url, {"refund_due__exact": "1"})
    # Then only the double payment is listed, with the payment it duplicates beside it
    assert [payment.pk for payment in response.context["cl"].result_list] == [second.pk]
    assert first.order_id in response.content.decode()
    # And its page shows the flag
    assert (
        admin_client.get(
            reverse("admin:integrations_paymenttransaction_change", args=[second.pk])
        ).status_code
        == 200
    )


def test_the_refund_of_a_double_payment_is_recorded_once_with_its_reference(
    admin_client: Client, submitted: Any, citizen: Any, client: Client
) -> None:
    first = _start(citizen, submitted)
    second = _start(citizen, submitted)
    _ipn(client, _paid(first, "SBX1"))
    _ipn(client, _paid(second, "SBX2"))
    url = reverse("admin:integrations_paymenttransaction_changelist")
    selected = {"action": "record_refund", "_selected_action": [second.pk, first.pk]}
    # the action first asks for the transfer's reference
    page = admin_client.post(url, selected)
    assert page.status_code == 200 and "Số chứng từ hoàn tiền" in page.content.decode()
    # an empty reference is refused by the form, nothing recorded
    admin_client.post(url, {**selected, "apply": "1", "reference": ""})
    second.refresh_from_db()
    assert second.refunded_at is None
    # recorded: the double payment only (the settling one is refused with its reason), the dossier untouched
    submitted.refresh_from_db()
    version = submitted.version
    response = admin_client.post(url, {**selected, "apply": "1", "reference": "UNC-2025-0042"}, follow=True)
    html = response.content.decode()
    assert "Đã ghi nhận hoàn tiền 1 giao dịch." in html and "không phải thanh toán trùng" in html
    second.refresh_from_db()
    first.refresh_from_db()
    assert second.refund_reference == "UNC-2025-0042" and second.refunded_at is not None
    assert second.refunded_by is not None and second.state == PaymentState.PAID
    assert first.refunded_at is None
    submitted.refresh_from_db()
    assert submitted.version == version
    # the list filters the ones still to refund, and a second recording is refused
    still = admin_client.get(url, {"hoan_tien": "cho"})
    assert list(still.context["cl"].result_list) == []
    again = admin_client.post(url, {**selected, "apply": "1", "reference": "UNC-2"}, follow=True)
    assert "đã được ghi nhận hoàn tiền" in again.content.decode()
    second.refresh_from_db()
    assert second.refund_reference == "UNC-2025-0042"


# --- defect 10: refusals are bounded --------------------------------------------------------------------------


def _forged(index: int) -> dict[str, str]:
    return {
        "merchant": "DVCTT-LS",
        "order_id": f"TT251207{index:012X}",
        "amount": str(1000 + index),
        "result": "00",
        "gateway_ref": f"X{index}",
        "sent": str(int(time.time())),
        "signature": f"{index:064x}",
    }


def test_five_hundred_forged_notifications_write_a_handful_of_rows(client: Client) -> None:
    # Given nobody's secret: 500 forged "paid" notifications, each for another order, from two addresses
    for index in range(500):
        answer = _ipn(client, _forged(index), sender="198.51.100.9" if index % 5 else "198.51.100.10")
        assert answer.status_code == 400 and answer.json()["RspCode"] == "97"
    # Then they are counted, per sender, on one row each, and nothing else was written
    rows = PaymentCallback.objects.order_by("sender")
    assert [(row.sender, row.repeats) for row in rows] == [("198.51.100.10", 100), ("198.51.100.9", 400)]
    assert all(
        row.verdict == CallbackVerdict.REFUSED and row.reason.startswith("bad_signature:") for row in rows
    )
    assert not PaymentTransaction.objects.exists()


def test_distinct_rows_are_capped_per_hour_then_only_counted(client: Client, settings: Any) -> None:
    # Given a cap of 5 distinct refusal rows an hour
    settings.DVCTT_PAYMENT_REFUSAL_ROWS_PER_HOUR = 5
    # When 40 forged notifications come from 40 addresses
    for index in range(40):
        _ipn(client, _forged(index), sender=f"192.0.2.{index}")
    # Then 5 rows name their sender, and one overflow row counts the other 35
    assert PaymentCallback.objects.exclude(reason=REFUSAL_OVERFLOW).count() == 5
    assert PaymentCallback.objects.get(reason=REFUSAL_OVERFLOW).repeats == 35
    # And a sender already on a row is still counted there
    _ipn(client, _forged(99), sender="192.0.2.0")
    assert PaymentCallback.objects.get(sender="192.0.2.0").repeats == 2
    assert PaymentCallback.objects.count() == 6


def test_a_new_window_opens_a_new_row(client: Client) -> None:
    _ipn(client, _forged(1))
    PaymentCallback.objects.update(received_at=timezone.now() - timedelta(hours=2))
    _ipn(client, _forged(2))
    assert sorted(PaymentCallback.objects.values_list("repeats", flat=True)) == [1, 1]


def test_the_kept_sample_of_a_refused_notification_is_bounded(client: Client) -> None:
    # Given a forged notification with an enormous field and hundreds of extra fields
    message = {**_forged(1), "gateway_ref": "A" * 100_000, **{f"x{n}": "y" * 50 for n in range(300)}}
    _ipn(client, message)
    # Then the row keeps the expected fields, cut short, and only counts the others
    params = PaymentCallback.objects.get().params
    assert len(params["gateway_ref"]) == 128 and params["_other_fields"] == 300
    assert set(params) == {*protocol.NOTIFICATION_FIELDS, "signature", "_other_fields"}


@pytest.mark.django_db(transaction=True)
def test_two_attempts_confirmed_at_the_same_moment_settle_the_dossier_once(
    submitted: Any, citizen: Any
) -> None:
    import threading

    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks between connections: PostgreSQL only")
    from dvctt.integrations.payments.services import payment_confirm

    # Given two pending attempts for the same fees
    payments = [_start(citizen, submitted), _start(citizen, submitted)]
    barrier = threading.Barrier(2)
    verdicts: list[str] = []
    errors: list[BaseException] = []

    def confirm(payment: PaymentTransaction, ref: str) -> None:
        try:
            barrier.wait()
            verdicts.append(payment_confirm(params=_paid(payment, ref)).verdict)
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    # When the gateway's two notifications arrive at once, on two connections
    threads = [threading.Thread(target=confirm, args=(p, f"SBX{i}")) for i, p in enumerate(payments)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    # Then both are accepted, exactly one settles the dossier, the other is owed back
    assert not errors and verdicts == [CallbackVerdict.ACCEPTED, CallbackVerdict.ACCEPTED]
    states = sorted(PaymentTransaction.objects.values_list("state", "refund_due"))
    assert states == [(PaymentState.PAID, False), (PaymentState.PAID, True)]
    assert DossierEvent.objects.filter(dossier=submitted, action="pay_fees").count() == 1
