"""The report on the shared sample: it reconciles with `dvctt kpi`, and both engines give the same object.

For the six periods of the sample's expected KPI files and both unit modes: for every unit `dvctt kpi` reports
and for the province, received_total = P (on_time_rate's denominator) and resolved_late + in_progress_overdue
= late (P − on_time_rate's numerator); every row of the report is a unit `dvctt kpi` reports.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.tests.test_reference_sample import expected_files
from dvctt.reports.reference import report_reference
from dvctt.reports.selectors import report_compute

ZERO = {"received_total": 0, "resolved_late": 0, "in_progress_overdue": 0}


def _periods() -> list[tuple[date, date, str]]:
    out = []
    for path in expected_files():
        _, date_from, date_to, mode = path.stem.split("_")
        out.append((date.fromisoformat(date_from), date.fromisoformat(date_to), mode))
    return out


def _reconciles(report: dict, kpis: dict) -> list[str]:
    problems = []
    scopes = [("province", report["province"], kpis["province"])]
    scopes += [(code, report["rows"].get(code, ZERO), figures) for code, figures in kpis["units"].items()]
    for scope, row, figures in scopes:
        to_process = figures["on_time_rate"]["denominator"]
        late = to_process - figures["on_time_rate"]["numerator"]
        if row["received_total"] != to_process:
            problems.append(f"{scope}: received_total {row['received_total']} ≠ P {to_process}")
        if row["resolved_late"] + row["in_progress_overdue"] != late:
            problems.append(
                f"{scope}: resolved_late {row['resolved_late']} + in_progress_overdue "
                f"{row['in_progress_overdue']} ≠ late {late}"
            )
    problems += [
        f"row {code} is not a unit of dvctt kpi" for code in set(report["rows"]) - set(kpis["units"])
    ]
    return problems


def test_report_reconciles_with_kpi_for_every_unit_and_period(sample_in_db):
    # given the sample imported and its rollups rebuilt
    problems = []
    for date_from, date_to, mode in _periods():
        # when the report and the indicators are computed from the database for the same period and mode
        report = report_compute(form="06", date_from=date_from, date_to=date_to, units_mode=mode)
        kpis = kpi_compute(date_from=date_from, date_to=date_to, units_mode=mode)
        # then received_total = P and the late dossiers split into resolved late and overdue, unit by unit
        problems += [f"{date_from}–{date_to} {mode}: {p}" for p in _reconciles(report, kpis)]
        assert report["rows"], "the sample has dossiers in every period"
        # and the province of form 07a is the same dossiers, rows by field adding up to it
        by_field = report_compute(form="07a", date_from=date_from, date_to=date_to, units_mode=mode)
        assert by_field["province"] == report["province"]
        for column in report["province"]:
            assert sum(row[column] for row in by_field["rows"].values()) == report["province"][column]
    assert not problems, "\n".join(problems[:40])


@pytest.mark.parametrize("form", ["06", "07a"])
def test_database_report_equals_reference_on_the_sample(sample_in_db, sample_records, form):
    for date_from, date_to, mode in _periods():
        # when both engines compute the report of the sample
        expected = report_reference(
            sample_records, form=form, date_from=date_from, date_to=date_to, units_mode=mode
        )
        got = report_compute(form=form, date_from=date_from, date_to=date_to, units_mode=mode)
        # then the objects are equal
        assert json.loads(json.dumps(got)) == json.loads(json.dumps(expected)), (
            form,
            date_from,
            date_to,
            mode,
        )


def test_form07a_rows_are_the_fields_of_the_versions_in_force(sample_records):
    # given the sample's catalogue, whose versions all carry a field
    fields = {v.field_code for v in sample_records.procedures}
    # when form 07a is computed for 2025
    report = report_reference(
        sample_records, form="07a", date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)
    )
    # then its rows are fields of the catalogue, in code order, and every key is one of them or ""
    keys = list(report["rows"])
    assert set(keys) <= fields | {""}
    assert [k for k in keys if k] == sorted(k for k in keys if k)
