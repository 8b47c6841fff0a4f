"""Guides and frequently asked questions for citizens, written and published by the department (docs/guides.md).

A guide or an FAQ entry has a *working copy* (the fields the writers edit, with a revision kept by
django-simple-history at every save) and, once published, a *live copy*: the titles and the sanitised HTML
rendered at publication (``live``), the text folded for search (``live_folded``) and, for a guide, the procedures
it is attached to (``live_procedures``). The public pages read the live copy only, so editing a published guide
(its working copy goes back to draft) changes nothing for citizens until the new version is published.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record


class Kind(models.TextChoices):
    """What a guide explains; FAQ entries use the same topics."""

    APPLY = "apply", _("Nộp hồ sơ trực tuyến")
    PAY = "pay", _("Thanh toán phí, lệ phí")
    SIGN_IN = "sign_in", _("Đăng ký, đăng nhập")
    TROUBLESHOOT = "troubleshoot", _("Khi gặp sự cố")
    OTHER = "other", _("Khác")


class Status(models.TextChoices):
    """The working copy's state (guides.workflow holds the moves between them)."""

    DRAFT = "draft", _("Bản nháp")
    REVIEW = "review", _("Chờ duyệt")
    PUBLISHED = "published", _("Đã xuất bản")
    ARCHIVED = "archived", _("Đã lưu trữ")


class Publishable(models.Model):
    """What guides and FAQ entries share: the workflow's fields and the live copy."""

    status = models.CharField(
        _("trạng thái"), max_length=12, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người soạn"), on_delete=models.PROTECT, related_name="+"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người duyệt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    return_reason = models.TextField(_("lý do trả lại"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("sửa lúc"), default=timezone.now)
    submitted_at = models.DateTimeField(_("gửi duyệt lúc"), null=True, blank=True)
    published_at = models.DateTimeField(_("xuất bản lúc"), null=True, blank=True)
    # The live copy: shown on the portal while is_live (from the first publication until archived).
    is_live = models.BooleanField(_("đang hiển thị trên cổng"), default=False, db_index=True)
    live = models.JSONField(default=dict, blank=True, editable=False)
    live_folded = models.TextField(blank=True, editable=False)

    class Meta:
        abstract = True


class GuideRevisionFields(models.Model):
    """What a guide's revision keeps beyond the guide's own columns: the codes of the procedures attached to the
    working copy at that save. A many-to-many set is no column, so django-simple-history would not copy it, and a
    change of the attached procedures would leave no trace in the history. ``None`` on revisions written before
    the codes were kept (migration 0002)."""

    procedure_codes = models.JSONField(_("mã thủ tục áp dụng"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True


class Guide(Publishable):
    slug = models.SlugField(
        _("đường dẫn"),
        max_length=80,
        unique=True,
        help_text=_("Chữ thường không dấu, số và dấu gạch ngang, ví dụ: nop-ho-so-truc-tuyen."),
    )
    kind = models.CharField(_("loại hướng dẫn"), max_length=16, choices=Kind.choices, default=Kind.APPLY)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    title_vi = models.CharField(_("tiêu đề"), max_length=200)
    title_en = models.CharField(_("tiêu đề (tiếng Anh)"), max_length=200, blank=True)
    body_vi = models.TextField(_("nội dung (Markdown)"))
    body_en = models.TextField(_("nội dung tiếng Anh (Markdown)"), blank=True)
    # [{"url": "https://…", "title": "…"}]: shown as links (the CSP allows no embedded player).
    videos = models.JSONField(_("video hướng dẫn"), default=list, blank=True)
    procedures = models.ManyToManyField(
        "catalog.Procedure", verbose_name=_("thủ tục áp dụng"), blank=True, related_name="guides"
    )
    live_procedures = models.ManyToManyField(
        "catalog.Procedure", blank=True, related_name="live_guides", editable=False
    )
    history = HistoricalRecords(
        excluded_fields=["live", "live_folded", "is_live"], bases=[GuideRevisionFields]
    )

    class Meta:
        verbose_name = _("hướng dẫn")
        verbose_name_plural = _("hướng dẫn")
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(condition=~Q(slug=""), name="guide_slug_not_empty"),
            models.CheckConstraint(condition=~Q(title_vi=""), name="guide_title_not_empty"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="guide_status_known"),
            models.CheckConstraint(condition=Q(kind__in=Kind.values), name="guide_kind_known"),
        ]

    def __str__(self) -> str:
        return self.title_vi


def _revision_procedure_codes(
    sender: type, instance: object, history_instance: object, **kwargs: object
) -> None:
    """Copy the attached procedures' codes into a guide's revision. A service that saves the working copy before
    setting the new set (a new guide has no key to attach to yet) names the codes in ``_revision_procedure_codes``;
    any other save (a workflow move) keeps the set it has."""
    if not isinstance(instance, Guide):
        return
    codes = getattr(instance, "_revision_procedure_codes", None)
    if codes is None:
        codes = list(instance.procedures.values_list("code", flat=True)) if instance.pk else []
    history_instance.procedure_codes = sorted(codes)  # type: ignore[attr-defined]


pre_create_historical_record.connect(
    _revision_procedure_codes, dispatch_uid="guides_revision_procedure_codes"
)


class Faq(Publishable):
    """A frequently asked question and its answer (Markdown)."""

    topic = models.CharField(_("chủ đề"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=100)
    question_vi = models.CharField(_("câu hỏi"), max_length=300)
    question_en = models.CharField(_("câu hỏi (tiếng Anh)"), max_length=300, blank=True)
    answer_vi = models.TextField(_("trả lời (Markdown)"))
    answer_en = models.TextField(_("trả lời tiếng Anh (Markdown)"), blank=True)
    history = HistoricalRecords(excluded_fields=["live", "live_folded", "is_live"])

    class Meta:
        verbose_name = _("câu hỏi thường gặp")
        verbose_name_plural = _("câu hỏi thường gặp")
        ordering = ["topic", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(question_vi=""), name="faq_question_not_empty"),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="faq_status_known"),
            models.CheckConstraint(condition=Q(topic__in=Kind.values), name="faq_topic_known"),
        ]

    def __str__(self) -> str:
        return self.question_vi


def image_upload_to(instance: GuideImage, filename: str) -> str:
    # The stored name is ours (a random token and the checked extension), never the uploader's.
    return f"guides/{instance.guide_id}/{filename}"


class GuideImage(models.Model):
    """A picture for a guide, in the default file storage like dossier files; served by /huong-dan/anh/<id>/."""

    guide = models.ForeignKey(Guide, on_delete=models.PROTECT, related_name="images")
    file = models.FileField(upload_to=image_upload_to, max_length=255)
    name = models.CharField(_("tên tệp"), max_length=255)
    content_type = models.CharField(max_length=32)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("ảnh minh họa")
        verbose_name_plural = _("ảnh minh họa")
        ordering = ["guide_id", "pk"]

    def __str__(self) -> str:
        return self.name


FAQ_PAGE = "faq"


class Feedback(models.Model):
    """A "was this helpful?" answer for one public page. No account, no address: ``voter`` is a keyed hash of a
    random token kept in the visitor's session and of the page, so one session votes once per page and two votes
    of one session on two pages cannot be linked."""

    page_key = models.CharField(max_length=40)  # "faq" or "guide:<id>"
    guide = models.ForeignKey(Guide, null=True, blank=True, on_delete=models.PROTECT, related_name="feedback")
    helpful = models.BooleanField(_("hữu ích"))
    comment = models.CharField(_("ý kiến"), max_length=500, blank=True)
    language = models.CharField(max_length=8, default="vi")
    voter = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("lúc"), default=timezone.now)

    class Meta:
        verbose_name = _("góp ý về trang")
        verbose_name_plural = _("góp ý về trang")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["page_key", "voter"], name="feedback_one_vote_per_page"),
            models.CheckConstraint(
                condition=(Q(page_key=FAQ_PAGE) & Q(guide__isnull=True))
                | (Q(page_key__startswith="guide:") & Q(guide__isnull=False)),
                name="feedback_page_matches_guide",
            ),
        ]
        indexes = [models.Index(fields=["page_key", "created_at"], name="feedback_page_time")]

    def __str__(self) -> str:
        return f"{self.page_key} {'+' if self.helpful else '-'}"
