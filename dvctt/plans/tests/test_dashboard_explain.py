""" "Explain this number": every list is the exact set behind its figure, on the shared sample (imported with
``dvctt import``), for the province and every unit, both units modes, three periods."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from django.core.cache import cache
from django.core.management import call_command

from dvctt.agencies.models import Unit
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.indicators import CODES
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.reference import round_half_up
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.plans.dashboards import explain
from dvctt.plans.dashboards.periods import custom_period
from dvctt.plans.dashboards.selectors import folded_unit_ids

PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2025, 3, 1), date(2025, 3, 31)),
    (date(2025, 7, 1), date(2025, 9, 30)),
]


@pytest.fixture
def imported(db):
    """The sample through ``dvctt import`` (the importer rebuilds facts and rollups): ~30 s, used once."""
    cache.clear()
    call_command("import", str(sample_dir() / "interchange"))
    return {unit.code: unit for unit in Unit.objects.all()}


@pytest.fixture
def sample(db):
    """The same records written by the monitoring tests' loader (five times faster than the importer)."""
    cache.clear()
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()
    return {unit.code: unit for unit in Unit.objects.all()}


def _mismatches(units: dict[str, Unit], date_from: date, date_to: date, mode: str) -> list[str]:
    period = custom_period(date_from, date_to, mode)
    kpis = kpi_compute(date_from=date_from, date_to=date_to, units_mode=mode)
    scopes: list[tuple[str, dict, set[int] | None]] = [("province", kpis["province"], None)]
    for code, figures in kpis["units"].items():
        scopes.append((code, figures, folded_unit_ids(unit=units[code], units_mode=mode)))
    out = []
    for label, figures, unit_ids in scopes:
        for code in CODES:
            counts = {}
            for part in explain.parts_of(code):
                listing = explain.explain_listing(
                    code=code, part=part, period=period, unit_ids=unit_ids, names=True
                )
                counts[part] = listing.rows.count()
                expected = explain.figure_for(code, part, figures)
                if expected is not None and counts[part] != expected:
                    out.append(
                        f"{date_from}..{date_to} {mode} {label} {code} {part}: list {counts[part]} ≠ {expected}"
                    )
            if code == "satisfaction_rate":
                # complaints are not in the figures: the four lists must give back the published value
                late, p, complaints, r = (counts[x] for x in explain.SATISFACTION_PARTS)
                if p == 0 and r == 0:
                    value = None
                else:
                    raw = 1 - (Fraction(late, p) if p else 0) - (Fraction(complaints, r) if r else 0)
                    value = float(round_half_up(max(Fraction(0), Fraction(raw))))
                if value != figures[code]["value"]:
                    out.append(f"{date_from}..{date_to} {mode} {label} satisfaction: lists give {value}")
    return out


def test_every_list_has_exactly_the_count_of_its_figure(imported):
    # given the sample imported (facts and rollups rebuilt by the importer)
    failures = []
    for mode in ("period", "current"):
        for date_from, date_to in PERIODS:
            # when every list behind every number is counted, for the province and every unit
            failures += _mismatches(imported, date_from, date_to, mode)
    # then each equals the numerator or denominator it explains
    assert not failures, "\n".join(failures[:40])


def test_lists_are_not_trivially_empty(sample):
    # given the year 2025 for the province
    period = custom_period(date(2025, 1, 1), date(2025, 12, 31), "period")
    # when the denominators are listed
    sizes = {
        code: explain.explain_listing(
            code=code, part=explain.parts_of(code)[1], period=period, unit_ids=None
        ).rows.count()
        for code in CODES
    }
    # then every kind of list has rows (the equality above is not 0 = 0)
    assert all(sizes[code] > 0 for code in CODES), sizes


def test_dossier_rows_carry_code_procedure_dates_and_status(sample):
    # given the online dossiers of 2025
    period = custom_period(date(2025, 1, 1), date(2025, 12, 31), "period")
    listing = explain.explain_listing(
        code="online_dossier_rate", part=explain.NUMERATOR, period=period, unit_ids=None
    )
    # when the first page is rendered into cells
    first = next(iter(listing.cells(list(listing.rows[:1]))))
    # then the code, unit, procedure, received date and status label are there
    assert first[0] and first[1] and first[2]
    assert first[4] is not None and first[4].year == 2025
    assert isinstance(first[7], str) and first[7]


def test_officials_not_using_are_the_denominator_minus_the_numerator(sample):
    # given a unit with officials in post at the end of 2025
    period = custom_period(date(2025, 1, 1), date(2025, 12, 31), "period")
    kpis = kpi_compute(date_from=period.date_from, date_to=period.date_to, units_mode="period")
    code, figure = next(
        (c, f["official_usage_rate"])
        for c, f in kpis["units"].items()
        if f["official_usage_rate"]["denominator"]
    )
    unit = Unit.objects.get(code=code)
    # when the officials who have not used online services are listed
    rows = list(explain.officials_not_using(period=period, unit_ids={unit.pk}))
    # then they are exactly those in post minus those who did
    assert len(rows) == figure["denominator"] - figure["numerator"]
