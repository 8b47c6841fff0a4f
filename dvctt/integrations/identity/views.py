"""The national sign-in's pages: start (send the browser to the provider) and callback (the way back).

Mounted under the accounts URLs by ``DVCTT_NATIONAL_SIGN_IN_URLCONF``. Every failure ends on one Vietnamese
page with a way back (:func:`_failure`), never an exception: the provider down, a wrong ``state``, a refused
consent, an expired or replayed code, an ID token that is not valid, an account that cannot be matched.
"""

from __future__ import annotations

import logging
import time
from urllib.parse import urlencode

from django.contrib.auth import login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dvctt.accounts.backends import ACCOUNT_BACKEND
from dvctt.accounts.landing import landing_url
from dvctt.accounts.national import (
    NATIONAL_SESSION_KEY,
    PENDING_LINK_SESSION_KEY,
    national_sign_in,
)
from dvctt.common.errors import DomainError
from dvctt.common.public_url import public_url
from dvctt.integrations.identity import client
from dvctt.integrations.identity.claims import national_claims
from dvctt.integrations.identity.config import identity_config

logger = logging.getLogger(__name__)

#: What the start keeps in the session for the callback (one flow at a time, ten minutes at most).
FLOW_SESSION_KEY = "dvctt.identity.flow"
FLOW_SECONDS = 600


def _messages() -> dict[str, tuple[str, str, int]]:
    return {
        "off": (
            _("Chưa kết nối dịch vụ định danh"),
            _(
                "Đăng nhập bằng tài khoản định danh quốc gia (VNeID) sắp có. Vui lòng đăng nhập bằng tài khoản "
                "của cổng."
            ),
            404,
        ),
        client.UNAVAILABLE: (
            _("Không kết nối được hệ thống định danh"),
            _(
                "Hệ thống định danh quốc gia đang không phản hồi. Vui lòng thử lại sau ít phút, hoặc đăng nhập "
                "bằng tài khoản của cổng."
            ),
            503,
        ),
        client.STATE: (
            _("Phiên đăng nhập không hợp lệ"),
            _(
                "Yêu cầu đăng nhập không khớp với phiên làm việc của trình duyệt này (có thể bạn đã mở nhiều "
                "cửa sổ đăng nhập, hoặc phiên đã quá 10 phút). Vui lòng đăng nhập lại."
            ),
            400,
        ),
        client.DENIED: (
            _("Bạn chưa đồng ý chia sẻ thông tin"),
            _(
                "Bạn đã từ chối cho cổng dịch vụ công của tỉnh sử dụng thông tin định danh, nên chưa đăng nhập "
                "được. Bạn có thể đăng nhập lại bất cứ lúc nào."
            ),
            400,
        ),
        client.CODE: (
            _("Mã đăng nhập đã hết hạn"),
            _("Mã xác thực do hệ thống định danh cấp đã hết hạn hoặc đã được dùng. Vui lòng đăng nhập lại."),
            400,
        ),
        client.TOKEN: (
            _("Không xác minh được thông tin đăng nhập"),
            _(
                "Thông tin đăng nhập nhận được không có chữ ký hợp lệ của hệ thống định danh, nên không được "
                "chấp nhận. Vui lòng đăng nhập lại; nếu vẫn lỗi, hãy báo bộ phận hỗ trợ."
            ),
            400,
        ),
        client.CLAIMS: (
            _("Thiếu thông tin định danh"),
            _("Hệ thống định danh không trả về đủ thông tin của bạn. Vui lòng đăng nhập lại."),
            400,
        ),
    }


def _failure(request: HttpRequest, kind: str, message: str = "") -> HttpResponse:
    title, text, status = _messages().get(kind, _messages()[client.UNAVAILABLE])
    request.session.pop(FLOW_SESSION_KEY, None)
    return render(
        request,
        "identity/failure.html",
        {"title": title, "message": message or text, "kind": kind},
        status=status,
    )


def _safe_next(request: HttpRequest, target: str) -> str:
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return ""


def sign_in_url(request: HttpRequest, next_url: str = "") -> str:
    """The ``DVCTT_NATIONAL_SIGN_IN_URL`` hook: the start URL, or "" while the service is not configured."""
    if not identity_config().enabled:
        return ""
    url = reverse("accounts:identity:start")
    return f"{url}?{urlencode({'next': next_url})}" if next_url and next_url.startswith("/") else url


def _callback_url() -> str:
    return client.redirect_uri(identity_config(), reverse("accounts:identity:callback"))


@require_GET
def start(request: HttpRequest) -> HttpResponse:
    """Send the browser to the provider with a fresh state, nonce and PKCE challenge kept in the session."""
    config = identity_config()
    if not config.enabled:
        return _failure(request, "off")
    try:
        auth = client.authorization_request(config, callback_url=_callback_url())
    except client.IdentityError as exc:
        logger.warning("national sign-in could not start: %s", exc.kind)
        return _failure(request, exc.kind)
    request.session[FLOW_SESSION_KEY] = {
        "state": auth.state,
        "nonce": auth.nonce,
        "verifier": auth.code_verifier,
        "next": _safe_next(request, request.GET.get("next", "")),
        "at": time.time(),
    }
    return redirect(auth.url)


@require_GET
def callback(request: HttpRequest) -> HttpResponse:
    """The provider's answer: check state, then the refusal or the code; then match the account."""
    config = identity_config()
    if not config.enabled:
        return _failure(request, "off")
    flow = request.session.get(FLOW_SESSION_KEY)
    if not isinstance(flow, dict) or float(flow.get("at", 0)) + FLOW_SECONDS < time.time():
        return _failure(request, client.STATE)
    if not client.state_matches(str(flow.get("state", "")), request.GET.get("state", "")):
        logger.warning("national sign-in: the callback's state does not match the session")
        return _failure(request, client.STATE)
    # One use: a replayed callback URL finds no flow.
    request.session.pop(FLOW_SESSION_KEY, None)
    if request.GET.get("error"):
        logger.info("national sign-in refused by the provider: %s", request.GET.get("error", "")[:40])
        return _failure(request, client.DENIED)
    try:
        info = client.sign_in(
            config,
            callback_url=_callback_url(),
            # The callback as the provider was told to call it (the public address), with its code and state.
            authorization_response=public_url(request.get_full_path()),
            state=str(flow["state"]),
            nonce=str(flow["nonce"]),
            code_verifier=str(flow["verifier"]),
        )
    except client.IdentityError as exc:
        logger.warning("national sign-in failed: %s (%s)", exc.kind, exc.detail)
        return _failure(request, exc.kind)
    claims = national_claims(info)
    try:
        outcome = national_sign_in(claims=claims)
    except DomainError as exc:
        return _failure(request, client.CLAIMS, exc.message)
    next_url = str(flow.get("next") or "")
    if outcome.kind == "refused" or outcome.user is None:
        return _failure(request, client.CLAIMS, outcome.message)
    if outcome.kind == "link_required":
        request.session[PENDING_LINK_SESSION_KEY] = {
            "claims": claims.to_session(),
            "user_id": outcome.user.pk,
            "next": next_url,
            "at": time.time(),
        }
        return redirect("accounts:national_link")
    login(request, outcome.user, backend=ACCOUNT_BACKEND)
    request.session[NATIONAL_SESSION_KEY] = claims.tech_id
    return redirect(_safe_next(request, next_url) or landing_url(outcome.user))
