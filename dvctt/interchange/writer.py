"""Writes records back in the interchange format.

Round trip: parse → write → parse gives equal records, for every key of the spec and every unknown key.
A key whose value is not known is omitted, unless it was read as an explicit ``null`` (``null_keys``), in
which case ``null`` is written back. Known keys come in the spec's order, unknown ones after them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from .reader import FILE_NAMES
from .records import Interchange
from .times import format_date, format_time


def _value(value: Any) -> Any:
    # datetime before date: a datetime is a date.
    if isinstance(value, datetime):
        return format_time(value)
    if isinstance(value, date):
        return format_date(value)
    if isinstance(value, tuple):
        return [record_to_dict(item) if hasattr(item, "KEYS") else _value(item) for item in value]
    return value


def record_to_dict(record: Any) -> dict[str, Any]:
    """One record (or sub-record) → the JSON object of the format."""
    out: dict[str, Any] = {}
    null_keys = record.null_keys
    for key, attr in record.KEYS:
        value = getattr(record, attr)
        if value is None:
            if key in null_keys:
                out[key] = None
            continue
        out[key] = _value(value)
    for key, value in record.extra.items():
        if key not in out:
            out[key] = value
    return out


def write_records(records: Iterable[Any], stream: IO[str]) -> int:
    """Writes one JSON line per record; returns how many were written."""
    dumps = json.dumps
    count = 0
    for record in records:
        stream.write(dumps(record_to_dict(record), ensure_ascii=False))
        stream.write("\n")
        count += 1
    return count


def write_folder(data: Interchange, folder: str | Path) -> None:
    """Writes the four files into ``folder`` (created if needed)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for kind, file_name in FILE_NAMES.items():
        with (folder / file_name).open("w", encoding="utf-8") as stream:
            write_records(getattr(data, kind), stream)
