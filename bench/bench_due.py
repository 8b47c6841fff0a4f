"""Time due-time computations on the seeded 2023–2026 calendar (no database).

Run: .venv/bin/python bench/bench_due.py
"""

from __future__ import annotations

import os
import sys
import timeit
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dvctt.settings")

from dvctt.calendar.deadlines import (
    TZ,
    add_working_seconds,
    calendar_from_rows,
    due_time,
    working_seconds_between,
)
from dvctt.calendar.seeding import MAKEUP_WORKDAY, seed_entries

YEARS = (2023, 2024, 2025, 2026)


def build():
    entries = [entry for year in YEARS for entry in seed_entries(year)]
    return calendar_from_rows(
        days_off=[e.day for e in entries if e.kind != MAKEUP_WORKDAY],
        worked_days=[e.day for e in entries if e.kind == MAKEUP_WORKDAY],
        schedules=[(date(2000, 1, 1), "07:00-11:30,13:30-17:00")],
        configured_years=YEARS,
    )


def per_call_us(fn, number: int) -> float:
    best = min(timeit.repeat(fn, number=number, repeat=5))
    return best / number * 1e6


def main() -> None:
    calendar = build()
    rows_only = calendar_from_rows  # the snapshot build, without the holidays package
    snapshot_us = per_call_us(
        lambda: rows_only(
            days_off=calendar.days_off,
            worked_days=calendar.worked_days,
            schedules=calendar.schedules,
            configured_years=YEARS,
        ),
        20,
    )
    received = datetime(2025, 1, 24, 16, 0, tzinfo=TZ)
    later = datetime(2025, 6, 2, 9, 0, tzinfo=TZ)
    cases = [
        ("due 3 ngay_lam_viec (across Tết 2025)", lambda: due_time(received, 3, "ngay_lam_viec", calendar)),
        ("due 15 ngay_lam_viec", lambda: due_time(received, 15, "ngay_lam_viec", calendar)),
        ("due 60 ngay_lam_viec", lambda: due_time(received, 60, "ngay_lam_viec", calendar)),
        ("due 20 gio_lam_viec", lambda: due_time(received, 20, "gio_lam_viec", calendar)),
        ("due 30 ngay", lambda: due_time(received, 30, "ngay", calendar)),
        ("add_working_seconds 10 days", lambda: add_working_seconds(received, 288000, calendar)),
        ("working_seconds_between 4 months", lambda: working_seconds_between(received, later, calendar)),
    ]
    print(f"snapshot build (4 years): {snapshot_us:.0f} µs")
    for label, fn in cases:
        print(f"{label}: {per_call_us(fn, 20000):.1f} µs per call")


if __name__ == "__main__":
    main()
