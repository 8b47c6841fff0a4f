"""Pages of the guidance app (docs/guidance.md): thin adapters over its selectors and services.

- ``/huong-dan-boi/<token>/``: a citizen follows an official's link (the card's QR code); the official's name and
  unit, what recording means, and a signed cookie so that the apply form offers this official for 30 days.
- ``/mot-cua/huong-dan-nguoi-than/``: the official's own link, card and counts (never the dossiers).
- ``/theo-doi/huong-dan-bat-thuong/``: the watch's flags, for monitors, with an acknowledge action.
"""

from __future__ import annotations

from typing import Any

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.accounts.models import Official
from dvctt.common.errors import DomainError
from dvctt.common.masking import mask_id
from dvctt.common.public_url import public_url

from . import apply, selectors, services


def _error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "guidance/error.html", {"message": message, "status": status}, status=status)


def link_url(token: str) -> str:
    """The public address printed on the card and encoded in its QR code."""
    return public_url(reverse("guidance:landing", args=[token]))


# Citizen side ------------------------------------------------------------------------------------------------


def landing(request: HttpRequest, token: str) -> HttpResponse:
    link = selectors.guidance_link_resolve(token=token)
    if link is None:
        return _error(
            request,
            _(
                "Liên kết hướng dẫn này không còn hiệu lực (cán bộ đã đổi hoặc thu hồi liên kết). Bạn vẫn có thể "
                "nộp hồ sơ trực tuyến và tìm tên cán bộ đã hướng dẫn mình khi nộp."
            ),
            status=404,
        )
    response = render(
        request,
        "guidance/landing.html",
        {"official": selectors.choice_of(link.official), "days": apply.LINK_DAYS},
    )
    apply.remember_link(response, link)
    return response


@require_POST
def landing_forget(request: HttpRequest) -> HttpResponse:
    """The citizen does not want the link's official offered on their applications."""
    response = redirect("portal:procedure_list")
    apply.forget_link(response)
    messages.info(request, _("Đã bỏ ghi nhớ cán bộ hướng dẫn trên trình duyệt này."))
    return response


def officials_search(request: HttpRequest) -> HttpResponse:
    """Officials by name or unit, for the apply form's search (JSON): name and unit only."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"error": {"code": "not_authenticated", "message": _("Hãy đăng nhập.")}}, status=401
        )
    results = selectors.guidance_officials_search(query=request.GET.get("q", ""))
    return JsonResponse({"results": [{"id": r.pk, "name": r.name, "unit": r.unit} for r in results]})


# Official side -----------------------------------------------------------------------------------------------


def _official_gate(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.official_can_guide(request.user):
        return _error(
            request, _("Trang này dành cho cán bộ, công chức, viên chức đang công tác."), status=403
        )
    return None


def _in_roster(user: Any, on: Any) -> bool:
    if not user.national_id:
        return False
    return (
        Official.objects.filter(national_id=user.national_id, valid_from__lte=on)
        .exclude(valid_to__lt=on)
        .exists()
    )


def mine(request: HttpRequest) -> HttpResponse:
    if (refused := _official_gate(request)) is not None:
        return refused
    user: Any = request.user
    link = services.guidance_link_get_or_create(official=user)
    today = timezone.localdate()
    url = link_url(link.token)
    return render(
        request,
        "guidance/mine.html",
        {
            "link": link,
            "url": url,
            "qr": segno.make(url, error="m").svg_inline(scale=4, border=2),
            "counts": selectors.guidance_counts_for_official(official=user, today=today),
            "in_roster": _in_roster(user, today),
            "today": today,
            "breadcrumbs": [{"label": _("Hướng dẫn người thân"), "url": None}],
        },
    )


def card(request: HttpRequest) -> HttpResponse:
    """The printable card (A6 by default, ``?kho=a4`` for an A4 sheet), the link as text and as a QR code."""
    if (refused := _official_gate(request)) is not None:
        return refused
    user: Any = request.user
    link = services.guidance_link_get_or_create(official=user)
    url = link_url(link.token)
    size = "A4" if request.GET.get("kho") == "a4" else "A6"
    return render(
        request,
        "guidance/card.html",
        {
            "official": selectors.choice_of(user),
            "url": url,
            "qr": segno.make(url, error="m").svg_inline(scale=6, border=2),
            "size": size,
        },
    )


@require_POST
def rotate(request: HttpRequest) -> HttpResponse:
    if (refused := _official_gate(request)) is not None:
        return refused
    services.guidance_link_rotate(official=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Đã tạo liên kết mới; liên kết và thẻ cũ không còn dùng được."))
    return redirect("guidance:mine")


@require_POST
def revoke(request: HttpRequest) -> HttpResponse:
    if (refused := _official_gate(request)) is not None:
        return refused
    services.guidance_link_revoke(official=request.user)  # type: ignore[arg-type]
    messages.success(request, _("Đã thu hồi liên kết. Mở lại trang này để tạo liên kết mới khi cần."))
    return redirect("guidance:mine")


# Monitors ----------------------------------------------------------------------------------------------------


def flags(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not selectors.can_watch(request.user):
        return _error(request, _("Trang này dành cho cán bộ theo dõi kế hoạch."), status=403)
    show_all = request.GET.get("tatca") == "1"
    rows = list(selectors.guidance_flags_for(user=request.user, open_only=not show_all)[:200])
    return render(
        request,
        "guidance/flags.html",
        {
            "rows": [
                {"flag": f, "applicant": mask_id(f.applicant_key) if f.applicant_key else ""} for f in rows
            ],
            "show_all": show_all,
            "tab": "guidance_flags",
            "breadcrumbs": [
                {"label": _("Theo dõi"), "url": reverse("dashboards:overview")},
                {"label": _("Hướng dẫn bất thường"), "url": None},
            ],
        },
    )


@require_POST
def flag_acknowledge(request: HttpRequest, flag_id: int) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(reverse("guidance:flags"))
    try:
        services.guidance_flag_acknowledge(flag_id=flag_id, actor=request.user)
    except DomainError as exc:
        return _error(request, exc.message, status=exc.http_status)
    messages.success(request, _("Đã xác nhận cảnh báo."))
    return redirect("guidance:flags")
