"""The department's pages under /theo-doi/huong-dan/: write, preview, review and publish guides and FAQ entries,
upload pictures, read the history, see the public's feedback (docs/guides.md).

Thin adapters: parse, fetch through guides.selectors (writers only), call one service, render. Bad input is
shown on the page in Vietnamese; a reader without the right gets a Vietnamese 403 page, anonymous users the login.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.common.errors import DomainError, NotFoundError

from .. import access, selectors, services, workflow
from ..forms import FaqForm, GuideForm, ImageForm, ReasonForm, parse_codes, parse_videos, videos_text
from ..models import Faq, Guide, Kind, Status
from ..rendering import render_markdown
from ..sheets import feedback_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(markdown: str) -> SafeString:
    """Markdown rendered and sanitised by guides.rendering: safe to show as HTML."""
    return mark_safe(render_markdown(markdown))


def _error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "guides/desk_error.html", {"message": message, "status": status}, status=status)


def _gate(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_write(request.user):
        return _error(request, _("Trang này dành cho cán bộ theo dõi kế hoạch và quản trị viên."), status=403)
    return None


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": _("Theo dõi"), "url": reverse("dashboards:overview")}] + [
        {"label": label, "url": url} for label, url in items
    ]


def _list_filters(request: HttpRequest) -> tuple[str, str, str]:
    status = request.GET.get("tt", "")
    kind = request.GET.get("loai", "")
    if status and status not in Status.values:
        raise DomainError(_("Trạng thái “%(s)s” không hợp lệ.") % {"s": status[:40]})
    if kind and kind not in Kind.values:
        raise DomainError(_("Loại “%(s)s” không hợp lệ.") % {"s": kind[:40]})
    return status, kind, request.GET.get("q", "").strip()[:100]


def _moves_for(user: Any, item: Any) -> list[workflow.Move]:
    return [
        move
        for move in workflow.MOVES.values()
        if item.status in move.sources and access.may_move(user, item, move.who)
    ]


def _form_errors(form: Any, exc: DomainError) -> None:
    for name, errors in exc.fields.items():
        if name in form.fields:
            form.add_error(name, errors)
    form.add_error(None, exc.message)


# Guides -----------------------------------------------------------------------------------------------------


def guide_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        status, kind, query = _list_filters(request)
    except DomainError as exc:
        return _error(request, exc.message, status=400)
    return render(
        request,
        "guides/desk_guide_list.html",
        {
            "guides": selectors.guides_for_desk(user=request.user, status=status, kind=kind, query=query),
            "counts": selectors.status_counts(user=request.user, model=Guide),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "typed": request.GET,
            "breadcrumbs": _crumbs((_("Hướng dẫn"), None)),
            "tab": "guides",
            "subtab": "guides",
        },
    )


def _guide_initial(guide: Guide) -> dict[str, Any]:
    return {
        "kind": guide.kind,
        "order": guide.order,
        "title_vi": guide.title_vi,
        "body_vi": guide.body_vi,
        "title_en": guide.title_en,
        "body_en": guide.body_en,
        "videos": videos_text(guide.videos),
        "procedures": "\n".join(guide.procedures.order_by("code").values_list("code", flat=True)),
    }


def _guide_form_page(request: HttpRequest, *, guide: Guide | None) -> HttpResponse:
    editing = guide is not None
    form = GuideForm(
        request.POST or None, editing=editing, initial=_guide_initial(guide) if guide is not None else None
    )
    preview = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                status = 200
                preview = {
                    "title_vi": data["title_vi"],
                    "html_vi": _safe(data["body_vi"]),
                    "title_en": data["title_en"],
                    "html_en": _safe(data["body_en"]),
                }
            else:
                common = dict(
                    actor=request.user,
                    kind=data["kind"],
                    order=data["order"],
                    title_vi=data["title_vi"],
                    body_vi=data["body_vi"],
                    title_en=data["title_en"],
                    body_en=data["body_en"],
                    videos=parse_videos(data["videos"]),
                    procedure_codes=parse_codes(data["procedures"]),
                )
                try:
                    if guide is None:
                        saved = services.guide_create(slug=data["slug"], **common)
                    else:
                        saved = services.guide_update(guide_id=guide.pk, **common)
                except DomainError as exc:
                    _form_errors(form, exc)
                else:
                    messages.success(request, _("Đã lưu bản nháp “%(t)s”.") % {"t": saved.title_vi})
                    return redirect("guides_desk:guide", guide_id=saved.pk)
    title = _("Sửa hướng dẫn") if editing else _("Viết hướng dẫn mới")
    crumbs = [(_("Hướng dẫn"), reverse("guides_desk:guides"))]
    if guide is not None:
        crumbs.append((guide.title_vi, reverse("guides_desk:guide", kwargs={"guide_id": guide.pk})))
    return render(
        request,
        "guides/desk_guide_form.html",
        {
            "form": form,
            "guide": guide,
            "preview": preview,
            "title": title,
            "breadcrumbs": _crumbs(*crumbs, (title, None)),
            "tab": "guides",
            "subtab": "guides",
        },
        status=status,
    )


def guide_create(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    return _guide_form_page(request, guide=None)


def guide_edit(request: HttpRequest, guide_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        guide = selectors.guide_get_for_desk(user=request.user, guide_id=guide_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    if guide.status not in workflow.EDITABLE:
        messages.error(
            request,
            _("Bài đang chờ duyệt: rút về hoặc chờ người duyệt trả lại rồi mới sửa.")
            if guide.status == Status.REVIEW
            else _("Bài đã lưu trữ: mở lại để sửa."),
        )
        return redirect("guides_desk:guide", guide_id=guide.pk)
    return _guide_form_page(request, guide=guide)


def guide_detail(
    request: HttpRequest, guide_id: int, *, status: int = 200, reason_form: Any = None
) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        guide = selectors.guide_get_for_desk(user=request.user, guide_id=guide_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    return render(
        request,
        "guides/desk_guide_detail.html",
        {
            "item": guide,
            "guide": guide,
            "preview_vi": selectors.working_shown(guide, language="vi"),
            "preview_en": selectors.working_shown(guide, language="en"),
            "procedures": guide.procedures.order_by("code"),
            "images": guide.images.order_by("pk"),
            "image_form": ImageForm(),
            "reason_form": reason_form or ReasonForm(),
            "moves": _moves_for(request.user, guide),
            "own_text": guide.author_id == request.user.pk and not access.is_administrator(request.user),
            "editable": guide.status in workflow.EDITABLE,
            "history": selectors.revisions(item=guide),
            "breadcrumbs": _crumbs((_("Hướng dẫn"), reverse("guides_desk:guides")), (guide.title_vi, None)),
            "tab": "guides",
            "subtab": "guides",
        },
        status=status,
    )


@require_POST
def guide_image(request: HttpRequest, guide_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp ảnh."))
        return redirect("guides_desk:guide", guide_id=guide_id)
    try:
        image = services.guide_image_add(
            actor=request.user, guide_id=guide_id, upload=form.cleaned_data["image"]
        )
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        url = reverse("guides:image", kwargs={"image_id": image.pk})
        messages.success(
            request,
            _("Đã tải ảnh lên. Chèn vào nội dung: ![mô tả ảnh](%(url)s)") % {"url": url},
        )
    return redirect(reverse("guides_desk:guide", kwargs={"guide_id": guide_id}) + "#anh")


@require_POST
def guide_move(request: HttpRequest, guide_id: int, action: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if action not in workflow.MOVES:
        return _error(request, _("Không có thao tác “%(a)s”.") % {"a": action[:40]}, status=404)
    reason_form = ReasonForm(request.POST)
    reason = reason_form.data.get("reason", "") if action == "return" else ""
    try:
        guide = services.publishable_move(
            model=Guide, item_id=guide_id, action=action, actor=request.user, reason=str(reason)
        )
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.fields.get("reason"):
            reason_form.add_error("reason", exc.fields["reason"])
        return guide_detail(request, guide_id, status=exc.http_status, reason_form=reason_form)
    messages.success(
        request,
        _("“%(t)s”: %(move)s — xong.") % {"t": guide.title_vi, "move": workflow.MOVES[action].label},
    )
    return redirect("guides_desk:guide", guide_id=guide.pk)


def guide_revision(request: HttpRequest, guide_id: int, history_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        guide = selectors.guide_get_for_desk(user=request.user, guide_id=guide_id)
        revision = selectors.revision_get(item=guide, history_id=history_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    return render(
        request,
        "guides/desk_revision.html",
        {
            "item": guide,
            "revision": revision,
            "title_vi": revision.title_vi,
            "html_vi": _safe(revision.body_vi),
            "title_en": revision.title_en,
            "html_en": _safe(revision.body_en),
            "back": reverse("guides_desk:guide", kwargs={"guide_id": guide.pk}),
            "breadcrumbs": _crumbs(
                (_("Hướng dẫn"), reverse("guides_desk:guides")),
                (guide.title_vi, reverse("guides_desk:guide", kwargs={"guide_id": guide.pk})),
                (_("Phiên bản"), None),
            ),
            "tab": "guides",
            "subtab": "guides",
        },
    )


# FAQ --------------------------------------------------------------------------------------------------------


def faq_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        status, topic, query = _list_filters(request)
    except DomainError as exc:
        return _error(request, exc.message, status=400)
    return render(
        request,
        "guides/desk_faq_list.html",
        {
            "faqs": selectors.faqs_for_desk(user=request.user, status=status, topic=topic, query=query),
            "counts": selectors.status_counts(user=request.user, model=Faq),
            "statuses": Status.choices,
            "kinds": Kind.choices,
            "typed": request.GET,
            "breadcrumbs": _crumbs((_("Câu hỏi thường gặp"), None)),
            "tab": "guides",
            "subtab": "faqs",
        },
    )


def _faq_form_page(request: HttpRequest, *, faq: Faq | None) -> HttpResponse:
    initial = None
    if faq is not None:
        initial = {
            name: getattr(faq, name)
            for name in ("topic", "order", "question_vi", "answer_vi", "question_en", "answer_en")
        }
    form = FaqForm(request.POST or None, initial=initial)
    preview = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            if "preview" in request.POST:
                status = 200
                preview = {
                    "title_vi": data["question_vi"],
                    "html_vi": _safe(data["answer_vi"]),
                    "title_en": data["question_en"],
                    "html_en": _safe(data["answer_en"]),
                }
            else:
                fields = {
                    name: data[name]
                    for name in ("topic", "order", "question_vi", "answer_vi", "question_en", "answer_en")
                }
                try:
                    if faq is None:
                        saved = services.faq_create(actor=request.user, **fields)
                    else:
                        saved = services.faq_update(actor=request.user, faq_id=faq.pk, **fields)
                except DomainError as exc:
                    _form_errors(form, exc)
                else:
                    messages.success(request, _("Đã lưu bản nháp câu hỏi."))
                    return redirect("guides_desk:faq", faq_id=saved.pk)
    title = _("Sửa câu hỏi") if faq is not None else _("Thêm câu hỏi thường gặp")
    return render(
        request,
        "guides/desk_faq_form.html",
        {
            "form": form,
            "faq": faq,
            "preview": preview,
            "title": title,
            "breadcrumbs": _crumbs((_("Câu hỏi thường gặp"), reverse("guides_desk:faqs")), (title, None)),
            "tab": "guides",
            "subtab": "faqs",
        },
        status=status,
    )


def faq_create(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    return _faq_form_page(request, faq=None)


def faq_edit(request: HttpRequest, faq_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        faq = selectors.faq_get_for_desk(user=request.user, faq_id=faq_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    if faq.status not in workflow.EDITABLE:
        messages.error(request, _("Câu hỏi đang chờ duyệt hoặc đã lưu trữ: chưa sửa được."))
        return redirect("guides_desk:faq", faq_id=faq.pk)
    return _faq_form_page(request, faq=faq)


def faq_detail(
    request: HttpRequest, faq_id: int, *, status: int = 200, reason_form: Any = None
) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        faq = selectors.faq_get_for_desk(user=request.user, faq_id=faq_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    return render(
        request,
        "guides/desk_faq_detail.html",
        {
            "item": faq,
            "faq": faq,
            "preview_vi": selectors.working_shown(faq, language="vi"),
            "preview_en": selectors.working_shown(faq, language="en"),
            "reason_form": reason_form or ReasonForm(),
            "moves": _moves_for(request.user, faq),
            "own_text": faq.author_id == request.user.pk and not access.is_administrator(request.user),
            "editable": faq.status in workflow.EDITABLE,
            "history": selectors.revisions(item=faq),
            "breadcrumbs": _crumbs(
                (_("Câu hỏi thường gặp"), reverse("guides_desk:faqs")), (faq.question_vi, None)
            ),
            "tab": "guides",
            "subtab": "faqs",
        },
        status=status,
    )


@require_POST
def faq_move(request: HttpRequest, faq_id: int, action: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if action not in workflow.MOVES:
        return _error(request, _("Không có thao tác “%(a)s”.") % {"a": action[:40]}, status=404)
    reason_form = ReasonForm(request.POST)
    reason = reason_form.data.get("reason", "") if action == "return" else ""
    try:
        faq = services.faq_move(actor=request.user, faq_id=faq_id, action=action, reason=str(reason))
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
        if exc.fields.get("reason"):
            reason_form.add_error("reason", exc.fields["reason"])
        return faq_detail(request, faq_id, status=exc.http_status, reason_form=reason_form)
    messages.success(request, _("Câu hỏi: %(move)s — xong.") % {"move": workflow.MOVES[action].label})
    return redirect("guides_desk:faq", faq_id=faq.pk)


def faq_revision(request: HttpRequest, faq_id: int, history_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        faq = selectors.faq_get_for_desk(user=request.user, faq_id=faq_id)
        revision = selectors.revision_get(item=faq, history_id=history_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    return render(
        request,
        "guides/desk_revision.html",
        {
            "item": faq,
            "revision": revision,
            "title_vi": revision.question_vi,
            "html_vi": _safe(revision.answer_vi),
            "title_en": revision.question_en,
            "html_en": _safe(revision.answer_en),
            "back": reverse("guides_desk:faq", kwargs={"faq_id": faq.pk}),
            "breadcrumbs": _crumbs(
                (_("Câu hỏi thường gặp"), reverse("guides_desk:faqs")),
                (faq.question_vi, reverse("guides_desk:faq", kwargs={"faq_id": faq.pk})),
                (_("Phiên bản"), None),
            ),
            "tab": "guides",
            "subtab": "faqs",
        },
    )


# Feedback ---------------------------------------------------------------------------------------------------


def feedback(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    pages = selectors.feedback_summary(user=request.user)
    page_key = request.GET.get("trang", "")
    if page_key and page_key not in {p.page_key for p in pages}:
        return _error(request, _("Không có trang “%(p)s”.") % {"p": page_key[:40]}, status=404)
    if request.GET.get("xuat") == "xlsx":
        today = timezone.localdate()
        content = feedback_workbook(
            pages=pages, answers=selectors.feedback_all(user=request.user), today=today
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="gop-y-huong-dan-{today:%Y%m%d}.xlsx"'
        return response
    titles = {p.page_key: p.title for p in pages}
    return render(
        request,
        "guides/desk_feedback.html",
        {
            "pages": pages,
            "page_key": page_key,
            "page_title": titles.get(page_key, ""),
            "comments": selectors.feedback_comments(user=request.user, page_key=page_key, limit=200),
            "titles": titles,
            "breadcrumbs": _crumbs((_("Góp ý của người dân về hướng dẫn"), None)),
            "tab": "guides",
            "subtab": "feedback",
        },
    )
