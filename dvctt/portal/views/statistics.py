"""The public statistics page (/thong-ke/, docs/portal.md): no sign-in, each agency's received dossiers, online
share, on-time share and index score of a month, quarter or year (this year so far by default), the province's
totals and charts. The figures are the steering dashboards' (plans.dashboards.public); bad input is a Vietnamese
message with status 400.
"""

from __future__ import annotations

import hashlib
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from dvctt.agencies.models import UnitLevel
from dvctt.plans.dashboards.charts import Point, bar_svg, trend_svg
from dvctt.plans.dashboards.periods import KINDS, UNITS_PERIOD, Period, PeriodError, period_parse
from dvctt.plans.dashboards.public import (
    PUBLIC_KINDS,
    SORT_KEYS,
    AgencyFigures,
    PublicStatistics,
    agencies_sorted,
    public_statistics,
)
from dvctt.plans.dashboards.selectors import CACHE_SECONDS, KpiSource

#: The query parameters the page reads; the units are always as they were in the period.
PERIOD_PARAMS = ("ky", "nam", "thang", "quy")
#: How many agencies the bar chart shows (the most dossiers received); the table has them all.
CHART_AGENCIES = 10
#: A rendered body lives as long as the figures it shows may (its key changes with them anyway).
BODY_CACHE_SECONDS = CACHE_SECONDS


def decimal_text(value: float | int, places: int) -> str:
    """``value`` rounded half up to ``places`` decimals (from its shortest decimal form, as the figures are
    4-decimal values), written with the reader's language's separators: "1.234,57" in Vietnamese, "1,234.57" in
    English. (Django's number_format cuts the digits instead of rounding them.)"""
    exact = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    whole, _dot, fraction = f"{abs(exact):f}".partition(".")
    groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)][::-1]
    text = str(get_format("THOUSAND_SEPARATOR")).join(groups)
    if fraction:
        text += str(get_format("DECIMAL_SEPARATOR")) + fraction
    return f"-{text}" if exact < 0 else text


def _share(value: float | None) -> str:
    """A ratio as a percentage with one decimal ("53,1 %" in Vietnamese)."""
    return "–" if value is None else f"{decimal_text(value * 100, 1)} %"


def _score(value: float | None) -> str:
    """An index score with two decimals ("72,35" in Vietnamese)."""
    return "–" if value is None else decimal_text(value, 2)


def _count(value: int) -> str:
    return decimal_text(value, 0)


def _row(row: AgencyFigures) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": row.name,
        "level": row.level,
        "received": _count(row.received),
        "online": _share(row.online_share),
        "on_time": _share(row.on_time_share),
        "score": _score(row.index_total),
    }


def _period(request: HttpRequest) -> Period:
    params = {name: request.GET[name] for name in PERIOD_PARAMS if name in request.GET}
    kind = params.get("ky") or "nam"
    if kind not in PUBLIC_KINDS:
        raise PeriodError(
            _("Loại kỳ “%(kind)s” không hợp lệ: chọn tháng, quý hoặc năm.") % {"kind": kind},
            fields={"ky": [_("Không hợp lệ.")]},
        )
    return period_parse(params | {"ky": kind, "donvi": UNITS_PERIOD})


def _picker(request: HttpRequest) -> dict[str, Any]:
    labels = dict(KINDS)
    return {
        "kinds": [(kind, labels[kind]) for kind in PUBLIC_KINDS],
        "typed": request.GET,
        "months": range(1, 13),
        "levels": [(level.value, level.label) for level in UnitLevel],
    }


def _refused(request: HttpRequest, message: str) -> HttpResponse:
    return render(request, "portal/statistics.html", {"error": message, **_picker(request)}, status=400)


def statistics_page(request: HttpRequest) -> HttpResponse:
    try:
        period = _period(request)
    except PeriodError as exc:
        return _refused(request, exc.message)
    level = request.GET.get("cap", "")
    sort = request.GET.get("sx", "diem")
    if sort not in SORT_KEYS:
        return _refused(request, _("Cách sắp xếp “%(sort)s” không hợp lệ.") % {"sort": sort})
    if level and level not in UnitLevel.values:
        return _refused(request, _("Cấp đơn vị “%(level)s” không hợp lệ.") % {"level": level})
    descending = request.GET.get("chieu", "giam") != "tang"
    source = KpiSource()
    data = public_statistics(period=period, source=source)
    # The page's body depends only on the figures (their computation time names them), the language and what was
    # asked: kept rendered, a warm view renders only the frame around it (the language switch's CSRF token and the
    # header are the reader's own).
    asked = "&".join(f"{name}={request.GET.get(name, '')}" for name in (*PERIOD_PARAMS, "cap", "sx", "chieu"))
    key = (
        "dvctt:public:html:"
        + hashlib.sha256(
            f"{get_language()}|{source.computed_at}|{period.date_from}|{period.date_to}|{asked}".encode()
        ).hexdigest()
    )
    body = cache.get(key)
    if body is None:
        body = render_to_string(
            "portal/_statistics_body.html",
            _body_context(request, period, data, sort=sort, descending=descending, level=level),
        )
        cache.set(key, body, BODY_CACHE_SECONDS)
    return render(
        request,
        "portal/statistics.html",
        {
            "body": mark_safe(body),  # rendered by the template engine above, escaped there
            "period": period,
            "data": data,
            "breadcrumbs": [
                {"label": _("Trang chủ"), "url": reverse("portal:home")},
                {"label": _("Thống kê")},
            ],
        },
    )


def _body_context(
    request: HttpRequest, period: Period, data: PublicStatistics, *, sort: str, descending: bool, level: str
) -> dict[str, Any]:
    rows = agencies_sorted(data.agencies, sort=sort, descending=descending, level=level)
    base = reverse("portal:statistics") + "?" + period.query(cap=level).replace("&donvi=period", "")
    sort_links = {
        key: {
            "url": f"{base}&sx={key}&chieu={'tang' if sort == key and descending else 'giam'}",
            "aria": ("descending" if descending else "ascending") if sort == key else "none",
        }
        for key in SORT_KEYS
    }
    busiest = sorted(data.agencies, key=lambda r: (-r.received, r.name))[:CHART_AGENCIES]
    charts = {
        "online": trend_svg(
            chart_id="tk-online",
            title=_("Tỷ lệ hồ sơ trực tuyến của tỉnh theo tháng"),
            points=[Point(month, online) for month, online, _on_time in data.trend],
            target=None,
            forecast=None,
        ),
        "on_time": trend_svg(
            chart_id="tk-ontime",
            title=_("Tỷ lệ hồ sơ giải quyết đúng hạn của tỉnh theo tháng"),
            points=[Point(month, on_time) for month, _online, on_time in data.trend],
            target=None,
            forecast=None,
        ),
        "agencies": bar_svg(
            chart_id="tk-agencies",
            title=_("Tỷ lệ hồ sơ trực tuyến của %(n)s đơn vị tiếp nhận nhiều hồ sơ nhất")
            % {"n": len(busiest)},
            bars=[(r.name, round((r.online_share or 0) * 100, 1), 100.0) for r in busiest],
        ),
    }
    return {
        "period": period,
        "province": _row(data.province),
        "province_index_max": _score(data.index_max),
        "rows": [_row(r) for r in rows],
        "trend": [
            {"month": month, "online": _share(online), "on_time": _share(on_time)}
            for month, online, on_time in data.trend
        ],
        "charts": charts,
        "sort_links": sort_links,
        **_picker(request),
    }
