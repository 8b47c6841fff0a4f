"""Dossier codes: ``<receiving unit code>-YYMMDD-XXXX`` (domain.md §4), gapless per unit and day.

The next number is taken inside the caller's transaction with a row lock on the (unit, day) counter, so two
concurrent receipts wait on each other instead of taking the same number, and a rolled-back transaction gives
its number back (no gap).
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction

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
    """Take the next code. Precondition: inside ``transaction.atomic()`` (the lock lasts until commit)."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("dossier_code_next must run inside a transaction")
    counter = DossierSequence.objects.select_for_update().filter(unit_code=unit_code, day=day).first()
    if counter is None:
        try:
            # A savepoint: if another transaction created the counter meanwhile, ours fails alone.
            with transaction.atomic():
                counter = DossierSequence.objects.create(unit_code=unit_code, day=day, last=0)
        except IntegrityError:
            counter = DossierSequence.objects.select_for_update().get(unit_code=unit_code, day=day)
    if counter.last >= MAX_PER_DAY:
        raise DomainError(f"Đơn vị {unit_code} đã dùng hết {MAX_PER_DAY} số hồ sơ trong ngày {day:%d/%m/%Y}.")
    counter.last += 1
    counter.save(update_fields=["last"])
    return dossier_code_format(unit_code=unit_code, day=day, number=counter.last)
