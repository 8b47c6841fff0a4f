"""The inbox (hộp hồ sơ) and the search: what waits for the official, with due-time colours."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dvctt.accounts.models import User
from dvctt.accounts.scopes import user_can_see_personal_ids
from dvctt.backoffice.forms import DUE_LABELS, FINISHED, InboxFilterForm, SearchForm
from dvctt.backoffice.views.access import breadcrumbs, official_required
from dvctt.common.masking import mask_id
from dvctt.dossiers import selectors_inbox as inbox
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status

PAGE_SIZE = 50


def _row(dossier: Dossier, *, user: User, now, soon) -> dict:
    visible = user_can_see_personal_ids(user, dossier.unit_id)
    return {
        "dossier": dossier,
        "due_state": inbox.due_state(dossier, now=now, soon=soon),
        "id_number": dossier.applicant_id_number if visible else mask_id(dossier.applicant_id_number),
    }


@official_required
def inbox_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = InboxFilterForm(request.GET or None)
    valid = form.is_valid() if request.GET else True
    data = form.cleaned_data if request.GET and valid else {}
    finished = data.get("xem") == FINISHED
    filters = inbox.InboxFilters(
        mine=bool(data.get("cua_toi")),
        status=data.get("trang_thai"),
        procedure=(data.get("thu_tuc") or "").strip(),
        channel=data.get("kenh"),
        due=data.get("han") or "",
        sort=data.get("sap_xep") or ("-ended" if finished else "work"),
        finished=finished,
    )
    now = timezone.now()
    soon = inbox.due_soon_limit(now=now)
    base = inbox.inbox_base(user=user, mine=filters.mine)
    counts = inbox.inbox_counts(base, now=now, soon=soon)
    if finished:
        # Only when asked: what no longer waits for anyone, newest end first (its own COUNT for the pages).
        listed = inbox.inbox_filter(
            inbox.inbox_finished(user=user, mine=filters.mine), filters=filters, now=now, soon=soon
        )
    else:
        listed = inbox.inbox_filter(base, filters=filters, now=now, soon=soon)
    if filters.status:
        listed = listed.filter(status=filters.status)
    paginator = Paginator(inbox.inbox_rows(listed, sort=filters.sort), PAGE_SIZE)
    if not finished and not filters.procedure and not filters.channel:
        # The grouped counts already say how long the list is: no second COUNT(*) over the open dossiers.
        paginator.__dict__["count"] = counts.count_for(status=filters.status, due=filters.due)
    page = paginator.get_page(request.GET.get("trang"))
    rows = [_row(d, user=user, now=now, soon=soon) for d in page.object_list]
    query = request.GET.copy()
    query.pop("trang", None)
    status_query = request.GET.copy()
    for key in ("trang", "trang_thai", "xem"):
        status_query.pop(key, None)
    return render(
        request,
        "backoffice/inbox.html",
        {
            "form": form,
            "filters": filters,
            "counts": counts,
            "status_tabs": [
                {"code": s.value, "label": s.label, "count": counts.by_status.get(s.value, 0)}
                for s in Status
                if s.value in inbox.OPEN_STATUSES
            ],
            "due_tabs": [
                {"key": k, "label": DUE_LABELS[k], "count": counts.by_due[k]} for k in inbox.DUE_STATES
            ],
            "page": page,
            "finished": finished,
            "finished_key": FINISHED,
            "rows": rows,
            "query": query.urlencode(),
            "status_query": status_query.urlencode(),
            "breadcrumbs": breadcrumbs((_("Hộp hồ sơ"), None)),
        },
        status=200 if valid else 400,
    )


@official_required
def search_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    form = SearchForm(request.GET or None)
    rows: list[dict] = []
    searched = False
    if request.GET and form.is_valid() and form.cleaned_data["q"]:
        searched = True
        now = timezone.now()
        soon = inbox.due_soon_limit(now=now)
        rows = [
            _row(d, user=user, now=now, soon=soon)
            for d in inbox.dossier_search(user=user, query=form.cleaned_data["q"])
        ]
    return render(
        request,
        "backoffice/search.html",
        {
            "form": form,
            "rows": rows,
            "searched": searched,
            "breadcrumbs": breadcrumbs((_("Tìm hồ sơ"), None)),
        },
    )
