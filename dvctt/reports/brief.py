"""The PPC leader's brief (bản tóm tắt cho lãnh đạo UBND tỉnh): one printable A4 page for a month or a quarter.

It reads, never recomputes: the plan's indicators against their targets and the national index come from the
dashboards' selectors (plans.dashboards.selectors: the KPI rollups, the plan's targets, plans.scores); the units
furthest behind and most improved from the dashboards' ranking of this period and of the previous one (units as
they are today, so that a unit merged in 2025 compares with its predecessors); overdue tasks and open
difficulties from steering.selectors, as they stand on the day the brief is made.

Periods are written ``2025-03`` (a month) or ``2025-Q1`` (a quarter); a running period is counted so far.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from dvctt.plans.dashboards.periods import MONTH, QUARTER, UNITS_CURRENT, Period, PeriodError, period_parse

#: How many units each list shows, and how many tasks and difficulties fit on the page.
UNITS_LISTED = 5
TASKS_LISTED = 6
DIFFICULTIES_LISTED = 5

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_QUARTER = re.compile(r"^(\d{4})-[Qq]([1-4])$")


def brief_periods(text: str, *, today: date) -> tuple[Period, Period]:
    """The period ``text`` names and the one before it. Raises PeriodError (a Vietnamese message)."""
    raw = (text or "").strip()
    month, quarter = _MONTH.match(raw), _QUARTER.match(raw)
    if month:
        year, number = int(month.group(1)), int(month.group(2))
        if not 1 <= number <= 12:
            raise PeriodError(
                _("Tháng “%(p)s” không hợp lệ.") % {"p": raw}, fields={"period": [_("Không hợp lệ.")]}
            )
        params = {"ky": MONTH, "nam": str(year), "thang": str(number)}
        previous = {
            "ky": MONTH,
            "nam": str(year - (number == 1)),
            "thang": str(12 if number == 1 else number - 1),
        }
    elif quarter:
        year, number = int(quarter.group(1)), int(quarter.group(2))
        params = {"ky": QUARTER, "nam": str(year), "quy": str(number)}
        previous = {
            "ky": QUARTER,
            "nam": str(year - (number == 1)),
            "quy": str(4 if number == 1 else number - 1),
        }
    else:
        raise PeriodError(
            _("Kỳ “%(p)s” không hợp lệ: ghi tháng dạng 2025-03 hoặc quý dạng 2025-Q1.") % {"p": raw},
            fields={"period": [_("Không hợp lệ.")]},
        )
    current = period_parse({**params, "donvi": UNITS_CURRENT}, today=today)
    before = period_parse({**previous, "donvi": UNITS_CURRENT}, today=today)
    return current, before


@dataclass(frozen=True)
class UnitLine:
    code: str
    name: str
    attainment: float | None
    previous: float | None = None
    met: int = 0
    with_target: int = 0

    @property
    def change(self) -> float | None:
        if self.attainment is None or self.previous is None:
            return None
        return self.attainment - self.previous


@dataclass
class Brief:
    period: Period
    previous: Period
    on: date
    plan: Any
    figures: list[Any]
    index: dict[str, Any]
    index_groups: list[dict[str, Any]]
    behind: list[UnitLine]
    improved: list[UnitLine]
    units_ranked: int
    overdue_tasks: list[Any]
    overdue_count: int
    difficulties: list[dict[str, Any]]
    difficulties_count: int
    escalated_count: int
    computed_at: Any = None
    notes: list[str] = field(default_factory=list)
    #: Communication activities of the period and the one before (outreach.selectors.outreach_brief).
    outreach: Any = None

    @property
    def title(self) -> str:
        return _("BẢN TÓM TẮT TÌNH HÌNH THỰC HIỆN KẾ HOẠCH — %(p)s") % {"p": self.period.label.upper()}


def _lines(ranking: Any) -> dict[str, UnitLine]:
    return {
        row.unit.code: UnitLine(
            row.unit.code, row.unit.name, row.attainment, met=row.met, with_target=row.with_target
        )
        for row in ranking.rows
    }


def brief_compute(*, period_text: str, today: date) -> Brief:
    """Everything the brief shows. Raises PeriodError for a bad or future period."""
    from dvctt.outreach.selectors import outreach_brief
    from dvctt.plans.dashboards.selectors import KpiSource, dashboard_overview, dashboard_ranking
    from dvctt.steering.selectors import difficulties_open, difficulty_age_days, tasks_overdue

    period, previous = brief_periods(period_text, today=today)
    source = KpiSource()
    overview = dashboard_overview(period=period, source=source)
    now = _lines(dashboard_ranking(period=period, source=source))
    before = _lines(dashboard_ranking(period=previous, source=source))
    ranked = [line for line in now.values() if line.attainment is not None]
    behind = sorted(ranked, key=lambda line: (line.attainment, line.code))[:UNITS_LISTED]
    compared = [
        UnitLine(
            line.code, line.name, line.attainment, before[line.code].attainment, line.met, line.with_target
        )
        for line in ranked
        if line.code in before and before[line.code].attainment is not None
    ]
    improved = sorted(
        (line for line in compared if (line.change or 0) > 0),
        key=lambda line: (-(line.change or 0), line.code),
    )[:UNITS_LISTED]
    overdue = tasks_overdue(today=today)
    open_items = difficulties_open()
    difficulties = [
        {"item": item, "age": difficulty_age_days(item, today=today)}
        for item in open_items[:DIFFICULTIES_LISTED]
    ]
    return Brief(
        period=period,
        previous=previous,
        on=today,
        plan=overview.plan,
        figures=overview.figures,
        index=overview.index,
        index_groups=overview.index_groups,
        behind=behind,
        improved=improved,
        units_ranked=len(ranked),
        overdue_tasks=list(overdue[:TASKS_LISTED]),
        overdue_count=overdue.count(),
        difficulties=difficulties,
        difficulties_count=open_items.count(),
        escalated_count=open_items.filter(state="escalated_ppc").count(),
        computed_at=overview.computed_at,
        outreach=outreach_brief(period=period, previous=previous),
    )


def pct(value: float | None) -> str:
    from dvctt.plans.dashboards.selectors import pct as dashboard_pct

    return dashboard_pct(value)


def points(value: float | None) -> str:
    """A score with one decimal, Vietnamese decimal comma."""
    if value is None:
        return "–"
    return f"{float(value):.1f}".replace(".", ",")


def brief_context(brief: Brief) -> dict[str, Any]:
    from django.conf import settings

    from dvctt.reports.layout import MOTTO, place_and_date

    return {
        "brief": brief,
        "province": settings.PROVINCE_NAME,
        "motto": MOTTO,
        "place_date": place_and_date(brief.on),
        "index_total": points(brief.index.get("total")),
        "index_max": points(brief.index.get("max")),
        "index_computable": points(brief.index.get("computable_max")),
        "groups": [
            g | {"score_text": points(g["score"]), "max_text": points(g["max"])} for g in brief.index_groups
        ],
        "behind": [{"line": u, "value": pct(u.attainment)} for u in brief.behind],
        "improved": [
            {
                "line": u,
                "value": pct(u.attainment),
                "previous": pct(u.previous),
                "change": points((u.change or 0) * 100),
            }
            for u in brief.improved
        ],
        "more_tasks": max(0, brief.overdue_count - len(brief.overdue_tasks)),
        "more_difficulties": max(0, brief.difficulties_count - len(brief.difficulties)),
    }


def brief_html(brief: Brief) -> str:
    """The printable HTML of the brief (the PDF's source)."""
    return render_to_string("reports/brief_print.html", brief_context(brief))


def brief_pdf(brief: Brief) -> bytes:
    """One A4 portrait page (WeasyPrint, DejaVu Sans as the other reports)."""
    from weasyprint import HTML  # imported late: loading pango costs a second that other paths need not pay

    return HTML(string=brief_html(brief)).write_pdf()
