"""What a submission needs from the catalogue, kept in each process: the version in force, its units, its fees.

Every submission reads the same few rows (the version in force on the day, the procedure, the units that carry it
out, the fees); reading them again for each dossier was four statements of the eleven a submission made. They are
kept here per (procedure code, day), under a **stamp** held in Django's cache:

* any change to the catalogue (a procedure, a version, its units, its fees, a unit) sets a new stamp, at once (this
  process) and again once the change commits (so that no process keeps rows it read before the commit under the new
  stamp); :mod:`dvctt.catalog.receivers` listens for the saves and deletions;
* each lookup compares its entry's stamp with the cache's: a changed stamp reads the rows again.

With a cache shared by every process (``DVCTT_CACHE_URL``, Redis or files; production needs it for the dashboards
already) a change is seen by every worker on its next submission. With the default per-process memory cache, a
worker that did not make the change still sees it within ``DVCTT_CATALOGUE_TERMS_SECONDS`` (60 s by default), the
longest an entry is trusted without a fresh read.
"""

from __future__ import annotations

import threading
import time
import uuid
from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from dvctt.agencies.models import Unit
from dvctt.catalog.models import ProcedureVersion

STAMP_KEY = "catalog:terms-stamp"
#: Entries kept at most per process (a province has about two thousand procedures; days change once a day).
MAX_ENTRIES = 10_000


@dataclass(frozen=True)
class ProcedureTerms:
    """A version in force and what a submission reads of it. Shared between requests: read it, never change it."""

    version: ProcedureVersion
    units: dict[str, Unit]  # the units that carry the version out, by code
    fees: tuple[tuple[str, int], ...]  # (name, amount in VND), in the catalogue's order


_entries: dict[tuple[str, date], tuple[str, float, ProcedureTerms | None]] = {}
_lock = threading.Lock()


def _current_stamp() -> str:
    stamp = cache.get(STAMP_KEY)
    if stamp is None:
        cache.add(STAMP_KEY, uuid.uuid4().hex, None)
        stamp = cache.get(STAMP_KEY) or ""
    return stamp


def catalogue_terms_stamp_renew() -> None:
    """A new stamp: every process reads the catalogue again on its next lookup. Call it inside the transaction
    that changes the catalogue: it renews the stamp now and once more after the commit."""
    _renew()
    transaction.on_commit(_renew)


def _renew() -> None:
    cache.set(STAMP_KEY, uuid.uuid4().hex, None)
    with _lock:
        _entries.clear()


def _read(code: str, on: date) -> ProcedureTerms | None:
    from dvctt.catalog.selectors import procedure_version_at

    version = procedure_version_at(code=code, on=on)
    if version is None:
        return None
    units = {unit.code: unit for unit in version.units.all()}
    fees = tuple((fee.name, int(fee.amount)) for fee in version.fees.all())
    return ProcedureTerms(version=version, units=units, fees=fees)


def procedure_terms_at(*, code: str, on: date) -> ProcedureTerms | None:
    """The terms of procedure ``code`` in force on ``on`` (None when it is not in force that day), from this
    process's copy while the catalogue's stamp is unchanged. Public data: no permission to check."""
    stamp = _current_stamp()
    key = (code, on)
    now = time.monotonic()
    entry = _entries.get(key)
    if entry is not None and entry[0] == stamp and entry[1] > now:
        return entry[2]
    terms = _read(code, on)
    with _lock:
        if len(_entries) >= MAX_ENTRIES:
            _entries.clear()
        _entries[key] = (stamp, now + settings.DVCTT_CATALOGUE_TERMS_SECONDS, terms)
    return terms
