"""Reads of guides and FAQ entries: the public reads only live copies; the back office reads are for writers.

Search ignores case and diacritics with the same folding as the procedures' search (``dvctt.common.text.fold``):
every word of the query must be in the folded live text (titles and texts, Vietnamese and English).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from dvctt.common.errors import AccessDenied, NotFoundError
from dvctt.common.text import fold

from . import access
from .models import FAQ_PAGE, Faq, Feedback, Guide, GuideImage, Kind, Publishable, Status
from .rendering import render_markdown

MAX_QUERY_WORDS = 8
MAX_QUERY_CHARS = 200


@dataclass(frozen=True)
class Shown:
    """A text in the reader's language: English when asked and written, else Vietnamese (``fallback``)."""

    title: str
    html: SafeString
    lang: str
    fallback: bool


def _pick(*, language: str, title_vi: str, title_en: str, html_vi: str, html_en: str) -> Shown:
    if language == "en" and title_en and html_en:
        return Shown(title=title_en, html=mark_safe(html_en), lang="en", fallback=False)
    # the HTML was rendered and sanitised by guides.rendering (at publication, or just now for a preview)
    return Shown(title=title_vi, html=mark_safe(html_vi), lang="vi", fallback=language == "en")


def live_shown(item: Publishable, *, language: str) -> Shown:
    """The published copy of a guide or FAQ entry, in ``language`` when it has that version."""
    live = item.live or {}
    return _pick(
        language=language,
        title_vi=str(live.get("title_vi", "")),
        title_en=str(live.get("title_en", "")),
        html_vi=str(live.get("html_vi", "")),
        html_en=str(live.get("html_en", "")),
    )


def working_shown(item: Guide | Faq, *, language: str) -> Shown:
    """The working copy rendered now (the back office's preview)."""
    if isinstance(item, Guide):
        title_vi, title_en, body_vi, body_en = item.title_vi, item.title_en, item.body_vi, item.body_en
    else:
        title_vi, title_en, body_vi, body_en = (
            item.question_vi,
            item.question_en,
            item.answer_vi,
            item.answer_en,
        )
    return _pick(
        language=language,
        title_vi=title_vi,
        title_en=title_en,
        html_vi=render_markdown(body_vi),
        html_en=render_markdown(body_en),
    )


def _words(query: str) -> list[str]:
    return fold(query[:MAX_QUERY_CHARS]).split()[:MAX_QUERY_WORDS]


def _matching(qs: QuerySet[Any], query: str) -> QuerySet[Any]:
    for word in _words(query):
        qs = qs.filter(live_folded__contains=word)
    return qs


# Public -----------------------------------------------------------------------------------------------------


def guides_public(*, kind: str = "", query: str = "") -> QuerySet[Guide]:
    """Live guides (of one kind, matching a query), in the department's order."""
    qs = Guide.objects.filter(is_live=True)
    if kind:
        qs = qs.filter(kind=kind)
    if query.strip():
        qs = _matching(qs, query)
    return qs.order_by("order", "slug")


def guide_get_public(*, slug: str) -> Guide:
    """A live guide; NotFoundError for an unknown, unpublished or archived one."""
    guide = Guide.objects.filter(is_live=True, slug=slug).first()
    if guide is None:
        raise NotFoundError(_("Không có hướng dẫn này."), code="guide_not_found")
    return guide


def guides_for_procedure(*, code: str) -> list[Guide]:
    """Live guides attached (in their published version) to procedure ``code``. One query."""
    return list(Guide.objects.filter(is_live=True, live_procedures__code=code).order_by("order", "slug"))


def faqs_public(*, query: str = "", topic: str = "") -> QuerySet[Faq]:
    """Live FAQ entries (of one topic, matching a query: case and diacritics ignored)."""
    qs = Faq.objects.filter(is_live=True)
    if topic:
        qs = qs.filter(topic=topic)
    if query.strip():
        qs = _matching(qs, query)
    return qs.order_by("topic", "order", "pk")


def image_get_for(*, user: Any, image_id: int) -> GuideImage:
    """A picture of a live guide (anyone), or of any guide (writers). NotFoundError otherwise."""
    image = GuideImage.objects.select_related("guide").filter(pk=image_id).first()
    if image is None or not (image.guide.is_live or access.can_write(user)):
        raise NotFoundError(_("Không có ảnh này."), code="image_not_found")
    return image


# Back office ------------------------------------------------------------------------------------------------


def _writer(user: Any) -> None:
    if not access.can_write(user):
        raise AccessDenied(_("Trang này dành cho cán bộ theo dõi kế hoạch và quản trị viên."))


def guides_for_desk(*, user: Any, status: str = "", kind: str = "", query: str = "") -> QuerySet[Guide]:
    _writer(user)
    qs = Guide.objects.select_related("author", "reviewer")
    if status:
        qs = qs.filter(status=status)
    if kind:
        qs = qs.filter(kind=kind)
    text = query.strip()[:MAX_QUERY_CHARS]
    if text:
        qs = qs.filter(Q(title_vi__icontains=text) | Q(title_en__icontains=text) | Q(slug__icontains=text))
    return qs.order_by("-updated_at", "-pk")


def faqs_for_desk(*, user: Any, status: str = "", topic: str = "", query: str = "") -> QuerySet[Faq]:
    _writer(user)
    qs = Faq.objects.select_related("author", "reviewer")
    if status:
        qs = qs.filter(status=status)
    if topic:
        qs = qs.filter(topic=topic)
    text = query.strip()[:MAX_QUERY_CHARS]
    if text:
        qs = qs.filter(Q(question_vi__icontains=text) | Q(question_en__icontains=text))
    return qs.order_by("topic", "order", "pk")


def status_counts(*, user: Any, model: type[Publishable]) -> dict[str, int]:
    _writer(user)
    counts = dict(model.objects.values_list("status").annotate(n=Count("pk")).values_list("status", "n"))  # type: ignore[attr-defined]
    return {value: counts.get(value, 0) for value in Status.values}


def guide_get_for_desk(*, user: Any, guide_id: int) -> Guide:
    _writer(user)
    guide = Guide.objects.select_related("author", "reviewer").filter(pk=guide_id).first()
    if guide is None:
        raise NotFoundError(_("Không có hướng dẫn này."))
    return guide


def faq_get_for_desk(*, user: Any, faq_id: int) -> Faq:
    _writer(user)
    faq = Faq.objects.select_related("author", "reviewer").filter(pk=faq_id).first()
    if faq is None:
        raise NotFoundError(_("Không có câu hỏi này."))
    return faq


def revisions(*, item: Guide | Faq, limit: int = 200) -> list[Any]:
    """The working copy's history, newest first: who saved, when, which move. A guide's revisions also say which
    procedures were attached, and ``procedures_changed`` marks a revision whose set differs from the one before
    (unknown on revisions older than the codes: never marked)."""
    rows = list(item.history.select_related("history_user").order_by("-history_date", "-history_id")[:limit])
    if isinstance(item, Guide):
        for newer, older in zip(rows, [*rows[1:], None], strict=True):
            before = None if older is None else older.procedure_codes
            newer.procedures_changed = (
                None not in (before, newer.procedure_codes) and before != newer.procedure_codes
            )
    return rows


def revision_get(*, item: Guide | Faq, history_id: int) -> Any:
    found = item.history.filter(history_id=history_id).select_related("history_user").first()
    if found is None:
        raise NotFoundError(_("Không có phiên bản này."))
    return found


# Feedback ---------------------------------------------------------------------------------------------------


@dataclass
class PageFeedback:
    page_key: str
    title: str
    url_slug: str  # the guide's slug; "" for the FAQ page
    live: bool
    total: int = 0
    helpful: int = 0
    last_at: datetime | None = None
    comments: list[Feedback] = field(default_factory=list)

    @property
    def not_helpful(self) -> int:
        return self.total - self.helpful

    @property
    def percent(self) -> float | None:
        return round(100 * self.helpful / self.total, 1) if self.total else None


def feedback_summary(*, user: Any) -> list[PageFeedback]:
    """Every public page (the FAQ page, each guide live or having votes) with its votes; most votes first.
    Three queries."""
    _writer(user)
    counts = {
        row["page_key"]: row
        for row in Feedback.objects.values("page_key").annotate(
            total=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)), last_at=Max("created_at")
        )
    }
    guide_ids = {int(k.split(":", 1)[1]) for k in counts if k.startswith("guide:")}
    guides = Guide.objects.filter(Q(is_live=True) | Q(pk__in=guide_ids)).only(
        "pk", "slug", "title_vi", "is_live", "live"
    )
    pages = [PageFeedback(page_key=FAQ_PAGE, title=_("Câu hỏi thường gặp"), url_slug="", live=True)]
    pages += [
        PageFeedback(
            page_key=f"guide:{g.pk}",
            title=str((g.live or {}).get("title_vi") or g.title_vi),
            url_slug=g.slug,
            live=g.is_live,
        )
        for g in guides
    ]
    for page in pages:
        row = counts.get(page.page_key)
        if row:
            page.total, page.helpful, page.last_at = row["total"], row["helpful"], row["last_at"]
    return sorted(pages, key=lambda p: (-p.total, p.title))


def feedback_comments(*, user: Any, page_key: str = "", limit: int = 500) -> QuerySet[Feedback]:
    """The answers with a comment (of one page), newest first."""
    _writer(user)
    qs = Feedback.objects.exclude(comment="")
    if page_key:
        qs = qs.filter(page_key=page_key)
    return qs.order_by("-created_at", "-pk")[:limit]


def feedback_all(*, user: Any) -> QuerySet[Feedback]:
    _writer(user)
    return Feedback.objects.order_by("page_key", "-created_at", "-pk")


def kind_label(value: str) -> str:
    return str(Kind(value).label) if value in Kind.values else value
