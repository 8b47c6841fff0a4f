"""The national portal's web adapters: the signed file links the portal fetches, and the sync console."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dvctt.accounts.models import Role
from dvctt.integrations.national_portal import selectors
from dvctt.integrations.national_portal.adapter import SYSTEM
from dvctt.integrations.national_portal.config import portal_config
from dvctt.integrations.national_portal.record import file_from_link_token
from dvctt.outbox import services as outbox
from dvctt.outbox.selectors import message_history, messages_failed, outbox_figures

CONSOLE_ROLES = frozenset({Role.ADMIN, Role.MONITOR})


def console_allowed(user: Any) -> bool:
    return bool(
        user.is_authenticated
        and (user.is_superuser or user.is_staff or getattr(user, "role", None) in CONSOLE_ROLES)
    )


def console_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not console_allowed(request.user):
            raise PermissionDenied(_("Trang này dành cho quản trị viên và cán bộ theo dõi."))
        return view(request, *args, **kwargs)

    return wrapper


@require_GET
def file_download(request: HttpRequest, token: str) -> HttpResponseBase:
    """A dossier file, for whoever holds a valid, unexpired link (the national portal): the signature is the
    permission."""
    file_id = file_from_link_token(token)
    stored = selectors.dossier_file_for_link(file_id=file_id) if file_id is not None else None
    if stored is None or not stored.file:
        raise Http404(_("Liên kết không hợp lệ hoặc đã hết hạn."))
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.file.name.rsplit("/", 1)[-1],
        content_type=stored.content_type or "application/octet-stream",
    )


@require_GET
@console_required
def console(request: HttpRequest) -> HttpResponse:
    code = request.GET.get("ma", "").strip()
    history = message_history(system=SYSTEM, key=code) if code else []
    return render(
        request,
        "national_portal/console.html",
        {
            "figures": outbox_figures(system=SYSTEM),
            "failed": messages_failed(system=SYSTEM),
            "code": code,
            "history": history,
            "dossier": selectors.dossier_sync_state(code=code) if code else None,
            "config": portal_config(),
        },
    )


@require_POST
@console_required
def console_resend(request: HttpRequest) -> HttpResponse:
    by = request.user.get_username()
    if request.POST.get("all"):
        count = outbox.messages_resend_failed(system=SYSTEM, by=by)
        messages.success(request, _("Đã đưa %(n)s tin lỗi vào hàng đợi gửi lại.") % {"n": count})
    else:
        try:
            message_id = int(request.POST.get("message", ""))
        except ValueError:
            message_id = 0
        if outbox.message_resend(message_id=message_id, by=by):
            messages.success(request, _("Đã đưa tin vào hàng đợi gửi lại."))
        else:
            messages.error(request, _("Không có tin lỗi này (có thể đã được gửi lại)."))
    return HttpResponseRedirect(reverse("national_portal:console"))


@require_POST
@console_required
def console_transport(request: HttpRequest) -> HttpResponse:
    paused = request.POST.get("paused") == "1"
    outbox.transport_set_paused(system=SYSTEM, paused=paused, by=request.user.get_username())
    messages.success(request, _("Đã tạm dừng gửi.") if paused else _("Đã tiếp tục gửi."))
    return HttpResponseRedirect(reverse("national_portal:console"))
