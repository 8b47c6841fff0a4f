"""Reads of the guidance app, each scoped to what its reader may see (docs/guidance.md).

An official sees their own link and how many dossiers they guided, never which: no selector here returns a
guided dossier, its code or its applicant to an official. Monitors see the watch's flags.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncMonth

from dvctt.accounts.models import OFFICIAL_ROLES, Role, User

from .models import Guidance, GuidanceFlag, GuidanceLink

#: How many officials a name search returns, and how short a query may be.
SEARCH_LIMIT = 10
SEARCH_MIN_CHARS = 2


def official_can_guide(user: Any) -> bool:
    """Any active staff account of an official (cán bộ, công chức, viên chức) may have a guidance link."""
    return bool(
        user is not None
        and getattr(user, "is_authenticated", False)
        and user.is_active
        and user.role in OFFICIAL_ROLES
    )


def guidance_link_active(*, official: User) -> GuidanceLink | None:
    return GuidanceLink.objects.filter(official=official, active=True).first()


def guidance_link_resolve(*, token: str) -> GuidanceLink | None:
    """The active link of an official who may still guide, else None (revoked, rotated, left the service)."""
    token = (token or "").strip()
    if not token or len(token) > 32:
        return None
    link = (
        GuidanceLink.objects.filter(token=token, active=True)
        .select_related("official", "official__unit")
        .first()
    )
    if link is None or not official_can_guide(link.official):
        return None
    return link


def guidance_official_get(*, official_id: int) -> User | None:
    """An official a citizen may name (by the id a search returned), else None."""
    user = User.objects.filter(pk=official_id).select_related("unit").first()
    return user if official_can_guide(user) else None


@dataclass(frozen=True, slots=True)
class OfficialChoice:
    """What a citizen sees of an official: a name and a unit, nothing else."""

    pk: int
    name: str
    unit: str


def choice_of(user: User) -> OfficialChoice:
    return OfficialChoice(user.pk, user.full_name or user.username, user.unit.name if user.unit else "")


def guidance_officials_search(*, query: str) -> list[OfficialChoice]:
    """Officials whose name or unit contains every word of ``query`` (at most SEARCH_LIMIT), name + unit only."""
    words = [w for w in (query or "").split() if w][:5]
    if sum(len(w) for w in words) < SEARCH_MIN_CHARS:
        return []
    qs = User.objects.filter(is_active=True, role__in=sorted(r.value for r in OFFICIAL_ROLES)).exclude(
        full_name=""
    )
    for word in words:
        qs = qs.filter(Q(full_name__icontains=word) | Q(unit__name__icontains=word))
    return [choice_of(u) for u in qs.select_related("unit").order_by("full_name", "pk")[:SEARCH_LIMIT]]


@dataclass(frozen=True, slots=True)
class GuidedCounts:
    """How many dossiers an official guided: this month, this year, all time, and each month of this year."""

    month: int
    year: int
    total: int
    by_month: list[tuple[date, int]]


def guidance_counts_for_official(*, official: User, today: date) -> GuidedCounts:
    """Counts only (two queries): the guided dossiers themselves are never read here."""
    mine = Guidance.objects.filter(official=official)
    total = mine.count()
    rows = dict(
        mine.filter(day__year=today.year)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(n=Count("pk"))
        .order_by()
        .values_list("month", "n")
    )
    by_month = []
    for m in range(1, today.month + 1):
        first = date(today.year, m, 1)
        n = next((v for k, v in rows.items() if (k.year, k.month) == (first.year, first.month)), 0)
        by_month.append((first, n))
    return GuidedCounts(
        month=by_month[-1][1], year=sum(n for _m, n in by_month), total=total, by_month=by_month
    )


def can_watch(user: Any) -> bool:
    """The watch's flags: monitors, admins and superusers."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and (user.is_superuser or user.role in (Role.MONITOR, Role.ADMIN))
    )


def guidance_flags_for(*, user: Any, open_only: bool = True) -> QuerySet[GuidanceFlag]:
    if not can_watch(user):
        return GuidanceFlag.objects.none()
    qs = GuidanceFlag.objects.select_related("official", "official__unit", "acknowledged_by")
    return qs.filter(acknowledged_at__isnull=True) if open_only else qs
