"""Import of the small files: units (agencies.jsonl), procedure versions (procedures.jsonl), officials.

Units and procedure versions go through their apps' services (their rules, their history), one line at a
time but only when the line changes something: a second import of the same folder writes nothing, not even a
history row. Officials have no rules beyond their key and are written in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dvctt.accounts.models import Official as OfficialRow
from dvctt.agencies.models import Unit
from dvctt.agencies.services import unit_create, unit_update
from dvctt.catalog.models import ProcedureVersion as VersionRow
from dvctt.catalog.services import procedure_version_upsert_from_interchange
from dvctt.common.errors import DomainError
from dvctt.interchange import (
    FILE_NAMES,
    Agency,
    Interchange,
    Official,
    ProcedureVersion,
    check_references,
    record_to_dict,
)
from dvctt.interchange.issues import make_issue

from .mapping import (
    agency_record,
    agency_values,
    official_record,
    official_values,
    procedure_line,
    procedure_record,
)
from .report import ImportReport, issue
from .shape import SHAPE_KEY

AddIssue = Callable[[Any], None]


def reserved_issue(file: str, record: Any, label: str | None) -> Any:
    return issue(
        file,
        record.line,
        SHAPE_KEY,
        _("Khóa %(key)s được dành riêng cho nền tảng, không dùng trong tệp nhập.") % {"key": SHAPE_KEY},
        record=label,
        code="reserved_key",
    )


def too_long(file: str, record: Any, label: str | None, key: str, value: str | None, limit: int) -> Any:
    if value is None or len(value) <= limit:
        return None
    return issue(
        file,
        record.line,
        key,
        _("%(key)s dài %(length)d ký tự, tối đa %(limit)d")
        % {"key": key, "length": len(value), "limit": limit},
        record=label,
        code="too_long",
    )


def refused(file: str, record: Any, label: str | None, error: DomainError) -> Any:
    key = next(iter(error.fields), None) if error.fields else None
    return issue(file, record.line, key, error.message, record=label, code="refused")


# --- units -------------------------------------------------------------------------------------------------


def import_units(agencies: list[Agency], report: ImportReport, add: AddIssue) -> dict[str, int]:
    """Upserts units by code; returns code → id of every unit in the database afterwards."""
    file = FILE_NAMES["agencies"]
    by_code = {a.code: a for a in agencies}
    db_units = {u.code: u for u in Unit.objects.all()}
    db_code_of = {u.pk: u.code for u in db_units.values()}
    bad: set[str] = set()

    for found in check_references(Interchange(agencies=agencies)):
        if found.code == "successor_cycle":
            add(found)
            bad.add(found.record or "")
    for a in agencies:
        problems = [
            reserved_issue(file, a, a.code) if SHAPE_KEY in a.extra else None,
            too_long(file, a, a.code, "MaDonVi", a.code, 40),
            too_long(file, a, a.code, "TenDonVi", a.name, 255),
        ]
        if a.successor_code and a.valid_to is None:
            problems.append(
                issue(
                    file,
                    a.line,
                    "MaDonViKeThua",
                    _("Chỉ đơn vị đã có HieuLucDen mới có đơn vị kế thừa"),
                    record=a.code,
                    code="successor_without_end",
                )
            )
        for found in problems:
            if found is not None:
                add(found)
                bad.add(a.code)

    # Parent chains over the units as they will be (the file's lines over the database's rows).
    def parent_of(code: str) -> str | None:
        if code in by_code:
            return by_code[code].parent_code or None
        unit = db_units.get(code)
        return db_code_of.get(unit.parent_id) if unit and unit.parent_id else None

    for a in agencies:
        seen = {a.code}
        code = parent_of(a.code)
        while code is not None:
            if code in seen:
                add(
                    make_issue(
                        file, a.line, "MaDonViCha", "successor_cycle", a.code, value=f"{a.code} ↑ {code}"
                    )
                )
                bad.add(a.code)
                break
            seen.add(code)
            code = parent_of(code)

    # A line is good when it is valid and the units it names are good lines or already in the database;
    # skipping one line may make another one bad, so repeat until nothing changes.
    changed = True
    while changed:
        changed = False
        for a in agencies:
            if a.code in bad:
                continue
            for key, ref in (("MaDonViCha", a.parent_code), ("MaDonViKeThua", a.successor_code)):
                if ref and ((ref in by_code and ref in bad) or (ref not in by_code and ref not in db_units)):
                    add(make_issue(file, a.line, key, "unknown_unit", a.code, value=ref))
                    bad.add(a.code)
                    changed = True
                    break
    good = [a for a in agencies if a.code not in bad]
    report.count("agencies", "skipped", len(agencies) - len(good))

    # Pass 1: every unit exists with its own values; links that must go are cleared.
    touched: set[str] = set()
    for a in good:
        values = agency_values(a)
        unit = db_units.get(a.code)
        try:
            if unit is None:
                unit_create(code=a.code, **values)
                report.count("agencies", "created")
                touched.add(a.code)
                continue
            changes = {k: v for k, v in values.items() if getattr(unit, k) != v}
            if a.parent_code in (None, "") and unit.parent_id is not None:
                changes["parent_code"] = None
            if a.successor_code in (None, "") and unit.successor_id is not None:
                changes["successor_code"] = None
            if changes:
                unit_update(unit=unit, **changes)
                report.count("agencies", "updated")
                touched.add(a.code)
            else:
                report.count("agencies", "unchanged")
        except DomainError as error:
            add(refused(file, a, a.code, error))

    # Pass 2: parents and successors, now that every code exists.
    units = {u.code: u for u in Unit.objects.all()}
    code_of = {u.pk: u.code for u in units.values()}
    for a in good:
        unit = units.get(a.code)
        if unit is None:
            continue
        changes = {}
        if (a.parent_code or None) != code_of.get(unit.parent_id):  # type: ignore[arg-type]
            changes["parent_code"] = a.parent_code or None
        if (a.successor_code or None) != code_of.get(unit.successor_id):  # type: ignore[arg-type]
            changes["successor_code"] = a.successor_code or None
        if changes:
            try:
                unit_update(unit=unit, **changes)
            except DomainError as error:
                add(refused(file, a, a.code, error))
                continue
            if a.code not in touched:
                report.count("agencies", "updated")
                report.counts["agencies"]["unchanged"] -= 1
    return dict(Unit.objects.values_list("code", "pk"))


def agency_records() -> list[Agency]:
    """Every unit as a line of agencies.jsonl (for export and for tests)."""
    rows = list(Unit.objects.order_by("code").values())
    code_of = {row["id"]: row["code"] for row in rows}
    return [
        agency_record(
            row, parent_code=code_of.get(row["parent_id"]), successor_code=code_of.get(row["successor_id"])
        )
        for row in rows
    ]


# --- procedure versions ------------------------------------------------------------------------------------


def procedure_records(
    *, order_by: tuple[str, ...] = ("procedure__code", "valid_from")
) -> list[ProcedureVersion]:
    """Every procedure version as a line of procedures.jsonl."""
    rows = list(
        VersionRow.objects.order_by(*order_by).values(
            "id",
            "procedure__code",
            "field__code",
            "field__name",
            "name",
            "online_level",
            "eligible_full_process",
            "integrated_national",
            "time_limit",
            "time_limit_unit",
            "has_fees",
            "result_is_document",
            "valid_from",
            "abolished_after",
            "extra",
        )
    )
    unit_codes: dict[int, list[str]] = defaultdict(list)
    through = VersionRow.units.through
    for version_id, code in through.objects.values_list("procedureversion_id", "unit__code"):
        unit_codes[version_id].append(code)
    return [
        procedure_record(
            row,
            code=row["procedure__code"],
            field_code=row["field__code"],
            field_name=row["field__name"],
            unit_codes=unit_codes[row["id"]],
        )
        for row in rows
    ]


def import_procedures(
    procedures: list[ProcedureVersion], unit_ids: dict[str, int], report: ImportReport, add: AddIssue
) -> None:
    file = FILE_NAMES["procedures"]
    existing = {(r.code, r.valid_from): r for r in procedure_records()}
    for p in procedures:
        problems = [
            reserved_issue(file, p, p.code) if SHAPE_KEY in p.extra else None,
            too_long(file, p, p.code, "MaTTHC", p.code, 40),
            too_long(file, p, p.code, "TenTTHC", p.name, 500),
            too_long(file, p, p.code, "MaLinhVuc", p.field_code, 40),
            too_long(file, p, p.code, "TenLinhVuc", p.field_name, 255),
        ]
        for index, unit in enumerate(p.units):
            if unit not in unit_ids:
                problems.append(
                    make_issue(file, p.line, f"CoQuanThucHien[{index}]", "unknown_unit", p.code, value=unit)
                )
        if p.time_limit is not None and (p.time_limit >= 100_000 or round(p.time_limit, 2) != p.time_limit):
            problems.append(
                issue(
                    file,
                    p.line,
                    "ThoiHanGiaiQuyet",
                    _("ThoiHanGiaiQuyet phải nhỏ hơn 100000 và có tối đa 2 chữ số thập phân"),
                    record=p.code,
                    code="time_limit",
                )
            )
        found = [x for x in problems if x is not None]
        if found:
            for x in found:
                add(x)
            report.count("procedures", "skipped")
            continue
        before = existing.get((p.code, p.valid_from))
        if before is not None and before == p:
            report.count("procedures", "unchanged")
            continue
        try:
            with transaction.atomic():
                procedure_version_upsert_from_interchange(line=procedure_line(p, record_to_dict(p)))
        except DomainError as error:
            add(refused(file, p, p.code, error))
            report.count("procedures", "skipped")
            continue
        report.count("procedures", "created" if before is None else "updated")


# --- officials ---------------------------------------------------------------------------------------------


def official_records() -> list[Official]:
    code_of = dict(Unit.objects.values_list("pk", "code"))
    return [
        official_record(row, unit_code=code_of[row["unit_id"]])
        for row in OfficialRow.objects.order_by("id").values()
    ]


def import_officials(
    officials: list[Official], unit_ids: dict[str, int], report: ImportReport, add: AddIssue
) -> None:
    file = FILE_NAMES["officials"]
    existing: dict[tuple, OfficialRow] = {
        (o.national_id, o.unit_id, o.valid_from): o for o in OfficialRow.objects.all()
    }
    seen: dict[tuple, int] = {}
    new: list[OfficialRow] = []
    changed: list[OfficialRow] = []
    for o in officials:
        label = o.national_id
        problems = [
            reserved_issue(file, o, label) if SHAPE_KEY in o.extra else None,
            too_long(file, o, label, "SoDinhDanh", o.national_id, 12),
            too_long(file, o, label, "HoTen", o.full_name, 255),
        ]
        unit_id = unit_ids.get(o.unit_code)
        if unit_id is None:
            problems.append(make_issue(file, o.line, "MaDonVi", "unknown_unit", label, value=o.unit_code))
        key = (o.national_id, unit_id, o.valid_from)
        if unit_id is not None and key in seen:
            problems.append(
                make_issue(
                    file,
                    o.line,
                    "(SoDinhDanh, MaDonVi, HieuLucTu)",
                    "duplicate",
                    label,
                    value=f"({o.national_id}, {o.unit_code}, {o.valid_from:%Y%m%d})",
                    first=seen[key],
                )
            )
        found = [x for x in problems if x is not None]
        if found:
            for x in found:
                add(x)
            report.count("officials", "skipped")
            continue
        assert unit_id is not None  # else reported above
        seen[key] = o.line
        values = official_values(o)
        row = existing.get(key)
        if row is None:
            new.append(OfficialRow(unit_id=unit_id, **values))
            report.count("officials", "created")
        elif any(getattr(row, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(row, k, v)
            changed.append(row)
            report.count("officials", "updated")
        else:
            report.count("officials", "unchanged")
    OfficialRow.objects.bulk_create(new, batch_size=5000)
    OfficialRow.objects.bulk_update(changed, ["full_name", "valid_to", "extra"], batch_size=5000)
