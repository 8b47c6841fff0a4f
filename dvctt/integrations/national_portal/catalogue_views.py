"""The national catalogue review page: administrators accept or reject differences, monitors read them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dvctt.accounts.models import Role
from dvctt.common.errors import DomainError
from dvctt.common.tasks import task_enqueue
from dvctt.integrations.national_portal import catalogue_review as review
from dvctt.integrations.national_portal.models import ChangeKind, ChangeState
from dvctt.integrations.national_portal.tasks import national_catalogue_pull_task
from dvctt.integrations.national_portal.views import console_required

PAGE = 100


def can_decide(user: Any) -> bool:
    """Administrators decide; monitors (and other console users) only read."""
    return bool(user.is_authenticated and (user.is_superuser or getattr(user, "role", None) == Role.ADMIN))


def _decide_required(request: HttpRequest) -> None:
    if not can_decide(request.user):
        raise PermissionDenied(_("Chỉ quản trị viên được chấp nhận hoặc từ chối khác biệt."))


def _day(text: str) -> date | None:
    text = (text or "").strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


@require_GET
@console_required
def catalogue_page(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("trang_thai", ChangeState.PENDING)
    if state not in ChangeState.values:
        state = ChangeState.PENDING
    changes = review.catalogue_changes_for_review(state=state, limit=PAGE)
    rows = [
        {
            "change": c,
            "old": review.value_display(c.kind, c.old),
            "new": review.value_display(c.kind, c.new),
            "is_new": c.kind == ChangeKind.NEW,
        }
        for c in changes
    ]
    counts = review.catalogue_change_counts()
    decide = can_decide(request.user)
    return render(
        request,
        "national_portal/catalogue_review.html",
        {
            "rows": rows,
            "state": state,
            "states": [(value, label, counts[value]) for value, label in ChangeState.choices],
            "last_pull": review.catalogue_last_pull(),
            "can_decide": decide,
            "today": timezone.localdate(),
            "units": review.units_for_new_procedures() if decide and any(r["is_new"] for r in rows) else [],
            "limit": PAGE,
        },
    )


def _back(request: HttpRequest) -> HttpResponseRedirect:
    return HttpResponseRedirect(reverse("national_portal:catalogue"))


@require_POST
@console_required
def catalogue_pull_now(request: HttpRequest) -> HttpResponse:
    _decide_required(request)
    result = task_enqueue(national_catalogue_pull_task, by=request.user.get_username())
    outcome = result.return_value if result is not None and result.is_finished else None
    if outcome is None:
        messages.info(
            request, _("Đã yêu cầu lấy danh mục TTHC từ Cổng DVCQG; kết quả hiện ở trang này khi xong.")
        )
    elif outcome.get("ok"):
        messages.success(
            request,
            _("Đã lấy %(listed)s thủ tục: %(created)s khác biệt mới, %(pending)s khác biệt chờ xem xét.")
            % outcome,
        )
    else:
        messages.error(request, outcome.get("error") or _("Không lấy được danh mục."))
    return _back(request)


@require_POST
@console_required
def catalogue_accept(request: HttpRequest, change_id: int) -> HttpResponse:
    _decide_required(request)
    raw_day = request.POST.get("valid_from", "")
    valid_from = _day(raw_day) if raw_day.strip() else timezone.localdate()
    if valid_from is None:
        messages.error(request, _("Ngày áp dụng “%(day)s” không hợp lệ (dd/mm/yyyy).") % {"day": raw_day})
        return _back(request)
    try:
        change = review.catalogue_change_accept(
            change_id=change_id,
            by=request.user,
            valid_from=valid_from,
            unit_code=request.POST.get("unit", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    messages.success(
        request,
        _("Đã chấp nhận: %(code)s · %(kind)s, áp dụng từ %(day)s.")
        % {
            "code": change.national_code,
            "kind": change.get_kind_display(),
            "day": valid_from.strftime("%d/%m/%Y"),
        },
    )
    return _back(request)


@require_POST
@console_required
def catalogue_reject(request: HttpRequest, change_id: int) -> HttpResponse:
    _decide_required(request)
    try:
        change = review.catalogue_change_reject(
            change_id=change_id, by=request.user, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return _back(request)
    messages.success(
        request,
        _("Đã từ chối: %(code)s · %(kind)s.")
        % {"code": change.national_code, "kind": change.get_kind_display()},
    )
    return _back(request)
