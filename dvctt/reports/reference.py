"""The reference report engine: spec/reports.md computed straight from interchange records.

The yardstick for the database engine (selectors.report_compute). It takes every rule it can from the
indicators' reference engine (monitoring.reference): the exclusions, the end of a dossier, the supplement
requests the late rules judge, the late rule itself (``is_late``), the catalogue's version in force and the
folding of units into today's units. Only "early" is the report's own (figures.is_early).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from dvctt.monitoring import reference as ref

from . import figures as f


def _key_of_field(catalogue: ref.Catalogue, dossier: Any, received: datetime) -> str:
    version = catalogue.at(dossier.procedure_code, received.date())
    return (version.field_code or "") if version is not None else ""


def report_reference(
    records: ref.Records, *, form: str, date_from: date, date_to: date, units_mode: str = "period"
) -> dict[str, Any]:
    """The object of spec/reports.md's Output for form ``06`` (rows by unit) or ``07a`` (rows by field)."""
    if form not in f.FORMS:
        raise ValueError(f"form must be one of {f.FORMS}, not {form!r}")
    if units_mode not in f.UNITS_MODES:
        raise ValueError(f"units_mode must be one of {f.UNITS_MODES}, not {units_mode!r}")
    if date_to < date_from:
        raise ValueError("date_to is before date_from")
    start = datetime.combine(date_from, time.min)
    end = datetime.combine(date_to + timedelta(days=1), time.min)
    catalogue = ref.Catalogue(records.procedures)

    counts: dict[str, list[int]] = {}
    province = f.zero()
    for dossier in records.dossiers:
        received = dossier.received_at
        if ref.is_excluded(dossier) or received is None or received >= end:
            continue
        ended = ref.dossier_ended_at(dossier)
        if received >= start:
            if dossier.channel == f.CHANNEL_ONLINE:
                slot = f.ONLINE
            elif dossier.channel in f.CHANNELS_DIRECT_POST:
                slot = f.DIRECT_POST
            else:
                continue
        elif ended is not None and ended < start:
            continue
        else:
            slot = f.CARRIED
        resolved = ended is not None and start <= ended < end
        late = resolved and ref.is_late(dossier, ended, end)
        early = False
        if resolved and not late:
            assert ended is not None
            supplements = [
                (s.requested_at, s.completed_at)
                for s in ref.supplement_requests(dossier)
                if s.requested_at is not None
            ]
            early = f.is_early(ended_at=ended, due_at=dossier.due_at, supplements=supplements)
        overdue = not resolved and ref.is_late(dossier, None, end)  # judged at the period end
        key = dossier.unit_code if form == f.FORM_UNITS else _key_of_field(catalogue, dossier, received)
        vector = counts.setdefault(key, f.zero())
        for target in (vector, province):
            f.count_dossier(target, slot=slot, resolved=resolved, late=late, early=early, overdue=overdue)

    if form == f.FORM_FIELDS:
        rows = dict(sorted(counts.items(), key=lambda item: (item[0] == "", item[0])))
    else:
        rows = _unit_rows(records, counts, date_from, date_to, units_mode)
    return f.report_object(
        form=form, date_from=date_from, date_to=date_to, units_mode=units_mode, province=province, rows=rows
    )


def _unit_rows(
    records: ref.Records, counts: dict[str, list[int]], date_from: date, date_to: date, units_mode: str
) -> dict[str, list[int]]:
    """Units as ``dvctt kpi`` reports them: those that exist on some day of the period, or today's units with
    the ended ones folded into them (an ended unit without heir counts only for the province)."""
    rows: dict[str, list[int]] = {}
    if units_mode == "period":
        for agency in records.agencies:
            if agency.valid_from <= date_to and (agency.valid_to is None or agency.valid_to >= date_from):
                rows[agency.code] = counts.get(agency.code) or f.zero()
        return rows
    agencies = {agency.code: agency for agency in records.agencies}
    for agency in records.agencies:
        if not agency.has_ended:
            rows[agency.code] = f.zero()
    for agency in records.agencies:
        target = ref._fold_target(agency, agencies)
        if target is not None and agency.code in counts:
            f.add(rows[target], counts[agency.code])
    return rows
