"""“Giấy tờ của tôi”: the signed-in applicant's stored papers (what they uploaded, the results handed over to them),
with a download link through the dossier's permission-checked file path, and a way to hide one or show it again;
and the picker of a new dossier's document slot (search, page, choose one instead of an upload).

Both pages search with a GET form and page with links (``q``, ``trang``): they work without JavaScript, and a page
costs the same few queries whatever the number of papers.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.common.errors import DomainError
from dvctt.dossiers.selectors_papers import SEARCH_MAX_CHARS, paper_dossier_codes, papers_of
from dvctt.dossiers.services import paper_hide, paper_unhide
from dvctt.portal.selectors import draft_get_for_user, draft_version
from dvctt.portal.views.errors import raise_http

#: Papers per page (newest first): a list read on a phone; the search and the next page find the rest.
PAPERS_PER_PAGE = 20


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:SEARCH_MAX_CHARS]


def _page(request: HttpRequest, papers: Any) -> Page:
    """The asked page (``trang``); a page past the end is the last one (a paper hidden meanwhile), not an error."""
    return Paginator(papers, PAPERS_PER_PAGE).get_page(request.GET.get("trang"))


def _page_links(url: str, page: Page, params: dict[str, str]) -> dict[str, str]:
    """The previous and next pages' addresses, keeping the search."""
    kept = {name: value for name, value in params.items() if value}
    links = {}
    if page.has_previous():
        links["previous"] = f"{url}?{urlencode({**kept, 'trang': page.previous_page_number()})}"
    if page.has_next():
        links["next"] = f"{url}?{urlencode({**kept, 'trang': page.next_page_number()})}"
    return links


@login_required
def my_papers(request: HttpRequest) -> HttpResponse:
    """Shown papers, or with ``?da-an=1`` the hidden ones (to show one again); ``q`` searches, ``trang`` pages."""
    hidden = request.GET.get("da-an") == "1"
    query = _search(request)
    page = _page(request, papers_of(request.user, hidden=hidden, query=query))  # type: ignore[arg-type]
    papers = list(page.object_list)
    codes = paper_dossier_codes(user=request.user, papers=papers)  # type: ignore[arg-type]
    hidden_count = 0 if hidden else papers_of(request.user, hidden=True).count()  # type: ignore[arg-type]
    url = reverse("portal:my_papers")
    return render(
        request,
        "portal/my_papers.html",
        {
            "papers": [(paper, codes[paper.pk]) for paper in papers],
            "page": page,
            "links": _page_links(url, page, {"q": query, "da-an": "1" if hidden else ""}),
            "query": query,
            "hidden": hidden,
            "hidden_count": hidden_count,
        },
    )


@login_required
def draft_paper_pick(request: HttpRequest, draft_id: int, position: int) -> HttpResponse:
    """The picker of one document slot of a draft: the applicant's papers, searched and paged; choosing one posts
    ``paper-<position>`` to the files step, which attaches it as if chosen in the step's own list."""
    try:
        draft = draft_get_for_user(user=request.user, draft_id=draft_id, open_only=True)  # type: ignore[arg-type]
        version = draft_version(procedure_code=draft.procedure_code)
    except DomainError as exc:
        raise_http(exc)
        raise
    component = next((c for c in version.components.all() if c.position == position), None)
    if component is None:
        raise Http404(_("Thành phần hồ sơ không hợp lệ."))
    query = _search(request)
    page = _page(request, papers_of(request.user, query=query))  # type: ignore[arg-type]
    papers = list(page.object_list)
    codes = paper_dossier_codes(user=request.user, papers=papers)  # type: ignore[arg-type]
    url = reverse("portal:draft_paper_pick", args=[draft.pk, position])
    return render(
        request,
        "portal/draft_paper_pick.html",
        {
            "draft": draft,
            "version": version,
            "component": component,
            "papers": [(paper, codes[paper.pk]) for paper in papers],
            "page": page,
            "links": _page_links(url, page, {"q": query}),
            "query": query,
        },
    )


def _back(request: HttpRequest, *, hidden: bool) -> HttpResponse:
    """Back to the list the action came from, keeping its search (``q`` posted with the action)."""
    params = {"da-an": "1"} if hidden else {}
    query = request.POST.get("q", "").strip()[:SEARCH_MAX_CHARS]
    if query:
        params["q"] = query
    url = reverse("portal:my_papers")
    return redirect(f"{url}?{urlencode(params)}" if params else url)


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
