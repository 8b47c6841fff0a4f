"""Officials guiding their relatives to apply online (docs/guidance.md).

A ``GuidanceLink`` is an official's personal address (``/huong-dan-boi/<token>/``), printed on a card with its QR
code; a ``Guidance`` records, with the citizen's consent, that one official guided one online dossier (at most one
official per dossier: the dossier is the key). A ``GuidanceFlag`` is an unusual pattern found by the daily watch
(``dvctt guidance_watch``), shown to the monitors until acknowledged.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class GuidanceLink(models.Model):
    """An official's personal guidance link. One active link per official; revoking or rotating deactivates it
    (old cards then lead to a page saying the link is no longer valid)."""

    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ"),
        on_delete=models.CASCADE,
        related_name="guidance_links",
    )
    token = models.CharField(_("mã liên kết"), max_length=32, unique=True)
    active = models.BooleanField(_("đang dùng"), default=True)
    created_at = models.DateTimeField(_("tạo lúc"), default=timezone.now)
    revoked_at = models.DateTimeField(_("thu hồi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("liên kết hướng dẫn")
        verbose_name_plural = _("liên kết hướng dẫn")
        constraints = [
            models.UniqueConstraint(
                fields=["official"], condition=Q(active=True), name="guidance_link_one_active"
            )
        ]

    def __str__(self) -> str:
        return f"{self.official_id} ({'active' if self.active else 'revoked'})"


class GuidanceSource(models.TextChoices):
    LINK = "link", _("Theo liên kết, mã QR của cán bộ")
    NAMED = "named", _("Công dân chọn tên cán bộ")


class Guidance(models.Model):
    """One online dossier guided by one official, recorded with the applicant's consent.

    ``day`` is the local day the dossier was submitted (what the daily watch groups by); the indicator reads the
    dossier's own submission day from its KPI fact. ``applicant_key`` identifies the applicant for the watch's
    "many dossiers of one applicant" rule (the ID number, else the account); it is never shown unmasked.
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="guidance"
    )
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("cán bộ hướng dẫn"),
        on_delete=models.PROTECT,
        related_name="guided_dossiers",
    )
    source = models.CharField(_("cách ghi nhận"), max_length=8, choices=GuidanceSource.choices)
    link = models.ForeignKey(
        GuidanceLink, verbose_name=_("liên kết"), null=True, blank=True, on_delete=models.SET_NULL
    )
    consented_at = models.DateTimeField(_("đồng ý lúc"))
    created_at = models.DateTimeField(_("ghi nhận lúc"), default=timezone.now)
    day = models.DateField(_("ngày nộp"))
    applicant_key = models.CharField(max_length=40, blank=True)

    class Meta:
        verbose_name = _("hồ sơ được cán bộ hướng dẫn")
        verbose_name_plural = _("hồ sơ được cán bộ hướng dẫn")
        indexes = [
            models.Index(fields=["official", "day"], name="guidance_official_day_idx"),
            models.Index(fields=["day", "applicant_key"], name="guidance_day_applicant_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id} ← {self.official_id}"


class FlagKind(models.TextChoices):
    MANY_IN_A_DAY = "many_day", _("Quá nhiều hồ sơ trong một ngày")
    SAME_APPLICANT = "same_applicant", _("Nhiều hồ sơ của cùng một người nộp")


class GuidanceFlag(models.Model):
    """An unusual pattern of one official on one day, for the monitors to look at."""

    kind = models.CharField(_("loại"), max_length=16, choices=FlagKind.choices)
    official = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("cán bộ"), on_delete=models.CASCADE, related_name="+"
    )
    day = models.DateField(_("ngày"))
    count = models.PositiveIntegerField(_("số hồ sơ"))
    # for SAME_APPLICANT: the applicant's key, kept to tell flags apart; pages show it masked
    applicant_key = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(_("phát hiện lúc"), default=timezone.now)
    acknowledged_at = models.DateTimeField(_("đã xem lúc"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người xác nhận"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("cảnh báo hướng dẫn bất thường")
        verbose_name_plural = _("cảnh báo hướng dẫn bất thường")
        ordering = ["-day", "-count", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "official", "day", "applicant_key"], name="guidance_flag_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.official_id} {self.day}: {self.count}"
