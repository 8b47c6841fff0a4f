"""Selectors: index configuration versions, the KPI engine behind the scores (for real), target progress."""

import json
from datetime import date
from decimal import Decimal

import pytest

from dvctt.common.errors import DomainError
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.monitoring.reference import compute_index_scores
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.plans import selectors
from dvctt.plans.index_config import default_index_config
from dvctt.plans.scores import index_scores
from dvctt.plans.services import ParRow, index_config_create, par_criteria_save_year, target_set
from dvctt.plans.tests.conftest import kpis_dict

pytestmark = pytest.mark.django_db


def test_index_config_in_force_picks_the_version_of_the_day_and_falls_back_to_the_registry():
    assert selectors.index_config_in_force(on=date(2025, 1, 1)) == default_index_config()
    index_config_create(
        version="2026.1",
        valid_from=date(2026, 1, 1),
        group_points={"progress": 20},
        items=[
            {
                "group": "progress",
                "indicator": "on_time_rate",
                "ref": "2.1",
                "points": 25,
                "threshold": "0.95",
            }
        ],
    )
    assert selectors.index_config_in_force(on=date(2025, 12, 31)).version == "2025.1"
    config = selectors.index_config_in_force(on=date(2026, 3, 1))
    assert config.version == "2026.1" and config.items[0].points == Decimal(25)
    assert config.items[0].threshold == Decimal("0.95")


def test_a_period_ending_before_it_starts_is_refused():
    with pytest.raises(
        DomainError, match="Kỳ không hợp lệ: ngày bắt đầu 02/01/2025 sau ngày kết thúc 01/01/2025"
    ):
        selectors.index_scores_for(date_from=date(2025, 1, 2), date_to=date(2025, 1, 1))
    with pytest.raises(DomainError, match="không hợp lệ"):
        selectors.kpis_for(date_from=date(2025, 1, 1), date_to=date(2025, 1, 2), units_mode="all")
    with pytest.raises(DomainError, match="chưa bắt đầu"):
        selectors.par_scores_for(year=2099, today=date(2025, 6, 1))


@pytest.fixture
def sample_in_db(db):
    data = read_folder(sample_dir() / "interchange").data
    load_records(data)
    rollups_rebuild()
    return data


def test_index_scores_from_the_database_engine_match_the_expected_sample(sample_in_db):
    # given the shared sample in the database and its expected KPI file
    expected = json.loads(
        (sample_dir() / "expected" / "kpi_2025-01-01_2025-12-31_period.json").read_text(encoding="utf-8")
    )
    # when the selector scores the year through kpi_compute
    got = selectors.index_scores_for(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))
    # then it is the pure score of the expected figures, and the totals are the reference engine's
    assert got == index_scores(expected, default_index_config())
    reference = compute_index_scores(expected)
    assert got["province"]["total"] == reference["province"]["total"]
    assert {code: s["total"] for code, s in got["units"].items()} == {
        code: s["total"] for code, s in reference["units"].items()
    }
    assert got["province"]["total"] > 0


def test_par_scores_for_a_year_read_the_rules_of_that_year(sample_in_db):
    par_criteria_save_year(year=2025, rows=[ParRow("online_dossier_rate", Decimal(2), Decimal("0.5"))])
    got = selectors.par_scores_for(year=2025, today=date(2026, 1, 10))
    assert got["from"] == "2025-01-01" and got["to"] == "2025-12-31"
    assert got["criteria"] == [
        {"indicator": "online_dossier_rate", "label": "Tỷ lệ hồ sơ trực tuyến", "points": 2.0}
    ]
    assert 0 < got["province"]["total"] <= 2


def test_target_progress_gives_value_forecast_and_status(plan, units, monkeypatch):
    # given targets for the province and a department, and a KPI engine that returns fixed monthly figures
    target_set(plan=plan, indicator="online_dossier_rate", year=2025, value="0.5")
    target_set(plan=plan, indicator="full_process_coverage", year=2025, value="1")
    target_set(plan=plan, indicator="online_dossier_rate", year=2025, value="0.9", unit=units["D"])
    calls = []

    def fake(*, date_from, date_to, units_mode):
        calls.append((date_from, date_to))
        month = date_to.month if date_from.month == date_to.month else None
        if month is None:  # the year so far: 40% province, 30% department
            return kpis_dict(
                D1={"online_dossier_rate": (30, 100), "full_process_coverage": (95, 100)},
                X={"online_dossier_rate": (10, 0)},
            )
        # monthly: the department's rate rises 10 points a month
        return kpis_dict(D1={"online_dossier_rate": (10 * month, 100), "full_process_coverage": (95, 100)})

    monkeypatch.setattr(selectors, "_kpi_engine", lambda: fake)
    # when read on 15/03/2025
    rows = selectors.target_progress(plan=plan, year=2025, today=date(2025, 3, 15))
    # then one year-so-far computation and one per month so far
    assert calls[0] == (date(2025, 1, 1), date(2025, 3, 15))
    assert calls[1:] == [
        (date(2025, 1, 1), date(2025, 1, 31)),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 3, 1), date(2025, 3, 15)),
    ]
    by_key = {(r["unit_code"], r["target"].indicator): r for r in rows}
    department = by_key[("D1", "online_dossier_rate")]
    assert department["value"] == 0.3 and department["status"] == "red"
    # cumulative 10%, 15%, 20% → 65% in December, still below 90%
    assert department["forecast"] == 0.65
    catalogue = by_key[(None, "full_process_coverage")]
    assert catalogue["forecast"] is None and catalogue["status"] == "amber"  # 95% vs 100%: within 10 points
    # the province: (30 + 10) / (100 + 0) = 40% against 50%, within 10 points
    assert by_key[(None, "online_dossier_rate")]["value"] == 0.4
    assert by_key[(None, "online_dossier_rate")]["status"] == "amber"


def test_target_progress_of_a_finished_year_needs_no_monthly_figures(plan, monkeypatch):
    target_set(plan=plan, indicator="online_dossier_rate", year=2024, value="0.5")
    calls = []

    def fake(**kwargs):
        calls.append(kwargs)
        return kpis_dict(A={"online_dossier_rate": (6, 10)})

    monkeypatch.setattr(selectors, "_kpi_engine", lambda: fake)
    rows = selectors.target_progress(plan=plan, year=2024, today=date(2025, 3, 15))
    assert len(calls) == 1 and rows[0]["status"] == "green" and rows[0]["forecast"] is None


def test_plan_list_counts_province_and_unit_targets(plan, units, django_assert_num_queries):
    target_set(plan=plan, indicator="online_dossier_rate", year=2025, value="0.5")
    target_set(plan=plan, indicator="online_dossier_rate", year=2025, value="0.5", unit=units["D"])
    target_set(plan=plan, indicator="online_dossier_rate", year=2024, value="0.5", unit=units["D"])
    with django_assert_num_queries(1):
        got = [(p.province_target_count, p.unit_target_count) for p in selectors.plan_list()]
    assert got == [(1, 2)]


def test_target_grid_has_the_province_row_then_units_active_that_year(plan, units):
    target_set(plan=plan, indicator="online_processing_rate", year=2025, value="0.5", unit=units["H"])
    grid = selectors.target_grid(plan=plan, year=2025)
    assert [r.code for r in grid.rows] == [None, "ROOT", "D1", "H1", "X1"]
    assert grid.rows[[r.code for r in grid.rows].index("H1")].values[
        "online_processing_rate"
    ].value == Decimal("0.5")
    assert {r.code for r in selectors.target_grid(plan=plan, year=2024).rows} == {None, "D1", "H1", "ROOT"}
