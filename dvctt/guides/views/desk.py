"""The department's pages under /theo-doi/huong-dan/: write, preview, review and publish guides and FAQ entries,
upload pictures, read the history, see the public's feedback (docs/guides.md).

Thin adapters: parse, fetch through guides.selectors (writers only), call one service, render. Bad input is
shown on the page in Vietnamese; a reader without the right gets a Vietnamese 403 page, anonymous users the login.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial, wraps
from typing import Any, NamedTuple

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from dvctt.common.errors import DomainError, NotFoundError

from .. import access, selectors, services, workflow
from ..forms import FaqForm, GuideForm, ImageForm, ReasonForm, parse_codes, parse_videos, videos_text
from ..models import Faq, Guide, Kind, Status
from ..rendering import render_markdown
from ..selectors import faq_get_for_desk, faqs_for_desk, guide_get_for_desk, guides_for_desk
from ..sheets import feedback_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _safe(markdown: str) -> SafeString:
    """Markdown rendered and sanitised by guides.rendering: safe to show as HTML."""
    return mark_safe(render_markdown(markdown))


def _error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "guides/desk_error.html", {"message": message, "status": status}, status=status)


def _desk_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Every back-office page behind one gate (anonymous visitors to the login, readers without the right a 403
    page), with one 404 page for whatever the page's scoped fetch does not find (a NotFoundError)."""

    @wraps(view)
    def page(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not access.can_write(request.user):
            return _error(
                request, _("Trang này dành cho cán bộ theo dõi kế hoạch và quản trị viên."), status=403
            )
        try:
            return view(request, *args, **kwargs)
        except NotFoundError as exc:
            return _error(request, exc.message, status=404)

    return page


def _crumbs(*items: tuple[str | Promise, str | None]) -> list[dict[str, Any]]:
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


class _DeskViews(NamedTuple):
    overview: Callable[..., HttpResponse]
    create: Callable[..., HttpResponse]
    edit: Callable[..., HttpResponse]
    detail: Callable[..., HttpResponse]
    move: Callable[..., HttpResponse]
    revision: Callable[..., HttpResponse]


class _Desk:
    """The back-office pages of one kind of text (guides, FAQ entries): list, write, edit, read, move, revision.

    The pages are written once here; a subclass says only what differs (its selectors, form, service calls and
    wording). URL names are ``guides_desk:<key>…``, the URL's id argument ``<key>_id``, the templates
    ``guides/desk_<key>_<page>.html`` with the item as ``<key>`` and the list as ``<plural>``."""

    key: str
    model: type[Guide] | type[Faq]
    section: Promise  # the list's name in the breadcrumbs
    text: tuple[str, str]  # the stems of the title and text fields ("title_vi", "body_en", …)
    kind_field: str  # the list's filter by kind: a guide's "kind", an FAQ entry's "topic"
    get_selector: Callable[..., Any]  # the scoped fetch, taking ``<key>_id``
    list_selector: Callable[..., Any]

    # what differs ---------------------------------------------------------------------------------------------

    def form(self, data: Any, item: Any) -> Any:
        raise NotImplementedError

    def save(self, *, actor: Any, item: Any, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def saved_message(self, item: Any) -> str:
        raise NotImplementedError

    def not_editable_message(self, item: Any) -> str:
        raise NotImplementedError

    def form_title(self, item: Any) -> str:
        raise NotImplementedError

    def moved_message(self, item: Any, move: workflow.Move) -> str:
        raise NotImplementedError

    def detail_extra(self, item: Any) -> dict[str, Any]:
        return {}

    def revision_extra(self, revision: Any) -> dict[str, Any]:
        return {}

    # shared -----------------------------------------------------------------------------------------------------

    def views(self) -> _DeskViews:
        """The URL's views: each behind the gate, with the ``<key>_id`` argument passed on as ``item_id``."""

        def bind(page: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
            def view(request: HttpRequest, **kwargs: Any) -> HttpResponse:
                return page(request, kwargs.pop(f"{self.key}_id", None), **kwargs)

            view.__name__ = f"{self.key}_{page.__name__}"
            return _desk_page(view)

        return _DeskViews(
            overview=bind(self.overview),
            create=bind(self.create),
            edit=bind(self.edit),
            detail=bind(self.detail),
            move=require_POST(bind(self.move)),
            revision=bind(self.revision),
        )

    @property
    def plural(self) -> str:
        return f"{self.key}s"

    def fetch(self, *, user: Any, item_id: int) -> Any:
        return self.get_selector(user=user, **{f"{self.key}_id": item_id})

    def title(self, item: Any) -> str:
        return str(getattr(item, f"{self.text[0]}_vi"))

    def url(self, item: Any) -> str:
        return reverse(f"guides_desk:{self.key}", kwargs={f"{self.key}_id": item.pk})

    def shown(self, get: Callable[[str], str]) -> dict[str, Any]:
        """Both languages' title and sanitised HTML, from a form's data or a revision (``get`` reads a field)."""
        title, body = self.text
        return {
            "title_vi": get(f"{title}_vi"),
            "html_vi": _safe(get(f"{body}_vi")),
            "title_en": get(f"{title}_en"),
            "html_en": _safe(get(f"{body}_en")),
        }

    def render(
        self, request: HttpRequest, page: str, context: dict[str, Any], *, status: int = 200
    ) -> HttpResponse:
        context.update(tab="guides", subtab=self.plural)
        return render(request, f"guides/desk_{page}.html", context, status=status)

    def overview(self, request: HttpRequest, item_id: None) -> HttpResponse:
        try:
            status, kind, query = _list_filters(request)
        except DomainError as exc:
            return _error(request, exc.message, status=400)
        items = self.list_selector(user=request.user, status=status, query=query, **{self.kind_field: kind})
        return self.render(
            request,
            f"{self.key}_list",
            {
                self.plural: items,
                "counts": selectors.status_counts(user=request.user, model=self.model),
                "statuses": Status.choices,
                "kinds": Kind.choices,
                "typed": request.GET,
                "breadcrumbs": _crumbs((self.section, None)),
            },
        )

    def create(self, request: HttpRequest, item_id: None) -> HttpResponse:
        return self.form_page(request, item=None)

    def edit(self, request: HttpRequest, item_id: int) -> HttpResponse:
        item = self.fetch(user=request.user, item_id=item_id)
        if item.status not in workflow.EDITABLE:
            messages.error(request, self.not_editable_message(item))
            return redirect(self.url(item))
        return self.form_page(request, item=item)

    def form_page(self, request: HttpRequest, *, item: Any) -> HttpResponse:
        """The form round: a preview renders the text without saving; a save calls the service and goes to the
        item; refused input stays on the form (400) with the service's Vietnamese messages."""
        form = self.form(request.POST or None, item)
        preview = None
        status = 200
        if request.method == "POST":
            status = 400
            if form.is_valid():
                data = form.cleaned_data
                if "preview" in request.POST:
                    status = 200
                    preview = self.shown(data.__getitem__)
                else:
                    try:
                        saved = self.save(actor=request.user, item=item, data=data)
                    except DomainError as exc:
                        _form_errors(form, exc)
                    else:
                        messages.success(request, self.saved_message(saved))
                        return redirect(self.url(saved))
        title = self.form_title(item)
        crumbs: list[tuple[str | Promise, str | None]] = [
            (self.section, reverse(f"guides_desk:{self.plural}"))
        ]
        if item is not None:
            crumbs.append((self.title(item), self.url(item)))
        context = {"form": form, self.key: item, "preview": preview, "title": title}
        return self.render(
            request,
            f"{self.key}_form",
            {**context, "breadcrumbs": _crumbs(*crumbs, (title, None))},
            status=status,
        )

    def detail(
        self, request: HttpRequest, item_id: int, *, status: int = 200, reason_form: Any = None
    ) -> HttpResponse:
        item = self.fetch(user=request.user, item_id=item_id)
        context = {
            "item": item,
            self.key: item,
            "preview_vi": selectors.working_shown(item, language="vi"),
            "preview_en": selectors.working_shown(item, language="en"),
            "reason_form": reason_form or ReasonForm(),
            "moves": _moves_for(request.user, item),
            "own_text": item.author_id == request.user.pk and not access.is_administrator(request.user),
            "editable": item.status in workflow.EDITABLE,
            "history": selectors.revisions(item=item),
            "breadcrumbs": _crumbs(
                (self.section, reverse(f"guides_desk:{self.plural}")), (self.title(item), None)
            ),
        }
        return self.render(
            request, f"{self.key}_detail", {**context, **self.detail_extra(item)}, status=status
        )

    def move(self, request: HttpRequest, item_id: int, action: str) -> HttpResponse:
        """One workflow move (guides.services.publishable_move); a refused one shows the item's page again with
        the reason and the move's status (403, 409, 400 for a missing reason)."""
        if action not in workflow.MOVES:
            return _error(request, _("Không có thao tác “%(a)s”.") % {"a": action[:40]}, status=404)
        reason_form = ReasonForm(request.POST)
        reason = reason_form.data.get("reason", "") if action == "return" else ""
        try:
            item = services.publishable_move(
                model=self.model, item_id=item_id, action=action, actor=request.user, reason=str(reason)
            )
        except NotFoundError:
            raise
        except DomainError as exc:
            messages.error(request, exc.message)
            if exc.fields.get("reason"):
                reason_form.add_error("reason", exc.fields["reason"])
            return self.detail(request, item_id, status=exc.http_status, reason_form=reason_form)
        messages.success(request, self.moved_message(item, workflow.MOVES[action]))
        return redirect(self.url(item))

    def revision(self, request: HttpRequest, item_id: int, history_id: int) -> HttpResponse:
        item = self.fetch(user=request.user, item_id=item_id)
        revision = selectors.revision_get(item=item, history_id=history_id)
        context = {
            "item": item,
            "revision": revision,
            **self.shown(partial(getattr, revision)),
            **self.revision_extra(revision),
            "back": self.url(item),
            "breadcrumbs": _crumbs(
                (self.section, reverse(f"guides_desk:{self.plural}")),
                (self.title(item), self.url(item)),
                (_("Phiên bản"), None),
            ),
        }
        return self.render(request, "revision", context)


# Guides -----------------------------------------------------------------------------------------------------


class _GuideDesk(_Desk):
    key, model, kind_field, text = "guide", Guide, "kind", ("title", "body")
    get_selector, list_selector = staticmethod(guide_get_for_desk), staticmethod(guides_for_desk)
    section = gettext_lazy("Hướng dẫn")

    def form(self, data: Any, item: Guide | None) -> GuideForm:
        if item is None:
            return GuideForm(data, editing=False, initial=None)
        initial = {
            "kind": item.kind,
            "order": item.order,
            "title_vi": item.title_vi,
            "body_vi": item.body_vi,
            "title_en": item.title_en,
            "body_en": item.body_en,
            "videos": videos_text(item.videos),
            "procedures": "\n".join(item.procedures.order_by("code").values_list("code", flat=True)),
        }
        return GuideForm(data, editing=True, initial=initial)

    def save(self, *, actor: Any, item: Guide | None, data: dict[str, Any]) -> Guide:
        fields = {
            name: data[name] for name in ("kind", "order", "title_vi", "body_vi", "title_en", "body_en")
        }
        fields.update(videos=parse_videos(data["videos"]), procedure_codes=parse_codes(data["procedures"]))
        if item is None:
            return services.guide_create(actor=actor, slug=data["slug"], **fields)
        return services.guide_update(actor=actor, guide_id=item.pk, **fields)

    def saved_message(self, item: Guide) -> str:
        return _("Đã lưu bản nháp “%(t)s”.") % {"t": item.title_vi}

    def not_editable_message(self, item: Guide) -> str:
        if item.status == Status.REVIEW:
            return _("Bài đang chờ duyệt: rút về hoặc chờ người duyệt trả lại rồi mới sửa.")
        return _("Bài đã lưu trữ: mở lại để sửa.")

    def form_title(self, item: Guide | None) -> str:
        return _("Viết hướng dẫn mới") if item is None else _("Sửa hướng dẫn")

    def moved_message(self, item: Guide, move: workflow.Move) -> str:
        return _("“%(t)s”: %(move)s — xong.") % {"t": item.title_vi, "move": move.label}

    def detail_extra(self, item: Guide) -> dict[str, Any]:
        return {
            "procedures": item.procedures.order_by("code"),
            "images": item.images.order_by("pk"),
            "image_form": ImageForm(),
            "shows_procedures": True,
        }

    def revision_extra(self, revision: Any) -> dict[str, Any]:
        return {"shows_procedures": True, "procedure_codes": revision.procedure_codes}


GUIDES = _GuideDesk()
guide_list, guide_create, guide_edit, guide_detail, guide_move, guide_revision = GUIDES.views()


@require_POST
@_desk_page
def guide_image(request: HttpRequest, guide_id: int) -> HttpResponse:
    form = ImageForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Hãy chọn một tệp ảnh."))
        return redirect("guides_desk:guide", guide_id=guide_id)
    try:
        image = services.guide_image_add(
            actor=request.user, guide_id=guide_id, upload=form.cleaned_data["image"]
        )
    except NotFoundError:
        raise
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        url = reverse("guides:image", kwargs={"image_id": image.pk})
        messages.success(
            request,
            _("Đã tải ảnh lên. Chèn vào nội dung: ![mô tả ảnh](%(url)s)") % {"url": url},
        )
    return redirect(reverse("guides_desk:guide", kwargs={"guide_id": guide_id}) + "#anh")


# FAQ --------------------------------------------------------------------------------------------------------

FAQ_FIELDS = ("topic", "order", "question_vi", "answer_vi", "question_en", "answer_en")


class _FaqDesk(_Desk):
    key, model, kind_field, text = "faq", Faq, "topic", ("question", "answer")
    get_selector, list_selector = staticmethod(faq_get_for_desk), staticmethod(faqs_for_desk)
    section = gettext_lazy("Câu hỏi thường gặp")

    def form(self, data: Any, item: Faq | None) -> FaqForm:
        initial = None if item is None else {name: getattr(item, name) for name in FAQ_FIELDS}
        return FaqForm(data, initial=initial)

    def save(self, *, actor: Any, item: Faq | None, data: dict[str, Any]) -> Faq:
        fields = {name: data[name] for name in FAQ_FIELDS}
        if item is None:
            return services.faq_create(actor=actor, **fields)
        return services.faq_update(actor=actor, faq_id=item.pk, **fields)

    def saved_message(self, item: Faq) -> str:
        return _("Đã lưu bản nháp câu hỏi.")

    def not_editable_message(self, item: Faq) -> str:
        return _("Câu hỏi đang chờ duyệt hoặc đã lưu trữ: chưa sửa được.")

    def form_title(self, item: Faq | None) -> str:
        return _("Thêm câu hỏi thường gặp") if item is None else _("Sửa câu hỏi")

    def moved_message(self, item: Faq, move: workflow.Move) -> str:
        return _("Câu hỏi: %(move)s — xong.") % {"move": move.label}


FAQS = _FaqDesk()
faq_list, faq_create, faq_edit, faq_detail, faq_move, faq_revision = FAQS.views()


# Feedback ---------------------------------------------------------------------------------------------------


@_desk_page
def feedback(request: HttpRequest) -> HttpResponse:
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
