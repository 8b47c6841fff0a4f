"""Frozen figures of closed periods, and restatements: a later change to a frozen period's data is shown with
both figures (frozen and current), never as a silent change of the published number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.common.errors import ConflictError
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.models import KpiSnapshot


@dataclass(frozen=True)
class Restatement:
    indicator: str
    unit: str | None  # None: the province
    frozen: dict[str, Any]
    current: dict[str, Any] | None  # None: the unit is no longer reported for this period

    def as_dict(self) -> dict[str, Any]:
        return {
            "indicator": self.indicator,
            "unit": self.unit,
            "frozen": self.frozen,
            "current": self.current,
        }


def kpi_snapshot_freeze(
    *,
    date_from: date,
    date_to: date,
    units_mode: str = "period",
    actor: Any = None,
    today: date | None = None,
) -> KpiSnapshot:
    """Freeze the figures of a closed period (``date_to`` before today). Once per period and units mode."""
    today = today or timezone.localdate()
    data = kpi_compute(date_from=date_from, date_to=date_to, units_mode=units_mode)  # validates the period
    if date_to >= today:
        raise ConflictError(
            _("Kỳ đến %(end)s chưa kết thúc: chỉ chốt số liệu của kỳ đã qua.")
            % {"end": f"{date_to:%d/%m/%Y}"},
            code="period_open",
        )
    try:
        with transaction.atomic():
            return KpiSnapshot.objects.create(
                date_from=date_from,
                date_to=date_to,
                units_mode=units_mode,
                data=data,
                frozen_at=timezone.now(),
                frozen_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise ConflictError(
            _("Số liệu kỳ %(start)s – %(end)s đã được chốt.")
            % {"start": f"{date_from:%d/%m/%Y}", "end": f"{date_to:%d/%m/%Y}"},
            code="already_frozen",
        ) from None


def kpi_snapshot_get(*, date_from: date, date_to: date, units_mode: str) -> KpiSnapshot | None:
    return KpiSnapshot.objects.filter(date_from=date_from, date_to=date_to, units_mode=units_mode).first()


def restatements_between(frozen: dict[str, Any], current: dict[str, Any]) -> list[Restatement]:
    out = []
    scopes: list[tuple[str | None, dict[str, Any], dict[str, Any] | None]] = [
        (None, frozen["province"], current["province"])
    ]
    scopes += [
        (code, figures, current["units"].get(code)) for code, figures in sorted(frozen["units"].items())
    ]
    for unit, was, now in scopes:
        for indicator, figure in was.items():
            new = None if now is None else now.get(indicator)
            if new != figure:
                out.append(Restatement(indicator=indicator, unit=unit, frozen=figure, current=new))
    return out


def kpi_compare_with_snapshot(*, snapshot: KpiSnapshot) -> list[Restatement]:
    """Every figure of the snapshot that the data gives differently today (province first, then units)."""
    current = kpi_compute(
        date_from=snapshot.date_from, date_to=snapshot.date_to, units_mode=snapshot.units_mode
    )
    return restatements_between(snapshot.data, current)
