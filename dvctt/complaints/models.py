"""Complaints and petitions (phản ánh, kiến nghị: PAKN) about dossiers, and their handling.

A domain of its own beside the dossiers (the index of Decision 766 counts them, so they sit below the plans):
the portal files them, the back office answers them, ``dvctt.portal.complaints`` holds the moves. The tables
keep the names they were created with (``portal_complaint``, ``portal_complaintevent``).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class ComplaintKind(models.TextChoices):
    COMPLAINT = "phan_anh", _("Phản ánh")
    PETITION = "kien_nghi", _("Kiến nghị")


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("Đã tiếp nhận")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    ANSWERED = "answered", _("Đã trả lời")
    PUBLISHED = "published", _("Đã công khai trả lời")
    CLOSED = "closed", _("Đã đóng")


class ComplaintRating(models.IntegerChoices):
    """The citizen's verdict on the answer: the national portal's three levels."""

    VERY_SATISFIED = 3, _("Rất hài lòng")
    SATISFIED = 2, _("Hài lòng")
    DISSATISFIED = 1, _("Không hài lòng")


class Complaint(models.Model):
    """A complaint or petition (phản ánh, kiến nghị: PAKN) an applicant files about one of their dossiers.

    Handled by the officials of ``unit`` (the dossier's unit when it was filed) within 15 working days on the
    working calendar (``due_at``, stored when received: a later calendar change does not move it). The moves
    and who may make them are ``dvctt.portal.complaints.TRANSITIONS``; every move appends a ``ComplaintEvent``.
    """

    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="complaints"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("loại"), max_length=12, choices=ComplaintKind.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    content = models.TextField(_("nội dung"))
    state = models.CharField(
        _("tình trạng"), max_length=12, choices=ComplaintState.choices, default=ComplaintState.RECEIVED
    )
    created_at = models.DateTimeField(_("ngày gửi"), auto_now_add=True)
    unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("đơn vị xử lý"),
        on_delete=models.PROTECT,
        related_name="complaints",
        null=True,
        blank=True,
    )
    received_at = models.DateTimeField(_("ngày tiếp nhận"), null=True, blank=True)
    due_at = models.DateTimeField(_("hạn trả lời"), null=True, blank=True)
    due_calendar_revision = models.PositiveIntegerField(null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người được giao"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    assigned_at = models.DateTimeField(_("ngày giao"), null=True, blank=True)
    answer = models.TextField(_("nội dung trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField(_("ngày trả lời"), null=True, blank=True)
    published = models.BooleanField(_("công khai trả lời"), default=False)
    published_at = models.DateTimeField(_("ngày công khai"), null=True, blank=True)
    closed_at = models.DateTimeField(_("ngày đóng"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("đánh giá trả lời"), choices=ComplaintRating.choices, null=True, blank=True
    )
    rating_comment = models.TextField(_("ý kiến đánh giá"), blank=True)
    rated_at = models.DateTimeField(_("ngày đánh giá"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "portal_complaint"
        verbose_name = _("phản ánh, kiến nghị")
        verbose_name_plural = _("phản ánh, kiến nghị")
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "state", "due_at"], name="complaint_unit_state_due"),
            models.Index(fields=["received_at"], name="complaint_received"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__in=[1, 2, 3]), name="complaint_rating_level"
            ),
            # A rating is of an answer; a published answer exists.
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(answered_at__isnull=False), name="complaint_rated_answer"
            ),
            models.CheckConstraint(
                condition=Q(published=False) | Q(answered_at__isnull=False), name="complaint_published_answer"
            ),
            models.CheckConstraint(
                condition=Q(due_at__isnull=True)
                | Q(received_at__isnull=True)
                | Q(due_at__gt=F("received_at")),
                name="complaint_due_after_receipt",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in (ComplaintState.RECEIVED, ComplaintState.ASSIGNED)


class ComplaintEvent(models.Model):
    """One move of a complaint, append-only: who, what, when, from which state to which, and what was said."""

    complaint = models.ForeignKey(Complaint, on_delete=models.PROTECT, related_name="events")
    seq = models.PositiveIntegerField()
    action = models.CharField(max_length=20)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    actor_name = models.CharField(max_length=255, blank=True)
    at = models.DateTimeField()
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        db_table = "portal_complaintevent"
        verbose_name = _("diễn biến phản ánh, kiến nghị")
        verbose_name_plural = _("diễn biến phản ánh, kiến nghị")
        ordering = ["complaint_id", "seq"]
        constraints = [models.UniqueConstraint(fields=["complaint", "seq"], name="complaint_event_seq")]

    def __str__(self) -> str:
        return f"{self.complaint_id}#{self.seq} {self.action}"
