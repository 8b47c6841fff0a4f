"""The database engine against every expected file of the shared sample: the whole object, every number."""

from __future__ import annotations

import json
from datetime import date

import pytest

from dvctt.common.tests.sample import sample_dir
from dvctt.interchange.importer import interchange_import
from dvctt.monitoring.kpi import kpi_compute, official_model
from dvctt.monitoring.tests.test_reference_sample import _differences, expected_files


@pytest.fixture
def sample_in_db(db):
    # The real path: `dvctt import`'s service, which rebuilds the rollups after its transaction.
    report = interchange_import(folder=sample_dir() / "interchange")
    assert report.committed and not report.issues


def _without(kpis: dict, indicator: str) -> dict:
    scopes = [kpis["province"], *kpis["units"].values()]
    for figures in scopes:
        figures.pop(indicator, None)
    return kpis


def test_sample_expected_files_reproduced_exactly_from_the_database(sample_in_db):
    # given the sample loaded into the models and the rollups rebuilt
    failures = []
    for path in expected_files():
        _, date_from, date_to, mode = path.stem.split("_")
        expected = json.loads(path.read_text(encoding="utf-8"))

        # when the database engine computes the period, through JSON as the command prints it
        got = json.loads(
            json.dumps(
                kpi_compute(
                    date_from=date.fromisoformat(date_from),
                    date_to=date.fromisoformat(date_to),
                    units_mode=mode,
                )
            )
        )
        if official_model() is None:  # the officials roster is not in the platform yet: compare the rest
            expected, got = _without(expected, "official_usage_rate"), _without(got, "official_usage_rate")

        # then the whole object is equal
        differences = _differences(expected, got)
        if differences or got != expected:
            failures.append(f"{path.name}:\n" + "\n".join(differences[:30]))
    assert not failures, "\n".join(failures)


def test_sample_official_usage_from_the_roster(sample_in_db):
    if official_model() is None:
        pytest.skip("accounts.Official does not exist yet (the importer's roster model)")
    for path in expected_files():
        _, date_from, date_to, mode = path.stem.split("_")
        expected = json.loads(path.read_text(encoding="utf-8"))
        got = kpi_compute(
            date_from=date.fromisoformat(date_from), date_to=date.fromisoformat(date_to), units_mode=mode
        )
        assert got["province"]["official_usage_rate"] == expected["province"]["official_usage_rate"]
        for unit, figures in expected["units"].items():
            assert got["units"][unit]["official_usage_rate"] == figures["official_usage_rate"], (
                path.name,
                unit,
            )
