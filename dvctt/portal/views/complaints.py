"""The citizen's side of complaints and petitions (PAKN): rating an answer, and the public list of published
answers. Adapters over ``dvctt.portal.complaints``."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.common.errors import DomainError, NotFoundError
from dvctt.portal import complaints as pakn


def _lookup_url(code: str) -> str:
    return f"{reverse('portal:dossier_lookup')}?{urlencode({'ma': code})}#phan-anh"


@login_required
@require_POST
def complaint_rate_view(request: HttpRequest, code: str, complaint_id: int) -> HttpResponse:
    try:
        complaint = pakn.complaint_get_for_user(user=request.user, complaint_id=complaint_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None
    if complaint.dossier.code != code or complaint.author_id != request.user.pk:
        raise Http404(_("Không tìm thấy phản ánh, kiến nghị số %(id)s.") % {"id": complaint_id})
    try:
        pakn.complaint_rate(
            complaint_id=complaint.pk,
            actor=request.user,
            rating=request.POST.get("rating", ""),
            comment=request.POST.get("comment", ""),
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(_lookup_url(code))
    messages.success(request, _("Cảm ơn Ông/Bà đã đánh giá câu trả lời."))
    return redirect(_lookup_url(code))


def published_list(request: HttpRequest) -> HttpResponse:
    """Published answers for everyone: no applicant's name, no dossier code."""
    page = Paginator(pakn.complaints_published(), 20).get_page(request.GET.get("trang"))
    return render(
        request,
        "portal/complaints_published.html",
        {"page": page, "breadcrumbs": [{"label": _("Trả lời phản ánh, kiến nghị"), "url": None}]},
    )
