"""What a model row cannot say by itself about the line it came from, kept in its ``extra`` JSON.

A record of the interchange format tells "not known" apart from a value, and an explicit ``null`` apart from an
absent key (docs/interchange.md). Many model fields cannot: ``applicant_name`` is ``""`` when unknown,
``is_test`` is ``False``, ``fees`` is ``[]``. So ``extra`` holds, next to the unknown keys kept verbatim, one
reserved entry ``"_interchange"`` with

- ``null``: the keys that were an explicit ``null``;
- ``absent``: the keys that were absent while the model field holds its default (only for such fields);
- ``raw``: a few values the model cannot hold as written (an empty parent code, the order of a unit list).

Export reads them back, so a round trip is lossless. A row the platform created itself has no such entry and
every key is written from the model. An input line may not use ``"_interchange"`` as a key of its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

SHAPE_KEY = "_interchange"


def shape_pack(
    record: Any, *, defaulted: Iterable[str] = (), raw: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``record.extra`` plus the shape entry (when there is anything to remember)."""
    extra = dict(record.extra)
    null_keys = record.null_keys
    shape: dict[str, Any] = {}
    if null_keys:
        shape["null"] = sorted(null_keys)
    attrs = dict(record.KEYS)
    absent = [key for key in defaulted if getattr(record, attrs[key]) is None and key not in null_keys]
    if absent:
        shape["absent"] = absent
    if raw:
        shape["raw"] = dict(raw)
    if shape:
        extra[SHAPE_KEY] = shape
    return extra


def shape_unpack(
    extra: Mapping[str, Any] | None,
) -> tuple[dict[str, Any], frozenset[str], frozenset[str], dict]:
    """``extra`` → (unknown keys, explicit-null keys, absent keys, raw values)."""
    if not extra:
        return {}, frozenset(), frozenset(), {}
    shape = extra.get(SHAPE_KEY)
    if shape is None:
        return dict(extra), frozenset(), frozenset(), {}
    unknown = {key: value for key, value in extra.items() if key != SHAPE_KEY}
    return (
        unknown,
        frozenset(shape.get("null", ())),
        frozenset(shape.get("absent", ())),
        dict(shape.get("raw", {})),
    )


def shape_apply(values: dict[str, Any], null: frozenset[str], absent: frozenset[str]) -> frozenset[str]:
    """Turns the model's values (keyed by national key) back into "not known" where the line said so, and
    returns the record's ``null_keys`` (the memory wins over a value the platform may have set since)."""
    null_keys = set()
    for key in null | absent:
        if key in values:
            values[key] = None
    for key in null:
        null_keys.add(key)
    return frozenset(null_keys)
