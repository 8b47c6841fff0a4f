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
