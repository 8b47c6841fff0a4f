"""The period picker: month, quarter, half, year or custom dates, and the units mode, parsed from a query string.

Every page takes the same parameters (``ky``, ``nam``, ``thang``, ``quy``, ``nua``, ``tu``, ``den``,
``donvi``), so a link built on one page opens the same period on another. Bad input raises
:class:`PeriodError` with a Vietnamese message; the views show it on the page with status 400.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.common.errors import DomainError

MONTH, QUARTER, HALF, YEAR, CUSTOM = "thang", "quy", "nua", "nam", "tuychon"
KINDS = (
    (MONTH, gettext_lazy("Tháng")),
    (QUARTER, gettext_lazy("Quý")),
    (HALF, gettext_lazy("Nửa năm")),
    (YEAR, gettext_lazy("Năm")),
    (CUSTOM, gettext_lazy("Tùy chọn")),
)
UNITS_PERIOD, UNITS_CURRENT = "period", "current"
UNITS_MODES = (
    (UNITS_PERIOD, gettext_lazy("Như khi đó")),
    (UNITS_CURRENT, gettext_lazy("Theo đơn vị hiện nay")),
)
FIRST_YEAR = 2000


class PeriodError(DomainError):
    code = "invalid_period"
    http_status = 400


@dataclass(frozen=True, slots=True)
class Period:
    kind: str
    date_from: date
    date_to: date
    units_mode: str
    year: int
    number: int = 0  # the month, quarter or half

    @property
    def label(self) -> str:
        if self.kind == MONTH:
            return _("Tháng %(m)s/%(y)s") % {"m": self.number, "y": self.year}
        if self.kind == QUARTER:
            return _("Quý %(q)s/%(y)s") % {"q": self.number, "y": self.year}
        if self.kind == HALF:
            return _("6 tháng %(h)s/%(y)s") % {
                "h": _("đầu năm") if self.number == 1 else _("cuối năm"),
                "y": self.year,
            }
        if self.kind == YEAR:
            return _("Năm %(y)s") % {"y": self.year}
        return _("Từ %(f)s đến %(t)s") % {"f": f"{self.date_from:%d/%m/%Y}", "t": f"{self.date_to:%d/%m/%Y}"}

    @property
    def span(self) -> str:
        return f"{self.date_from:%d/%m/%Y} – {self.date_to:%d/%m/%Y}"

    def params(self) -> dict[str, str]:
        """The query parameters that reproduce this period (custom dates always work; named kinds are shorter)."""
        out = {"ky": self.kind, "donvi": self.units_mode}
        if self.kind == CUSTOM:
            out |= {"tu": f"{self.date_from:%d/%m/%Y}", "den": f"{self.date_to:%d/%m/%Y}"}
        else:
            out["nam"] = str(self.year)
            if self.kind == MONTH:
                out["thang"] = str(self.number)
            elif self.kind == QUARTER:
                out["quy"] = str(self.number)
            elif self.kind == HALF:
                out["nua"] = str(self.number)
        return out

    def query(self, **extra: str) -> str:
        return urlencode(self.params() | {k: v for k, v in extra.items() if v not in (None, "")})


def custom_period(date_from: date, date_to: date, units_mode: str) -> Period:
    return Period(CUSTOM, date_from, date_to, units_mode, date_to.year)


def _month_end(year: int, month: int) -> date:
    following = date(year + (month == 12), month % 12 + 1, 1)
    return following - timedelta(days=1)


def month_periods(period: Period) -> list[Period]:
    """The months of ``period.date_to``'s year up to its month, the last one cut at ``date_to`` (the trend)."""
    year, last = period.date_to.year, period.date_to
    if last < date(year, 1, 1):  # pragma: no cover - date_to is always in its own year
        return []
    out = []
    for month in range(1, last.month + 1):
        start = date(year, month, 1)
        out.append(Period(MONTH, start, min(_month_end(year, month), last), period.units_mode, year, month))
    return out


def _int(raw: str | None, *, name: str, low: int, high: int, default: int) -> int:
    if raw in (None, ""):
        return default
    try:
        value = int(str(raw).strip())
    except ValueError:
        value = low - 1
    if not low <= value <= high:
        raise PeriodError(
            _("Giá trị “%(value)s” của %(name)s không hợp lệ: chọn từ %(low)s đến %(high)s.")
            % {"value": raw, "name": name, "low": low, "high": high},
            fields={name: [_("Không hợp lệ.")]},
        )
    return value


def parse_day(raw: str, *, name: str) -> date:
    """A date typed as dd/mm/yyyy (the picker's format); yyyy-mm-dd is accepted too (links from the API)."""
    text = (raw or "").strip()
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise PeriodError(
        _("Ngày %(name)s “%(value)s” không hợp lệ: nhập theo dạng ngày/tháng/năm, ví dụ 31/12/2025.")
        % {"name": name, "value": text},
        fields={name: [_("Không hợp lệ.")]},
    )


def period_parse(params: Mapping[str, str], *, today: date | None = None) -> Period:
    """The period asked for; the year so far when nothing is asked. Raises :class:`PeriodError`."""
    today = today or timezone.localdate()
    units_mode = params.get("donvi") or UNITS_PERIOD
    if units_mode not in (UNITS_PERIOD, UNITS_CURRENT):
        raise PeriodError(
            _("Cách tính đơn vị “%(mode)s” không hợp lệ: chọn “như khi đó” hoặc “theo đơn vị hiện nay”.")
            % {"mode": units_mode},
            fields={"donvi": [_("Không hợp lệ.")]},
        )
    kind = params.get("ky") or YEAR
    if kind not in dict(KINDS):
        raise PeriodError(
            _("Loại kỳ “%(kind)s” không hợp lệ: chọn tháng, quý, nửa năm, năm hoặc tùy chọn.")
            % {"kind": kind},
            fields={"ky": [_("Không hợp lệ.")]},
        )
    if kind == CUSTOM:
        date_from = parse_day(params.get("tu", ""), name=_("bắt đầu"))
        date_to = parse_day(params.get("den", ""), name=_("kết thúc"))
        if date_from > date_to:
            raise PeriodError(
                _("Kỳ không hợp lệ: ngày bắt đầu %(f)s sau ngày kết thúc %(t)s.")
                % {"f": f"{date_from:%d/%m/%Y}", "t": f"{date_to:%d/%m/%Y}"},
                fields={"tu": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]},
            )
        if date_from.year < FIRST_YEAR or date_to.year > today.year + 1:
            raise PeriodError(
                _("Kỳ %(f)s – %(t)s nằm ngoài khoảng có số liệu (từ năm %(first)s đến năm sau).")
                % {"f": f"{date_from:%d/%m/%Y}", "t": f"{date_to:%d/%m/%Y}", "first": FIRST_YEAR},
                fields={"tu": [_("Ngoài khoảng có số liệu.")]},
            )
        return custom_period(date_from, date_to, units_mode)
    year = _int(params.get("nam"), name="nam", low=FIRST_YEAR, high=today.year + 1, default=today.year)
    if kind == MONTH:
        number = _int(params.get("thang"), name="thang", low=1, high=12, default=today.month)
        first, last = date(year, number, 1), _month_end(year, number)
    elif kind == QUARTER:
        number = _int(params.get("quy"), name="quy", low=1, high=4, default=(today.month - 1) // 3 + 1)
        first, last = date(year, 3 * number - 2, 1), _month_end(year, 3 * number)
    elif kind == HALF:
        number = _int(params.get("nua"), name="nua", low=1, high=2, default=1 if today.month <= 6 else 2)
        first, last = date(year, 6 * number - 5, 1), _month_end(year, 6 * number)
    else:
        number = 0
        first, last = date(year, 1, 1), date(year, 12, 31)
    if first > today:
        raise PeriodError(
            _("Kỳ bắt đầu ngày %(f)s chưa đến: chưa có số liệu.") % {"f": f"{first:%d/%m/%Y}"},
            fields={"ky": [_("Kỳ chưa bắt đầu.")]},
        )
    # A running period is counted so far: the catalogue and the officials are read on its last day.
    return Period(kind, first, min(last, today), units_mode, year, number)
