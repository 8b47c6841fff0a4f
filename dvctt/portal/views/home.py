"""The portal's home page: a search box, popular procedures, fields, units, and the province's headline figures.

Everything read from the database (the figures from the monitoring rollups, popular procedures, fields, unit
counts) is computed at most once every five minutes and kept in Django's cache, so the page costs no query on
a warm cache and stays far under its 100 ms budget. The topics are fixed searches; labels follow the interface
language; search terms stay Vietnamese because procedure names are Vietnamese.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.cache import cache
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger(__name__)
CACHE_SECONDS = 300
CACHE_KEY = "portal:home:v1:{day}"


@dataclass(frozen=True)
class Topic:
    label: str | Promise
    query: str


POPULAR_TOPICS: tuple[Topic, ...] = (
    Topic(_("Đăng ký khai sinh"), "khai sinh"),
    Topic(_("Đăng ký kết hôn"), "kết hôn"),
    Topic(_("Chứng thực bản sao"), "chứng thực"),
    Topic(_("Đăng ký hộ kinh doanh"), "hộ kinh doanh"),
    Topic(_("Cấp giấy phép xây dựng"), "giấy phép xây dựng"),
    Topic(_("Đất đai"), "đất đai"),
    Topic(_("Lý lịch tư pháp"), "lý lịch tư pháp"),
)


def _headline(today: date) -> dict[str, Any] | None:
    """The province's online share and on-time share since 1 January, from the monitoring rollups."""
    try:
        from dvctt.monitoring.kpi import kpi_compute
    except ImportError:  # monitoring not installed yet: the page shows no figures
        return None
    try:
        result = kpi_compute(date_from=date(today.year, 1, 1), date_to=today, units_mode="current")
    except Exception:  # a figure must never take the home page down
        logger.exception("home: headline figures unavailable")
        return None
    province = result.get("province", {}) if isinstance(result, dict) else {}

    def value(code: str) -> float | None:
        figure = province.get(code) or {}
        raw = figure.get("value") if isinstance(figure, dict) else None
        return float(raw) * 100 if raw is not None else None

    figures = {"online": value("online_dossier_rate"), "on_time": value("on_time_rate")}
    if figures["online"] is None and figures["on_time"] is None:
        return None
    return {**figures, "year": today.year, "as_of": today}


def _popular_procedures(today: date, limit: int = 8) -> list[dict[str, Any]]:
    """The procedures with most dossiers over the last year that can be done online today."""
    from dvctt.catalog.selectors import catalogue_on
    from dvctt.dossiers.models import Dossier

    since = timezone.now() - timedelta(days=365)
    top = list(
        Dossier.objects.filter(submitted_at__gte=since, parent__isnull=True)
        .values("procedure_id")
        .annotate(n=Count("id"))
        .order_by("-n")[: limit * 3]
    )
    ranked = [row["procedure_id"] for row in top]
    versions = {
        v.procedure_id: v
        for v in catalogue_on(on=today)
        .filter(procedure_id__in=ranked, online_level__gte=3)
        .select_related("procedure")
        .only("name", "online_level", "procedure__code", "procedure_id")
    }
    rows = [versions[pid] for pid in ranked if pid in versions][:limit]
    return [{"code": v.procedure.code, "name": v.name, "full": v.online_level == 4} for v in rows]


def _fields(today: date, limit: int = 12) -> list[dict[str, Any]]:
    from dvctt.catalog.selectors import catalogue_on

    rows = (
        catalogue_on(on=today)
        .filter(field__isnull=False)
        .values("field__code", "field__name")
        .annotate(n=Count("id"))
        .order_by("-n", "field__name")[:limit]
    )
    return [{"code": r["field__code"], "name": r["field__name"], "count": r["n"]} for r in rows]


def _unit_counts(today: date) -> list[dict[str, Any]]:
    from dvctt.agencies.models import UnitLevel
    from dvctt.agencies.selectors import units_in_force

    counts = dict(units_in_force(on=today).values_list("level").annotate(n=Count("id")).order_by())
    return [
        {"level": value, "label": label, "count": counts[value]}
        for value, label in UnitLevel.choices
        if counts.get(value)
    ]


def home_data(today: date | None = None) -> dict[str, Any]:
    """The home page's database-backed blocks, cached five minutes (the key changes with the day)."""
    today = today or timezone.localdate()
    key = CACHE_KEY.format(day=today.isoformat())
    data = cache.get(key)
    if data is None:
        data = {
            "headline": _headline(today),
            "popular": _popular_procedures(today),
            "fields": _fields(today),
            "unit_counts": _unit_counts(today),
        }
        cache.set(key, data, CACHE_SECONDS)
    return data


def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html", {"popular_topics": POPULAR_TOPICS, **home_data()})
