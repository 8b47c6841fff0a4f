"""Web adapters of the inbound messages: the endpoint the national portal pushes to, and the console page."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date, datetime
from functools import wraps
from typing import Any, cast

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from dvctt.accounts.models import UNIT_ROLES, Role, User
from dvctt.common.masking import mask_text
from dvctt.common.throttle import client_address
from dvctt.integrations.national_portal import inbound_selectors as selectors
from dvctt.integrations.national_portal.inbound import Answer, inbound_receive
from dvctt.integrations.national_portal.inbound_auth import inbound_authenticate, inbound_config
from dvctt.integrations.national_portal.inbound_models import InboundKind, InboundOutcome
from dvctt.integrations.national_portal.views import console_allowed, console_required

logger = logging.getLogger(__name__)
PAGE_SIZE = 50


def _json(answer: Answer) -> JsonResponse:
    response = JsonResponse(
        answer.body(), status=answer.http_status, json_dumps_params={"ensure_ascii": False}
    )
    if answer.http_status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="dvcqg-inbound"'
    return response


@csrf_exempt
def inbound_endpoint(request: HttpRequest) -> HttpResponse:
    """POST /api/v1/dvcqg/inbound/: one message from the national portal (docs/national-portal.md)."""
    if request.method != "POST":
        response = _json(Answer(-1, _("Chỉ nhận phương thức POST."), http_status=405))
        response["Allow"] = "POST"
        return response
    config = inbound_config()
    try:
        body = request.body
    except RequestDataTooBig:
        return _json(Answer(-1, _("Thông điệp quá lớn."), http_status=413))
    method, refusal = inbound_authenticate(request=request, body=body, config=config)
    if refusal is not None:
        logger.warning("inbound: refused from %s: %s", client_address(request), refusal.message)
        return _json(Answer(-1, refusal.message, http_status=refusal.http_status))
    try:
        answer = inbound_receive(raw=body, config=config, sender=client_address(request), auth=method)
    except Exception:  # a fault of ours: the portal is told to send again later, nothing was written
        logger.exception("inbound: message from %s not processed", client_address(request))
        answer = Answer(-1, _("Lỗi hệ thống khi xử lý thông điệp; vui lòng gửi lại sau."), http_status=500)
    return _json(answer)


def _day(value: str) -> date | None:
    try:
        return datetime.strptime(value.strip(), "%d/%m/%Y").date() if value.strip() else None
    except ValueError:
        return None


def inbound_reader_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """Administrators and monitors (the whole province), and the officers of a unit (their own dossiers)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not (console_allowed(request.user) or getattr(request.user, "role", None) in UNIT_ROLES):
            raise PermissionDenied(
                _("Trang này dành cho quản trị viên, cán bộ theo dõi và cán bộ xử lý hồ sơ.")
            )
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
@inbound_reader_required
def inbound_list(request: HttpRequest) -> HttpResponse:
    filters: dict[str, Any] = {
        "outcome": request.GET.get("ket_qua", "").strip(),
        "kind": request.GET.get("loai", "").strip(),
        "query": request.GET.get("ma", "").strip()[:100],
        "since": _day(request.GET.get("tu", "")),
        "until": _day(request.GET.get("den", "")),
    }
    page = Paginator(
        selectors.inbound_message_list(reader=cast(User, request.user), **filters), PAGE_SIZE
    ).get_page(request.GET.get("trang"))
    for row in page.object_list:
        row.shown_message = mask_text(row.message)
    query = request.GET.copy()
    query.pop("trang", None)
    return render(
        request,
        "national_portal/inbound_list.html",
        {
            "page": page,
            "filters": filters,
            "tu": request.GET.get("tu", ""),
            "den": request.GET.get("den", ""),
            "query_string": query.urlencode(),
            "outcomes": InboundOutcome.choices,
            "kinds": InboundKind.choices,
            "counts": selectors.inbound_outcome_counts(reader=cast(User, request.user)),
            "is_admin": _is_admin(request.user),
            "reads_all": selectors.reads_all(cast(User, request.user)),
        },
    )


def _is_admin(user: Any) -> bool:
    return bool(user.is_superuser or getattr(user, "role", None) == Role.ADMIN)


@require_GET
@console_required
def inbound_detail(request: HttpRequest, message_id: int) -> HttpResponse:
    """One message as received: administrators only (it holds personal data), identification numbers masked."""
    if not _is_admin(request.user):
        raise PermissionDenied(_("Nội dung thông điệp chỉ dành cho quản trị viên."))
    message = selectors.inbound_message_get(message_id=message_id)
    if message is None:
        raise Http404(_("Không có thông điệp này."))
    return render(
        request,
        "national_portal/inbound_list.html",
        {"detail": message, "raw": mask_text(message.raw), "sender": message.sender},
    )
