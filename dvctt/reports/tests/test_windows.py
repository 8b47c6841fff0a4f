"""Reporting windows: the national regime's (15th of the month before to the 14th) and calendar periods."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from dvctt.reports import windows as w


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        (w.MONTH, 1, (date(2024, 12, 15), date(2025, 1, 14))),
        (w.MONTH, 3, (date(2025, 2, 15), date(2025, 3, 14))),
        (w.QUARTER, 1, (date(2024, 12, 15), date(2025, 3, 14))),
        (w.QUARTER, 3, (date(2025, 6, 15), date(2025, 9, 14))),
        (w.QUARTER, 4, (date(2025, 9, 15), date(2025, 12, 14))),
        (w.HALF, 0, (date(2024, 12, 15), date(2025, 6, 14))),
        (w.NINE, 0, (date(2024, 12, 15), date(2025, 9, 14))),
        (w.YEAR, 0, (date(2024, 12, 15), date(2025, 12, 14))),
    ],
)
def test_national_windows_run_from_the_15th_to_the_14th(kind, number, expected):
    # when the national window of 2025 is asked
    found = w.window(regime=w.NATIONAL, kind=kind, year=2025, number=number)
    # then it is the regime's
    assert (found.date_from, found.date_to) == expected


@pytest.mark.parametrize(
    ("kind", "number", "expected"),
    [
        (w.MONTH, 2, (date(2024, 2, 1), date(2024, 2, 29))),
        (w.QUARTER, 2, (date(2024, 4, 1), date(2024, 6, 30))),
        (w.HALF, 0, (date(2024, 1, 1), date(2024, 6, 30))),
        (w.NINE, 0, (date(2024, 1, 1), date(2024, 9, 30))),
        (w.YEAR, 0, (date(2024, 1, 1), date(2024, 12, 31))),
    ],
)
def test_calendar_windows_are_whole_months(kind, number, expected):
    found = w.window(regime=w.CALENDAR, kind=kind, year=2024, number=number)
    assert (found.date_from, found.date_to) == expected


def test_consecutive_national_months_tile_the_year_without_gap_or_overlap():
    months = [w.window(regime=w.NATIONAL, kind=w.MONTH, year=2025, number=m) for m in range(1, 13)]
    year = w.window(regime=w.NATIONAL, kind=w.YEAR, year=2025)
    assert months[0].date_from == year.date_from and months[-1].date_to == year.date_to
    for before, after in itertools.pairwise(months):
        assert (after.date_from - before.date_to).days == 1


def test_a_window_gives_back_its_query_and_label():
    # given the national third quarter of 2025
    found = w.window(regime=w.NATIONAL, kind=w.QUARTER, year=2025, number=3)
    # then its query parameters parse back to it, and its label names it in Vietnamese
    assert w.window_parse(found.params(), today=date(2026, 1, 1)) == found
    assert found.label == "Quý III năm 2025 (kỳ báo cáo quốc gia)"
    custom = w.window_parse(
        {"ky": "tuychon", "tu": "01/07/2025", "den": "30/09/2025"}, today=date(2026, 1, 1)
    )
    assert (custom.date_from, custom.date_to) == (date(2025, 7, 1), date(2025, 9, 30))
    assert w.window_parse(custom.params(), today=date(2026, 1, 1)) == custom


def test_without_a_choice_the_last_ended_national_quarter():
    # on 20/09/2025 the national third quarter (to 14/09) has ended
    assert w.window_parse({}, today=date(2025, 9, 20)).date_to == date(2025, 9, 14)
    # on 10/09/2025 it has not: the second quarter
    found = w.window_parse({}, today=date(2025, 9, 10))
    assert (found.kind, found.number, found.date_to) == (w.QUARTER, 2, date(2025, 6, 14))
    # in January the fourth quarter of the year before
    assert w.window_parse({}, today=date(2025, 1, 10)).date_to == date(2024, 12, 14)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ky": "thang", "nam": "2025", "so": "13"}, "Tháng phải từ 1 đến 12."),
        ({"ky": "quy", "nam": "2025", "so": "0"}, "Quý phải từ 1 đến 4."),
        ({"ky": "quy", "nam": "hai", "so": "1"}, "không phải là số"),
        ({"ky": "nam", "nam": "1990"}, "không hợp lệ"),
        ({"ky": "tuan", "nam": "2025"}, "Loại kỳ “tuan” không có."),
        ({"ky": "nam", "nam": "2025", "cach": "am"}, "Cách tính kỳ “am” không có"),
        ({"ky": "tuychon", "tu": "2025-07-01", "den": "30/09/2025"}, "dd/mm/yyyy"),
        ({"ky": "tuychon", "tu": "30/09/2025", "den": "01/07/2025"}, "Kỳ không hợp lệ"),
        ({"ky": "tuychon", "tu": "30/09/2025"}, "Chọn cả ngày bắt đầu và ngày kết thúc"),
    ],
)
def test_bad_choices_are_refused_in_vietnamese(params, message):
    with pytest.raises(w.WindowError) as error:
        w.window_parse(params, today=date(2025, 10, 1))
    assert message in error.value.message
