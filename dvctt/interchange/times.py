"""Times and dates of the interchange format: ``yyyyMMddHHmmss`` and ``yyyyMMdd``, local to Asia/Ho_Chi_Minh.

The records keep them naive, exactly as written, because the indicator definitions compare them "as they are";
the database layer turns them into aware datetimes with :func:`to_aware`.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def parse_time(text: str) -> datetime:
    """``yyyyMMddHHmmss`` → naive datetime. Raises ValueError on anything else (slicing, no regex: it is hot)."""
    if len(text) != 14 or not text.isdigit() or not text.isascii():
        raise ValueError(text)
    # The guard leaves only 14 ASCII digits, which fromisoformat's basic form reads (and range-checks) in C:
    # five times faster than six int() calls.
    return datetime.fromisoformat(f"{text[:8]}T{text[8:]}")


_date_cache: dict[str, date] = {}


def parse_date(text: str) -> date:
    """``yyyyMMdd`` → date. Raises ValueError on anything else. Few distinct dates exist, so they are cached."""
    found = _date_cache.get(text)
    if found is not None:
        return found
    if len(text) != 8 or not text.isdigit() or not text.isascii():
        raise ValueError(text)
    value = date(int(text[0:4]), int(text[4:6]), int(text[6:8]))
    if len(_date_cache) < 100_000:
        _date_cache[text] = value
    return value


def format_time(value: datetime) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}{value.hour:02d}{value.minute:02d}{value.second:02d}"


def format_date(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def to_aware(value: datetime | None) -> datetime | None:
    """A naive local time of the format → an aware datetime in Asia/Ho_Chi_Minh (for the database layer)."""
    if value is None:
        return None
    if value.tzinfo is not None:
        return value.astimezone(LOCAL_TZ)
    return value.replace(tzinfo=LOCAL_TZ)


def to_local_naive(value: datetime | None) -> datetime | None:
    """An aware datetime (from the database) → the naive local time the format writes."""
    if value is None:
        return None
    if value.tzinfo is None:
        return value
    return value.astimezone(LOCAL_TZ).replace(tzinfo=None)
