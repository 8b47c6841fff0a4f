"""Test helper: interchange records (the reference engine's input) written into the platform's models.

The importer (``dvctt import``) is another engineer's; until the tests can use it, this writes the same
records the simplest way, so the database engine and the reference engine read the very same data.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.catalog.models import Procedure, ProcedureVersion
from dvctt.dossiers.models import Dossier, SupplementRequest, SyncState
from dvctt.interchange.records import Agency, Official
from dvctt.interchange.records import Dossier as DossierRecord
from dvctt.interchange.records import ProcedureVersion as VersionRecord
from dvctt.monitoring.facts import LOCAL
from dvctt.monitoring.kpi import official_model


def aware(moment: datetime | None) -> datetime | None:
    return None if moment is None else moment.replace(tzinfo=LOCAL)


def load_agencies(agencies: list[Agency]) -> dict[str, Unit]:
    units = {}
    for agency in agencies:
        units[agency.code] = Unit.objects.create(
            code=agency.code,
            name=agency.name,
            level=agency.level or UnitLevel.DEPARTMENT,
            valid_from=agency.valid_from,
            valid_to=agency.valid_to,
        )
    for agency in agencies:
        unit = units[agency.code]
        unit.parent = units.get(agency.parent_code or "")
        unit.successor = units.get(agency.successor_code or "")
        unit.save(update_fields=["parent", "successor"])
    return units


def load_procedures(versions: list[VersionRecord], units: dict[str, Unit]) -> dict[str, Procedure]:
    procedures: dict[str, Procedure] = {}
    for record in versions:
        procedure = procedures.get(record.code)
        if procedure is None:
            procedure = procedures[record.code] = Procedure.objects.create(code=record.code)
        version = ProcedureVersion.objects.create(
            procedure=procedure,
            valid_from=record.valid_from,
            abolished_after=record.valid_to,
            name=record.name,
            online_level=record.level,
            eligible_full_process=record.full_process_eligible == 1,
            integrated_national=record.national_portal == 1,
            result_is_document=record.result_is_document == 1,
        )
        version.units.set([units[code] for code in set(record.units) if code in units])
    return procedures


def load_officials(officials: list[Official], units: dict[str, Unit]) -> bool:
    model = official_model()
    if model is None:
        return False
    model.objects.bulk_create(
        model(
            national_id=o.national_id,
            full_name=o.full_name or "",
            unit=units[o.unit_code],
            valid_from=o.valid_from,
            valid_to=o.valid_to,
        )
        for o in officials
    )
    return True


def dossier_model(record: DossierRecord, procedures: dict[str, Procedure], units: dict[str, Unit]) -> Dossier:
    unit = units[record.unit_code]
    fee_total = sum(int(fee.amount or 0) for fee in record.fees or ())
    return Dossier(
        code=record.code,
        procedure=procedures[record.procedure_code],
        unit=unit,
        receiving_unit=unit,
        channel=record.channel,
        status=record.status,
        applicant_name=record.applicant_name or "",
        applicant_id_number=record.applicant_id or "",
        submitted_at=aware(record.submitted_at),
        received_at=aware(record.received_at),
        due_at=aware(record.due_at),
        ended_at=aware(record.processing_ended_at),
        returned_at=aware(record.returned_at),
        paid_online=record.paid_online or 0,
        fee_total=max(fee_total, 0),
        digitised=record.digitised_components == 1,
        has_e_result=any(document.is_electronic for document in record.result_documents or ()),
        sync_state=SyncState.SYNCED if record.synced_national == 1 else SyncState.PENDING,
        has_complaint=record.complained == 1,
        parent_code=record.parent_code or "",
        is_test=record.is_test == 1,
        imported=True,
    )


def load_dossiers(
    dossiers: list[DossierRecord], procedures: dict[str, Procedure], units: dict[str, Unit]
) -> list[Dossier]:
    created = Dossier.objects.bulk_create([dossier_model(r, procedures, units) for r in dossiers])
    by_code = {d.code: d for d in created}
    SupplementRequest.objects.bulk_create(
        SupplementRequest(
            dossier=by_code[record.code],
            requested_at=aware(s.requested_at),
            answered_at=aware(s.completed_at),
        )
        for record in dossiers
        for s in record.supplements or ()
    )
    return created


def load_records(data: Any) -> dict[str, Any]:
    """Write agencies, procedures, officials (when the model exists) and dossiers; returns the lookups."""
    units = load_agencies(list(data.agencies))
    procedures = load_procedures(list(data.procedures), units)
    officials_loaded = load_officials(list(data.officials), units)
    dossiers = load_dossiers(list(data.dossiers), procedures, units)
    return {"units": units, "procedures": procedures, "dossiers": dossiers, "officials": officials_loaded}
