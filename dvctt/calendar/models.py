"""The working-day calendar as data: configured years, day exceptions, working hours, revisions.

Write only through ``dvctt.calendar.services`` (the admin does too): every change bumps the calendar revision,
so that a due time stored with the revision it was computed under can be told apart from a recomputation.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dvctt.calendar import seeding
from dvctt.calendar.deadlines import parse_periods


class DayKind(models.TextChoices):
    PUBLIC_HOLIDAY = seeding.PUBLIC_HOLIDAY, _("Ngày lễ, Tết")
    DAY_OFF = seeding.DAY_OFF, _("Ngày nghỉ (nghỉ bù, hoán đổi theo quyết định)")
    MAKEUP_WORKDAY = seeding.MAKEUP_WORKDAY, _("Ngày làm bù (thứ Bảy, Chủ nhật đi làm)")


class DayStatus(models.TextChoices):
    """Only a confirmed day counts in the working calendar; a day "to confirm" waits for an administrator."""

    CONFIRMED = seeding.CONFIRMED, _("Đã xác nhận")
    TO_CONFIRM = seeding.TO_CONFIRM, _("Chờ xác nhận")


class CalendarYear(models.Model):
    """A year whose days off are known. A year with no row is "not configured": due times refuse it."""

    year = models.PositiveSmallIntegerField(_("năm"), unique=True)
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("năm lịch")
        verbose_name_plural = _("năm lịch đã cấu hình")
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2100), name="calendar_year_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.year)

    def clean(self) -> None:
        if self.year is not None and not 2000 <= self.year <= 2100:
            raise ValidationError({"year": _("Năm phải trong khoảng 2000–2100.")})


class DayException(models.Model):
    """A date that differs from the Monday–Friday rule: a holiday, an official day off, or a make-up day.

    It counts in the working calendar only once confirmed, and a confirmed day names its legal basis.
    """

    date = models.DateField(_("ngày"), unique=True)
    kind = models.CharField(_("loại"), max_length=20, choices=DayKind.choices)
    name = models.CharField(_("tên"), max_length=255)
    legal_basis = models.CharField(
        _("căn cứ pháp lý"),
        max_length=500,
        blank=True,
        help_text=_("Văn bản quy định ngày này, ví dụ: Bộ luật Lao động 2019, Điều 112."),
    )
    status = models.CharField(
        _("trạng thái"),
        max_length=20,
        choices=DayStatus.choices,
        default=DayStatus.CONFIRMED,
        help_text=_(
            "Ngày chờ xác nhận không được tính là ngày nghỉ hay ngày làm bù cho đến khi quản trị viên xác nhận."
        ),
    )
    year = models.ForeignKey(
        CalendarYear,
        verbose_name=_("năm"),
        to_field="year",
        db_column="year",
        on_delete=models.PROTECT,
        related_name="days",
        editable=False,
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("ngày ngoại lệ")
        verbose_name_plural = _("ngày nghỉ lễ, nghỉ bù, làm bù")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date:%d/%m/%Y} {self.name}"

    def clean(self) -> None:
        if self.date is None:
            return
        # A holiday on a weekend is a row of its own (its compensatory day off is another row).
        if self.kind == DayKind.MAKEUP_WORKDAY and self.date.weekday() < 5:
            raise ValidationError(
                {
                    "kind": _("Ngày làm bù %(day)s phải là thứ Bảy hoặc Chủ nhật.")
                    % {"day": f"{self.date:%d/%m/%Y}"}
                }
            )
        if self.status == DayStatus.CONFIRMED and not (self.legal_basis or "").strip():
            raise ValidationError(
                {"legal_basis": _("Ngày đã xác nhận phải ghi căn cứ pháp lý (văn bản quy định ngày này).")}
            )
        if not CalendarYear.objects.filter(year=self.date.year).exists():
            raise ValidationError(
                {
                    "date": _("Năm %(year)s chưa được cấu hình; hãy tạo năm lịch trước.")
                    % {"year": self.date.year}
                }
            )


def _validate_periods_text(value: str) -> None:
    try:
        parse_periods(value)
    except ValueError as exc:
        raise ValidationError(str(exc)) from None


class WorkingSchedule(models.Model):
    """Working hours from ``valid_from`` on: periods of the day such as ``07:00-11:30,13:30-17:00``.

    With no row, settings.DVCTT_WORKING_PERIODS applies.
    """

    valid_from = models.DateField(_("áp dụng từ ngày"), unique=True)
    periods = models.CharField(
        _("giờ làm việc"),
        max_length=255,
        validators=[_validate_periods_text],
        help_text=_("Các khoảng giờ, cách nhau bởi dấu phẩy, ví dụ 07:00-11:30,13:30-17:00."),
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("giờ làm việc")
        verbose_name_plural = _("giờ làm việc")
        ordering = ["valid_from"]

    def __str__(self) -> str:
        return f"{self.valid_from:%d/%m/%Y}: {self.periods}"


class CalendarRevision(models.Model):
    """One row per change of the calendar (append-only); the current revision is the latest id."""

    created_at = models.DateTimeField(_("thời điểm"), auto_now_add=True)
    summary = models.CharField(_("nội dung thay đổi"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thay đổi"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("phiên bản lịch")
        verbose_name_plural = _("phiên bản lịch")
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"#{self.pk} {self.summary}"
