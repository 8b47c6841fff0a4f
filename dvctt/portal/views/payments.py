"""Paying fees online: start (redirect to the gateway), the browser's return, the gateway's notification (IPN).

The IPN is the only thing that marks a payment paid. The return page shows what the platform's records say,
so an applicant who closes the tab is paid all the same, and a forged return URL changes nothing.
"""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from dvctt.common.errors import DomainError
from dvctt.common.public_url import public_url
from dvctt.integrations.payments.client import PaymentRefused
from dvctt.integrations.payments.models import CallbackVerdict, PaymentPurpose
from dvctt.integrations.payments.paygov.services import paygov_callback
from dvctt.integrations.payments.services import payment_confirm, payment_get_for_user, payment_start
from dvctt.portal.views.errors import raise_http


@login_required
@require_POST
def payment_begin(request: HttpRequest, code: str) -> HttpResponse:
    purpose = request.POST.get("purpose", PaymentPurpose.FEES)
    try:
        _payment, url = payment_start(
            actor=request.user,  # type: ignore[arg-type]
            dossier_code=code,
            purpose=purpose,
            return_url=public_url(reverse("portal:payment_return")),
            ipn_url=public_url(reverse("portal:payment_ipn")),
            ip=request.META.get("REMOTE_ADDR", ""),
        )
    except DomainError as exc:
        raise_http(exc)
        messages.error(request, exc.message)
        return redirect(f"{reverse('portal:dossier_lookup')}?ma={code}")
    return HttpResponseRedirect(url)


@login_required
@require_GET
def payment_return(request: HttpRequest) -> HttpResponse:
    # PayGov sends the payer back with its reference (MaThamChieu): only used to find the transaction.
    order_id = request.GET.get("order_id") or request.GET.get("MaThamChieu", "")
    payment = payment_get_for_user(user=request.user, order_id=order_id)  # type: ignore[arg-type]
    if payment is None:
        raise Http404(_("Không tìm thấy giao dịch."))
    return render(request, "portal/payment_return.html", {"payment": payment, "dossier": payment.dossier})


@csrf_exempt  # server to server: the gateway has no session; the HMAC signature is the authentication
@require_POST
def payment_ipn(request: HttpRequest) -> JsonResponse:
    try:
        result = payment_confirm(params=request.POST.dict(), sender=request.META.get("REMOTE_ADDR", ""))
    except PaymentRefused as exc:
        return JsonResponse(
            {"RspCode": "97" if exc.code == "bad_signature" else "99", "Message": exc.code}, status=400
        )
    return JsonResponse({"RspCode": "00", "Message": result.verdict})


@csrf_exempt  # server to server: the platform has no session; MaXacThuc (shared secret) is the authentication
@require_POST
def payment_paygov_callback(request: HttpRequest) -> JsonResponse:
    """The national payment platform's result callback (JSON, or a form): answered MaLoi/MoTaLoi/MaThamChieu."""
    params: dict = request.POST.dict()
    if request.content_type == "application/json":
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        params = body if isinstance(body, dict) else {}
    answer = paygov_callback(params=params, sender=request.META.get("REMOTE_ADDR", ""))
    return JsonResponse(answer.reply, status=400 if answer.verdict == CallbackVerdict.REFUSED else 200)
