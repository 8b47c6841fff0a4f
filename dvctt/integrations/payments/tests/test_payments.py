"""Payments: the signed protocol, starting a payment, the gateway's confirmation (the only way to "paid"),
replays and tampering, idempotency, and the sandbox gateway confirming server to server over real HTTP."""

from __future__ import annotations

import time
import urllib.parse
import urllib.request
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers.models import DossierEvent
from dvctt.dossiers.services import dossier_pay_fees
from dvctt.dossiers.states import PaymentChannel
from dvctt.integrations.payments import protocol
from dvctt.integrations.payments.client import GatewayClient, PaymentRefused
from dvctt.integrations.payments.config import gateway_config
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    PaymentCallback,
    PaymentState,
    PaymentTransaction,
)
from dvctt.integrations.payments.services import payment_confirm, payment_start

pytestmark = pytest.mark.django_db

RETURN = "http://testserver/thanh-toan/ket-qua/"
IPN = "http://testserver/thanh-toan/ipn/"


def _start(citizen: Any, dossier: Any) -> tuple[PaymentTransaction, str]:
    return payment_start(
        actor=citizen, dossier_code=dossier.code, purpose="fees", return_url=RETURN, ipn_url=IPN
    )


def _notification(
    payment: PaymentTransaction,
    *,
    result: str = "00",
    ref: str = "SBX1",
    sent: float | None = None,
    **over: Any,
) -> dict[str, str]:
    config = gateway_config()
    fields = {
        "merchant": config.merchant,
        "order_id": payment.order_id,
        "amount": payment.amount,
        "result": result,
        "gateway_ref": ref,
        "sent": int(sent if sent is not None else time.time()),
    }
    return protocol.signed({**fields, **over}, secret=config.secret)


def test_signature_covers_every_field_and_needs_the_secret() -> None:
    message = protocol.signed({"order_id": "A1", "amount": 8000}, secret="s3cret")
    assert protocol.verify(message, secret="s3cret", expected=("order_id", "amount"))
    assert not protocol.verify({**message, "amount": "1"}, secret="s3cret", expected=("order_id", "amount"))
    assert not protocol.verify(message, secret="other", expected=("order_id", "amount"))
    # an extra field, even unsigned, is refused: the message must be exactly what was signed
    assert not protocol.verify({**message, "x": "1"}, secret="s3cret", expected=("order_id", "amount"))
    assert protocol.canonical({"b": 2, "a": 1, "signature": "z"}) == "a=1&b=2"


def test_start_builds_a_signed_redirect_for_the_owner(submitted: Any, citizen: Any) -> None:
    payment, url = _start(citizen, submitted)
    assert payment.amount == 8000 and payment.state == PaymentState.PENDING
    path, query = url.split("?", 1)
    assert path == "/sandbox-gateway/pay/"
    fields = dict(urllib.parse.parse_qsl(query))
    assert fields["order_id"] == payment.order_id and fields["amount"] == "8000" and fields["ipn_url"] == IPN
    assert protocol.verify(fields, secret=gateway_config().secret, expected=protocol.REQUEST_FIELDS)


def test_start_refused_for_someone_else_or_nothing_to_pay(
    submitted: Any, citizen: Any, one_stop: Any
) -> None:
    with pytest.raises(AccessDenied):
        _start(one_stop, submitted)
    dossier_pay_fees(dossier_id=submitted.pk, amount=8000, reference="counter")
    with pytest.raises(ConflictError):
        _start(citizen, submitted)


def test_confirmation_marks_paid_once_and_repeats_are_idempotent(submitted: Any, citizen: Any) -> None:
    payment, _url = _start(citizen, submitted)
    message = _notification(payment)
    # When the gateway notifies, then notifies again (gateways retry)
    first = payment_confirm(params=message)
    second = payment_confirm(params=message)
    # Then the payment and the dossier are paid, with one event, and the repeat is acknowledged as a duplicate
    assert first.verdict == CallbackVerdict.ACCEPTED and second.verdict == CallbackVerdict.DUPLICATE
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PAID and payment.gateway_reference == "SBX1"
    assert submitted.paid_online == PaymentChannel.PROVINCIAL_GATEWAY
    assert submitted.status == 1  # paying fees is not a move of the state machine
    events = DossierEvent.objects.filter(dossier=submitted, action="pay_fees")
    assert events.count() == 1 and events.get().payload["reference"] == payment.order_id
    assert list(PaymentCallback.objects.order_by("id").values_list("verdict", flat=True)) == [
        "accepted",
        "duplicate",
    ]


@pytest.mark.parametrize(
    ("tamper", "code"),
    [
        ({"amount": "1"}, "bad_signature"),
        ({"result": "00", "order_id": "TTX"}, "bad_signature"),
    ],
)
def test_tampered_notification_refused(
    submitted: Any, citizen: Any, tamper: dict[str, str], code: str
) -> None:
    payment, _url = _start(citizen, submitted)
    message = {**_notification(payment), **tamper}
    with pytest.raises(PaymentRefused) as refused:
        payment_confirm(params=message)
    assert refused.value.code == code
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PENDING and submitted.paid_online == PaymentChannel.NONE
    assert PaymentCallback.objects.get().verdict == CallbackVerdict.REFUSED


def test_signed_but_wrong_amount_or_unknown_order_refused(submitted: Any, citizen: Any) -> None:
    payment, _url = _start(citizen, submitted)
    with pytest.raises(PaymentRefused) as wrong_amount:
        payment_confirm(params=_notification(payment, amount=1))
    assert wrong_amount.value.code == "amount_mismatch"
    with pytest.raises(PaymentRefused) as unknown:
        payment_confirm(params=_notification(payment, order_id="TT000000NOPE"))
    assert unknown.value.code == "unknown_order"
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_replayed_old_notification_refused(submitted: Any, citizen: Any) -> None:
    payment, _url = _start(citizen, submitted)
    old = _notification(payment, sent=time.time() - 3600)
    with pytest.raises(PaymentRefused) as refused:
        payment_confirm(params=old)
    assert refused.value.code == "stale"
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_second_different_confirmation_of_a_paid_order_refused(submitted: Any, citizen: Any) -> None:
    payment, _url = _start(citizen, submitted)
    payment_confirm(params=_notification(payment, ref="SBX1"))
    with pytest.raises(PaymentRefused) as refused:
        payment_confirm(params=_notification(payment, ref="SBX2", result="24"))
    assert refused.value.code == "already_confirmed"
    payment.refresh_from_db()
    assert payment.state == PaymentState.PAID and payment.gateway_reference == "SBX1"


def test_cancelled_payment_is_failed_and_dossier_unpaid(submitted: Any, citizen: Any) -> None:
    payment, _url = _start(citizen, submitted)
    payment_confirm(params=_notification(payment, result="24"))
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.FAILED and submitted.paid_online == PaymentChannel.NONE
    # And a new attempt is possible
    again, _url = _start(citizen, submitted)
    assert again.pk != payment.pk


def test_pay_fees_service_checks_amount_and_is_idempotent(submitted: Any) -> None:
    # no person can mark fees paid: the service takes no actor, only the gateway's confirmation calls it
    import inspect

    assert "actor" not in inspect.signature(dossier_pay_fees).parameters
    with pytest.raises(DomainError):
        dossier_pay_fees(dossier_id=submitted.pk, amount=7999, reference="x")
    dossier_pay_fees(dossier_id=submitted.pk, amount=8000, reference="x")
    dossier_pay_fees(dossier_id=submitted.pk, amount=8000, reference="x")
    events = DossierEvent.objects.filter(dossier=submitted, action="pay_fees")
    assert events.count() == 1 and events.get().actor is None


def test_ipn_endpoint_answers_refusals_with_400(client: Client, submitted: Any, citizen: Any) -> None:
    payment, _url = _start(citizen, submitted)
    bad = client.post(reverse("portal:payment_ipn"), {**_notification(payment), "amount": "9"})
    assert bad.status_code == 400 and bad.json()["RspCode"] == "97"
    good = client.post(reverse("portal:payment_ipn"), _notification(payment))
    assert good.status_code == 200 and good.json() == {"RspCode": "00", "Message": "accepted"}


def test_browser_return_never_marks_paid(client: Client, submitted: Any, citizen: Any) -> None:
    # Given a pending payment and a forged "paid" return URL (signed or not, the return is only displayed)
    payment, _url = _start(citizen, submitted)
    client.force_login(citizen)
    response = client.get(reverse("portal:payment_return"), _notification(payment))
    # Then the page shows what the platform knows: still waiting
    assert response.status_code == 200
    assert "Đang chờ cổng thanh toán xác nhận" in response.content.decode()
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING


def test_return_page_of_someone_elses_payment_is_404(
    client: Client, submitted: Any, citizen: Any, one_stop: Any, django_user_model: Any
) -> None:
    payment, _url = _start(citizen, submitted)
    stranger = django_user_model.objects.create_user(username="la", password="x-Pass-1234", role="citizen")
    client.force_login(stranger)
    assert client.get(reverse("portal:payment_return"), {"order_id": payment.order_id}).status_code == 404


def test_client_refuses_without_secret(submitted: Any, citizen: Any) -> None:
    config = gateway_config()
    client = GatewayClient(type(config)(name="x", url="/x", merchant=config.merchant, secret="", max_age=900))
    payment, _url = _start(citizen, submitted)
    with pytest.raises(PaymentRefused):
        payment_confirm(params=_notification(payment), client=client)


@pytest.mark.django_db(transaction=True)
def test_sandbox_confirms_server_to_server_even_if_the_browser_never_returns(
    live_server: Any, submitted: Any, citizen: Any
) -> None:
    # Given a payment started with the IPN URL of a real server on loopback
    payment, url = payment_start(
        actor=citizen,
        dossier_code=submitted.code,
        purpose="fees",
        return_url=live_server.url + reverse("portal:payment_return"),
        ipn_url=live_server.url + reverse("portal:payment_ipn"),
    )
    fields = dict(urllib.parse.parse_qsl(url.split("?", 1)[1]))
    # When the applicant presses "pay" on the sandbox gateway and then closes the tab (the redirect is not followed)
    page = urllib.request.urlopen(live_server.url + url).read().decode()  # noqa: S310 - loopback test server
    assert payment.order_id in page
    csrf_client = Client(enforce_csrf_checks=False)
    response = csrf_client.post("/sandbox-gateway/pay/", {**fields, "decision": "pay"})
    assert response.status_code == 302 and response["Location"].startswith(
        live_server.url + "/thanh-toan/ket-qua/?"
    )
    # Then the gateway's HTTP notification has already marked the payment and the dossier paid
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PAID
    assert submitted.paid_online == PaymentChannel.PROVINCIAL_GATEWAY
    assert PaymentCallback.objects.get().verdict == CallbackVerdict.ACCEPTED


def test_sandbox_refuses_an_unsigned_request(client: Client) -> None:
    response = client.get("/sandbox-gateway/pay/", {"order_id": "X", "amount": "1"})
    assert response.status_code == 400
