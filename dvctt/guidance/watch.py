"""The daily watch over recorded guidance (``dvctt guidance_watch``, daily by cron, or its task).

Two patterns are flagged for the monitors (a flag per official, day and, for the second, applicant):

- an official recorded as guiding more than ``DVCTT_GUIDANCE_DAILY_MAX`` (50) dossiers submitted on one day;
- more than ``DVCTT_GUIDANCE_SAME_APPLICANT_MAX`` (5) dossiers of one applicant guided by one official on one day.

Idempotent: running it again updates the counts of the flags it already raised (an acknowledged flag stays
acknowledged) and adds only new ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count

from .models import FlagKind, Guidance, GuidanceFlag


@dataclass(frozen=True, slots=True)
class WatchReport:
    days: tuple[date, ...]
    raised: int
    updated: int

    def __str__(self) -> str:
        days = ", ".join(f"{d:%d/%m/%Y}" for d in self.days)
        return f"guidance_watch {days}: {self.raised} cảnh báo mới, {self.updated} cập nhật"


def _flag(kind: str, official_id: int, day: date, count: int, applicant_key: str = "") -> str:
    flag, created = GuidanceFlag.objects.get_or_create(
        kind=kind,
        official_id=official_id,
        day=day,
        applicant_key=applicant_key,
        defaults={"count": count},
    )
    if created:
        return "raised"
    if flag.count != count:
        flag.count = count
        flag.save(update_fields=["count"])
        return "updated"
    return ""


def guidance_watch(*, today: date, days: int = 2) -> WatchReport:
    """Look at the ``days`` days ending ``today`` (yesterday and today by default: a late submission of
    yesterday is seen on the next run)."""
    daily_max = int(settings.DVCTT_GUIDANCE_DAILY_MAX)
    same_max = int(settings.DVCTT_GUIDANCE_SAME_APPLICANT_MAX)
    looked = tuple(today - timedelta(days=n) for n in range(days - 1, -1, -1))
    outcomes: list[str] = []
    with transaction.atomic():
        in_days = Guidance.objects.filter(day__gte=looked[0], day__lte=looked[-1])
        for official_id, day, n in (
            in_days.values("official_id", "day")
            .annotate(n=Count("pk"))
            .filter(n__gt=daily_max)
            .order_by()
            .values_list("official_id", "day", "n")
        ):
            outcomes.append(_flag(FlagKind.MANY_IN_A_DAY, official_id, day, n))
        for official_id, day, key, n in (
            in_days.exclude(applicant_key="")
            .values("official_id", "day", "applicant_key")
            .annotate(n=Count("pk"))
            .filter(n__gt=same_max)
            .order_by()
            .values_list("official_id", "day", "applicant_key", "n")
        ):
            outcomes.append(_flag(FlagKind.SAME_APPLICANT, official_id, day, n, key))
    return WatchReport(looked, outcomes.count("raised"), outcomes.count("updated"))
