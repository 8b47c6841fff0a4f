"""Plans with their targets, the national index's versioned configuration, and the PAR-index rule table.

Values are fractions (0–1) everywhere in the database and the API; pages show them as percentages.
Every table keeps its history (django-simple-history): a target or a rule changed after the fact must be traceable.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dvctt.monitoring.indicators import INDICATORS, PLATFORM_INDICATORS

INDICATOR_CHOICES = [(indicator.code, indicator.name) for indicator in INDICATORS]
#: A target may also be set for a platform indicator (monitoring.indicators.PLATFORM_INDICATORS).
TARGET_CHOICES = INDICATOR_CHOICES + [(indicator.code, indicator.name) for indicator in PLATFORM_INDICATORS]
FRACTION_VALIDATORS = [MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))]


class Plan(models.Model):
    name = models.CharField(_("tên kế hoạch"), max_length=255)
    decision_number = models.CharField(_("số văn bản"), max_length=64, unique=True)
    decision_date = models.DateField(_("ngày ban hành"))
    signer = models.CharField(_("người ký"), max_length=255, blank=True)
    start_year = models.PositiveSmallIntegerField(_("từ năm"))
    end_year = models.PositiveSmallIntegerField(_("đến năm"))
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kế hoạch")
        verbose_name_plural = _("kế hoạch")
        ordering = ["-start_year", "decision_number"]
        constraints = [
            models.CheckConstraint(condition=Q(end_year__gte=F("start_year")), name="plan_year_range"),
        ]

    def __str__(self) -> str:
        return f"{self.decision_number} – {self.name}"

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class TargetKind(models.TextChoices):
    AT_LEAST = "at_least", _("Tối thiểu (≥)")
    AT_MOST = "at_most", _("Tối đa (≤)")


class Target(models.Model):
    """One target of a plan: an indicator, a year, the province (``unit`` empty) or one unit."""

    plan = models.ForeignKey(
        Plan, verbose_name=_("kế hoạch"), on_delete=models.CASCADE, related_name="targets"
    )
    indicator = models.CharField(_("chỉ tiêu"), max_length=64, choices=TARGET_CHOICES)
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "agencies.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_targets",
        help_text=_("Để trống: chỉ tiêu chung của tỉnh."),
    )
    value = models.DecimalField(_("giá trị"), max_digits=5, decimal_places=4, validators=FRACTION_VALIDATORS)
    kind = models.CharField(_("loại"), max_length=10, choices=TargetKind.choices, default=TargetKind.AT_LEAST)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ tiêu")
        verbose_name_plural = _("chỉ tiêu")
        ordering = ["plan", "year", "unit__code", "indicator"]
        constraints = [
            # NULL units are distinct in a plain unique constraint: the province row needs its own.
            models.UniqueConstraint(
                fields=["plan", "indicator", "year", "unit"],
                condition=Q(unit__isnull=False),
                name="target_unique_unit",
            ),
            models.UniqueConstraint(
                fields=["plan", "indicator", "year"],
                condition=Q(unit__isnull=True),
                name="target_unique_province",
            ),
            models.CheckConstraint(condition=Q(value__gte=0, value__lte=1), name="target_value_fraction"),
        ]

    def __str__(self) -> str:
        return f"{self.plan_id}/{self.year}/{self.indicator}/{self.unit_id or '-'}: {self.value}"


class IndexGroup(models.TextChoices):
    TRANSPARENCY = "transparency", _("Công khai, minh bạch")
    PROGRESS = "progress", _("Tiến độ giải quyết")
    ONLINE = "online", _("Dịch vụ trực tuyến và thanh toán")
    DIGITISATION = "digitisation", _("Số hóa hồ sơ")
    SATISFACTION = "satisfaction", _("Mức độ hài lòng")


class IndexConfig(models.Model):
    """One version of the national index's points and thresholds (Decision 766), in force from ``valid_from``.

    ``group_points`` holds each group's maximum (the index's 100 points); the items hold only the indicators
    the platform computes from its own data, so a group's computable maximum is usually below its maximum.
    """

    version = models.CharField(_("phiên bản"), max_length=32, unique=True)
    valid_from = models.DateField(_("áp dụng từ"), unique=True)
    group_points = models.JSONField(_("điểm tối đa theo nhóm"), default=dict)
    note = models.TextField(_("ghi chú"), blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("cấu hình Bộ chỉ số 766")
        verbose_name_plural = _("cấu hình Bộ chỉ số 766")
        ordering = ["-valid_from"]

    def __str__(self) -> str:
        return f"{self.version} ({self.valid_from:%d/%m/%Y})"


class IndexItem(models.Model):
    config = models.ForeignKey(IndexConfig, on_delete=models.CASCADE, related_name="items")
    group = models.CharField(_("nhóm"), max_length=16, choices=IndexGroup.choices)
    indicator = models.CharField(_("chỉ số"), max_length=64, choices=INDICATOR_CHOICES)
    ref = models.CharField(_("số hiệu"), max_length=8, blank=True)
    points = models.DecimalField(_("điểm tối đa (P)"), max_digits=6, decimal_places=2)
    threshold = models.DecimalField(
        _("ngưỡng (T)"), max_digits=5, decimal_places=4, default=Decimal(1), validators=FRACTION_VALIDATORS
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("chỉ số của Bộ chỉ số 766")
        verbose_name_plural = _("chỉ số của Bộ chỉ số 766")
        ordering = ["config", "ref", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["config", "indicator"], name="index_item_unique"),
            models.CheckConstraint(
                condition=Q(threshold__gt=0, threshold__lte=1), name="index_item_threshold"
            ),
            models.CheckConstraint(condition=Q(points__gte=0), name="index_item_points"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.indicator}: P {self.points}, T {self.threshold}"


class ParRule(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("Đạt ngưỡng mới có điểm")
    LINEAR = "linear", _("Tỷ lệ theo ngưỡng (điểm × giá trị / ngưỡng)")
    STEPS = "steps", _("Theo bậc")


class ParCriterion(models.Model):
    """A criterion on online services in the PAR index (Chỉ số CCHC) of one year, edited by monitors.

    ``steps`` (rule "steps" only): a list of ``[min value, points]`` pairs; a unit gets the points of the
    highest step it reaches.
    """

    year = models.PositiveSmallIntegerField(_("năm"))
    indicator = models.CharField(_("chỉ tiêu"), max_length=64, choices=INDICATOR_CHOICES)
    label = models.CharField(_("tiêu chí"), max_length=255, blank=True)
    threshold = models.DecimalField(
        _("ngưỡng"), max_digits=5, decimal_places=4, default=Decimal(1), validators=FRACTION_VALIDATORS
    )
    points = models.DecimalField(_("điểm tối đa"), max_digits=6, decimal_places=2)
    rule = models.CharField(_("cách tính"), max_length=16, choices=ParRule.choices, default=ParRule.LINEAR)
    steps = models.JSONField(_("các bậc"), default=list, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tiêu chí Chỉ số CCHC")
        verbose_name_plural = _("tiêu chí Chỉ số CCHC")
        ordering = ["year", "indicator"]
        constraints = [
            models.UniqueConstraint(fields=["year", "indicator"], name="par_criterion_unique"),
            models.CheckConstraint(condition=Q(threshold__gt=0, threshold__lte=1), name="par_threshold"),
            models.CheckConstraint(condition=Q(points__gte=0), name="par_points"),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.indicator}: {self.points}"
