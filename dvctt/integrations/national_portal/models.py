"""The province's codes as the national portal knows them, edited in the admin.

A unit or procedure without a row here is sent with its own code (most provinces use the national codes).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitCode(models.Model):
    unit = models.OneToOneField(
        "agencies.Unit", verbose_name=_("đơn vị"), on_delete=models.CASCADE, related_name="national_code"
    )
    code = models.CharField(_("mã đơn vị trên Cổng DVCQG"), max_length=64)

    class Meta:
        verbose_name = _("mã đơn vị trên Cổng DVCQG")
        verbose_name_plural = _("mã đơn vị trên Cổng DVCQG")

    def __str__(self) -> str:
        return f"{self.unit_id} → {self.code}"


class ProcedureCode(models.Model):
    procedure = models.OneToOneField(
        "catalog.Procedure", verbose_name=_("thủ tục"), on_delete=models.CASCADE, related_name="national_code"
    )
    code = models.CharField(_("mã TTHC trên Cổng DVCQG"), max_length=64)

    class Meta:
        verbose_name = _("mã thủ tục trên Cổng DVCQG")
        verbose_name_plural = _("mã thủ tục trên Cổng DVCQG")

    def __str__(self) -> str:
        return f"{self.procedure_id} → {self.code}"


class NationalProcedure(models.Model):
    """A procedure of the national catalogue as the last pull saw it (LayDanhSachTTHC + LayThuTuc)."""

    code = models.CharField(_("mã TTHC quốc gia"), max_length=64, unique=True)
    name = models.CharField(_("tên thủ tục"), max_length=1000)
    detail = models.JSONField(_("chi tiết (LayThuTuc)"), default=dict, blank=True)
    listed = models.BooleanField(_("có trong danh sách của Cổng"), default=True)
    first_seen = models.DateTimeField(_("lần đầu thấy"))
    last_seen = models.DateTimeField(_("lần cuối thấy"))

    class Meta:
        verbose_name = _("thủ tục trên Cổng DVCQG")
        verbose_name_plural = _("thủ tục trên Cổng DVCQG")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} · {self.name}"


class CataloguePull(models.Model):
    """One successful pull of the national catalogue (a pull that failed writes nothing)."""

    at = models.DateTimeField(_("lúc"))
    by = models.CharField(_("người chạy"), max_length=150, blank=True)
    transport = models.CharField(_("kênh kết nối"), max_length=16)
    listed = models.PositiveIntegerField(_("số thủ tục trên Cổng"), default=0)
    created = models.PositiveIntegerField(_("khác biệt mới"), default=0)
    updated = models.PositiveIntegerField(_("khác biệt cập nhật"), default=0)
    resolved = models.PositiveIntegerField(_("khác biệt không còn"), default=0)

    class Meta:
        verbose_name = _("lần lấy danh mục TTHC quốc gia")
        verbose_name_plural = _("lần lấy danh mục TTHC quốc gia")
        ordering = ["-at"]

    def __str__(self) -> str:
        return f"{self.at:%d/%m/%Y %H:%M} ({self.listed})"


class ChangeKind(models.TextChoices):
    NEW = "new", _("Thủ tục mới trên Cổng")
    NAME = "name", _("Tên thủ tục")
    TIME_LIMIT = "time_limit", _("Thời hạn giải quyết")
    FEES = "fees", _("Phí, lệ phí")
    CHANNELS = "channels", _("Cách thức thực hiện")
    LEGAL_BASIS = "legal_basis", _("Căn cứ pháp lý")
    ABOLISHED = "abolished", _("Không còn trên Cổng (bãi bỏ)")


class ChangeState(models.TextChoices):
    PENDING = "pending", _("Chờ xem xét")
    ACCEPTED = "accepted", _("Đã chấp nhận")
    REJECTED = "rejected", _("Đã từ chối")
    #: A later pull no longer saw the difference (the portal or the province changed meanwhile).
    OBSOLETE = "obsolete", _("Không còn khác biệt")


class CatalogueChange(models.Model):
    """A difference between the national catalogue and the province's, for an administrator to accept or reject.

    ``old`` and ``new`` hold the compared values in the same shape (catalogue_review.py). At most one pending item
    per (national code, kind): a new pull updates it rather than adding another.
    """

    national_code = models.CharField(_("mã TTHC quốc gia"), max_length=64)
    procedure = models.ForeignKey(
        "catalog.Procedure",
        verbose_name=_("thủ tục của tỉnh"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="national_changes",
    )
    kind = models.CharField(_("loại khác biệt"), max_length=16, choices=ChangeKind.choices)
    old = models.JSONField(_("giá trị của tỉnh"), null=True, blank=True)
    new = models.JSONField(_("giá trị trên Cổng"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=ChangeState.choices, default=ChangeState.PENDING
    )
    pull = models.ForeignKey(
        CataloguePull, verbose_name=_("lần lấy"), on_delete=models.PROTECT, related_name="changes"
    )
    seen_at = models.DateTimeField(_("lần cuối thấy"))
    decided_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("người quyết định"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("lúc quyết định"), null=True, blank=True)
    reason = models.TextField(_("lý do"), blank=True)
    valid_from = models.DateField(_("áp dụng từ ngày"), null=True, blank=True)
    version = models.ForeignKey(
        "catalog.ProcedureVersion",
        verbose_name=_("phiên bản tạo ra"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("khác biệt danh mục TTHC quốc gia")
        verbose_name_plural = _("khác biệt danh mục TTHC quốc gia")
        ordering = ["national_code", "kind", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["national_code", "kind"],
                condition=models.Q(state="pending"),
                name="catalogue_change_one_pending",
            ),
            models.CheckConstraint(
                condition=models.Q(state="pending")
                | models.Q(decided_at__isnull=False)
                | models.Q(state="obsolete"),
                name="catalogue_change_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.national_code} · {self.get_kind_display()} ({self.get_state_display()})"


from .inbound_models import InboundMessage  # noqa: E402,F401
