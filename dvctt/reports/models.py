"""Stored periodic reports and their history (docs/reports.md, "The report's path").

A report is one form (06 or 07a) of one period, of the province or of one unit (with its sub-units). It moves
draft → submitted (by the unit's leader) → received (by the department: a monitor) → approved (a monitor or a
PPC leader), as reports.workflow declares. Its figures are stored when it is submitted and never change after
approval: a later change of the data shows as a restatement beside them (reports.workflow.report_restatements).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ReportState(models.TextChoices):
    DRAFT = "draft", _("Dự thảo")
    SUBMITTED = "submitted", _("Đã gửi")
    RECEIVED = "received", _("Đã tiếp nhận")
    APPROVED = "approved", _("Đã phê duyệt")


class PeriodicReport(models.Model):
    form = models.CharField(_("biểu"), max_length=4, choices=[("06", "06"), ("07a", "07a")])
    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    units_mode = models.CharField(_("cách tính đơn vị"), max_length=8, default="period")
    unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("đơn vị báo cáo"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("Để trống: báo cáo của toàn tỉnh."),
    )
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=ReportState.choices, default=ReportState.DRAFT
    )
    # The figures as submitted (spec/reports.md's object); null while a draft (a draft shows today's figures).
    data = models.JSONField(_("số liệu"), null=True, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người tạo"), on_delete=models.PROTECT, related_name="+"
    )
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("báo cáo định kỳ")
        verbose_name_plural = _("báo cáo định kỳ")
        ordering = ["-date_to", "form", "unit_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="report_period_range"
            ),
            models.CheckConstraint(
                condition=Q(state=ReportState.DRAFT) | Q(data__isnull=False), name="report_sent_has_figures"
            ),
            models.UniqueConstraint(
                fields=["form", "date_from", "date_to", "units_mode", "unit"],
                condition=Q(unit__isnull=False),
                name="report_once_per_unit",
            ),
            models.UniqueConstraint(
                fields=["form", "date_from", "date_to", "units_mode"],
                condition=Q(unit__isnull=True),
                name="report_once_for_province",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.form} {self.date_from:%d/%m/%Y}–{self.date_to:%d/%m/%Y} ({self.get_state_display()})"


class PeriodicReportEvent(models.Model):
    """Who did what to a report and when (append-only, written in the move's transaction)."""

    report = models.ForeignKey(PeriodicReport, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("thao tác"), max_length=16)
    from_state = models.CharField(max_length=12, blank=True)
    to_state = models.CharField(max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"))
    note = models.TextField(_("ghi chú"), blank=True)

    class Meta:
        ordering = ["report_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.report_id} {self.action} {self.at:%d/%m/%Y %H:%M}"
