"""Demo data: the calendar years from 2023 to next year (idempotent: a second run adds nothing).

Next year is seeded too because a dossier received in December may fall due in January.
"""

from __future__ import annotations

from django.utils import timezone

from dvctt.calendar.services import calendar_year_seed
from dvctt.common.demo import demo_loader

FIRST_YEAR = 2023


def demo_years() -> tuple[int, ...]:
    return tuple(range(FIRST_YEAR, max(2026, timezone.localdate().year + 1) + 1))


@demo_loader(order=5, name="calendar")
def load(*, stdout, scale) -> str:
    years = demo_years()
    results = [calendar_year_seed(year=year) for year in years]
    added = sum(result.added for result in results)
    return f"{len(results)} năm lịch ({years[0]}–{years[-1]}), thêm {added} ngày ngoại lệ"
