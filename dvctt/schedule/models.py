"""One row per periodic job's slot that a scheduler queued: the database's unique key is what lets two schedulers
(two machines) run side by side without queueing a slot twice."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SlotClaim(models.Model):
    """A job's slot (its start) taken by one scheduler pass, written in the same transaction as the job's task
    (database backend) or just before it is queued (Redis). Pruned by the scheduler after a few days."""

    job = models.CharField(_("công việc"), max_length=64)
    slot_start = models.DateTimeField(_("đầu kỳ chạy"))
    claimed_at = models.DateTimeField(_("lúc đưa vào hàng đợi"))
    claimed_by = models.CharField(_("tiến trình"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("lượt chạy định kỳ")
        verbose_name_plural = _("lượt chạy định kỳ")
        constraints = [models.UniqueConstraint(fields=["job", "slot_start"], name="schedule_slot_once")]

    def __str__(self) -> str:
        return f"{self.job} {self.slot_start:%Y-%m-%d %H:%M}"


class SchedulerBeat(models.Model):
    """A running (or stopped) ``dvctt scheduler`` process and its last pass: the operator's metric of a scheduler
    that stopped passing (``dvctt_scheduler_last_pass_age_seconds``) and ``dvctt scheduler --list`` read it. Beats
    of processes gone for longer than the claims are kept are pruned by the passes."""

    process = models.CharField(_("tiến trình"), max_length=200, unique=True)  # host:pid
    started_at = models.DateTimeField(_("bắt đầu lúc"))
    last_pass_at = models.DateTimeField(_("lượt chạy gần nhất lúc"), null=True, blank=True)
    passes = models.PositiveBigIntegerField(_("số lượt chạy"), default=0)
    failed_passes = models.PositiveBigIntegerField(_("số lượt lỗi"), default=0)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    last_error_at = models.DateTimeField(_("lỗi gần nhất lúc"), null=True, blank=True)
    stopped_at = models.DateTimeField(_("dừng lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("tiến trình lập lịch")
        verbose_name_plural = _("tiến trình lập lịch")

    def __str__(self) -> str:
        return self.process
