"""Checks across files: every code that one file names must exist in the file that defines it."""

from __future__ import annotations

from .issues import Issue, make_issue
from .reader import FILE_NAMES
from .records import Interchange


def check_references(data: Interchange) -> list[Issue]:
    """Unknown units (dossier's DonViXuLy, parent, successor, official's unit, procedure's units), unknown
    procedures and parent dossiers, and successor cycles. Each issue points at the line that names the code."""
    issues: list[Issue] = []
    agencies_file = FILE_NAMES["agencies"]
    units = {agency.code: agency for agency in data.agencies}
    for agency in data.agencies:
        if agency.parent_code and agency.parent_code not in units:
            issues.append(
                make_issue(
                    agencies_file,
                    agency.line,
                    "MaDonViCha",
                    "unknown_unit",
                    agency.code,
                    value=agency.parent_code,
                )
            )
        if agency.successor_code and agency.successor_code not in units:
            issues.append(
                make_issue(
                    agencies_file,
                    agency.line,
                    "MaDonViKeThua",
                    "unknown_unit",
                    agency.code,
                    value=agency.successor_code,
                )
            )
    issues.extend(_successor_cycles(data, units))

    for procedure in data.procedures:
        for index, unit in enumerate(procedure.units):
            if unit not in units:
                issues.append(
                    make_issue(
                        FILE_NAMES["procedures"],
                        procedure.line,
                        f"CoQuanThucHien[{index}]",
                        "unknown_unit",
                        procedure.code,
                        value=unit,
                    )
                )
    for official in data.officials:
        if official.unit_code not in units:
            issues.append(
                make_issue(
                    FILE_NAMES["officials"],
                    official.line,
                    "MaDonVi",
                    "unknown_unit",
                    official.national_id,
                    value=official.unit_code,
                )
            )
    procedures = {procedure.code for procedure in data.procedures}
    dossier_codes = {dossier.code for dossier in data.dossiers}
    dossiers_file = FILE_NAMES["dossiers"]
    for dossier in data.dossiers:
        if dossier.unit_code not in units:
            issues.append(
                make_issue(
                    dossiers_file,
                    dossier.line,
                    "DonViXuLy",
                    "unknown_unit",
                    dossier.code,
                    value=dossier.unit_code,
                )
            )
        if dossier.procedure_code not in procedures:
            issues.append(
                make_issue(
                    dossiers_file,
                    dossier.line,
                    "MaTTHC",
                    "unknown_procedure",
                    dossier.code,
                    value=dossier.procedure_code,
                )
            )
        if dossier.parent_code and dossier.parent_code.strip() and dossier.parent_code not in dossier_codes:
            issues.append(
                make_issue(
                    dossiers_file,
                    dossier.line,
                    "HoSoCha",
                    "unknown_dossier",
                    dossier.code,
                    value=dossier.parent_code,
                )
            )
    return issues


def _successor_cycles(data: Interchange, units: dict) -> list[Issue]:
    issues: list[Issue] = []
    done: set[str] = set()  # codes whose chain is known to end (or to enter a cycle already reported)
    for agency in data.agencies:
        path: list[str] = []
        on_path: set[str] = set()
        code: str | None = agency.code
        while code is not None and code in units and code not in done:
            if code in on_path:
                cycle = [*path[path.index(code) :], code]
                first = units[cycle[0]]
                issues.append(
                    make_issue(
                        FILE_NAMES["agencies"],
                        first.line,
                        "MaDonViKeThua",
                        "successor_cycle",
                        first.code,
                        value=" → ".join(cycle),
                    )
                )
                break
            path.append(code)
            on_path.add(code)
            code = units[code].successor_code
        done.update(path)
    return issues
