"""Tasks that could not be handed to the task queue (Redis unreachable), kept until ``tasks_respool`` queues them."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SpooledTask(models.Model):
    """One enqueue that failed: the task's dotted path, its options and its JSON arguments."""

    module_path = models.CharField(_("tác vụ"), max_length=255)
    queue_name = models.CharField(_("hàng đợi"), max_length=64)
    priority = models.IntegerField(_("độ ưu tiên"), default=0)
    run_after = models.DateTimeField(_("chạy sau"), null=True, blank=True)
    args = models.JSONField(_("đối số"), default=list)
    kwargs = models.JSONField(_("đối số có tên"), default=dict)
    created_at = models.DateTimeField(_("thời điểm ghi"), auto_now_add=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)

    class Meta:
        verbose_name = _("tác vụ chờ")
        verbose_name_plural = _("tác vụ chờ")
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"{self.module_path} #{self.pk}"
