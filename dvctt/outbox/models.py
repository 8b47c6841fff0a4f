"""The outbox: one row per message owed to an outside system, written in the transaction of the change it reports.

One small mechanism shared by every outside system (the national portal today): a system registers an adapter
(:mod:`dvctt.outbox.registry`) and the sender (:mod:`dvctt.outbox.services`) delivers its messages in order per
``key`` (for the national portal: the dossier code), with retries and back-off.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class MessageState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENDING = "sending", _("Đang gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi lỗi")
    #: Waiting behind a failed message of the same key: it must not overtake it.
    HELD = "held", _("Tạm giữ sau tin lỗi")


class Message(models.Model):
    system = models.CharField(_("hệ thống"), max_length=32)
    operation = models.CharField(_("nghiệp vụ"), max_length=32)
    #: Messages of one key are delivered one after another, in id order.
    key = models.CharField(_("khóa"), max_length=64)
    #: The id of what the message reports (for dossiers: the DossierEvent), for the history.
    ref = models.BigIntegerField(null=True, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    state = models.CharField(_("trạng thái"), max_length=10, choices=MessageState.choices, default="pending")
    attempts = models.PositiveSmallIntegerField(_("số lần gửi"), default=0)
    #: Pending: not before this time. Sending: the claim's lease (a worker that died is replaced after it).
    next_attempt_at = models.DateTimeField(_("gửi lần tới"))
    #: How far a send in several calls got (an adapter's own marker: a retry does not repeat a done call).
    step = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(_("lỗi gần nhất"), max_length=500, blank=True)
    #: The remote's raw answer to the last attempt (HTTP status and body), kept as it came.
    last_answer = models.TextField(_("phản hồi gần nhất"), blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi xong lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tin gửi đi")
        verbose_name_plural = _("tin gửi đi")
        ordering = ["id"]
        indexes = [
            # The claim: due messages of a system.
            models.Index(
                fields=["system", "next_attempt_at"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_due_idx",
            ),
            # Order per key, and a dossier's history.
            models.Index(fields=["system", "key", "id"], name="outbox_key_idx"),
            models.Index(fields=["state", "system"], name="outbox_state_idx"),
            # The claim with a big backlog: waiting messages in id order, and a key's earlier unsent ones,
            # without walking the sent ones (they stay in the table).
            models.Index(
                fields=["system", "id"],
                condition=Q(state__in=["pending", "sending"]),
                name="outbox_waiting_idx",
            ),
            models.Index(
                fields=["system", "key", "id"],
                condition=~Q(state="sent"),
                name="outbox_key_unsent_idx",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(state__in=["pending", "sending", "sent", "failed", "held"]),
                name="outbox_state_known",
            )
        ]

    def __str__(self) -> str:
        return f"{self.system} {self.operation} {self.key} #{self.pk} ({self.state})"


class Transport(models.Model):
    """A system's switch: an administrator pauses sending (messages keep being written) and resumes it."""

    system = models.CharField(_("hệ thống"), max_length=32, unique=True)
    paused = models.BooleanField(_("tạm dừng gửi"), default=False)
    changed_at = models.DateTimeField(_("thay đổi lúc"), auto_now=True)
    changed_by = models.CharField(_("người thay đổi"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("kênh gửi")
        verbose_name_plural = _("kênh gửi")

    def __str__(self) -> str:
        return self.system
