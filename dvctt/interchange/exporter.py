"""``interchange_export``: the database written back as a folder of the interchange format.

Units, procedure versions and officials are few and written whole; dossiers are streamed by id in chunks
(one query for the chunk's rows, two for its supplements and results), so memory stays flat whatever the
number. Rows that came from an import are written as the lines they came from (``importer/shape.py``);
rows the platform made are written from their fields.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from django.conf import settings

from dvctt.agencies.models import Unit
from dvctt.catalog.models import Procedure
from dvctt.dossiers.models import Dossier
from dvctt.interchange import FILE_NAMES, write_records
from dvctt.interchange.importer.dossiers import children_records
from dvctt.interchange.importer.mapping import DOSSIER_FIELDS, dossier_record
from dvctt.interchange.importer.reference import agency_records, official_records, procedure_records

CHUNK = 5_000


def interchange_export(*, folder: str | Path, chunk_size: int = CHUNK) -> Counter:
    """Writes the four files into ``folder`` (created if needed); returns how many lines each got."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    counts: Counter = Counter()
    for kind, records in (
        ("agencies", agency_records()),
        ("procedures", procedure_records()),
        ("officials", official_records()),
    ):
        with (folder / FILE_NAMES[kind]).open("w", encoding="utf-8") as stream:
            counts[kind] = write_records(records, stream)
    with (folder / FILE_NAMES["dossiers"]).open("w", encoding="utf-8") as stream:
        counts["dossiers"] = write_records(_dossier_records(chunk_size), stream)
    return counts


def _dossier_records(chunk_size: int):
    unit_codes = dict(Unit.objects.values_list("pk", "code"))
    procedure_codes = dict(Procedure.objects.values_list("pk", "code"))
    media_url = settings.MEDIA_URL
    chunk: list[dict] = []
    rows = Dossier.objects.order_by("id").values(*DOSSIER_FIELDS).iterator(chunk_size=chunk_size)
    for row in rows:
        chunk.append(row)
        if len(chunk) >= chunk_size:
            yield from _chunk_records(chunk, unit_codes, procedure_codes, media_url)
            chunk = []
    yield from _chunk_records(chunk, unit_codes, procedure_codes, media_url)


def _chunk_records(chunk: list[dict], unit_codes: dict, procedure_codes: dict, media_url: str):
    supplements, results = children_records([row["id"] for row in chunk], media_url=media_url)
    for row in chunk:
        yield dossier_record(
            row,
            unit_code=unit_codes[row["unit_id"]],
            procedure_code=procedure_codes[row["procedure_id"]],
            supplements=supplements[row["id"]],
            results=results[row["id"]],
        )
