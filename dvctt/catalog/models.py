"""The TTHC catalogue: procedures (thủ tục hành chính) and their versions over time.

A procedure is only a code; everything a citizen reads about it lives on a ``ProcedureVersion``, in force from
``valid_from`` until the day before the next version of the same procedure starts. A non-null
``abolished_after`` (HieuLucDen) on any version ends the procedure after that day (spec/indicators.md,
"Procedure versions"). Versions are never edited in place by imports: a change of level, units or integration
is a new version, so a dossier or a KPI for a past day reads the procedure as it was that day.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from dvctt.common.text import fold


class OnlineLevel(models.IntegerChoices):
    """MucDo of the national portal."""

    NONE = 2, _("Chưa trực tuyến")
    PARTIAL = 3, _("Trực tuyến một phần")
    FULL = 4, _("Trực tuyến toàn trình")


class TimeLimitUnit(models.TextChoices):
    WORKING_DAYS = "ngay_lam_viec", _("ngày làm việc")
    WORKING_HOURS = "gio_lam_viec", _("giờ làm việc")
    HALF_DAYS = "buoi_lam_viec", _("buổi làm việc")
    DAYS = "ngay", _("ngày")
    MONTHS = "thang", _("tháng")


class PaperForm(models.TextChoices):
    """The form in which a component is handed in (the receipt slip names it)."""

    ORIGINAL = "ban_chinh", _("bản chính")
    COPY = "ban_sao", _("bản sao")
    CERTIFIED_COPY = "ban_sao_chung_thuc", _("bản sao có chứng thực")
    ORIGINAL_OR_CERTIFIED_COPY = (
        "ban_chinh_hoac_ban_sao_chung_thuc",
        _("bản chính hoặc bản sao có chứng thực"),
    )


class Field(models.Model):
    """A field (lĩnh vực) such as Hộ tịch or Đất đai."""

    code = models.CharField(_("mã lĩnh vực"), max_length=40, unique=True)
    name = models.CharField(_("tên lĩnh vực"), max_length=255)
    name_folded = models.CharField(max_length=255, editable=False, db_index=True)

    class Meta:
        verbose_name = _("lĩnh vực")
        verbose_name_plural = _("lĩnh vực")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)


class Procedure(models.Model):
    code = models.CharField(_("mã thủ tục"), max_length=40, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thủ tục hành chính")
        verbose_name_plural = _("thủ tục hành chính")
        ordering = ["code"]
        constraints = [models.CheckConstraint(condition=~Q(code=""), name="procedure_code_not_empty")]

    def __str__(self) -> str:
        return self.code


class ProcedureVersion(models.Model):
    procedure = models.ForeignKey(
        Procedure, verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="versions"
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    abolished_after = models.DateField(
        _("hiệu lực đến (bãi bỏ sau ngày)"),
        null=True,
        blank=True,
        help_text=_("Thủ tục bị bãi bỏ sau ngày này."),
    )
    name = models.CharField(_("tên thủ tục"), max_length=500)
    name_folded = models.CharField(max_length=500, editable=False, db_index=True)
    field = models.ForeignKey(
        Field,
        verbose_name=_("lĩnh vực"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="versions",
    )
    level_province = models.BooleanField(_("cấp tỉnh"), default=False)
    level_district = models.BooleanField(_("cấp huyện"), default=False)
    level_commune = models.BooleanField(_("cấp xã"), default=False)
    units = models.ManyToManyField(
        "agencies.Unit", verbose_name=_("cơ quan thực hiện"), related_name="procedure_versions", blank=True
    )
    online_level = models.PositiveSmallIntegerField(
        _("mức độ trực tuyến"), choices=OnlineLevel.choices, default=OnlineLevel.NONE
    )
    eligible_full_process = models.BooleanField(_("đủ điều kiện toàn trình"), default=False)
    integrated_national = models.BooleanField(_("tích hợp trên Cổng DVCQG"), default=False)
    # False: the flag is the value an interchange file (TichHopDVCQG), the demo or an earlier tick box set, and it
    # stays as it is. True: the platform derives it from the national portal's configuration
    # (integrations/national_portal/integration.py) and writes it again when that configuration changes.
    integrated_derived = models.BooleanField(_("tích hợp DVCQG tính từ cấu hình"), default=False)
    time_limit = models.DecimalField(
        _("thời hạn giải quyết"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    time_limit_unit = models.CharField(
        _("đơn vị thời hạn"),
        max_length=16,
        choices=TimeLimitUnit.choices,
        default=TimeLimitUnit.WORKING_DAYS,
    )
    # Channel code ("1" in person, "2" online, "3" postal) -> limit as a decimal string, when a channel differs.
    time_limit_by_channel = models.JSONField(_("thời hạn theo kênh"), default=dict, blank=True)
    # A dossier received before this hour is due at the close of the same working day, one received after it at
    # the close of the next working day (e.g. certification of copies: decree 23/2015, art. 7); null: no such rule.
    same_day_cutoff = models.TimeField(_("giờ chốt trả trong ngày"), null=True, blank=True)
    # Reception regardless of administrative boundaries (Decree 118/2025): any commune's one-stop unit may receive
    # a dossier of this procedure for the competent unit of another commune.
    any_commune_reception = models.BooleanField(
        _("tiếp nhận không phụ thuộc địa giới hành chính"), default=False
    )
    offers_postal = models.BooleanField(_("nhận và trả qua bưu chính công ích"), default=True)
    has_fees = models.BooleanField(_("có phí, lệ phí"), default=False)
    result_is_document = models.BooleanField(_("kết quả là giấy tờ"), default=False)
    result_document_name = models.CharField(_("tên giấy tờ kết quả"), max_length=500, blank=True)
    steps = models.TextField(_("trình tự thực hiện"), blank=True)
    legal_basis = models.TextField(_("căn cứ pháp lý"), blank=True)
    eform = models.JSONField(_("biểu mẫu điện tử"), default=list, blank=True)
    # When on, a specialist's approval or refusal is a proposal that the unit leader signs off (approves, refuses)
    # or returns with a note (dossiers.states: propose_result, return_proposal).
    sign_off_required = models.BooleanField(
        _("lãnh đạo đơn vị ký duyệt kết quả"),
        default=False,
        help_text=_("Chuyên viên đề xuất kết quả; lãnh đạo đơn vị phê duyệt, từ chối hoặc trả lại đề xuất."),
    )
    # Keys of the interchange format that the platform does not model are kept, not lost.
    extra = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords(m2m_fields=[units])

    class Meta:
        verbose_name = _("phiên bản thủ tục")
        verbose_name_plural = _("phiên bản thủ tục")
        ordering = ["procedure__code", "valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["procedure", "valid_from"], name="procedure_version_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(abolished_after__isnull=True) | Q(abolished_after__gte=models.F("valid_from")),
                name="procedure_version_abolished_after_start",
            ),
            models.CheckConstraint(
                condition=Q(online_level__in=[2, 3, 4]), name="procedure_version_online_level"
            ),
            models.CheckConstraint(
                condition=Q(time_limit__isnull=True) | Q(time_limit__gte=0),
                name="procedure_version_time_limit_positive",
            ),
            models.CheckConstraint(
                condition=Q(time_limit_unit__in=[c.value for c in TimeLimitUnit]),
                name="procedure_version_time_limit_unit",
            ),
            models.CheckConstraint(condition=~Q(name=""), name="procedure_version_name_not_empty"),
        ]
        indexes = [models.Index(fields=["valid_from", "procedure"], name="procver_from_idx")]

    def __str__(self) -> str:
        return f"{self.procedure.code} · {self.name} ({self.valid_from:%d/%m/%Y})"

    def save(self, *args, **kwargs) -> None:
        self.name_folded = fold(self.name)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "name_folded"}
        super().save(*args, **kwargs)

    @property
    def is_online(self) -> bool:
        return self.online_level in (OnlineLevel.PARTIAL, OnlineLevel.FULL)

    @property
    def channels(self) -> list[str]:
        """Channel labels (kênh) this version accepts, in the national order."""
        labels = [str(_("Trực tiếp"))]
        if self.is_online:
            labels.append(str(_("Trực tuyến")))
        if self.offers_postal:
            labels.append(str(_("Bưu chính công ích")))
        return labels

    @property
    def levels(self) -> list[str]:
        labels = []
        if self.level_province:
            labels.append(str(_("Cấp tỉnh")))
        if self.level_district:
            labels.append(str(_("Cấp huyện")))
        if self.level_commune:
            labels.append(str(_("Cấp xã")))
        return labels


def component_template_path(instance: DossierComponent, filename: str) -> str:
    return f"catalog/templates/{instance.version.procedure.code}/{filename}"


class DossierComponent(models.Model):
    """A paper (thành phần hồ sơ) the applicant must hand in."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="components")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên giấy tờ"), max_length=500)
    required = models.BooleanField(_("bắt buộc"), default=True)
    copies = models.PositiveSmallIntegerField(_("số lượng"), default=1)
    paper_form = models.CharField(
        _("hình thức giấy tờ"), max_length=40, choices=PaperForm.choices, default=PaperForm.ORIGINAL
    )
    template = models.FileField(_("mẫu đơn, tờ khai"), upload_to=component_template_path, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("thành phần hồ sơ")
        verbose_name_plural = _("thành phần hồ sơ")
        ordering = ["version", "position", "id"]
        constraints = [models.CheckConstraint(condition=Q(copies__gte=1), name="component_copies_positive")]

    def __str__(self) -> str:
        return self.name


class FeeLine(models.Model):
    """A fee or charge (phí, lệ phí) in VND."""

    version = models.ForeignKey(ProcedureVersion, on_delete=models.CASCADE, related_name="fees")
    position = models.PositiveSmallIntegerField(_("thứ tự"), default=0)
    name = models.CharField(_("tên phí, lệ phí"), max_length=500)
    amount = models.PositiveBigIntegerField(_("mức thu (đồng)"))
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("phí, lệ phí")
        verbose_name_plural = _("phí, lệ phí")
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return f"{self.name}: {self.amount:,} đ"
