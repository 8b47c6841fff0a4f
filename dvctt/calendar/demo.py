"""Demo data: the calendar years 2023–2026 (idempotent: a second run adds nothing)."""

from __future__ import annotations

from dvctt.calendar.services import calendar_year_seed
from dvctt.common.demo import demo_loader

DEMO_YEARS = (2023, 2024, 2025, 2026)


@demo_loader(order=5, name="calendar")
def load(*, stdout, scale) -> str:
    results = [calendar_year_seed(year=year) for year in DEMO_YEARS]
    added = sum(result.added for result in results)
    return f"{len(results)} năm lịch ({DEMO_YEARS[0]}–{DEMO_YEARS[-1]}), thêm {added} ngày ngoại lệ"
