"""Reads of outreach, scoped to the reader (outreach.access): the register of communication activities with its
filters and counts, the brief's section, and the good practices with their figures before and after.

A good practice's figures come from the dashboards' engine and nowhere else: the same ``KpiSource().kpis(period)``
and ``figure_of`` that the unit's dashboard page shows (plans.dashboards.selectors), for the same periods parsed the
same way (plans.dashboards.periods.period_parse), so a figure here always equals the dashboard's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from dvctt.agencies.selectors import unit_heir_map, unit_names_by_code
from dvctt.common.errors import NotFoundError
from dvctt.common.text import fold
from dvctt.monitoring.indicators import BY_CODE, INDICATORS, Indicator
from dvctt.plans.dashboards.periods import (
    CUSTOM,
    HALF,
    MONTH,
    QUARTER,
    UNITS_CURRENT,
    YEAR,
    Period,
    period_parse,
)

from . import access
from .models import ActivityFile, Channel, CommunicationActivity, GoodPractice, PracticeState

# Communication activities --------------------------------------------------------------------------------------


def activities_visible_to(user: Any) -> QuerySet[CommunicationActivity]:
    """Every activity for the province's roles; those of the units in their scope for a unit's officials."""
    items = CommunicationActivity.objects.select_related("unit", "recorded_by")
    scope = access.unit_scope(user)
    if scope is None:
        return items
    if not scope:
        return items.none()
    return items.filter(unit_id__in=scope)


@dataclass(frozen=True)
class ActivityFilters:
    unit: str = ""  # a unit's code
    channel: str = ""
    audience: str = ""
    period: Period | None = None
    query: str = ""


def _in_period(period: Period | None) -> Q:
    if period is None:
        return Q()
    return Q(date__gte=period.date_from, date__lte=period.date_to)


def activity_list(*, user: Any, filters: ActivityFilters) -> QuerySet[CommunicationActivity]:
    """The reader's activities under ``filters``, latest first. The text matches title, place and summary with
    case and diacritics ignored ("hop dan" finds "Họp dân")."""
    items = activities_visible_to(user).filter(_in_period(filters.period))
    if filters.unit:
        items = items.filter(unit__code=filters.unit)
    if filters.channel:
        items = items.filter(channel=filters.channel)
    if filters.audience:
        items = items.filter(audience=filters.audience)
    for word in fold(filters.query).split()[:8]:
        items = items.filter(search_text__contains=word)
    return items.order_by("-date", "-pk")


def activity_units(*, user: Any) -> list[tuple[str, str]]:
    """(code, name) of the units whose activities the reader sees, for the list's unit filter."""
    return list(
        activities_visible_to(user).order_by("unit__code").values_list("unit__code", "unit__name").distinct()
    )


def activity_get_for(*, user: Any, activity_id: int) -> CommunicationActivity:
    found = activities_visible_to(user).prefetch_related("files").filter(pk=activity_id).first()
    if found is None:
        raise NotFoundError(_("Không có hoạt động truyền thông này, hoặc bạn không được xem."))
    return found


def activity_file_get_for(*, user: Any, file_id: int) -> ActivityFile:
    found = (
        ActivityFile.objects.select_related("activity")
        .filter(pk=file_id, activity__in=activities_visible_to(user).values("pk"))
        .first()
    )
    if found is None:
        raise NotFoundError(_("Không có tệp này, hoặc bạn không được xem."))
    return found


def activity_changes(activity: CommunicationActivity) -> list[dict[str, Any]]:
    """Every saved version of the activity, oldest first, with the fields each change touched."""
    records = list(activity.history.select_related("history_user").order_by("history_date", "history_id"))
    labels = {f.name: f.verbose_name for f in CommunicationActivity._meta.fields}
    out = []
    previous = None
    for record in records:
        changed: list[str] = []
        if previous is not None:
            delta = record.diff_against(previous)
            changed = [
                capfirst(str(labels.get(c.field, c.field))) for c in delta.changes if c.field != "updated_at"
            ]
        out.append({"record": record, "changed": changed, "created": previous is None})
        previous = record
    return out


@dataclass
class CountRow:
    unit_code: str
    unit_name: str
    by_channel: dict[str, int]
    total: int
    reach: int

    def cells(self) -> list[int]:
        return [self.by_channel.get(c, 0) for c in Channel.values]


@dataclass
class Counts:
    period: Period | None
    rows: list[CountRow]
    by_channel: dict[str, int]
    total: int
    reach: int

    def cells(self) -> list[int]:
        return [self.by_channel.get(c, 0) for c in Channel.values]


def activity_counts(*, user: Any, period: Period | None, unit: str = "") -> Counts:
    """How many activities (and how many people reached) per unit and channel in ``period``, over the reader's
    scope; units with most activities first. One query."""
    items = activities_visible_to(user)
    if unit:
        items = items.filter(unit__code=unit)
    return _counts(items, period)


def _counts(items: QuerySet[CommunicationActivity], period: Period | None) -> Counts:
    items = items.filter(_in_period(period))
    grouped = (
        items.order_by()
        .values("unit__code", "unit__name", "channel")
        .annotate(n=Count("pk"), reach=Sum("reach"))
    )
    rows: dict[str, CountRow] = {}
    by_channel: dict[str, int] = {}
    for line in grouped:
        row = rows.setdefault(line["unit__code"], CountRow(line["unit__code"], line["unit__name"], {}, 0, 0))
        row.by_channel[line["channel"]] = row.by_channel.get(line["channel"], 0) + line["n"]
        row.total += line["n"]
        row.reach += line["reach"] or 0
        by_channel[line["channel"]] = by_channel.get(line["channel"], 0) + line["n"]
    ordered = sorted(rows.values(), key=lambda r: (-r.total, r.unit_code))
    return Counts(
        period=period,
        rows=ordered,
        by_channel=by_channel,
        total=sum(r.total for r in ordered),
        reach=sum(r.reach for r in ordered),
    )


# The PPC leader's brief ---------------------------------------------------------------------------------------

#: Units the brief names (those with most activities in its period).
BRIEF_TOP_UNITS = 3


@dataclass
class ChannelLine:
    code: str
    label: str
    now: int
    before: int


@dataclass
class OutreachBrief:
    """The brief's section "Hoạt động truyền thông": the province's activities of the period and of the one
    before, per channel, and the units that did most."""

    channels: list[ChannelLine]
    total: int
    total_before: int
    reach: int
    reach_before: int
    top_units: list[CountRow] = field(default_factory=list)


def _fold_into_today(rows: list[CountRow]) -> list[CountRow]:
    """``rows`` with each ended unit's counts added to the unit that carries on its work today, most active first.

    The KPI folding's rule and helper (agencies.selectors.unit_heir_map, as monitoring.guided and the dashboards'
    "today's units"): a unit merged into another counts under it; a unit ended without an heir is left out of the
    per-unit rows (its activities stay in the province's totals). One query for the heirs, one more only for the
    name of an heir that recorded nothing itself.
    """
    heirs = unit_heir_map()
    folded: dict[str, CountRow] = {}
    for row in rows:
        heir = heirs.get(row.unit_code)
        if heir is None:
            continue
        into = folded.setdefault(heir, CountRow(heir, "", {}, 0, 0))
        for channel, n in row.by_channel.items():
            into.by_channel[channel] = into.by_channel.get(channel, 0) + n
        into.total += row.total
        into.reach += row.reach
        if row.unit_code == heir:
            into.unit_name = row.unit_name
    names = unit_names_by_code(codes=[code for code, row in folded.items() if not row.unit_name])
    for code, row in folded.items():
        row.unit_name = row.unit_name or names.get(code, code)
    return sorted(folded.values(), key=lambda r: (-r.total, r.unit_code))


def outreach_brief(*, period: Period, previous: Period) -> OutreachBrief:
    """Province-wide: the brief is read only by the province's roles (reports.views). Two queries, and the
    folding's (:func:`_fold_into_today`) when ``period`` counts by today's units, as the brief's periods do: the
    most active units are then today's, like the brief's indicator figures."""
    now = _counts(CommunicationActivity.objects.all(), period)
    before = _counts(CommunicationActivity.objects.all(), previous)
    top = _fold_into_today(now.rows) if period.units_mode == UNITS_CURRENT else now.rows
    return OutreachBrief(
        channels=[
            ChannelLine(code, str(label), now.by_channel.get(code, 0), before.by_channel.get(code, 0))
            for code, label in Channel.choices
        ],
        total=now.total,
        total_before=before.total,
        reach=now.reach,
        reach_before=before.reach,
        top_units=top[:BRIEF_TOP_UNITS],
    )


# Good practices -----------------------------------------------------------------------------------------------

#: The indicators a good practice may compare: every indicator of the registry (the plan's and the index's).
PRACTICE_INDICATORS: tuple[Indicator, ...] = INDICATORS


def practices_visible_to(user: Any) -> QuerySet[GoodPractice]:
    """Published practices for every official; drafts too for the department."""
    items = GoodPractice.objects.select_related("unit", "author")
    if access.is_department(user):
        return items
    if not access.is_official(user):
        return items.none()
    return items.filter(state=PracticeState.PUBLISHED)


def practice_get_for(*, user: Any, practice_id: int) -> GoodPractice:
    found = practices_visible_to(user).filter(pk=practice_id).first()
    if found is None:
        raise NotFoundError(_("Không có cách làm hay này, hoặc bạn không được xem."))
    return found


def _month_end(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1) - timedelta(days=1)


def period_kind_of(date_from: date, date_to: date) -> str:
    """The dashboards' kind of the span: a whole month, quarter, half or year; else custom dates."""
    if date_from.day != 1 or date_to != _month_end(date_to) or date_from.year != date_to.year:
        return CUSTOM
    months = date_to.month - date_from.month + 1
    if months == 1:
        return MONTH
    if months == 3 and date_from.month in (1, 4, 7, 10):
        return QUARTER
    if months == 6 and date_from.month in (1, 7):
        return HALF
    if months == 12:
        return YEAR
    return CUSTOM


def stored_period(*, kind: str, date_from: date, date_to: date, units_mode: str, today: date) -> Period:
    """The dashboards' Period of a stored span, parsed by the dashboards' own parser (a running month, quarter,
    half or year is counted up to today, as on the dashboards). Raises PeriodError."""
    params = {"ky": kind, "donvi": units_mode}
    if kind == CUSTOM:
        params |= {"tu": f"{date_from:%d/%m/%Y}", "den": f"{date_to:%d/%m/%Y}"}
    else:
        params["nam"] = str(date_from.year)
        if kind == MONTH:
            params["thang"] = str(date_from.month)
        elif kind == QUARTER:
            params["quy"] = str((date_from.month - 1) // 3 + 1)
        elif kind == HALF:
            params["nua"] = "1" if date_from.month <= 6 else "2"
        elif kind != YEAR:
            params["ky"] = CUSTOM
            params |= {"tu": f"{date_from:%d/%m/%Y}", "den": f"{date_to:%d/%m/%Y}"}
    return period_parse(params, today=today)


def practice_periods(practice: GoodPractice, *, today: date) -> tuple[Period, Period]:
    before = stored_period(
        kind=practice.before_kind,
        date_from=practice.before_from,
        date_to=practice.before_to,
        units_mode=practice.units_mode,
        today=today,
    )
    after = stored_period(
        kind=practice.after_kind,
        date_from=practice.after_from,
        date_to=practice.after_to,
        units_mode=practice.units_mode,
        today=today,
    )
    return before, after


@dataclass
class PracticeFigure:
    indicator: Indicator
    before: Any  # plans.dashboards.selectors.Figure
    after: Any

    @property
    def change(self) -> float | None:
        """After minus before, in percentage points."""
        if self.before.value is None or self.after.value is None:
            return None
        return (self.after.value - self.before.value) * 100

    @property
    def change_text(self) -> str:
        change = self.change
        if change is None:
            return "–"
        sign = "+" if change > 0 else ("−" if change < 0 else "±")
        return sign + f"{abs(change):.1f}".replace(".", ",")


@dataclass
class PracticeFigures:
    before: Period
    after: Period
    rows: list[PracticeFigure]
    computed_at: Any = None


def practice_figures(*, practice: GoodPractice, today: date, source: Any = None) -> PracticeFigures:
    """For each chosen indicator the unit's figure in the period before and after, from the dashboards' engine
    (two KPI computations, cached as the dashboards cache them)."""
    from dvctt.plans.dashboards.selectors import KpiSource, figure_of

    source = source or KpiSource()
    before, after = practice_periods(practice, today=today)
    code = practice.unit.code
    raw_before = source.kpis(before)["units"].get(code) or {}
    raw_after = source.kpis(after)["units"].get(code) or {}
    rows = [
        PracticeFigure(
            BY_CODE[c], figure_of(BY_CODE[c], raw_before, None), figure_of(BY_CODE[c], raw_after, None)
        )
        for c in practice.indicators
        if c in BY_CODE
    ]
    return PracticeFigures(before, after, rows, source.computed_time)
