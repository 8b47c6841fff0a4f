"""Units (đơn vị): the offices that receive and process dossiers, with validity dates and successors.

Units are never deleted: when the 2025 reorganisation ended a district or merged a department, the unit got
a last day (``valid_to``) and a successor that took over its work. A KPI for a past period can then be shown by
the units as they were, or folded into today's units by following successors.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class UnitLevel(models.TextChoices):
    PROVINCE = "tinh", _("Cấp tỉnh (văn phòng)")
    DEPARTMENT = "so", _("Sở, ban, ngành")
    DISTRICT = "huyen", _("Cấp huyện")
    COMMUNE = "xa", _("Cấp xã")


class Unit(models.Model):
    code = models.CharField(_("mã đơn vị"), max_length=40, unique=True)
    name = models.CharField(_("tên đơn vị"), max_length=255)
    level = models.CharField(_("cấp"), max_length=8, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị cha"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    valid_from = models.DateField(_("hiệu lực từ"))
    valid_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    successor = models.ForeignKey(
        "self",
        verbose_name=_("đơn vị kế thừa"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="predecessors",
    )
    address = models.CharField(_("địa chỉ"), max_length=255, blank=True)
    phone = models.CharField(_("điện thoại"), max_length=32, blank=True)
    email = models.EmailField(_("thư điện tử"), blank=True)
    # Keys of the interchange format that the platform does not model are kept, not lost.
    extra = models.JSONField(default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đơn vị")
        verbose_name_plural = _("đơn vị")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_range",
            ),
            models.CheckConstraint(condition=~Q(successor=models.F("id")), name="unit_not_own_successor"),
        ]
        indexes = [models.Index(fields=["valid_from", "valid_to"], name="unit_validity_idx")]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"
