"""Demo data: the calendar years the platform knows, through next year (idempotent: a second run adds nothing).

``dvctt migrate`` already seeds these years (``handlers.py``); the loader keeps ``demo_seed`` whole on a
database where an administrator removed one.
"""

from __future__ import annotations

from django.utils import timezone

from dvctt.calendar.seeding import years_to_seed
from dvctt.calendar.services import calendar_year_seed
from dvctt.common.demo import demo_loader


def demo_years() -> tuple[int, ...]:
    return tuple(years_to_seed(timezone.localdate()))


@demo_loader(order=5, name="calendar")
def load(*, stdout, scale) -> str:
    years = demo_years()
    results = [calendar_year_seed(year=year) for year in years]
    added = sum(result.added for result in results)
    return f"{len(results)} năm lịch ({years[0]}–{years[-1]}), thêm {added} ngày ngoại lệ"
