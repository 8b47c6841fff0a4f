"""Reporting windows: the national regime's (the 15th of the month before to the 14th) and calendar periods.

national-portal.md §4: a month's window runs from the 15th of the month before to the 14th of the month; a
quarter's from the 15th of the month before the quarter to the 14th of its last month; 6 months from 15/12 of
the year before to 14/6; 9 months to 14/9; the year to 14/12. The province may also ask for calendar months,
quarters, halves and years, or any dates: the window is the user's choice, never fixed in code. Pure functions;
:func:`window_parse` reads the page's query string and raises :class:`WindowError` with a Vietnamese message.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.common.errors import DomainError

NATIONAL, CALENDAR = "quocgia", "lich"
REGIMES = (
    (NATIONAL, gettext_lazy("Kỳ báo cáo quốc gia (15 tháng trước – 14)")),
    (CALENDAR, gettext_lazy("Theo lịch (ngày 1 – cuối tháng)")),
)
MONTH, QUARTER, HALF, NINE, YEAR, CUSTOM = "thang", "quy", "6thang", "9thang", "nam", "tuychon"
KINDS = (
    (MONTH, gettext_lazy("Tháng")),
    (QUARTER, gettext_lazy("Quý")),
    (HALF, gettext_lazy("6 tháng")),
    (NINE, gettext_lazy("9 tháng")),
    (YEAR, gettext_lazy("Năm")),
    (CUSTOM, gettext_lazy("Tùy chọn ngày")),
)
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
FIRST_YEAR, LAST_YEAR = 2000, 2100


class WindowError(DomainError):
    code = "invalid_period"
    http_status = 400


@dataclass(frozen=True, slots=True)
class Window:
    regime: str
    kind: str
    year: int
    number: int  # the month or quarter (0 for the others)
    date_from: date
    date_to: date

    @property
    def label(self) -> str:
        if self.kind == CUSTOM:
            return _("Từ %(f)s đến %(t)s") % {
                "f": f"{self.date_from:%d/%m/%Y}",
                "t": f"{self.date_to:%d/%m/%Y}",
            }
        if self.kind == MONTH:
            text = _("Tháng %(m)s năm %(y)s") % {"m": self.number, "y": self.year}
        elif self.kind == QUARTER:
            text = _("Quý %(q)s năm %(y)s") % {"q": ROMAN[self.number], "y": self.year}
        elif self.kind == HALF:
            text = _("6 tháng đầu năm %(y)s") % {"y": self.year}
        elif self.kind == NINE:
            text = _("9 tháng năm %(y)s") % {"y": self.year}
        else:
            text = _("Năm %(y)s") % {"y": self.year}
        if self.regime == NATIONAL:
            text = _("%(t)s (kỳ báo cáo quốc gia)") % {"t": text}
        return text

    def params(self) -> dict[str, str]:
        """The query parameters that give this window back (:func:`window_parse`)."""
        if self.kind == CUSTOM:
            return {"ky": CUSTOM, "tu": f"{self.date_from:%d/%m/%Y}", "den": f"{self.date_to:%d/%m/%Y}"}
        out = {"ky": self.kind, "cach": self.regime, "nam": str(self.year)}
        if self.kind in (MONTH, QUARTER):
            out["so"] = str(self.number)
        return out


def _month_end(year: int, month: int) -> date:
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    return following - timedelta(days=1)


def _national_start(year: int, month: int) -> date:
    """The 15th of the month before ``month`` of ``year``."""
    return date(year - 1, 12, 15) if month == 1 else date(year, month - 1, 15)


def window(*, regime: str, kind: str, year: int, number: int = 0) -> Window:
    """The window of a month (``number`` 1–12), a quarter (1–4), 6 months, 9 months or a year, national or
    calendar. Raises WindowError for an unknown regime or kind, or a number out of range."""
    if regime not in (NATIONAL, CALENDAR):
        raise WindowError(
            _("Cách tính kỳ “%(r)s” không có: chọn kỳ báo cáo quốc gia hoặc theo lịch.") % {"r": regime}
        )
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise WindowError(
            _("Năm %(y)s không hợp lệ (từ %(a)s đến %(b)s).") % {"y": year, "a": FIRST_YEAR, "b": LAST_YEAR}
        )
    if kind == MONTH:
        if not 1 <= number <= 12:
            raise WindowError(_("Tháng phải từ 1 đến 12."))
        first, last = number, number
    elif kind == QUARTER:
        if not 1 <= number <= 4:
            raise WindowError(_("Quý phải từ 1 đến 4."))
        first, last = 3 * number - 2, 3 * number
    elif kind in (HALF, NINE, YEAR):
        first, last, number = 1, {HALF: 6, NINE: 9, YEAR: 12}[kind], 0
    else:
        raise WindowError(_("Loại kỳ “%(k)s” không có.") % {"k": kind})
    if regime == NATIONAL:
        start, end = _national_start(year, first), date(year, last, 14)
    else:
        start, end = date(year, first, 1), _month_end(year, last)
    return Window(regime, kind, year, number, start, end)


def custom_window(*, date_from: date, date_to: date) -> Window:
    if date_to < date_from:
        raise WindowError(
            _("Kỳ không hợp lệ: ngày bắt đầu %(f)s sau ngày kết thúc %(t)s.")
            % {"f": f"{date_from:%d/%m/%Y}", "t": f"{date_to:%d/%m/%Y}"}
        )
    return Window(CALENDAR, CUSTOM, date_to.year, 0, date_from, date_to)


def _day(text: str, name: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%d/%m/%Y").date()
    except ValueError:
        raise WindowError(
            _("%(name)s “%(text)s” không đúng dạng ngày/tháng/năm (dd/mm/yyyy).")
            % {"name": name, "text": text}
        ) from None


def _int(text: str, name: str) -> int:
    try:
        return int(text)
    except (TypeError, ValueError):
        raise WindowError(_("%(name)s “%(text)s” không phải là số.") % {"name": name, "text": text}) from None


def default_window(today: date) -> Window:
    """The last national quarter that has ended by ``today`` (what a unit reports next)."""
    quarter = (today.month - 1) // 3 + 1
    candidate = window(regime=NATIONAL, kind=QUARTER, year=today.year, number=quarter)
    if candidate.date_to < today:
        return candidate
    year, quarter = (today.year, quarter - 1) if quarter > 1 else (today.year - 1, 4)
    return window(regime=NATIONAL, kind=QUARTER, year=year, number=quarter)


def window_parse(params: Mapping[str, str], *, today: date) -> Window:
    """The window a query string names (``ky``, ``cach``, ``nam``, ``so``, or ``tu``/``den`` for custom dates);
    :func:`default_window` when it names none."""
    kind = params.get("ky") or ""
    if not kind:
        return default_window(today)
    if kind == CUSTOM:
        if not params.get("tu") or not params.get("den"):
            raise WindowError(_("Chọn cả ngày bắt đầu và ngày kết thúc của kỳ."))
        return custom_window(
            date_from=_day(params["tu"], _("Từ ngày")), date_to=_day(params["den"], _("Đến ngày"))
        )
    year = _int(params.get("nam") or str(today.year), _("Năm"))
    number = _int(params.get("so") or "0", _("Tháng/quý")) if kind in (MONTH, QUARTER) else 0
    return window(regime=params.get("cach") or NATIONAL, kind=kind, year=year, number=number)
