"""Steering the plan (docs/steering.md): the plan's tasks with the agencies' progress reports, the register of
difficulties and proposals, and the notifications sent to officials about them.

Progress reports and events are append-only: a task's or a difficulty's history is never rewritten. A task's
``percent`` and ``last_progress_at`` repeat its latest report for lists (written in the report's transaction).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class TaskState(models.TextChoices):
    OPEN = "open", _("Đang thực hiện")
    DONE = "done", _("Hoàn thành")
    CANCELLED = "cancelled", _("Dừng thực hiện")


class PlanTask(models.Model):
    """One task of a plan: what, who leads, who cooperates, by when, and what result is expected."""

    plan = models.ForeignKey(
        "plans.Plan", verbose_name=_("kế hoạch"), on_delete=models.PROTECT, related_name="tasks"
    )
    code = models.CharField(_("mã nhiệm vụ"), max_length=32)
    title = models.CharField(_("nhiệm vụ"), max_length=500)
    description = models.TextField(_("nội dung"), blank=True)
    lead_unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị chủ trì"), on_delete=models.PROTECT, related_name="led_tasks"
    )
    cooperating_units = models.ManyToManyField(
        "agencies.Unit", verbose_name=_("đơn vị phối hợp"), blank=True, related_name="cooperating_tasks"
    )
    start_date = models.DateField(_("ngày bắt đầu"), null=True, blank=True)
    deadline = models.DateField(_("hạn hoàn thành"))
    expected_result = models.TextField(_("kết quả dự kiến"), blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN
    )
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"), default=0)
    last_progress_at = models.DateTimeField(_("báo cáo gần nhất"), null=True, blank=True)
    completed_on = models.DateField(_("ngày hoàn thành"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)

    class Meta:
        verbose_name = _("nhiệm vụ của kế hoạch")
        verbose_name_plural = _("nhiệm vụ của kế hoạch")
        ordering = ["deadline", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="plan_task_code_once"),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True) | Q(deadline__gte=F("start_date")),
                name="plan_task_deadline_after_start",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="plan_task_percent"),
            models.CheckConstraint(condition=~Q(code=""), name="plan_task_code_not_empty"),
        ]
        indexes = [models.Index(fields=["state", "deadline"], name="plan_task_state_deadline")]

    def __str__(self) -> str:
        return f"{self.code} – {self.title}"


class TaskProgress(models.Model):
    """An agency's progress report on a task (append-only): what was done, how far, with evidence."""

    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="progress")
    unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người báo cáo"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("kết quả thực hiện"))
    percent = models.PositiveSmallIntegerField(_("tiến độ (%)"))
    links = models.JSONField(_("đường dẫn minh chứng"), default=list, blank=True)
    created_at = models.DateTimeField(_("lúc"), auto_now_add=True)

    class Meta:
        verbose_name = _("báo cáo tiến độ")
        verbose_name_plural = _("báo cáo tiến độ")
        ordering = ["task_id", "created_at", "id"]
        constraints = [models.CheckConstraint(condition=Q(percent__lte=100), name="task_progress_percent")]

    def __str__(self) -> str:
        return f"{self.task_id} {self.percent}%"


def progress_upload_to(instance: TaskProgressFile, filename: str) -> str:
    return f"steering/tasks/{instance.progress.task_id}/{instance.progress_id}/{filename}"


class TaskProgressFile(models.Model):
    """A file of evidence attached to a progress report (checked as dossier files are: dossiers.files)."""

    progress = models.ForeignKey(TaskProgress, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(upload_to=progress_upload_to, max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["progress_id", "id"]

    def __str__(self) -> str:
        return self.name


class TaskEvent(models.Model):
    """What happened to a task (append-only): created, imported, updated, progress, done, cancelled, reopened,
    reminded. ``payload`` holds the changed fields or the report's id."""

    task = models.ForeignKey(PlanTask, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("thao tác"), max_length=24)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(_("lúc"))
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["task_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.task_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class DifficultyCategory(models.TextChoices):
    PROCEDURE = "procedure", _("Thủ tục hành chính")
    PLATFORM = "platform", _("Hệ thống, nền tảng")
    CONNECTION = "connection", _("Kết nối, liên thông")
    STAFFING = "staffing", _("Nhân lực")
    LAW = "law", _("Quy định pháp luật")
    OTHER = "other", _("Khác")


class DifficultyState(models.TextChoices):
    FILED = "filed", _("Mới gửi")
    ASSIGNED = "assigned", _("Đã giao xử lý")
    ESCALATED_PPC = "escalated_ppc", _("Đã trình UBND tỉnh")
    ANSWERED = "answered", _("Đã trả lời")
    CLOSED = "closed", _("Đã đóng")


#: States of a difficulty still waiting for an answer.
OPEN_DIFFICULTY_STATES = (DifficultyState.FILED, DifficultyState.ASSIGNED, DifficultyState.ESCALATED_PPC)


class Difficulty(models.Model):
    """A difficulty or proposal an agency files, answered by the department (or an assignee, or the PPC)."""

    filer_unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị gửi"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người gửi"), on_delete=models.PROTECT, related_name="+"
    )
    category = models.CharField(_("loại"), max_length=12, choices=DifficultyCategory.choices)
    subject = models.CharField(_("tiêu đề"), max_length=255)
    content = models.TextField(_("nội dung"))
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục liên quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    task = models.ForeignKey(
        PlanTask,
        verbose_name=_("nhiệm vụ liên quan"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="difficulties",
    )
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=DifficultyState.choices, default=DifficultyState.FILED
    )
    assigned_unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("giao đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    assigned_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("giao cán bộ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    escalated_at = models.DateTimeField(_("trình UBND tỉnh lúc"), null=True, blank=True)
    answer = models.TextField(_("trả lời"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người trả lời"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("trả lời lúc"), null=True, blank=True)
    filed_at = models.DateTimeField(_("gửi lúc"))
    closed_at = models.DateTimeField(_("đóng lúc"), null=True, blank=True)
    version = models.PositiveIntegerField(default=1)

    class Meta:
        verbose_name = _("khó khăn, đề xuất")
        verbose_name_plural = _("khó khăn, đề xuất")
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(state__in=["answered", "closed"]) | ~Q(answer=""),
                name="difficulty_answered_has_answer",
            ),
            models.CheckConstraint(
                condition=~Q(state="assigned")
                | Q(assigned_unit__isnull=False)
                | Q(assigned_user__isnull=False),
                name="difficulty_assigned_has_assignee",
            ),
        ]
        indexes = [models.Index(fields=["state", "filed_at"], name="difficulty_state_filed")]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subject}"

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_DIFFICULTY_STATES


class DifficultyEvent(models.Model):
    """Who did what to a difficulty and when (append-only, in the move's transaction)."""

    difficulty = models.ForeignKey(Difficulty, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("thao tác"), max_length=16)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("lúc"))
    note = models.TextField(_("ghi chú"), blank=True)
    payload = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["difficulty_id", "at", "id"]

    def __str__(self) -> str:
        return f"{self.difficulty_id} {self.action} {self.at:%d/%m/%Y %H:%M}"


class StaffNotification(models.Model):
    """A message to an official (a task reminder, an answer to a difficulty) through one channel of the
    notification mechanism (dossiers.notifications.channels). ``key`` makes it once only: the same key, channel
    and recipient never make a second row (a reminder's key carries its task and day)."""

    class State(models.TextChoices):
        PENDING = "pending", _("Chờ gửi")
        SENT = "sent", _("Đã gửi")
        FAILED = "failed", _("Gửi lỗi")

    key = models.CharField(max_length=120)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="steering_notifications"
    )
    channel = models.CharField(max_length=16)
    recipient = models.CharField(max_length=255)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["key", "channel", "recipient"], name="staff_notification_once")
        ]

    def __str__(self) -> str:
        return f"{self.channel} → {self.recipient}: {self.subject}"
