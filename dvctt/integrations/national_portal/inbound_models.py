"""What the national portal pushed to the province (spec/national-portal.md §1, operation 4), one row per message.

The row is the idempotency record: ``key`` (``MaThongDiep``) is unique, so a message sent twice has one effect and
one answer. A rejected message is recorded too (the console shows it); its key may be sent again, corrected. A
message that could not be read far enough to find its key is recorded with no key.

``raw`` is kept for audit as the portal sent it, except inline file contents, replaced by their size and
SHA-256 (the files themselves are stored on the dossier). It holds personal data (names, identification numbers):
the console shows it, masked, to administrators only (docs/national-portal.md, "Inbound messages").
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class InboundKind(models.TextChoices):
    SUPPLEMENT = "BoSungHoSo", _("Bổ sung hồ sơ")
    TAX_NOTICE = "ThongBaoThue", _("Thông báo thuế")
    SUBMISSION = "NopHoSo", _("Nộp hồ sơ trên Cổng DVCQG")


class InboundOutcome(models.TextChoices):
    ACCEPTED = "accepted", _("Đã xử lý")
    #: Accepted and kept for the officer: the dossier's state did not allow the effect now (a tax notice).
    RECORDED = "recorded", _("Đã ghi nhận, chờ cán bộ")
    REJECTED = "rejected", _("Từ chối")


class InboundMessage(models.Model):
    key = models.CharField(
        _("mã thông điệp"), max_length=100, unique=True, null=True, blank=True
    )  # MaThongDiep
    kind = models.CharField(_("loại thông điệp"), max_length=40, blank=True)  # LoaiThongDiep
    received_at = models.DateTimeField(_("nhận lúc"), default=timezone.now)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    sent_at = models.DateTimeField(_("Cổng gửi lúc"), null=True, blank=True)  # ThoiGianGui
    sender = models.CharField(_("địa chỉ gửi"), max_length=64, blank=True)
    auth_method = models.CharField(_("xác thực"), max_length=16, blank=True)
    #: SHA-256 of the message in canonical JSON (sorted keys): the same key with another digest is a conflict.
    body_sha256 = models.CharField(max_length=64, blank=True)
    raw = models.TextField(_("nội dung nhận được"), blank=True)
    outcome = models.CharField(_("kết quả"), max_length=10, choices=InboundOutcome.choices)
    error_code = models.SmallIntegerField(default=-1)
    message = models.TextField(_("thông báo"), blank=True)
    #: The exact answer given (HTTP status and body): a repeat of the message gets it again.
    http_status = models.PositiveSmallIntegerField(default=200)
    answer = models.JSONField(default=dict, blank=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier",
        verbose_name=_("hồ sơ"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dossier_code = models.CharField(_("mã hồ sơ"), max_length=64, blank=True)
    #: The message's own reference: the tax notice number (ThongBaoThue), the portal's dossier code (NopHoSo).
    reference = models.CharField(_("số tham chiếu"), max_length=100, blank=True)
    #: How many times a rejected key was sent again.
    attempts = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("thông điệp từ Cổng DVCQG")
        verbose_name_plural = _("thông điệp từ Cổng DVCQG")
        ordering = ["-received_at", "-id"]
        indexes = [
            models.Index(fields=["-received_at"], name="np_inbound_received_idx"),
            models.Index(fields=["outcome", "-received_at"], name="np_inbound_outcome_idx"),
            models.Index(fields=["dossier_code"], name="np_inbound_dossier_idx"),
            models.Index(fields=["kind", "dossier_code", "reference"], name="np_inbound_reference_idx"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(error_code__in=[0, -1]), name="np_inbound_error_code"),
        ]

    def __str__(self) -> str:
        return f"{self.key or '—'} {self.kind} {self.outcome}"
