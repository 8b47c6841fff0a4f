"""Fast inserts of many rows: PostgreSQL's COPY, SQLite's executemany. No model instances, no signals.

The ORM's ``bulk_create`` builds a model instance and runs every field's ``pre_save`` / ``get_db_prep_save``
for every row: for a million dossiers of ~50 columns that alone is about a minute. Here a row is a tuple
built from a template of the columns' defaults, and values are adapted once per column kind.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models


class TableSink:
    """Inserts rows of ``model`` given as dicts of some attnames; other columns take their default."""

    def __init__(
        self, model: type[models.Model], *, with_id: bool, now: datetime, vendor: str | None = None
    ) -> None:
        self.model = model
        self.table = model._meta.db_table
        self.vendor = vendor or connection.vendor
        fields = [f for f in model._meta.concrete_fields if with_id or not f.primary_key]
        self.columns = [f.column for f in fields]
        self.index = {f.attname: i for i, f in enumerate(fields)}
        template: list[Any] = []
        self.json_positions: set[int] = set()
        self.time_positions: set[int] = set()
        for i, f in enumerate(fields):
            if isinstance(f, models.DateTimeField) and (f.auto_now or f.auto_now_add):
                value: Any = now
            elif f.primary_key:
                value = None
            else:
                value = f.get_default()
            if isinstance(f, models.JSONField):
                self.json_positions.add(i)
            if isinstance(f, models.DateTimeField):
                self.time_positions.add(i)
            template.append(value)
        self.template = [self._adapt(i, v) for i, v in enumerate(template)]
        self._special: set[int] | None = None

    def _adapt(self, position: int, value: Any) -> Any:
        if value is None:
            return None
        if position in self.json_positions:
            return json.dumps(value, ensure_ascii=False)
        if position in self.time_positions and self.vendor == "sqlite":
            # What Django's SQLite backend stores: UTC, naive, "YYYY-MM-DD HH:MM:SS[.ffffff]".
            return str(value.astimezone(UTC).replace(tzinfo=None))
        return value

    def row(self, values: dict[str, Any]) -> list[Any]:
        row = self.template.copy()
        index = self.index
        special = self.json_positions | self.time_positions if self._special is None else self._special
        self._special = special
        for attname, value in values.items():
            i = index[attname]
            row[i] = self._adapt(i, value) if i in special and value is not None else value
        return row

    def copy_statement(self) -> str:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        return f"COPY {connection.ops.quote_name(self.table)} ({quoted}) FROM STDIN"

    def insert(self, rows: Iterable[Sequence[Any]]) -> None:
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                with cursor.cursor.copy(self.copy_statement()) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {connection.ops.quote_name(self.table)} ({quoted}) VALUES ({marks})",  # noqa: S608 - model's table
                    list(rows),
                )


class IdAllocator:
    """Primary keys for rows inserted with their id (so that child rows can name them in the same batch)."""

    def __init__(self, model: type[models.Model]) -> None:
        self.table = model._meta.db_table
        self.next_id: int | None = None

    def take(self, count: int) -> list[int]:
        if count == 0:
            return []
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [self.table, count],
                )
                return [row[0] for row in cursor.fetchall()]
            if self.next_id is None:
                # SQLite: the import holds the write lock for its whole transaction (IMMEDIATE), so nobody else
                # takes ids meanwhile; AUTOINCREMENT's counter is respected so no deleted id is reused.
                table = connection.ops.quote_name(self.table)
                cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608 - model's table
                high = cursor.fetchone()[0]
                cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [self.table])
                found = cursor.fetchone()
                self.next_id = max(high, found[0] if found else 0) + 1
        first = self.next_id
        self.next_id += count
        return list(range(first, first + count))
