"""Notification templates as data: one per event, channel and language, edited by an administrator (with history)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class MessageChannel(models.TextChoices):
    EMAIL = "email", _("Thư điện tử")
    SMS = "sms", _("Tin nhắn SMS")
    ZALO = "zalo", _("Zalo (ZNS)")


class MessageLanguage(models.TextChoices):
    VI = "vi", _("Tiếng Việt")
    EN = "en", _("Tiếng Anh")


class NotificationTemplate(models.Model):
    """The text of one notification. Seeded for every notifying event (migration ``notification_templates``)."""

    event = models.CharField(_("sự kiện"), max_length=40)
    channel = models.CharField(_("kênh"), max_length=8, choices=MessageChannel.choices)
    language = models.CharField(_("ngôn ngữ"), max_length=2, choices=MessageLanguage.choices)
    subject = models.CharField(_("tiêu đề (thư điện tử)"), max_length=255, blank=True)
    body = models.TextField(_("nội dung"))
    provider_template_id = models.CharField(
        _("mã mẫu ZNS"),
        max_length=40,
        blank=True,
        help_text=_("Mã mẫu tin Zalo ZNS đã được duyệt; để trống: dùng DVCTT_ZALO_TEMPLATE_ID."),
    )
    active = models.BooleanField(
        _("đang dùng"), default=True, help_text=_("Bỏ chọn: sự kiện này không được gửi qua kênh này.")
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người sửa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("sửa lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mẫu thông báo")
        verbose_name_plural = _("mẫu thông báo")
        ordering = ["event", "channel", "language"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "channel", "language"], name="notification_template_once"
            ),
            models.CheckConstraint(condition=~models.Q(body=""), name="notification_template_body"),
        ]

    def __str__(self) -> str:
        return f"{self.event} · {self.channel} · {self.language}"
