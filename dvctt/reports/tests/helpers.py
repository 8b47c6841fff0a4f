"""Test helper: interchange records into the models (monitoring's loader), with each version's field."""

from __future__ import annotations

from typing import Any

from dvctt.catalog.models import Field, ProcedureVersion
from dvctt.monitoring.tests.loader import load_records


def load_with_fields(records: Any) -> dict[str, Any]:
    """monitoring.tests.loader.load_records, then each version's MaLinhVuc as its catalog Field."""
    lookups = load_records(records)
    fields: dict[str, Field] = {}
    for record in records.procedures:
        if not record.field_code:
            continue
        field = fields.get(record.field_code)
        if field is None:
            field = fields[record.field_code] = Field.objects.create(
                code=record.field_code, name=f"Lĩnh vực {record.field_code}"
            )
        ProcedureVersion.objects.filter(
            procedure=lookups["procedures"][record.code], valid_from=record.valid_from
        ).update(field=field)
    return lookups
