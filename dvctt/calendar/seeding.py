"""What a year's calendar should hold: the `holidays` package's list, corrected by known civil-service breaks.

Pure (no ORM): ``seed_entries(year)`` returns the rows; the service ``calendar_year_seed`` writes them.

`holidays.country_holidays("VN")` lists public holidays (weekend ones included), the weekdays given off in
lieu or by swap, and the worked Saturdays (``weekend_workdays``). The civil-service breaks that the Prime
Minister fixed (domain.md §5) win where they differ; their weekend days are recorded too, so that the
table shows each break whole. The table stays editable after seeding and wins over both sources.

Every row names its legal basis. A row the law does not (yet) back — a day the package lists that is only a
policy (24 Nov, "Vietnam Culture Day"), or a swap of working days that no known decision fixes — is seeded
``TO_CONFIRM``: it does not count in the working calendar until an administrator confirms it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import NamedTuple

# Kind values, shared with models.DayKind (kept here so that this module stays free of the ORM).
PUBLIC_HOLIDAY = "public_holiday"
DAY_OFF = "day_off"
MAKEUP_WORKDAY = "makeup_workday"

# Status values, shared with models.DayStatus: only confirmed rows count in the working calendar.
CONFIRMED = "confirmed"
TO_CONFIRM = "to_confirm"

# Legal bases (Vietnamese: shown as stored, in the admin and the API).
LABOUR_CODE_HOLIDAY = "Bộ luật Lao động 2019, Điều 112"
# A holiday on a weekly rest day gives the next working day off (art. 111(3), which points to art. 112(1)).
LABOUR_CODE_IN_LIEU = "Bộ luật Lao động 2019, Điều 112; nghỉ bù theo Điều 111 khoản 3"
LETTER_2450_2024 = (
    "Công văn 2450/VPCP-KGVX năm 2024 của Văn phòng Chính phủ (hoán đổi ngày làm việc 29/4 và 4/5/2024)"
)
LETTER_12729_2025 = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
POLICY_ONLY = (
    "Chưa có căn cứ: mới là chủ trương, chưa có văn bản quy phạm pháp luật quy định là ngày nghỉ "
    "(chờ sửa đổi Bộ luật Lao động)"
)
PACKAGE_SWAP = (
    "Chưa có căn cứ: hoán đổi ngày làm việc chỉ có trong gói holidays, "
    "chưa đối chiếu với văn bản của Thủ tướng Chính phủ"
)
PACKAGE_ONLY = "Chưa có căn cứ: chỉ có trong gói holidays, chưa đối chiếu với văn bản quy phạm pháp luật"


def pm_plan(occasion: str, year: int) -> str:
    """The basis of a civil-service break whose decision domain.md §5 gives without its number."""
    return (
        f"Lịch nghỉ {occasion} năm {year} của cán bộ, công chức, viên chức do Thủ tướng Chính phủ quyết định"
    )


class KnownBreak(NamedTuple):
    first: date
    last: date
    name: str
    legal_basis: str


class KnownWorkday(NamedTuple):
    day: date
    name: str
    legal_basis: str


# Civil-service breaks seen (domain.md §5). Every day in the range is off.
KNOWN_BREAKS: dict[int, list[KnownBreak]] = {
    2023: [
        KnownBreak(
            date(2023, 1, 20),
            date(2023, 1, 26),
            "Nghỉ Tết Nguyên đán Quý Mão",
            pm_plan("Tết Nguyên đán", 2023),
        ),
        KnownBreak(date(2023, 9, 1), date(2023, 9, 4), "Nghỉ lễ Quốc khánh", pm_plan("lễ Quốc khánh", 2023)),
    ],
    2024: [
        KnownBreak(
            date(2024, 2, 8),
            date(2024, 2, 14),
            "Nghỉ Tết Nguyên đán Giáp Thìn",
            pm_plan("Tết Nguyên đán", 2024),
        ),
        # Monday 29 Apr swapped for Saturday 4 May (see KNOWN_WORKDAYS).
        KnownBreak(date(2024, 4, 27), date(2024, 5, 1), "Nghỉ lễ 30/4 và 1/5", LETTER_2450_2024),
        KnownBreak(date(2024, 8, 31), date(2024, 9, 3), "Nghỉ lễ Quốc khánh", pm_plan("lễ Quốc khánh", 2024)),
    ],
    2025: [
        KnownBreak(
            date(2025, 1, 25), date(2025, 2, 2), "Nghỉ Tết Nguyên đán Ất Tỵ", pm_plan("Tết Nguyên đán", 2025)
        ),
        KnownBreak(
            date(2025, 4, 5), date(2025, 4, 7), "Nghỉ Giỗ Tổ Hùng Vương", pm_plan("Giỗ Tổ Hùng Vương", 2025)
        ),
        KnownBreak(
            date(2025, 4, 30), date(2025, 5, 4), "Nghỉ lễ 30/4 và 1/5", pm_plan("lễ 30/4 và 1/5", 2025)
        ),
    ],
    2026: [
        # Friday 2 Jan swapped for Saturday 10 Jan (see KNOWN_WORKDAYS).
        KnownBreak(date(2026, 1, 1), date(2026, 1, 4), "Nghỉ Tết Dương lịch", LETTER_12729_2025),
        KnownBreak(
            date(2026, 2, 14),
            date(2026, 2, 22),
            "Nghỉ Tết Nguyên đán Bính Ngọ",
            pm_plan("Tết Nguyên đán", 2026),
        ),
    ],
}
# Worked weekend days (make-up days) known from the same decisions.
KNOWN_WORKDAYS: dict[int, list[KnownWorkday]] = {
    2024: [KnownWorkday(date(2024, 5, 4), "Làm bù cho ngày nghỉ 29/04/2024", LETTER_2450_2024)],
    2025: [
        KnownWorkday(date(2025, 4, 26), "Làm bù cho ngày nghỉ 02/05/2025", pm_plan("lễ 30/4 và 1/5", 2025))
    ],
    2026: [KnownWorkday(date(2026, 1, 10), "Làm bù cho ngày nghỉ 02/01/2026", LETTER_12729_2025)],
}

# The `holidays` names (en_US, without " (observed)") of the days that Labour Code 2019 art. 112(1) lists:
# 1 Jan, Tết (5 days), Hùng Kings, 30 Apr, 1 May, 2 Sep and an adjacent day.
STATUTORY_NAMES = frozenset(
    {
        "new year's day",
        "lunar new year's eve",
        "lunar new year",
        "second day of lunar new year",
        "third day of lunar new year",
        "fourth day of lunar new year",
        "hung kings' commemoration day",
        "liberation day/reunification day",
        "international labor day",
        "national day",
    }
)
# Tết days the package moves off a weekend (Saturday to the Friday before, Sunday to the Monday after).
TET_IN_LIEU_NAMES = frozenset(
    {"29 of lunar new year", "fifth day of lunar new year", "sixth day of lunar new year"}
)
POLICY_NAMES = frozenset({"vietnam cultural day"})


@dataclass(frozen=True)
class SeedEntry:
    day: date
    kind: str
    name: str
    legal_basis: str
    status: str = CONFIRMED


def _classify(english_name: str) -> tuple[str, str, str]:
    """(kind, legal basis, status) of a day the package lists, from its English name."""
    lowered = english_name.lower().strip()
    for suffix in (" (estimated)", " (observed, estimated)"):
        lowered = lowered.removesuffix(suffix)
    observed = lowered.endswith(" (observed)")
    base = lowered.removesuffix(" (observed)")
    if base.startswith("day off"):  # "Day off (substituted from 05/04/2024)": a swap of working days
        return DAY_OFF, PACKAGE_SWAP, TO_CONFIRM
    if base in STATUTORY_NAMES:
        if observed:
            return DAY_OFF, LABOUR_CODE_IN_LIEU, CONFIRMED
        return PUBLIC_HOLIDAY, LABOUR_CODE_HOLIDAY, CONFIRMED
    if base in TET_IN_LIEU_NAMES:
        return PUBLIC_HOLIDAY, LABOUR_CODE_IN_LIEU, CONFIRMED
    kind = DAY_OFF if observed else PUBLIC_HOLIDAY
    return kind, (POLICY_ONLY if base in POLICY_NAMES else PACKAGE_ONLY), TO_CONFIRM


def seed_entries(year: int) -> list[SeedEntry]:
    """The exceptions of ``year`` (sorted by date): public holidays, days off, make-up working days."""
    import holidays  # here, not at the top: models import this module, and every process needs not the package

    english = holidays.country_holidays("VN", years=year, language="en_US")
    vietnamese = holidays.country_holidays("VN", years=year, language="vi")
    entries: dict[date, SeedEntry] = {}
    for day, name in english.items():
        if day.year != year:
            continue
        kind, basis, status = _classify(name)
        entries[day] = SeedEntry(
            day=day, kind=kind, name=vietnamese.get(day) or name, legal_basis=basis, status=status
        )
    for day in sorted(getattr(english, "weekend_workdays", ())):
        if day.year == year and day.weekday() >= 5:
            entries[day] = SeedEntry(
                day=day, kind=MAKEUP_WORKDAY, name="Ngày làm bù", legal_basis=PACKAGE_SWAP, status=TO_CONFIRM
            )
    for known in KNOWN_BREAKS.get(year, []):
        day = known.first
        while day <= known.last:
            current = entries.get(day)
            if current is None or current.kind == MAKEUP_WORKDAY:
                entries[day] = SeedEntry(
                    day=day, kind=DAY_OFF, name=known.name, legal_basis=known.legal_basis
                )
            elif current.status == CONFIRMED:
                # A statutory holiday inside the break: the Labour Code, and the decision that fixes the break.
                entries[day] = replace(current, legal_basis=f"{current.legal_basis}; {known.legal_basis}")
            else:
                entries[day] = replace(current, legal_basis=known.legal_basis, status=CONFIRMED)
            day += timedelta(days=1)
    for workday in KNOWN_WORKDAYS.get(year, []):
        entries[workday.day] = SeedEntry(
            day=workday.day, kind=MAKEUP_WORKDAY, name=workday.name, legal_basis=workday.legal_basis
        )
    return [entries[day] for day in sorted(entries)]


def years_to_seed(today: date) -> list[int]:
    """The years the platform knows: those of the known breaks through next year, without a gap.

    Next year too, because a dossier received in December may fall due in January.
    """
    known = set(KNOWN_BREAKS) | set(KNOWN_WORKDAYS)
    first = min(known | {today.year})
    last = max(known | {today.year + 1})
    return list(range(first, last + 1))


def holidays_version() -> str:
    import holidays

    return str(getattr(holidays, "__version__", "?"))
