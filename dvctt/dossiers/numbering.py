"""Dossier codes: ``<receiving unit code>-YYMMDD-XXXX`` (domain.md §4), gapless per unit and day.

The next number is taken inside the caller's transaction with a row lock on the (unit, day) counter, so two
concurrent receipts wait on each other instead of taking the same number, and a rolled-back transaction gives
its number back (no gap).
"""

from __future__ import annotations

from datetime import date

from django.db import transaction

from dvctt.common.errors import DomainError
from dvctt.dossiers.models import DossierSequence

MAX_PER_DAY = 9999


def dossier_code_normalise(code: str) -> str:
    """A code as a person types or pastes it: any case, spaces around it or inside it (a code read out in
    groups), a non-breaking space from a copied message. Codes are upper-case letters, digits, dots and
    dashes, so this is lossless for every real code."""
    return "".join(code.split()).upper()


def dossier_code_format(*, unit_code: str, day: date, number: int) -> str:
    return f"{unit_code}-{day:%y%m%d}-{number:04d}"


def dossier_code_next(*, unit_code: str, day: date) -> str:
    """Take the next code. Precondition: inside ``transaction.atomic()`` (the lock lasts until commit).

    One statement: an upsert of the (unit, day) counter that returns the new number. Its row lock (a new row's or
    the updated one's) holds until the caller commits, so concurrent submissions queue on it; a full day
    updates nothing (the ``WHERE``) and is refused without touching the counter."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside a transaction")
    table = connection.ops.quote_name(DossierSequence._meta.db_table)
    # the table's name is the model's; the values are parameters
    upsert = (
        f"INSERT INTO {table} (unit_code, day, last) VALUES (%s, %s, 1) "  # noqa: S608
        f"ON CONFLICT (unit_code, day) DO UPDATE SET last = {table}.last + 1 WHERE {table}.last < %s "
        "RETURNING last"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            upsert,
            [unit_code, connection.ops.adapt_datefield_value(day), MAX_PER_DAY],
        )
        row = cursor.fetchone()
    if row is None:
        raise DomainError(f"Đơn vị {unit_code} đã dùng hết {MAX_PER_DAY} số hồ sơ trong ngày {day:%d/%m/%Y}.")
    return dossier_code_format(unit_code=unit_code, day=day, number=row[0])
