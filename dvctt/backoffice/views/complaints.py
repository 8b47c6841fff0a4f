"""Complaints and petitions (PAKN) for the officials: a list with due colours, one page per complaint with the
moves the reader may make (assign, answer, publish, close). Adapters over ``dvctt.portal.complaints``."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dvctt.accounts.models import User
from dvctt.backoffice.views.access import breadcrumbs, official_required
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.complaints.models import ComplaintState
from dvctt.dossiers import selectors_inbox as inbox
from dvctt.portal import complaints as pakn

PAGE_SIZE = 50
FILTERS: dict[str, Any] = {
    "open": gettext_lazy("Đang xử lý"),
    "late": gettext_lazy("Quá hạn"),
    "soon": gettext_lazy("Đến hạn trong 1 ngày"),
    "on_track": gettext_lazy("Trong hạn"),
    "answered": gettext_lazy("Đã trả lời"),
    "all": gettext_lazy("Tất cả"),
}


@official_required
def complaint_list(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    selected = request.GET.get("loc", "open")
    if selected not in FILTERS:
        selected = "open"
    now = timezone.now()
    soon = inbox.due_soon_limit(now=now)
    base = pakn.complaints_visible_to(user)
    tabs = [
        {
            "key": key,
            "label": label,
            "count": base.filter(pakn.complaint_due_filter(key, now=now, soon=soon)).count(),
        }
        for key, label in FILTERS.items()
    ]
    listed = base.filter(pakn.complaint_due_filter(selected, now=now, soon=soon)).order_by(
        "due_at", "received_at", "id"
    )
    page = Paginator(listed, PAGE_SIZE).get_page(request.GET.get("trang"))
    rows = [{"c": c, "due_state": pakn.complaint_due_state(c, now=now, soon=soon)} for c in page]
    return render(
        request,
        "backoffice/complaints.html",
        {
            "tabs": tabs,
            "selected": selected,
            "rows": rows,
            "page": page,
            "breadcrumbs": breadcrumbs((_("Phản ánh, kiến nghị"), None)),
        },
    )


def _complaint(user: User, complaint_id: int):
    try:
        return pakn.complaint_get_for_user(user=user, complaint_id=complaint_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _detail_context(user: User, complaint: Any) -> dict[str, Any]:
    now = timezone.now()
    moves = pakn.complaint_moves_for(user=user, complaint=complaint)
    return {
        "c": complaint,
        "due_state": pakn.complaint_due_state(complaint, now=now, soon=inbox.due_soon_limit(now=now)),
        "moves": moves,
        "assignees": pakn.complaint_assignees(complaint=complaint) if "assign" in moves else [],
        "events": [
            {
                "e": e,
                "label": pakn.EVENT_LABELS.get(e.action, e.action),
                "state": ComplaintState(e.to_state).label,
            }
            for e in pakn.complaint_events(complaint=complaint)
        ],
        "answer_max": pakn.FREE_TEXT_MAX_CHARS,
        "breadcrumbs": breadcrumbs(
            (_("Phản ánh, kiến nghị"), reverse("backoffice:complaints")), (complaint.subject, None)
        ),
    }


@official_required
def complaint_page(request: HttpRequest, complaint_id: int) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    complaint = _complaint(user, complaint_id)
    return render(request, "backoffice/complaint_detail.html", _detail_context(user, complaint))


@official_required
@require_POST
def complaint_action(request: HttpRequest, complaint_id: int, move: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    if move not in pakn.TRANSITIONS:
        raise Http404(_("Không có thao tác “%(move)s”.") % {"move": move})
    complaint = _complaint(user, complaint_id)
    try:
        pakn.complaint_move(name=move, complaint_id=complaint.pk, actor=user, data=request.POST.dict())
    except DomainError as exc:
        context = _detail_context(user, _complaint(user, complaint_id))
        context.update(error=exc.message, field_errors=exc.fields, typed=request.POST.get("answer", ""))
        return render(request, "backoffice/complaint_detail.html", context, status=exc.http_status)
    messages.success(
        request,
        _("Đã thực hiện: %(move)s.") % {"move": pakn.TRANSITIONS[move].label},
    )
    return redirect("backoffice:complaint", complaint_id=complaint.pk)
