"""The dashboard pages: thin adapters over dashboards.selectors and dashboards.explain (docs/dashboards.md).

Errors never reach a 500: a bad period, an unknown indicator, part or unit, or a page out of range is shown on
the page in Vietnamese (400 or 404); a reader without the right gets a Vietnamese 403 page.
"""

from __future__ import annotations

import io
from datetime import datetime
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import quote_plus

from django.contrib.auth.views import redirect_to_login
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.common.errors import NotFoundError
from dvctt.common.masking import mask_id
from dvctt.dossiers.selectors import dossiers_visible_to
from dvctt.monitoring.indicators import BY_CODE, Indicator
from dvctt.plans.dashboards import access, explain, selectors, sheets
from dvctt.plans.dashboards.charts import Point, bar_svg, trend_svg
from dvctt.plans.dashboards.periods import KINDS, UNITS_MODES, Period, PeriodError, period_parse
from dvctt.plans.index_config import INDEX_ONLY, index_indicator

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
LEVEL_CHOICES = [(level.value, level.label) for level in selectors.LEVELS]


def _error(request: HttpRequest, message: str, *, status: int, period: Period | None = None) -> HttpResponse:
    return render(
        request,
        "dashboards/error.html",
        {"message": message, "status": status, "period": period, **_picker(request)},
        status=status,
    )


def _picker(request: HttpRequest) -> dict[str, Any]:
    """What the period picker shows: the values as typed (also after an error)."""
    return {"kinds": KINDS, "units_modes": UNITS_MODES, "typed": request.GET, "months": range(1, 13)}


def _gate(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_view_dashboards(request.user):
        return _error(
            request,
            _(
                "Bạn không có quyền xem trang theo dõi. Trang này dành cho cán bộ theo dõi kế hoạch, lãnh đạo "
                "UBND tỉnh và lãnh đạo đơn vị."
            ),
            status=403,
        )
    return None


def _period(request: HttpRequest) -> Period:
    return period_parse(request.GET)


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": _("Theo dõi"), "url": reverse("dashboards:overview")}] + [
        {"label": label, "url": url} for label, url in items
    ]


@lru_cache(maxsize=64)
def _explain_base(code: str, part: str) -> str:
    return reverse("dashboards:explain", args=[code, part])


@lru_cache(maxsize=256)
def _query(period: Period) -> str:
    return period.query()


def _explain_url(period: Period, code: str, part: str, unit: str = "") -> str:
    """Built by concatenation: the ranking holds hundreds of these links (reverse + urlencode each is slow)."""
    url = f"{_explain_base(code, part)}?{_query(period)}"
    return f"{url}&dv={quote_plus(unit)}" if unit else url


def _assisted(period: Period, figure: dict[str, Any] | None, unit: str = "") -> dict[str, Any] | None:
    """The line under the online rate: "trong đó cán bộ nộp thay: X (Y %)", linked to the list of those dossiers."""
    if not figure:
        return None
    return {
        "numerator": figure["numerator"],
        "share": selectors.pct(figure["value"]),
        "url": _explain_url(period, "online_dossier_rate", explain.ASSISTED, unit),
    }


def overview(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        period = _period(request)
    except PeriodError as exc:
        return _error(request, exc.message, status=400)
    source = selectors.KpiSource()
    data = selectors.dashboard_overview(period=period, source=source)
    if request.GET.get("xuat") == "xlsx":
        return sheets.overview_xlsx(data, period)
    cards = []
    for figure in data.figures:
        target = float(figure.target.value) if figure.target else None
        points = [Point(month.number, f.get("value")) for month, f in figure.trend]
        cards.append(
            {
                "figure": figure,
                "chart": trend_svg(
                    chart_id=f"c-{figure.indicator.code}",
                    title=str(figure.indicator.name),
                    points=points,
                    target=target,
                    forecast=figure.forecast,
                ),
                "months": [
                    {
                        "period": month,
                        "value": selectors.pct(f.get("value")),
                        "numerator": f.get("numerator"),
                        "denominator": f.get("denominator"),
                        "url": _explain_url(month, figure.indicator.code, explain.NUMERATOR),
                        "den_url": _explain_url(month, figure.indicator.code, explain.DENOMINATOR),
                    }
                    for month, f in figure.trend
                ],
                "num_url": _explain_url(period, figure.indicator.code, explain.NUMERATOR),
                "den_url": _explain_url(period, figure.indicator.code, explain.DENOMINATOR),
            }
        )
    index_chart = bar_svg(
        chart_id="c-index",
        title=_("Bộ chỉ số 766 theo nhóm"),
        bars=[(str(g["label"]), float(g["score"] or 0), float(g["max"])) for g in data.index_groups],
    )
    return render(
        request,
        "dashboards/overview.html",
        {
            "data": data,
            "period": period,
            "cards": cards,
            "index_chart": index_chart,
            "index_rows": _index_rows(period, data.index_figures, data.index, unit=""),
            "assisted": _assisted(period, source.assisted(period)),
            "breadcrumbs": _crumbs((_("Toàn tỉnh"), None)),
            "tab": "overview",
            **_picker(request),
        },
    )


def _index_rows(
    period: Period, figures: list[selectors.Figure], index: dict[str, Any] | None, *, unit: str
) -> list[dict[str, Any]]:
    """One row per indicator of the index configuration in force (the registry's index indicators when there is
    no score): computed ones with their figure and explain links, the others with the reason they are not."""
    scored = (index or {}).get("indicators", {})
    by_code = {figure.indicator.code: figure for figure in figures}
    rows = []
    for code in list(scored) or list(by_code):
        score = scored.get(code)
        if score is not None and not score.get("computable", True):
            rows.append(
                {"not_computable": True, "info": index_indicator(code), "score": score, "ref": score["ref"]}
            )
            continue
        figure = by_code.get(code)
        if figure is None:
            info = index_indicator(code)
            if not isinstance(info, Indicator):
                continue
            counts = (index or {}).get("counts", {}).get(code) or {}
            figure = selectors.Figure(
                info, counts.get("numerator"), counts.get("denominator"), score.get("ratio")
            )
        rows.append(
            {
                "figure": figure,
                "score": score,
                "ref": (score or {}).get("ref") or figure.indicator.index_ref,
                "parts": [
                    (explain.PART_LABELS[part], _explain_url(period, code, part, unit))
                    for part in explain.parts_of(code)
                ],
                "num_url": _explain_url(period, code, explain.NUMERATOR, unit),
                "den_url": _explain_url(period, code, explain.DENOMINATOR, unit),
            }
        )
    return rows


def _ranking_cells(period: Period, row: selectors.RankRow) -> str:
    """A ranking row's indicator cells, escaped here rather than in the template: a page holds hundreds of them,
    and four template lookups a cell were a third of the page's time."""
    return format_html_join(
        "",
        '<td class="number"><a href="{}">{}</a><br><span class="badge {}">{}</span></td>',
        (
            (
                _explain_url(period, f.indicator.code, explain.NUMERATOR, row.unit.code),
                f.value_text,
                f.status_class,
                f.status_label,
            )
            for f in row.figures
        ),
    )


def ranking(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        period = _period(request)
    except PeriodError as exc:
        return _error(request, exc.message, status=400)
    level = request.GET.get("cap", "")
    if level and level not in UnitLevel.values:
        return _error(request, _("Cấp đơn vị “%(level)s” không hợp lệ.") % {"level": level}, status=400)
    sort = request.GET.get("sx", "diem")
    if sort not in selectors.SORT_KEYS:
        return _error(request, _("Cách sắp xếp “%(sort)s” không hợp lệ.") % {"sort": sort}, status=400)
    descending = request.GET.get("chieu", "giam") != "tang"
    data = selectors.dashboard_ranking(period=period, level=level, sort=sort, descending=descending)
    if request.GET.get("xuat") == "xlsx":
        return sheets.ranking_xlsx(data, period, selectors.DASHBOARD_INDICATORS)
    unit_base = reverse("dashboards:unit", args=["-"])[:-2]
    base = period.query(cap=level)
    sort_links = {
        key: {
            "url": f"?{base}&sx={key}&chieu={'tang' if sort == key and descending else 'giam'}",
            "active": sort == key,
            "aria": ("descending" if descending else "ascending") if sort == key else None,
        }
        for key in selectors.SORT_KEYS
    }
    return render(
        request,
        "dashboards/ranking.html",
        {
            "data": data,
            "period": period,
            "levels": LEVEL_CHOICES,
            "indicator_links": [
                {"label": i.name, **sort_links[i.code]} for i in selectors.DASHBOARD_INDICATORS
            ],
            "sort_links": sort_links,
            "indicators": selectors.DASHBOARD_INDICATORS,
            "rows": [
                (
                    row,
                    _ranking_cells(period, row),
                    f"{unit_base}{quote_plus(row.unit.code)}/?{_query(period)}",
                )
                for row in data.rows
            ],
            "breadcrumbs": _crumbs((_("Xếp hạng đơn vị"), None)),
            "tab": "ranking",
            **_picker(request),
        },
    )


def unit_page(request: HttpRequest, code: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        period = _period(request)
        unit = selectors.unit_for_dashboard(code=code)
    except PeriodError as exc:
        return _error(request, exc.message, status=400)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    if not access.can_view_unit(request.user, unit.pk):
        return _error(
            request,
            _(
                "Bạn chỉ xem được trang của các đơn vị thuộc phạm vi mình quản lý; %(unit)s nằm ngoài phạm vi đó."
            )
            % {"unit": unit.name},
            status=403,
        )
    reader: Any = request.user
    source = selectors.KpiSource()
    data = selectors.dashboard_unit(unit=unit, period=period, source=source)
    pull_down = selectors.unit_pull_down(unit_ids=data.unit_ids, period=period)
    late, nearly, _soon = selectors.unit_late_dossiers(
        dossiers=dossiers_visible_to(reader), unit_ids=data.unit_ids, now=timezone.now()
    )
    names = access.can_see_official_names(request.user, unit.pk)
    not_using = explain.officials_not_using(period=period, unit_ids=data.unit_ids)
    not_using_rows = [r | {"masked": mask_id(r["national_id"])} for r in not_using[:200]] if names else []
    not_using_count = not_using.count()
    figures = [
        {
            "figure": f,
            "num_url": _explain_url(period, f.indicator.code, explain.NUMERATOR, unit.code),
            "den_url": _explain_url(period, f.indicator.code, explain.DENOMINATOR, unit.code),
        }
        for f in data.figures
    ]
    return render(
        request,
        "dashboards/unit.html",
        {
            "data": data,
            "unit": unit,
            "period": period,
            "figures": figures,
            "index_rows": _index_rows(period, data.index_figures, data.index, unit=unit.code),
            "assisted": _assisted(period, source.assisted(period, unit_ids=data.unit_ids), unit.code)
            if data.reported
            else None,
            "pull_down": pull_down,
            "late": late,
            "nearly": nearly,
            "late_limit": selectors.LATE_LIST_LIMIT,
            "names": names,
            "not_using_rows": not_using_rows,
            "not_using_count": not_using_count,
            "not_using_url": _explain_url(period, "official_usage_rate", explain.DENOMINATOR, unit.code),
            "breadcrumbs": _crumbs(
                (_("Xếp hạng đơn vị"), reverse("dashboards:ranking") + "?" + period.query()),
                (unit.name, None),
            ),
            **_picker(request),
        },
    )


def explain_page(request: HttpRequest, code: str, part: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        period = _period(request)
    except PeriodError as exc:
        return _error(request, exc.message, status=400)
    indicator = BY_CODE.get(code) or INDEX_ONLY.get(code)
    if indicator is None:
        return _error(
            request, _("Không có chỉ số mã “%(code)s”.") % {"code": code}, status=400, period=period
        )
    if part not in explain.parts_of(code):
        return _error(
            request,
            _("Chỉ số “%(name)s” không có phần “%(part)s”.") % {"name": indicator.name, "part": part},
            status=400,
            period=period,
        )
    unit: Unit | None = None
    unit_code = (request.GET.get("dv") or "").strip()
    if unit_code:
        try:
            unit = selectors.unit_for_dashboard(code=unit_code)
        except NotFoundError as exc:
            return _error(request, exc.message, status=404, period=period)
    source = selectors.KpiSource()
    kpis = source.kpis(period)
    if unit is None:
        figures = kpis["province"]
        unit_ids: set[int] | None = None
    else:
        figures = kpis["units"].get(unit.code) or {}
        unit_ids = selectors.folded_unit_ids(unit=unit, units_mode=period.units_mode)
    if code == selectors.GUIDANCE.code:
        # a platform figure, not in the KPI object (monitoring.guided)
        reported = unit is None or unit.code in kpis["units"]
        figures = figures | (selectors.guided_raw(source.guided([period])[0], unit_ids) if reported else {})
    allowed = access.can_list(request.user, None if unit is None else unit.pk)
    kind = explain.kind_of(code)
    names = kind == explain.OFFICIALS and access.can_see_official_names(
        request.user, None if unit is None else unit.pk
    )
    if kind == explain.OFFICIALS:
        # Who has (not) used online services is personal: monitors and that unit's leader see who, others how many.
        allowed = names
    listing = explain.explain_listing(code=code, part=part, period=period, unit_ids=unit_ids, names=names)
    expected = explain.figure_for(code, part, figures)
    if request.GET.get("xuat") == "xlsx":
        if not allowed:
            return _error(request, _("Bạn không được tải danh sách này."), status=403, period=period)
        total = expected if expected is not None else listing.rows.count()
        if total > EXPORT_LIMIT:
            return _error(
                request,
                _(
                    "Danh sách có %(n)s mục, quá %(limit)s mục để tải trong một tệp. Hãy chọn một kỳ ngắn hơn "
                    "hoặc một đơn vị."
                )
                % {"n": f"{total:,}".replace(",", "."), "limit": f"{EXPORT_LIMIT:,}".replace(",", ".")},
                status=400,
                period=period,
            )
        return _xlsx(listing, indicator, part, period, unit)
    page = None
    rows: list[list[Any]] = []
    if allowed:
        paginator = FigurePaginator(listing.rows, PAGE_SIZE, count=expected)
        try:
            page = paginator.page(request.GET.get("trang") or 1)
        except (EmptyPage, PageNotAnInteger):
            return _error(
                request,
                _("Trang “%(p)s” không có trong danh sách.") % {"p": request.GET.get("trang")},
                status=404,
                period=period,
            )
        rows = list(listing.cells(list(page.object_list)))
    here = reverse("dashboards:explain", args=[code, part]) + "?" + period.query(dv=unit.code if unit else "")
    return render(
        request,
        "dashboards/explain.html",
        {
            "indicator": indicator,
            "part": part,
            "part_label": explain.PART_LABELS[part],
            "parts": [
                (
                    p,
                    explain.PART_LABELS[p],
                    reverse("dashboards:explain", args=[code, p])
                    + "?"
                    + period.query(dv=unit.code if unit else ""),
                )
                for p in explain.parts_of(code)
            ],
            "figure": figures.get(code) or {},
            "expected": expected,
            "value_text": selectors.pct((figures.get(code) or {}).get("value")),
            "unit": unit,
            "period": period,
            "allowed": allowed,
            "listing": listing,
            "headers": [label for label, _getter in listing.columns],
            "rows": rows,
            "page": page,
            "here": here,
            "breadcrumbs": _crumbs(
                *(
                    ((unit.name, reverse("dashboards:unit", args=[unit.code]) + "?" + period.query()),)
                    if unit
                    else ()
                ),
                (_("Giải thích số liệu"), None),
            ),
            **_picker(request),
        },
    )


#: The most items one XLSX export writes: about 0.3–0.6 ms an item (6–12 s), within a web worker's time limit.
EXPORT_LIMIT = 20_000


class FigurePaginator(Paginator):
    """Pages of a list whose length the figure already says (tests/test_dashboard_explain.py: every list has as
    many items as its figure): no COUNT over millions of joined rows (4 s for a year's dossiers at 10M). Without a
    figure (satisfaction's complaints), the database counts. Within the freshness window the figure may be a few
    seconds older than the list: the last page may then hold a few rows more or less."""

    def __init__(self, object_list: Any, per_page: int, *, count: int | None) -> None:
        super().__init__(object_list, per_page)
        self._figure = count

    @cached_property
    def count(self) -> int:
        return int(self._figure) if self._figure is not None else super().count


def _cell(value: Any) -> Any:
    if isinstance(value, datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    return value


def _xlsx(
    listing: explain.Listing, indicator: Any, part: str, period: Period, unit: Unit | None
) -> HttpResponse:
    """Every item (not one page), written row by row (openpyxl write-only)."""
    from openpyxl import Workbook

    from dvctt.common.spreadsheets import safe_row

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=str(explain.PART_LABELS[part])[:31])
    sheet.append([str(indicator.name)])
    sheet.append([_("Công thức"), str(indicator.formula), _("Phiên bản"), indicator.version])
    sheet.append([_("Kỳ"), period.span, _("Phạm vi"), unit.name if unit else _("Toàn tỉnh")])
    sheet.append([str(label) for label, _getter in listing.columns])
    # One fetch, not a server-side cursor: a cursor makes PostgreSQL prefer a plan that returns its first rows
    # fast (a unit's whole history walked in dossier order: 1.5 s for a month at 10M dossiers), and the list is
    # at most EXPORT_LIMIT rows.
    items = list(listing.rows)
    for start in range(0, len(items), 2000):
        for cells in listing.cells(items[start : start + 2000]):
            sheet.append(safe_row(sheet, [_cell(c) for c in cells]))
    buffer = io.BytesIO()
    workbook.save(buffer)
    name = f"{indicator.code}-{part}-{unit.code if unit else 'tinh'}-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.xlsx"
    response = HttpResponse(buffer.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
