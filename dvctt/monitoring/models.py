"""Facts, rollups and frozen snapshots behind the indicators (docs/indicators.md, "How the platform computes
them"). Facts and rollups are derived data: ``dvctt kpi_rebuild`` recreates them from the dossiers at any time.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class DossierFact(models.Model):
    """The constants of one counted dossier (monitoring.facts.Fact); none for test dossiers and children.

    ``unit_id`` and ``procedure_id`` are plain integers (no join is ever needed to aggregate).
    """

    dossier = models.OneToOneField(
        "dossiers.Dossier", on_delete=models.CASCADE, primary_key=True, related_name="kpi_fact"
    )
    unit_id = models.PositiveIntegerField()
    procedure_id = models.PositiveIntegerField()
    r_day = models.DateField(null=True)
    e_day = models.DateField(null=True)
    c_day = models.DateField(null=True)
    l_day = models.DateField(null=True)
    late_at_end = models.BooleanField(default=False)
    online = models.BooleanField(default=False)
    synced = models.BooleanField(default=False)
    digitised = models.BooleanField(default=False)
    fees = models.BooleanField(default=False)
    paid_online = models.BooleanField(default=False)
    complaint = models.BooleanField(default=False)
    offered_at_r = models.BooleanField(default=False)
    document_at_r = models.BooleanField(default=False)
    e_result = models.BooleanField(default=False)
    applicant_id = models.CharField(max_length=20, blank=True)
    s_day = models.DateField(null=True)
    irregular = models.BooleanField(default=False)
    # online and filed by an officer on the applicant's behalf (Dossier.assisted): not a spec indicator
    assisted = models.BooleanField(default=False)

    class Meta:
        indexes = [
            # official_usage_rate: "is this official the applicant of an online dossier submitted in P?"
            models.Index(
                fields=["applicant_id", "s_day"], condition=Q(online=True), name="fact_online_applicant_idx"
            ),
            models.Index(fields=["procedure_id"], name="fact_procedure_idx"),
            # "explain this number" for a unit: its dossiers in dossier order, a page at a time
            models.Index(fields=["unit_id", "dossier"], name="fact_unit_dossier_idx"),
            models.Index(fields=["unit_id"], condition=Q(irregular=True), name="fact_irregular_idx"),
        ]

    def __str__(self) -> str:
        return f"fact {self.dossier_id}"


class Grain(models.TextChoices):
    DAY = "d", _("ngày")
    MONTH = "m", _("tháng")
    YEAR = "y", _("năm")


#: The metrics of a unit (monitoring.rollups.Metric 1–15 and 18), one column each of KpiUnitCount, in Metric's
#: order.
UNIT_METRIC_COLUMNS = (
    "received",
    "r_online",
    "r_synced",
    "r_digitised",
    "r_fees",
    "r_paid",
    "r_complaints",
    "r_offered",
    "r_offered_online",
    "ended",
    "ended_late",
    "m",
    "me",
    "c_doc",
    "c_doc_e",
    "r_assisted",
)


class KpiUnitCount(models.Model):
    """How many counted dossiers of a unit have each metric's moment in one day, month or year (``day`` is the
    first day of the month or year): one row per (unit, grain, day), one column per metric
    (:data:`UNIT_METRIC_COLUMNS`). Same numbers at every grain.

    A period's figures read a unit's few rows (whole years, months, then days) and sum every column at once.
    """

    unit_id = models.PositiveIntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    received = models.BigIntegerField(default=0)
    r_online = models.BigIntegerField(default=0)
    r_synced = models.BigIntegerField(default=0)
    r_digitised = models.BigIntegerField(default=0)
    r_fees = models.BigIntegerField(default=0)
    r_paid = models.BigIntegerField(default=0)
    r_complaints = models.BigIntegerField(default=0)
    r_offered = models.BigIntegerField(default=0)
    r_offered_online = models.BigIntegerField(default=0)
    ended = models.BigIntegerField(default=0)
    ended_late = models.BigIntegerField(default=0)
    m = models.BigIntegerField(default=0)
    me = models.BigIntegerField(default=0)
    c_doc = models.BigIntegerField(default=0)
    c_doc_e = models.BigIntegerField(default=0)
    r_assisted = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["grain", "day", "unit_id"], name="kpi_unit_count_once")
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.grain}{self.day}"


class KpiCount(models.Model):
    """How many counted dossiers of a (unit, procedure) pair were received (metric PAIR) or received online
    (PAIR_ONLINE) in one day, month or year (``day`` is the first day of the month or year)."""

    metric = models.PositiveSmallIntegerField()
    unit_id = models.PositiveIntegerField()
    procedure_id = models.PositiveIntegerField()
    grain = models.CharField(max_length=1, choices=Grain.choices)
    day = models.DateField()
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["grain", "metric", "day", "unit_id", "procedure_id"], name="kpi_count_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}/{self.unit_id}/{self.procedure_id} {self.grain}{self.day}: {self.value}"


class KpiSpanCount(models.Model):
    """Dossiers of the digitisation exclusion (digitised, completed, document result at receipt, no electronic
    result) by unit, the day (or month) received and the day (or month) completed: the one count that needs two
    moments in the period. Each dossier is in four rows, one per pair of grains (day or month of receipt × day
    or month of completion; ``r_day``/``c_day`` the first day of the month at the month grain), so that a
    period's count reads whole months where it can (monitoring.kpi._add_spans)."""

    unit_id = models.PositiveIntegerField()
    r_grain = models.CharField(max_length=1, choices=Grain.choices, default="d")
    r_day = models.DateField()
    c_grain = models.CharField(max_length=1, choices=Grain.choices, default="d")
    c_day = models.DateField()
    value = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["r_grain", "c_grain", "r_day", "c_day", "unit_id"], name="kpi_span_grains_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.r_grain}{self.r_day}→{self.c_grain}{self.c_day}: {self.value}"


class KpiPairYear(models.Model):
    """On which months and days of a year a (unit, procedure) pair had a dossier received (metric PAIR) or
    received online (PAIR_ONLINE): the bits of its KpiCount day rows with a value above 0. The service-pair
    indicator asks one such row per pair and year instead of every month row (monitoring.kpi._add_services).
    Kept with the rollups (rollups.pair_years_refresh); ``months`` has bit m−1 for month m, ``dK`` bit d−1 for
    day d of month K."""

    metric = models.PositiveSmallIntegerField()
    unit_id = models.PositiveIntegerField()
    procedure_id = models.PositiveIntegerField()
    year = models.PositiveSmallIntegerField()
    months = models.IntegerField(default=0)
    d1 = models.IntegerField(default=0)
    d2 = models.IntegerField(default=0)
    d3 = models.IntegerField(default=0)
    d4 = models.IntegerField(default=0)
    d5 = models.IntegerField(default=0)
    d6 = models.IntegerField(default=0)
    d7 = models.IntegerField(default=0)
    d8 = models.IntegerField(default=0)
    d9 = models.IntegerField(default=0)
    d10 = models.IntegerField(default=0)
    d11 = models.IntegerField(default=0)
    d12 = models.IntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "year", "unit_id", "procedure_id"], name="kpi_pair_year_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.metric}/{self.unit_id}/{self.procedure_id} {self.year}: {self.months:012b}"


class KpiSnapshot(models.Model):
    """The figures of a closed period as they were frozen; later changes show as restatements against it."""

    date_from = models.DateField(_("từ ngày"))
    date_to = models.DateField(_("đến ngày"))
    units_mode = models.CharField(_("cách tính đơn vị"), max_length=8)
    data = models.JSONField(_("số liệu"))
    frozen_at = models.DateTimeField(_("chốt lúc"))
    frozen_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người chốt"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("số liệu đã chốt")
        verbose_name_plural = _("số liệu đã chốt")
        constraints = [
            models.UniqueConstraint(fields=["date_from", "date_to", "units_mode"], name="kpi_snapshot_once"),
            models.CheckConstraint(
                condition=Q(date_to__gte=models.F("date_from")), name="kpi_snapshot_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date_from:%d/%m/%Y}–{self.date_to:%d/%m/%Y} ({self.units_mode})"
