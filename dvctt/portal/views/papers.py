"""“Giấy tờ của tôi”: the signed-in applicant's stored papers (what they uploaded, the results handed over to them),
with a download link through the dossier's permission-checked file path, and a way to hide one or show it again.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.common.errors import DomainError
from dvctt.dossiers.selectors_papers import papers_of
from dvctt.dossiers.services import paper_hide, paper_unhide
from dvctt.portal.views.errors import raise_http

#: The most papers a page lists (newest first); more would be a list nobody reads on a phone.
PAPERS_PER_PAGE = 500


@login_required
def my_papers(request: HttpRequest) -> HttpResponse:
    """Shown papers, or with ``?da-an=1`` the hidden ones (to show one again)."""
    hidden = request.GET.get("da-an") == "1"
    papers = list(papers_of(request.user, hidden=hidden)[:PAPERS_PER_PAGE])  # type: ignore[arg-type]
    hidden_count = 0 if hidden else papers_of(request.user, hidden=True).count()  # type: ignore[arg-type]
    return render(
        request,
        "portal/my_papers.html",
        {"papers": papers, "hidden": hidden, "hidden_count": hidden_count},
    )


def _back(request: HttpRequest, *, hidden: bool) -> HttpResponse:
    url = reverse("portal:my_papers")
    return redirect(f"{url}?da-an=1" if hidden else url)


@login_required
@require_POST
def my_paper_hide(request: HttpRequest, paper_id: int) -> HttpResponse:
    try:
        paper_hide(actor=request.user, paper_id=paper_id)  # type: ignore[arg-type]
    except DomainError as exc:
        raise_http(exc)
        raise
    messages.success(
        request,
        _("Đã ẩn giấy tờ. Hồ sơ đã nộp vẫn giữ nguyên giấy tờ này; bạn có thể hiện lại bất cứ lúc nào."),
    )
    return _back(request, hidden=False)


@login_required
@require_POST
def my_paper_unhide(request: HttpRequest, paper_id: int) -> HttpResponse:
    try:
        paper_unhide(actor=request.user, paper_id=paper_id)  # type: ignore[arg-type]
    except DomainError as exc:
        raise_http(exc)
        raise
    messages.success(request, _("Đã hiện lại giấy tờ trong “Giấy tờ của tôi”."))
    return _back(request, hidden=True)
