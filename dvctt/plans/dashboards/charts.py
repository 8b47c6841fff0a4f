"""Server-rendered SVG charts: no JavaScript, no CDN, readable at 375 px (they scale with ``viewBox``) and in
print. Every chart carries a title and a description for screen readers, and the page shows the same numbers
in a table next to it (the text alternative).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.template.defaultfilters import floatformat
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

WIDTH, HEIGHT = 360, 180
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 12, 26


@dataclass(frozen=True, slots=True)
class Point:
    month: int  # 1..12
    value: float | None  # 0..1


def _x(month: float) -> float:
    return round(LEFT + (month - 1) * (WIDTH - LEFT - RIGHT) / 11, 1)


def _y(value: float) -> float:
    return round(TOP + (1 - max(0.0, min(1.0, value))) * (HEIGHT - TOP - BOTTOM), 1)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}".replace(".", ",") + " %"


def trend_svg(
    *,
    chart_id: str,
    title: str,
    points: Sequence[Point],
    target: float | None,
    forecast: float | None,
) -> SafeString:
    """A line of monthly values (0–100 %), the target as a horizontal line, the forecast as a dashed line from the
    last month to December. ``chart_id`` must be unique in the page (it names the title and description)."""
    known = [p for p in points if p.value is not None]
    parts: list[str] = []
    for tick in (0, 0.25, 0.5, 0.75, 1):
        y = _y(tick)
        parts.append(
            format_html(
                '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
                '<text class="axis" x="{}" y="{}" text-anchor="end">{}</text>',
                LEFT,
                y,
                WIDTH - RIGHT,
                y,
                LEFT - 4,
                round(y + 3, 1),
                f"{int(tick * 100)}%",
            )
        )
    for month in range(1, 13):
        parts.append(
            format_html(
                '<text class="axis" x="{}" y="{}" text-anchor="middle">{}</text>',
                _x(month),
                HEIGHT - 8,
                month,
            )
        )
    if target is not None:
        parts.append(
            format_html(
                '<line class="target" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                LEFT,
                _y(target),
                WIDTH - RIGHT,
                _y(target),
            )
        )
    if known:
        path = " ".join(f"{_x(p.month):.1f},{_y(p.value or 0):.1f}" for p in known)
        parts.append(format_html('<polyline class="value" points="{}"/>', path))
        for p in known:
            parts.append(
                format_html('<circle class="value" cx="{}" cy="{}" r="3"/>', _x(p.month), _y(p.value or 0))
            )
        last = known[-1]
        if forecast is not None and last.month < 12:
            parts.append(
                format_html(
                    '<line class="forecast" x1="{}" y1="{}" x2="{}" y2="{}"/>',
                    _x(last.month),
                    _y(last.value or 0),
                    _x(12),
                    _y(forecast),
                )
            )
    description = _describe(known, target, forecast)
    return format_html(
        '<svg class="chart" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d" '
        'preserveAspectRatio="xMidYMid meet"><title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        HEIGHT,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        description,
        mark_safe("".join(parts)),  # every part above is built by format_html
    )


def _describe(known: Sequence[Point], target: float | None, forecast: float | None) -> str:
    pieces = [_("Tháng %(m)s: %(v)s") % {"m": p.month, "v": _pct(p.value or 0)} for p in known] or [
        _("Chưa có số liệu theo tháng")
    ]
    if target is not None:
        pieces.append(_("chỉ tiêu %(v)s") % {"v": _pct(target)})
    if forecast is not None:
        pieces.append(_("dự báo cuối năm %(v)s") % {"v": _pct(forecast)})
    return "; ".join(pieces)


def _number(value: float) -> str:
    """At most two decimals, in the page's language ("54,4" in Vietnamese, "54.4" in English)."""
    return str(floatformat(value, "-2"))


def bar_svg(*, chart_id: str, title: str, bars: Sequence[tuple[str, float, float]]) -> SafeString:
    """Horizontal bars ``(label, score, maximum)``: the national index by group."""
    row = 26
    height = max(1, len(bars)) * row + 6
    label_w = 150
    span = WIDTH - label_w - 60
    parts: list[str] = []
    for i, (label, score, maximum) in enumerate(bars):
        y = 4 + i * row
        share = 0.0 if not maximum else max(0.0, min(1.0, score / maximum))
        parts.append(
            format_html(
                '<text class="axis" x="0" y="{}">{}</text>'
                '<rect class="track" x="{}" y="{}" width="{}" height="14" rx="2"/>'
                '<rect class="value" x="{}" y="{}" width="{}" height="14" rx="2"/>'
                '<text class="axis" x="{}" y="{}">{}</text>',
                y + 11,
                label[:28],
                label_w,
                y,
                span,
                label_w,
                y,
                round(span * share, 1),
                label_w + span + 4,
                y + 11,
                f"{_number(score)}/{_number(maximum)}",
            )
        )
    desc = "; ".join(f"{label}: {_number(score)}/{_number(maximum)}" for label, score, maximum in bars)
    return format_html(
        '<svg class="chart bars" viewBox="0 0 {} {}" role="img" aria-labelledby="{}-t {}-d">'
        '<title id="{}-t">{}</title><desc id="{}-d">{}</desc>{}</svg>',
        WIDTH,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        desc,
        mark_safe("".join(parts)),  # every part above is built by format_html
    )
