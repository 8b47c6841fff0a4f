"""What a year's calendar should hold: the `holidays` package's list, corrected by known civil-service breaks.

Pure (no ORM): ``seed_entries(year)`` returns the rows; the service ``calendar_year_seed`` writes them.

`holidays.country_holidays("VN")` lists public holidays (weekend ones included), the weekdays given off in
lieu or by swap, and the worked Saturdays (``weekend_workdays``). The civil-service breaks that the Prime
Minister fixed (domain.md §5) win where they differ; their weekend days are recorded too, so that the
table shows each break whole. The table stays editable after seeding and wins over both sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import holidays

# Kind values, shared with models.DayKind (kept here so that this module stays free of the ORM).
PUBLIC_HOLIDAY = "public_holiday"
DAY_OFF = "day_off"
MAKEUP_WORKDAY = "makeup_workday"

# Civil-service breaks seen (domain.md §5): (first day, last day, name). Every day in the range is off.
KNOWN_BREAKS: dict[int, list[tuple[date, date, str]]] = {
    2023: [
        (date(2023, 1, 20), date(2023, 1, 26), "Nghỉ Tết Nguyên đán Quý Mão"),
        (date(2023, 9, 1), date(2023, 9, 4), "Nghỉ lễ Quốc khánh"),
    ],
    2024: [
        (date(2024, 2, 8), date(2024, 2, 14), "Nghỉ Tết Nguyên đán Giáp Thìn"),
        (date(2024, 8, 31), date(2024, 9, 3), "Nghỉ lễ Quốc khánh"),
    ],
    2025: [
        (date(2025, 1, 25), date(2025, 2, 2), "Nghỉ Tết Nguyên đán Ất Tỵ"),
        (date(2025, 4, 5), date(2025, 4, 7), "Nghỉ Giỗ Tổ Hùng Vương"),
        (date(2025, 4, 30), date(2025, 5, 4), "Nghỉ lễ 30/4 và 1/5"),
    ],
    2026: [
        (date(2026, 2, 14), date(2026, 2, 22), "Nghỉ Tết Nguyên đán Bính Ngọ"),
    ],
}
# Worked weekend days (make-up days) known from the same decisions.
KNOWN_WORKDAYS: dict[int, list[tuple[date, str]]] = {
    2025: [(date(2025, 4, 26), "Làm bù cho ngày nghỉ 02/05/2025")],
}


@dataclass(frozen=True)
class SeedEntry:
    day: date
    kind: str
    name: str


def seed_entries(year: int) -> list[SeedEntry]:
    """The exceptions of ``year`` (sorted by date): public holidays, days off, make-up working days."""
    english = holidays.country_holidays("VN", years=year, language="en_US")
    vietnamese = holidays.country_holidays("VN", years=year, language="vi")
    entries: dict[date, SeedEntry] = {}
    for day, name in english.items():
        if day.year != year:
            continue
        # In-lieu and swapped days are "official days off", the rest are the statutory holidays.
        lowered = name.lower()
        kind = DAY_OFF if ("observed" in lowered or "day off" in lowered) else PUBLIC_HOLIDAY
        entries[day] = SeedEntry(day=day, kind=kind, name=vietnamese.get(day) or name)
    for day in sorted(getattr(english, "weekend_workdays", ())):
        if day.year == year and day.weekday() >= 5:
            entries[day] = SeedEntry(day=day, kind=MAKEUP_WORKDAY, name="Ngày làm bù")
    for first, last, name in KNOWN_BREAKS.get(year, []):
        day = first
        while day <= last:
            current = entries.get(day)
            if current is None or current.kind == MAKEUP_WORKDAY:
                entries[day] = SeedEntry(day=day, kind=DAY_OFF, name=name)
            day += timedelta(days=1)
    for day, name in KNOWN_WORKDAYS.get(year, []):
        entries[day] = SeedEntry(day=day, kind=MAKEUP_WORKDAY, name=name)
    return [entries[day] for day in sorted(entries)]


def holidays_version() -> str:
    return str(getattr(holidays, "__version__", "?"))
