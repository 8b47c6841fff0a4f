"""A local payment gateway for the demo and the tests, speaking :mod:`protocol` like a real one.

Mounted under ``/sandbox-gateway/`` when the sandbox is on (``DVCTT_PAYMENT_SANDBOX``). The page shows the
order it was sent and two buttons. On a choice it POSTs the signed notification to the order's ``ipn_url``
over a real HTTP request — server to server, as a gateway does — and only then sends the browser back to the
``return_url``. Closing the tab after the choice changes nothing: the platform already knows.
"""

from __future__ import annotations

import logging
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dvctt.integrations.payments import protocol
from dvctt.integrations.payments.config import gateway_config

logger = logging.getLogger(__name__)
RESULT_CANCELLED = "24"


def _request_fields(data) -> dict[str, str] | None:
    config = gateway_config()
    fields = {
        name: data.get(name, "") for name in (*protocol.REQUEST_FIELDS, protocol.SIGNATURE) if name in data
    }
    if not protocol.verify(fields, secret=config.secret, expected=protocol.REQUEST_FIELDS):
        return None
    if fields["merchant"] != config.merchant:
        return None
    return fields


def notify(*, ipn_url: str, notification: dict[str, str], attempts: int = 3) -> tuple[int, str]:
    """POST the signed notification to the platform; a few tries, as gateways retry IPNs."""
    if urllib.parse.urlsplit(ipn_url).scheme not in ("http", "https"):
        return 0, "ipn_url must be http(s)"
    body = urllib.parse.urlencode(notification).encode()
    last = (0, "")
    for attempt in range(attempts):
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            ipn_url, data=body, method="POST", headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - scheme checked above
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            # A refusal (4xx) is an answer, not an outage: retrying would not change it.
            return exc.code, exc.read().decode()
        except OSError as exc:
            last = (0, str(exc))
            logger.warning("sandbox IPN to %s failed (attempt %s): %s", ipn_url, attempt + 1, exc)
            time.sleep(0.2 * (attempt + 1))
    return last


@require_http_methods(["GET", "POST"])
def pay(request: HttpRequest) -> HttpResponse:
    data = request.POST if request.method == "POST" else request.GET
    fields = _request_fields(data)
    if fields is None:
        return HttpResponseBadRequest(_("Yêu cầu thanh toán không hợp lệ (sai chữ ký).").encode())
    if request.method == "GET":
        return render(
            request, "payments/sandbox_pay.html", {"fields": fields, "amount": int(fields["amount"])}
        )
    result = protocol.RESULT_PAID if request.POST.get("decision") == "pay" else RESULT_CANCELLED
    config = gateway_config()
    notification = protocol.signed(
        {
            "merchant": config.merchant,
            "order_id": fields["order_id"],
            "amount": fields["amount"],
            "result": result,
            "gateway_ref": f"SBX{secrets.token_hex(5).upper()}",
            "sent": int(time.time()),
        },
        secret=config.secret,
    )
    status, answer = notify(ipn_url=fields["ipn_url"], notification=notification)
    logger.info("sandbox IPN %s -> %s %s", fields["order_id"], status, answer[:200])
    separator = "&" if "?" in fields["return_url"] else "?"
    return HttpResponseRedirect(f"{fields['return_url']}{separator}{urllib.parse.urlencode(notification)}")


app_name = "sandbox_gateway"
urlpatterns = [path("pay/", pay, name="pay")]
