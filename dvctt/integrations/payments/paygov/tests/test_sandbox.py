"""PayGov end to end: the sandbox platform in its own process, the province's live server on loopback.

Each fault mode of the sandbox: paid through the callback; refused by the payer; never called back (settled by
QUERY); called back twice (one effect); a tampered checksum (refused, logged once); a wrong amount (refused).
And the portal's whole flow over real HTTP, the result page reading the database only.
"""

from __future__ import annotations

import http.cookies
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from dvctt.dossiers.models import DossierEvent
from dvctt.dossiers.states import PaymentChannel, Status
from dvctt.integrations.payments.models import (
    CallbackVerdict,
    PaymentCallback,
    PaymentState,
    PaymentTransaction,
)
from dvctt.integrations.payments.paygov import protocol
from dvctt.integrations.payments.paygov.tests.conftest import SECRET, Sandbox
from dvctt.integrations.payments.services import payment_start

pytestmark = pytest.mark.django_db(transaction=True)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def _start(
    citizen: Any, dossier: Any, live_server: Any, purpose: str = "fees"
) -> tuple[PaymentTransaction, str]:
    return payment_start(
        actor=citizen,
        dossier_code=dossier.code,
        purpose=purpose,
        return_url=f"{live_server.url}/thanh-toan/ket-qua/",
        ipn_url=f"{live_server.url}/thanh-toan/ipn/",
        ip="127.0.0.1",
    )


def _payer(url: str, decision: str) -> str:
    """The payer opens the platform's page and decides; returns where the browser is sent back."""
    page = urllib.request.urlopen(url, timeout=10).read().decode()  # noqa: S310 - loopback sandbox
    ref = re.search(r'name="ref" value="([^"]+)"', page)
    assert ref is not None
    opener = urllib.request.build_opener(NoRedirect)
    body = urllib.parse.urlencode({"ref": ref.group(1), "decision": decision}).encode()
    pay_url = urllib.parse.urljoin(url, "/pay/")
    try:
        opener.open(urllib.request.Request(pay_url, data=body, method="POST"), timeout=30)  # noqa: S310
    except urllib.error.HTTPError as exc:
        assert exc.code == 303
        return exc.headers["Location"]
    raise AssertionError("the sandbox did not send the browser back")


def _exported_flag(tmp_path: Path, code: str) -> int:
    from dvctt.interchange.exporter import interchange_export

    interchange_export(folder=tmp_path)
    for line in (tmp_path / "dossiers.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if record.get("MaHoSo") == code:
            return int(record["DuocThanhToanTrucTuyen"])
    raise AssertionError(f"{code} not exported")


def _callbacks(sandbox: Sandbox, payment: PaymentTransaction) -> list[dict[str, Any]]:
    return [c for c in sandbox.state()["callbacks"] if c["ref"] == payment.order_id]


def test_paid_through_the_signed_callback(
    paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any, tmp_path: Path
) -> None:
    # Given a procedure routed to PayGov: the payment opens there with INIT
    payment, url = _start(citizen, submitted, live_server)
    assert url.startswith(paygov.url + "/pay/") and payment.gateway == "paygov"
    sent = paygov.state()["payments"][payment.order_id]
    assert sent["amount"] == "8000"
    assert sent["receipt_info"]["MaHoSo"] == submitted.code and sent["receipt_info"]["MaDichVu"] == 2
    # When the payer pays
    back = _payer(url, "pay")
    # Then the platform's callback has marked the payment and the dossier paid (channel 1), before the return
    assert back.startswith(f"{live_server.url}/thanh-toan/ket-qua/?MaThamChieu={payment.order_id}")
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PAID and payment.gateway_reference.startswith("PG")
    assert submitted.paid_online == PaymentChannel.NATIONAL_PORTAL
    event = DossierEvent.objects.get(dossier=submitted, action="pay_fees")
    assert event.actor is None and event.payload["channel"] == 1
    # And the province answered the platform MaLoi 00, signed; the receipt (GET_BILL) is kept
    (delivery,) = _callbacks(paygov, payment)
    reply = json.loads(delivery["answer"])
    assert delivery["status"] == 200 and reply["MaLoi"] == "00" and reply["MaThamChieu"] == payment.order_id
    assert protocol.verify(reply, protocol.CALLBACK_REPLY_ORDER, secret=SECRET)
    assert payment.receipt["SoBienLai"].startswith("BL") and payment.receipt_at is not None
    # And the dossier exports DuocThanhToanTrucTuyen 1
    assert _exported_flag(tmp_path, submitted.code) == 1


def test_refused_by_the_payer(paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any) -> None:
    payment, url = _start(citizen, submitted, live_server)
    _payer(url, "refuse")
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.FAILED and payment.result_code == "24"
    assert submitted.paid_online == PaymentChannel.NONE
    assert not DossierEvent.objects.filter(dossier=submitted, action="pay_fees").exists()
    # And the applicant may try again
    again, _url = _start(citizen, submitted, live_server)
    assert again.pk != payment.pk and again.state == PaymentState.PENDING


def test_never_called_back_then_settled_by_query(
    paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any, tmp_path: Path
) -> None:
    # Given a platform that never calls back
    paygov.mode("never")
    payment, url = _start(citizen, submitted, live_server)
    # While the payer has not paid, a settlement run leaves the payment pending
    call_command("payments_settle", "--older-than", "0")
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    # When the payer pays and no callback comes
    back = _payer(url, "pay")
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING and _callbacks(paygov, payment) == []
    # The browser's return (it says MaLoi=00) is only displayed: the page shows the database's "waiting"
    from django.test import Client

    browser = Client()
    browser.force_login(citizen)
    page = browser.get(back.removeprefix(live_server.url)).content.decode()
    assert "MaLoi=00" in back and "Đang chờ cổng thanh toán xác nhận" in page
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    # A run for payments older than 15 minutes does not touch it yet
    call_command("payments_settle", "--older-than", "15")
    payment.refresh_from_db()
    assert payment.state == PaymentState.PENDING
    # Then the settlement run's QUERY marks it paid, with its receipt
    call_command("payments_settle", "--older-than", "0")
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PAID and payment.receipt["SoBienLai"]
    assert submitted.paid_online == PaymentChannel.NATIONAL_PORTAL
    assert _exported_flag(tmp_path, submitted.code) == 1
    # And another run changes nothing
    call_command("payments_settle", "--older-than", "0")
    assert DossierEvent.objects.filter(dossier=submitted, action="pay_fees").count() == 1


def test_called_back_twice_has_one_effect(
    paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any
) -> None:
    paygov.mode("twice")
    payment, url = _start(citizen, submitted, live_server)
    _payer(url, "pay")
    # Both deliveries are acknowledged (MaLoi 00), the second as a duplicate; one payment event only
    deliveries = _callbacks(paygov, payment)
    assert [json.loads(d["answer"])["MaLoi"] for d in deliveries] == ["00", "00"]
    verdicts = (
        PaymentCallback.objects.filter(transaction=payment).order_by("id").values_list("verdict", flat=True)
    )
    assert list(verdicts) == [CallbackVerdict.ACCEPTED, CallbackVerdict.DUPLICATE]
    assert DossierEvent.objects.filter(dossier=submitted, action="pay_fees").count() == 1
    assert PaymentTransaction.objects.filter(dossier=submitted, state=PaymentState.PAID).count() == 1


def test_tampered_checksum_is_refused_and_logged_once(
    paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any
) -> None:
    paygov.mode("tampered")
    payment, url = _start(citizen, submitted, live_server)
    _payer(url, "pay")
    # Then the callback is refused (MaLoi 01), nothing changes
    (delivery,) = _callbacks(paygov, payment)
    assert delivery["status"] == 400 and json.loads(delivery["answer"])["MaLoi"] == "01"
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PENDING and submitted.paid_online == PaymentChannel.NONE
    # And the same junk sent again and again is counted on one log row
    junk = json.dumps({"MaThamChieu": payment.order_id, "MaLoi": "00", "MaXacThuc": "0" * 64}).encode()
    for _attempt in range(5):
        request = urllib.request.Request(  # noqa: S310 - loopback
            f"{live_server.url}/thanh-toan/paygov/ket-qua/",
            data=junk,
            method="POST",
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)  # noqa: S310 - loopback
        assert refused.value.code == 400
    log = PaymentCallback.objects.get(transaction=payment)
    assert log.verdict == CallbackVerdict.REFUSED and log.repeats == 6
    assert log.reason.startswith("paygov bad_signature:")


def test_amount_mismatch_is_refused(paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any) -> None:
    paygov.mode("wrong-amount")
    payment, url = _start(citizen, submitted, live_server)
    _payer(url, "pay")
    (delivery,) = _callbacks(paygov, payment)
    assert delivery["status"] == 400 and json.loads(delivery["answer"])["MaLoi"] == "03"
    payment.refresh_from_db()
    submitted.refresh_from_db()
    assert payment.state == PaymentState.PENDING and submitted.paid_online == PaymentChannel.NONE


def test_financial_obligation_paid_through_paygov(
    paygov: Sandbox, live_server: Any, processing: Any, specialist: Any, citizen: Any
) -> None:
    from dvctt.dossiers.services import dossier_request_financial_obligation

    dossier = dossier_request_financial_obligation(
        dossier_id=processing.pk, actor=specialist, amount=50000, content="Lệ phí trước bạ"
    )
    payment, url = _start(citizen, dossier, live_server, purpose="obligation")
    _payer(url, "pay")
    payment.refresh_from_db()
    dossier.refresh_from_db()
    assert payment.state == PaymentState.PAID and payment.amount == 50000
    assert dossier.status == Status.PROCESSING and dossier.paid_online == PaymentChannel.NATIONAL_PORTAL
    event = DossierEvent.objects.get(dossier=dossier, action="record_payment")
    assert event.actor is None and event.payload["method"] == "gateway" and event.payload["channel"] == 1


class Browser:
    """A cookie-keeping HTTP client that does not follow redirects (each hop is checked)."""

    def __init__(self, cookies: dict[str, str]) -> None:
        self.cookies = dict(cookies)
        self.opener = urllib.request.build_opener(NoRedirect)

    def open(self, url: str, data: dict[str, str] | None = None, **headers: str) -> tuple[int, str, str]:
        request = urllib.request.Request(  # noqa: S310 - loopback
            url,
            data=None if data is None else urllib.parse.urlencode(data).encode(),
            method="GET" if data is None else "POST",
            headers={"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **headers},
        )
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as exc:
            response = exc
        for header in response.headers.get_all("Set-Cookie") or []:
            jar: http.cookies.SimpleCookie = http.cookies.SimpleCookie(header)
            self.cookies.update({name: morsel.value for name, morsel in jar.items()})
        return response.status, response.headers.get("Location", ""), response.read().decode()


def test_portal_flow_over_http(paygov: Sandbox, live_server: Any, submitted: Any, citizen: Any) -> None:
    from django.test import Client

    # Given the applicant signed in (their session cookie in a browser-like client speaking real HTTP)
    session = Client()
    session.force_login(citizen)
    browser = Browser({name: morsel.value for name, morsel in session.cookies.items()})
    # When they open their dossier and press "Thanh toán trực tuyến"
    status, _location, page = browser.open(f"{live_server.url}/tra-cuu/?ma={submitted.code}")
    assert status == 200 and "Thanh toán trực tuyến" in page
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    status, pay_url, _page = browser.open(
        f"{live_server.url}/ho-so/{submitted.code}/thanh-toan/",
        {"csrfmiddlewaretoken": token.group(1), "purpose": "fees"},
        Referer=f"{live_server.url}/tra-cuu/",
    )
    # Then they are sent to the national platform's page
    assert status == 302 and pay_url.startswith(paygov.url + "/pay/")
    # And, having paid, come back to the result page, which shows what the database says
    back = _payer(pay_url, "pay")
    status, _location, result = browser.open(back)
    payment = PaymentTransaction.objects.get(dossier=submitted)
    assert status == 200 and payment.state == PaymentState.PAID
    assert "Đã thanh toán" in result and payment.receipt["SoBienLai"] in result
    assert "Nền tảng thanh toán quốc gia" in result
