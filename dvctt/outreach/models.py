"""Outreach (docs/outreach.md): the register of communication activities that the department and the agencies
record, and the good practices the department publishes for the agencies to learn from.

Both keep every change (django-simple-history, with the user who made it). A good practice stores its two periods
as the dashboards name them (a kind and its dates, plans.dashboards.periods) and the indicator codes it compares;
its figures are never stored: they are read from the indicator engine each time (outreach.selectors).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

#: The largest reach one activity may claim: a provincial TV broadcast or a viral post, not a typo of ten digits.
MAX_REACH = 5_000_000


class Channel(models.TextChoices):
    PRESS = "press", _("Bài báo, tin bài")
    BROADCAST = "broadcast", _("Phát thanh, truyền hình")
    SOCIAL = "social", _("Mạng xã hội")
    MEETING = "meeting", _("Họp dân ở xã, thôn")
    TRAINING = "training", _("Tập huấn, hướng dẫn")
    PRINT = "print", _("Tờ rơi, áp phích")
    OTHER = "other", _("Khác")


class Audience(models.TextChoices):
    CITIZENS = "citizens", _("Người dân")
    BUSINESSES = "businesses", _("Doanh nghiệp")
    OFFICIALS = "officials", _("Cán bộ, công chức, viên chức")
    YOUTH = "youth", _("Đoàn viên, thanh niên, học sinh")
    EVERYONE = "everyone", _("Mọi đối tượng")


class CommunicationActivity(models.Model):
    """One communication activity of a unit: an article, a broadcast, a meeting at a commune, a training session."""

    unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    date = models.DateField(_("ngày"))
    channel = models.CharField(_("hình thức"), max_length=12, choices=Channel.choices)
    title = models.CharField(_("tiêu đề"), max_length=255)
    summary = models.TextField(_("nội dung tóm tắt"), blank=True)
    audience = models.CharField(_("đối tượng"), max_length=12, choices=Audience.choices)
    reach = models.PositiveIntegerField(_("số người được tiếp cận"), default=0)
    place = models.CharField(_("địa điểm"), max_length=255, blank=True)
    links = models.JSONField(_("đường dẫn"), default=list, blank=True)
    #: title, place and summary folded (common.text.fold) for the search that ignores case and diacritics
    search_text = models.TextField(editable=False, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("ghi lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords(excluded_fields=["search_text"])

    class Meta:
        verbose_name = _("hoạt động truyền thông")
        verbose_name_plural = _("hoạt động truyền thông")
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(reach__lte=MAX_REACH), name="activity_reach_bounded"),
            models.CheckConstraint(condition=~Q(title=""), name="activity_title_not_empty"),
        ]
        indexes = [models.Index(fields=["date", "unit"], name="activity_date_unit")]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.title}"


def activity_upload_to(instance: ActivityFile, filename: str) -> str:
    return f"outreach/activities/{instance.activity_id}/{filename}"


class ActivityFile(models.Model):
    """A file of an activity (a scan of the article, the programme, the attendance list), checked as dossier files
    are (dossiers.files). Files are added, never replaced: the register keeps what was sent."""

    activity = models.ForeignKey(CommunicationActivity, on_delete=models.PROTECT, related_name="files")
    name = models.CharField(_("tên tệp"), max_length=255)
    file = models.FileField(upload_to=activity_upload_to, max_length=255)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField(max_length=64, blank=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["activity_id", "id"]

    def __str__(self) -> str:
        return self.name


class PracticeState(models.TextChoices):
    DRAFT = "draft", _("Bản nháp")
    PUBLISHED = "published", _("Đã công bố")


class GoodPractice(models.Model):
    """A good practice of an agency: what was done, by whom, and the indicators of that unit before and after."""

    unit = models.ForeignKey(
        "agencies.Unit", verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("tiêu đề"), max_length=255)
    what = models.TextField(_("cách làm"))
    who = models.TextField(_("người thực hiện"), blank=True)
    before_kind = models.CharField(_("loại kỳ trước"), max_length=8)
    before_from = models.DateField(_("kỳ trước: từ ngày"))
    before_to = models.DateField(_("kỳ trước: đến ngày"))
    after_kind = models.CharField(_("loại kỳ sau"), max_length=8)
    after_from = models.DateField(_("kỳ sau: từ ngày"))
    after_to = models.DateField(_("kỳ sau: đến ngày"))
    units_mode = models.CharField(_("cách tính đơn vị"), max_length=8, default="period")
    indicators = models.JSONField(_("chỉ tiêu so sánh"), default=list)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=PracticeState.choices, default=PracticeState.DRAFT
    )
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("người viết"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    updated_at = models.DateTimeField(_("cập nhật lúc"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cách làm hay")
        verbose_name_plural = _("cách làm hay")
        ordering = ["-published_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(before_to__gte=F("before_from")), name="practice_before_span"),
            models.CheckConstraint(condition=Q(after_to__gte=F("after_from")), name="practice_after_span"),
            models.CheckConstraint(condition=Q(after_from__gt=F("before_to")), name="practice_after_later"),
            models.CheckConstraint(
                condition=Q(state="draft") | Q(published_at__isnull=False), name="practice_published_at"
            ),
        ]

    def __str__(self) -> str:
        return self.title
