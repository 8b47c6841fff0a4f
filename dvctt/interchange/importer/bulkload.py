"""PostgreSQL's own recipe for a first load ("Populating a Database"): indexes and foreign keys built once after
the rows are in, instead of maintained row by row.

Measured on 100,000 dossier lines: with its 18 secondary indexes and 7 foreign keys the dossier tables cost the
server about 10 s of CPU; loaded bare then indexed and checked, about 4 s. Used only when the dossier table is
empty at the start (a first import of a history) and the file is large. Everything happens inside the import's
transaction: DDL is transactional in PostgreSQL, so a failed or rolled-back import leaves the schema exactly as
it was, and every index is rebuilt from its own definition (``pg_get_indexdef``) and every foreign key re-added
from its own (``pg_get_constraintdef``), which checks all the rows at once. (No ANALYZE here: it cost 2.4 s on 300,000 lines, and autovacuum analyzes
the tables soon after the commit.)

The cost: while the import runs it holds ACCESS EXCLUSIVE locks on the dossier tables and on the tables their
dropped foreign keys point to (units, procedures, procedure versions), so pages reading them wait until it
commits. Foreign keys to users are kept (imported rows leave them empty, which is cheap to check) so that
signing in is never blocked.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models

#: Foreign keys kept: their target would otherwise be locked for the whole import (see the module docstring).
KEEP_TARGETS = ("accounts_user",)


class BulkLoad:
    def __init__(self, models_: list[type[models.Model]]) -> None:
        self.tables = [m._meta.db_table for m in models_]
        self.indexes: list[tuple[str, str]] = []
        self.foreign_keys: list[tuple[str, str, str]] = []

    def start(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
                "WHERE c.contype = 'f' AND c.conrelid::regclass::text = ANY(%s) "
                "AND c.confrelid::regclass::text <> ALL(%s) ORDER BY 1, 2",
                [self.tables, list(KEEP_TARGETS)],
            )
            self.foreign_keys = cursor.fetchall()
            # Indexes that back a constraint (primary keys, unique codes) stay: they guard the rows as they come.
            cursor.execute(
                "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                "WHERE i.indrelid::regclass::text = ANY(%s) "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
                [self.tables],
            )
            self.indexes = cursor.fetchall()
            _fire_deferred_checks(cursor)
            for table, name, _definition in self.foreign_keys:
                cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
            for name, _definition in self.indexes:
                cursor.execute(f"DROP INDEX {name}")

    def finish(self) -> None:
        with connection.cursor() as cursor:
            # Bigger sort memory for this transaction only: the index builds sort a million rows each.
            cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
            _fire_deferred_checks(cursor)
            for _name, definition in self.indexes:
                cursor.execute(definition)
            for table, name, definition in self.foreign_keys:
                cursor.execute(
                    f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}"
                )


def _fire_deferred_checks(cursor: Any) -> None:
    """PostgreSQL refuses to alter a table with pending deferred checks (the rows written so far in this
    transaction): run them now, then defer again (Django declares every foreign key INITIALLY DEFERRED)."""
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")
