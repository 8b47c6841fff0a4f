"""The period picker: named kinds, custom dates, the units mode, and a Vietnamese error for bad input."""

from __future__ import annotations

from datetime import date

import pytest

from dvctt.plans.dashboards.periods import PeriodError, month_periods, period_parse

TODAY = date(2026, 11, 28)


@pytest.mark.parametrize(
    ("params", "first", "last"),
    [
        ({"ky": "thang", "nam": "2025", "thang": "2"}, date(2025, 2, 1), date(2025, 2, 28)),
        ({"ky": "thang", "nam": "2024", "thang": "2"}, date(2024, 2, 1), date(2024, 2, 29)),
        ({"ky": "quy", "nam": "2025", "quy": "3"}, date(2025, 7, 1), date(2025, 9, 30)),
        ({"ky": "nua", "nam": "2025", "nua": "2"}, date(2025, 7, 1), date(2025, 12, 31)),
        ({"ky": "nam", "nam": "2025"}, date(2025, 1, 1), date(2025, 12, 31)),
        ({"ky": "tuychon", "tu": "05/03/2025", "den": "20/04/2025"}, date(2025, 3, 5), date(2025, 4, 20)),
        ({"ky": "tuychon", "tu": "2025-03-05", "den": "2025-03-05"}, date(2025, 3, 5), date(2025, 3, 5)),
        # a running period is counted so far
        ({}, date(2026, 1, 1), TODAY),
        ({"ky": "thang", "nam": "2026", "thang": "11"}, date(2026, 11, 1), TODAY),
    ],
)
def test_periods(params, first, last):
    # when the picker's parameters are parsed
    period = period_parse(params, today=TODAY)
    # then the period covers exactly these days
    assert (period.date_from, period.date_to) == (first, last)


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"ky": "tuychon", "tu": "20/04/2025", "den": "05/03/2025"}, "sau ngày kết thúc"),
        ({"ky": "tuychon", "tu": "31/02/2025", "den": "05/03/2025"}, "không hợp lệ"),
        ({"ky": "tuychon", "tu": "", "den": "05/03/2025"}, "ngày/tháng/năm"),
        ({"ky": "thang", "nam": "2025", "thang": "13"}, "từ 1 đến 12"),
        ({"ky": "quy", "nam": "abc"}, "không hợp lệ"),
        ({"ky": "tuan"}, "Loại kỳ"),
        ({"donvi": "all"}, "Cách tính đơn vị"),
        ({"ky": "thang", "nam": "2026", "thang": "12"}, "chưa đến"),
        ({"ky": "tuychon", "tu": "01/01/1990", "den": "05/03/2025"}, "ngoài khoảng"),
    ],
)
def test_bad_periods_raise_a_vietnamese_message(params, words):
    # when a bad period is parsed, then the error says what is wrong, in Vietnamese
    with pytest.raises(PeriodError) as caught:
        period_parse(params, today=TODAY)
    assert words in caught.value.message


def test_params_round_trip_and_units_mode():
    # given a quarter in today's units
    period = period_parse({"ky": "quy", "nam": "2025", "quy": "2", "donvi": "current"}, today=TODAY)
    # when its parameters are parsed again
    again = period_parse(period.params(), today=TODAY)
    # then it is the same period
    assert again == period
    assert again.units_mode == "current"


def test_month_periods_cut_the_last_month_at_the_end():
    # given a custom period ending mid-May
    period = period_parse({"ky": "tuychon", "tu": "10/02/2025", "den": "15/05/2025"}, today=TODAY)
    # when the trend's months are listed
    months = month_periods(period)
    # then they are January to May of that year, the last one ending on 15/05
    assert [m.number for m in months] == [1, 2, 3, 4, 5]
    assert months[0].date_from == date(2025, 1, 1)
    assert months[-1].date_to == date(2025, 5, 15)
