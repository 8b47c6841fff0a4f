"""The public pages under /huong-dan/: guides by kind, the FAQ with its search, a guide, its pictures, and the
"was this helpful?" form (a plain POST form with CSRF: it works without JavaScript). Only live copies are shown;
an unpublished or archived guide is a 404."""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.catalog.selectors import catalogue_on
from dvctt.common.errors import ConflictError, DomainError, NotFoundError, TooManyRequests
from dvctt.common.request_guard import refusal_response
from dvctt.common.throttle import throttle_check

from .. import selectors, services
from ..forms import FeedbackForm
from ..models import FAQ_PAGE, Guide, Kind

SESSION_TOKEN = "guides_voter"  # noqa: S105 - a session key name, not a secret
SESSION_VOTED = "guides_voted"
MAX_REMEMBERED_VOTES = 200


def _language() -> str:
    return "en" if (get_language() or "vi").startswith("en") else "vi"


def _voted(request: HttpRequest, page_key: str) -> bool:
    return page_key in request.session.get(SESSION_VOTED, [])


def guide_list(request: HttpRequest) -> HttpResponse:
    kind = request.GET.get("loai", "")
    status = 200
    if kind and kind not in Kind.values:
        messages.error(
            request, _("Loại hướng dẫn “%(k)s” không có; đang hiện mọi hướng dẫn.") % {"k": kind[:40]}
        )
        kind, status = "", 400
    language = _language()
    groups: dict[str, list[dict[str, Any]]] = {}
    for guide in selectors.guides_public(kind=kind):
        groups.setdefault(guide.kind, []).append(
            {"guide": guide, "shown": selectors.live_shown(guide, language=language)}
        )
    return render(
        request,
        "guides/guide_list.html",
        {
            "groups": [(value, label, groups[value]) for value, label in Kind.choices if value in groups],
            "kinds": Kind.choices,
            "kind": kind,
            "faq_count": selectors.faqs_public().count(),
            "breadcrumbs": [{"label": _("Hướng dẫn"), "url": None}],
        },
        status=status,
    )


def guide_detail(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        guide = selectors.guide_get_public(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    shown = selectors.live_shown(guide, language=_language())
    procedures = (
        catalogue_on(on=timezone.localdate())
        .filter(procedure__in=guide.live_procedures.all())
        .select_related("procedure")
        .order_by("procedure__code")
    )
    page_key = f"guide:{guide.pk}"
    return render(
        request,
        "guides/guide_detail.html",
        {
            "guide": guide,
            "shown": shown,
            "videos": (guide.live or {}).get("videos", []),
            "procedures": procedures,
            "kind_label": selectors.kind_label(guide.kind),
            "voted": _voted(request, page_key),
            "feedback_url": reverse("guides:guide_feedback", kwargs={"slug": guide.slug}),
            "feedback_form": FeedbackForm(),
            "breadcrumbs": [
                {"label": _("Hướng dẫn"), "url": reverse("guides:list")},
                {"label": shown.title, "url": None},
            ],
        },
    )


def faq_page(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[: selectors.MAX_QUERY_CHARS]
    topic = request.GET.get("chu-de", "")
    status = 200
    if topic and topic not in Kind.values:
        messages.error(request, _("Chủ đề “%(k)s” không có; đang hiện mọi chủ đề.") % {"k": topic[:40]})
        topic, status = "", 400
    language = _language()
    entries: list[dict[str, Any]] = [
        {"faq": faq, "shown": selectors.live_shown(faq, language=language)}
        for faq in selectors.faqs_public(query=query, topic=topic)
    ]
    groups: dict[str, list[dict[str, Any]]] = {}
    for entry in entries:
        groups.setdefault(entry["faq"].topic, []).append(entry)
    guides = (
        [
            {"guide": g, "shown": selectors.live_shown(g, language=language)}
            for g in selectors.guides_public(query=query)[:10]
        ]
        if query
        else []
    )
    return render(
        request,
        "guides/faq_page.html",
        {
            "query": query,
            "topic": topic,
            "kinds": Kind.choices,
            "groups": [(value, label, groups[value]) for value, label in Kind.choices if value in groups],
            "count": len(entries),
            "guides": guides,
            "voted": _voted(request, FAQ_PAGE),
            "feedback_url": reverse("guides:faq_feedback"),
            "feedback_form": FeedbackForm(),
            "breadcrumbs": [
                {"label": _("Hướng dẫn"), "url": reverse("guides:list")},
                {"label": _("Câu hỏi thường gặp"), "url": None},
            ],
        },
        status=status,
    )


def image(request: HttpRequest, image_id: int) -> HttpResponseBase:
    try:
        stored = selectors.image_get_for(user=request.user, image_id=image_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    try:
        handle = stored.file.open("rb")
    except OSError:
        raise Http404(_("Ảnh không còn trên máy chủ lưu trữ.")) from None
    response = FileResponse(handle, content_type=stored.content_type)
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "public, max-age=3600" if stored.guide.is_live else "private, no-store"
    return response


def _feedback_limited(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """At most ``DVCTT_GUIDE_FEEDBACK_LIMIT`` posts of the form per client address and window (every post counts,
    before anything is read or written): one vote per session does not stop a client that starts a new session
    for each post. Past the limit, 429 with Retry-After and nothing written. Reading the pages is never counted."""

    @wraps(view)
    def limited(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            throttle_check(
                request=request,
                scope="guide-feedback",
                limit=settings.DVCTT_GUIDE_FEEDBACK_LIMIT,
                window=settings.DVCTT_GUIDE_FEEDBACK_WINDOW,
            )
        except TooManyRequests as exc:
            message = _(
                "Hệ thống đã nhận quá nhiều góp ý từ địa chỉ mạng của Ông/Bà. Vui lòng thử lại sau %(n)s phút."
            ) % {"n": math.ceil(exc.retry_after / 60)}
            title = _("Gửi góp ý quá nhiều lần")
            refused = refusal_response(request, status=429, code=exc.code, message=message, title=title)
            refused["Retry-After"] = str(exc.retry_after)
            return refused
        return view(request, *args, **kwargs)

    return limited


def _feedback(request: HttpRequest, *, page_key: str, guide: Guide | None, back: str) -> HttpResponse:
    form = FeedbackForm(request.POST)
    if not form.is_valid():
        if "comment" in form.errors:
            messages.error(
                request, _("Góp ý dài quá %(n)s ký tự: hãy viết ngắn hơn.") % {"n": services.COMMENT_MAX}
            )
        else:
            messages.error(request, _("Hãy chọn “Có” hoặc “Không”."))
        return redirect(back)
    token = request.session.get(SESSION_TOKEN)
    if not isinstance(token, str) or len(token) < 16:
        token = secrets.token_hex(16)
        request.session[SESSION_TOKEN] = token
    try:
        services.feedback_record(
            page_key=page_key,
            guide=guide,
            helpful=form.cleaned_data["helpful"] == "yes",
            comment=form.cleaned_data["comment"],
            token=token,
            language=_language(),
        )
    except ConflictError as exc:
        messages.info(request, exc.message)
    except DomainError as exc:
        messages.error(request, exc.message)
        return redirect(back)
    else:
        messages.success(
            request, _("Cảm ơn bạn đã góp ý. Ý kiến của bạn giúp chúng tôi hoàn thiện hướng dẫn.")
        )
    voted = [k for k in request.session.get(SESSION_VOTED, []) if k != page_key][-MAX_REMEMBERED_VOTES:]
    request.session[SESSION_VOTED] = [*voted, page_key]
    return redirect(back)


@require_POST
@_feedback_limited
def guide_feedback(request: HttpRequest, slug: str) -> HttpResponse:
    try:
        guide = selectors.guide_get_public(slug=slug)
    except NotFoundError as exc:
        raise Http404(exc.message) from exc
    back = reverse("guides:guide", kwargs={"slug": guide.slug}) + "#gop-y"
    return _feedback(request, page_key=f"guide:{guide.pk}", guide=guide, back=back)


@require_POST
@_feedback_limited
def faq_feedback(request: HttpRequest) -> HttpResponse:
    return _feedback(request, page_key=FAQ_PAGE, guide=None, back=reverse("guides:faq") + "#gop-y")
