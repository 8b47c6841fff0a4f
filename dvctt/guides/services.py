"""Writes of guides, FAQ entries, their pictures and the public's feedback (docs/guides.md).

Every save of a working copy keeps a revision (django-simple-history, with the actor and the move as the
change reason). Moves follow guides.workflow.MOVES and lock the row; publishing renders and sanitises the text
once and stores it as the live copy.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.validators import URLValidator, validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from dvctt.catalog.models import Procedure
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.common.masking import mask_text
from dvctt.common.text import fold

from . import access, workflow
from .images import image_check
from .models import FAQ_PAGE, Faq, Feedback, Guide, GuideImage, Kind, Publishable, Status
from .rendering import render_markdown

TITLE_MAX = 200
QUESTION_MAX = 300
BODY_MAX = 50_000
MAX_VIDEOS = 10
MAX_PROCEDURES = 50
URL_MAX = 500
COMMENT_MAX = 500
REASON_MAX = 2000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

P = TypeVar("P", bound=Publishable)


def _text(value: str | None, *, label: str, field: str, limit: int, required: bool = True) -> str:
    text = _CONTROL.sub("", (value or "").replace("\r\n", "\n")).strip()
    if required and not text:
        raise DomainError(_("Hãy nhập %(label)s.") % {"label": label}, fields={field: [_("Bắt buộc.")]})
    if len(text) > limit:
        raise DomainError(
            _("%(label)s dài quá %(n)s ký tự.")
            % {"label": label[:1].upper() + label[1:], "n": f"{limit:,}".replace(",", ".")},
            fields={field: [_("Tối đa %(n)s ký tự.") % {"n": limit}]},
        )
    return text


def _english_pair(title: str, body: str, *, title_field: str, body_field: str) -> None:
    """An English version is a title and a text, or nothing (then the page falls back to Vietnamese)."""
    if bool(title) != bool(body):
        missing = body_field if title else title_field
        raise DomainError(
            _("Bản tiếng Anh cần có cả tiêu đề và nội dung (hoặc để trống cả hai)."),
            fields={missing: [_("Bắt buộc khi có bản tiếng Anh.")]},
        )


def _require_writer(actor: Any) -> None:
    if not access.can_write(actor):
        raise AccessDenied(_("Chỉ cán bộ theo dõi kế hoạch và quản trị viên được soạn hướng dẫn, hỏi đáp."))


def videos_clean(videos: Iterable[dict[str, str]]) -> list[dict[str, str]]:
    """Video links: http(s) addresses (checked), each with an optional title."""
    check = URLValidator(schemes=["http", "https"])
    cleaned: list[dict[str, str]] = []
    for item in videos:
        url = _CONTROL.sub("", str(item.get("url", ""))).strip()
        title = _CONTROL.sub("", str(item.get("title", ""))).strip()
        if not url:
            continue
        try:
            if len(url) > URL_MAX:
                raise ValidationError("too long")
            check(url)
        except ValidationError:
            raise DomainError(
                _("Đường dẫn video “%(url)s” không hợp lệ: cần một địa chỉ http:// hoặc https://.")
                % {"url": url[:100]},
                fields={"videos": [_("Địa chỉ không hợp lệ: %(url)s") % {"url": url[:100]}]},
            ) from None
        cleaned.append({"url": url, "title": title[:TITLE_MAX]})
    if len(cleaned) > MAX_VIDEOS:
        raise DomainError(
            _("Tối đa %(n)s video cho một hướng dẫn.") % {"n": MAX_VIDEOS},
            fields={"videos": [_("Tối đa %(n)s video.") % {"n": MAX_VIDEOS}]},
        )
    return cleaned


def _procedures(codes: Sequence[str]) -> list[Procedure]:
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    if len(wanted) > MAX_PROCEDURES:
        raise DomainError(
            _("Một hướng dẫn gắn tối đa %(n)s thủ tục.") % {"n": MAX_PROCEDURES},
            fields={"procedures": [_("Tối đa %(n)s thủ tục.") % {"n": MAX_PROCEDURES}]},
        )
    found = {p.code: p for p in Procedure.objects.filter(code__in=wanted)}
    unknown = [c for c in wanted if c not in found]
    if unknown:
        message = _("Không có thủ tục mã: %(codes)s.") % {"codes": ", ".join(unknown[:10])}
        raise DomainError(message, code="procedure_not_found", fields={"procedures": [message]})
    return [found[c] for c in wanted]


def _kind(value: str, *, field: str) -> str:
    if value not in Kind.values:
        raise DomainError(
            _("Loại “%(k)s” không hợp lệ.") % {"k": value}, fields={field: [_("Không hợp lệ.")]}
        )
    return value


def _save_revision(
    item: Publishable, *, actor: Any, reason: str, procedures: Sequence[Procedure] | None = None
) -> None:
    """Save ``item``: its history row names the actor and the move (a demo or a command has no request) and, for
    a guide, the attached procedures: ``procedures`` when the caller sets a new set right after this save,
    otherwise the set it has (guides.models.GuideRevisionFields)."""
    item._history_user = actor  # type: ignore[attr-defined]
    item._change_reason = reason  # type: ignore[attr-defined]
    if procedures is not None:
        item._revision_procedure_codes = [p.code for p in procedures]  # type: ignore[attr-defined]
    try:
        item.save()
    finally:
        item.__dict__.pop("_revision_procedure_codes", None)


def _locked(model: type[P], item_id: int, *, missing: str) -> P:
    """The row of a guide or an FAQ entry, locked until the end of the caller's transaction; NotFoundError."""
    item = model._default_manager.select_for_update().filter(pk=item_id).first()
    if item is None:
        raise NotFoundError(missing)
    return item


def _draft_save(
    item: P, *, actor: Any, fields: dict[str, Any], procedures: Sequence[Procedure] | None = None
) -> P:
    """Write the checked ``fields`` into a new or a locked, editable working copy, as a draft, with its revision
    (and, for a guide, its procedures). Inside the caller's transaction."""
    for name, value in fields.items():
        setattr(item, name, value)
    item.status = Status.DRAFT
    creating = item.pk is None
    item.updated_at = item.created_at if creating else timezone.now()
    label = workflow.SAVE_LABELS["create" if creating else "update"]
    _save_revision(item, actor=actor, reason=str(label), procedures=procedures)
    if procedures is not None:
        item.procedures.set(procedures)  # type: ignore[attr-defined]
    return item


# Guides -----------------------------------------------------------------------------------------------------


def _guide_fields(
    *,
    kind: str,
    title_vi: str,
    title_en: str,
    body_vi: str,
    body_en: str,
    videos: Iterable[dict[str, str]],
    order: int,
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "kind": _kind(kind, field="kind"),
        "title_vi": _text(title_vi, label=_("tiêu đề"), field="title_vi", limit=TITLE_MAX),
        "title_en": _text(
            title_en, label=_("tiêu đề tiếng Anh"), field="title_en", limit=TITLE_MAX, required=False
        ),
        "body_vi": _text(body_vi, label=_("nội dung"), field="body_vi", limit=BODY_MAX),
        "body_en": _text(
            body_en, label=_("nội dung tiếng Anh"), field="body_en", limit=BODY_MAX, required=False
        ),
        "videos": videos_clean(videos),
        "order": max(0, min(int(order), 32767)),
    }
    _english_pair(fields["title_en"], fields["body_en"], title_field="title_en", body_field="body_en")
    return fields


def guide_create(
    *,
    actor: Any,
    slug: str,
    kind: str,
    title_vi: str,
    body_vi: str,
    title_en: str = "",
    body_en: str = "",
    videos: Iterable[dict[str, str]] = (),
    procedure_codes: Sequence[str] = (),
    order: int = 100,
) -> Guide:
    """A new guide, as a draft of ``actor`` (a writer). The slug is its public address and never changes."""
    _require_writer(actor)
    slug = (slug or "").strip().lower()
    try:
        validate_slug(slug)
        if not slug or len(slug) > 80:
            raise ValidationError("length")
    except ValidationError:
        raise DomainError(
            _("Đường dẫn chỉ gồm chữ thường không dấu, số và dấu gạch ngang (tối đa 80 ký tự)."),
            fields={"slug": [_("Không hợp lệ.")]},
        ) from None
    fields = _guide_fields(
        kind=kind,
        title_vi=title_vi,
        title_en=title_en,
        body_vi=body_vi,
        body_en=body_en,
        videos=videos,
        order=order,
    )
    procedures = _procedures(procedure_codes)
    try:
        with transaction.atomic():
            guide = _draft_save(
                Guide(slug=slug, author=actor), actor=actor, fields=fields, procedures=procedures
            )
    except IntegrityError:
        raise ConflictError(
            _("Đã có hướng dẫn với đường dẫn “%(s)s”.") % {"s": slug}, fields={"slug": [_("Đã dùng.")]}
        ) from None
    return guide


def guide_update(
    *,
    actor: Any,
    guide_id: int,
    kind: str,
    title_vi: str,
    body_vi: str,
    title_en: str = "",
    body_en: str = "",
    videos: Iterable[dict[str, str]] = (),
    procedure_codes: Sequence[str] = (),
    order: int = 100,
) -> Guide:
    """Save the working copy of a draft or published guide (a published one becomes a draft again; its live copy
    stays on the portal until the next publication). ConflictError under review or archived."""
    _require_writer(actor)
    fields = _guide_fields(
        kind=kind,
        title_vi=title_vi,
        title_en=title_en,
        body_vi=body_vi,
        body_en=body_en,
        videos=videos,
        order=order,
    )
    procedures = _procedures(procedure_codes)
    with transaction.atomic():
        guide = _locked(Guide, guide_id, missing=_("Không có hướng dẫn này."))
        _check_editable(guide)
        return _draft_save(guide, actor=actor, fields=fields, procedures=procedures)


def _check_editable(item: Publishable) -> None:
    if item.status not in workflow.EDITABLE:
        if item.status == Status.REVIEW:
            message = _("Bài đang chờ duyệt: rút về hoặc chờ người duyệt trả lại rồi mới sửa.")
        else:
            message = _("Bài đã lưu trữ: mở lại để sửa.")
        raise ConflictError(message, code="not_editable")


def _guide_snapshot(guide: Guide) -> None:
    guide.live = {
        "title_vi": guide.title_vi,
        "title_en": guide.title_en,
        "html_vi": render_markdown(guide.body_vi),
        "html_en": render_markdown(guide.body_en),
        "videos": list(guide.videos),
    }
    guide.live_folded = fold(" ".join([guide.title_vi, guide.title_en, guide.body_vi, guide.body_en]))


def _faq_snapshot(faq: Faq) -> None:
    faq.live = {
        "title_vi": faq.question_vi,
        "title_en": faq.question_en,
        "html_vi": render_markdown(faq.answer_vi),
        "html_en": render_markdown(faq.answer_en),
    }
    faq.live_folded = fold(" ".join([faq.question_vi, faq.question_en, faq.answer_vi, faq.answer_en]))


def publishable_move(*, model: type[P], item_id: int, action: str, actor: Any, reason: str = "") -> P:
    """Apply one move of guides.workflow.MOVES to a guide or an FAQ entry: lock the row, check the actor and the
    state, save (a revision naming the move), and on publish store the rendered, sanitised live copy.

    AccessDenied when the actor may not make the move, ConflictError from a wrong state."""
    move = workflow.MOVES.get(action)
    if move is None:
        raise NotFoundError(_("Không có thao tác “%(a)s”.") % {"a": action})
    _require_writer(actor)
    if move.needs_reason:
        reason = _text(reason, label=_("lý do"), field="reason", limit=REASON_MAX)
    with transaction.atomic():
        item = _locked(model, item_id, missing=_("Không có bài này."))
        if not access.may_move(actor, item, move.who):
            if move.who == "reviewer":
                raise AccessDenied(
                    _("Người soạn không tự duyệt bài của mình: cần một cán bộ khác hoặc quản trị viên duyệt.")
                )
            raise AccessDenied(_("Chỉ người soạn (hoặc quản trị viên) được rút bài về."))
        if item.status not in move.sources:
            raise ConflictError(
                _("Không thể “%(move)s” bài đang ở trạng thái “%(state)s”.")
                % {"move": move.label, "state": Status(item.status).label},
                code="illegal_move",
            )
        now = timezone.now()
        item.status = move.target
        item.updated_at = now
        if action == "submit":
            item.submitted_at = now
            item.return_reason = ""
        elif action == "publish":
            item.reviewer = actor
            item.published_at = now
            item.return_reason = ""
            item.is_live = True
            if isinstance(item, Guide):
                _guide_snapshot(item)
            elif isinstance(item, Faq):
                _faq_snapshot(item)
        elif action == "return":
            item.reviewer = actor
            item.return_reason = reason
        elif action == "archive":
            item.is_live = False
        label = str(move.label) + (f": {reason}" if reason else "")
        _save_revision(item, actor=actor, reason=label[:100])
        if action == "publish" and isinstance(item, Guide):
            item.live_procedures.set(item.procedures.all())
    return item


def guide_submit_for_review(*, actor: Any, guide_id: int) -> Guide:
    """Draft → in review."""
    return publishable_move(model=Guide, item_id=guide_id, action="submit", actor=actor)


def guide_withdraw(*, actor: Any, guide_id: int) -> Guide:
    """In review → draft, by its author (or an administrator)."""
    return publishable_move(model=Guide, item_id=guide_id, action="withdraw", actor=actor)


def guide_publish(*, actor: Any, guide_id: int) -> Guide:
    """In review → published, by a reviewer (not the author, unless an administrator)."""
    return publishable_move(model=Guide, item_id=guide_id, action="publish", actor=actor)


def guide_return(*, actor: Any, guide_id: int, reason: str) -> Guide:
    """In review → draft with the reviewer's reason."""
    return publishable_move(model=Guide, item_id=guide_id, action="return", actor=actor, reason=reason)


def guide_archive(*, actor: Any, guide_id: int) -> Guide:
    """Off the portal (the live copy is no longer shown); kept with its history."""
    return publishable_move(model=Guide, item_id=guide_id, action="archive", actor=actor)


def guide_reopen(*, actor: Any, guide_id: int) -> Guide:
    """Archived → draft."""
    return publishable_move(model=Guide, item_id=guide_id, action="reopen", actor=actor)


def guide_image_add(*, actor: Any, guide_id: int, upload: Any) -> GuideImage:
    """Store a checked picture (PNG, JPEG, WebP, ≤ 2 MB, decoded by Pillow) for a guide not archived."""
    _require_writer(actor)
    checked = image_check(upload=upload)
    with transaction.atomic():
        guide = _locked(Guide, guide_id, missing=_("Không có hướng dẫn này."))
        if guide.status == Status.ARCHIVED:
            raise ConflictError(_("Bài đã lưu trữ: mở lại để thêm ảnh."), code="not_editable")
        image = GuideImage(
            guide=guide,
            name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            width=checked.width,
            height=checked.height,
            sha256=checked.sha256,
            uploaded_by=actor,
        )
        image.file.save(secrets.token_hex(12) + checked.extension, ContentFile(checked.data), save=False)
        try:
            image.save()
        except Exception:
            image.file.delete(save=False)
            raise
    return image


# FAQ --------------------------------------------------------------------------------------------------------


def _faq_fields(
    *, topic: str, question_vi: str, question_en: str, answer_vi: str, answer_en: str, order: int
) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "topic": _kind(topic, field="topic"),
        "question_vi": _text(question_vi, label=_("câu hỏi"), field="question_vi", limit=QUESTION_MAX),
        "question_en": _text(
            question_en, label=_("câu hỏi tiếng Anh"), field="question_en", limit=QUESTION_MAX, required=False
        ),
        "answer_vi": _text(answer_vi, label=_("câu trả lời"), field="answer_vi", limit=BODY_MAX),
        "answer_en": _text(
            answer_en, label=_("câu trả lời tiếng Anh"), field="answer_en", limit=BODY_MAX, required=False
        ),
        "order": max(0, min(int(order), 32767)),
    }
    _english_pair(
        fields["question_en"], fields["answer_en"], title_field="question_en", body_field="answer_en"
    )
    return fields


def faq_create(
    *,
    actor: Any,
    topic: str,
    question_vi: str,
    answer_vi: str,
    question_en: str = "",
    answer_en: str = "",
    order: int = 100,
) -> Faq:
    """A new FAQ entry, as a draft of ``actor`` (a writer)."""
    _require_writer(actor)
    fields = _faq_fields(
        topic=topic,
        question_vi=question_vi,
        question_en=question_en,
        answer_vi=answer_vi,
        answer_en=answer_en,
        order=order,
    )
    with transaction.atomic():
        return _draft_save(Faq(author=actor), actor=actor, fields=fields)


def faq_update(
    *,
    actor: Any,
    faq_id: int,
    topic: str,
    question_vi: str,
    answer_vi: str,
    question_en: str = "",
    answer_en: str = "",
    order: int = 100,
) -> Faq:
    """Save the working copy of a draft or published entry (as guide_update)."""
    _require_writer(actor)
    fields = _faq_fields(
        topic=topic,
        question_vi=question_vi,
        question_en=question_en,
        answer_vi=answer_vi,
        answer_en=answer_en,
        order=order,
    )
    with transaction.atomic():
        faq = _locked(Faq, faq_id, missing=_("Không có câu hỏi này."))
        _check_editable(faq)
        return _draft_save(faq, actor=actor, fields=fields)


def faq_move(*, actor: Any, faq_id: int, action: str, reason: str = "") -> Faq:
    """One workflow move of an FAQ entry (submit, withdraw, publish, return, archive, reopen)."""
    return publishable_move(model=Faq, item_id=faq_id, action=action, actor=actor, reason=reason)


# Feedback ---------------------------------------------------------------------------------------------------


def feedback_voter(*, token: str, page_key: str) -> str:
    """The stored voter: a keyed hash of the session's random token and the page (not linkable across pages)."""
    return salted_hmac("dvctt.guides.feedback", f"{token}:{page_key}").hexdigest()


def feedback_record(
    *, page_key: str, guide: Guide | None, helpful: bool, comment: str, token: str, language: str = "vi"
) -> Feedback:
    """One "was this helpful?" answer for a public page (the caller checked the page is public).

    The comment is bounded and its long digit runs (ID or phone numbers) are masked. ConflictError when this
    session already answered for this page."""
    if not token or len(token) < 16:
        raise DomainError(_("Phiên làm việc không hợp lệ: hãy tải lại trang rồi gửi lại."), code="no_session")
    if (guide is None) != (page_key == FAQ_PAGE) or (guide is not None and page_key != f"guide:{guide.pk}"):
        raise DomainError(_("Trang góp ý không hợp lệ."))
    text = _text(comment, label=_("ý kiến"), field="comment", limit=COMMENT_MAX, required=False)
    voter = feedback_voter(token=token, page_key=page_key)
    try:
        with transaction.atomic():
            return Feedback.objects.create(
                page_key=page_key,
                guide=guide,
                helpful=bool(helpful),
                comment=mask_text(text),
                language="en" if language == "en" else "vi",
                voter=voter,
            )
    except IntegrityError:
        raise ConflictError(_("Bạn đã góp ý cho trang này rồi. Cảm ơn bạn!"), code="already_voted") from None
