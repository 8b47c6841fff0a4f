"""The reference engine against every expected file of the shared sample: the whole object, every number."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import check_references, read_folder
from dvctt.monitoring.reference import compute_kpis


def expected_files() -> list[Path]:
    folder = sample_dir() / "expected"
    # An absent folder must fail, not skip: the comparison is the point of this module.
    assert folder.is_dir(), f"sample not found at {folder}"
    files = sorted(folder.glob("kpi_*_*_*.json"))
    assert len(files) == 6, files
    return files


@pytest.fixture(scope="module")
def sample():
    result = read_folder(sample_dir() / "interchange")
    assert result.issues == []
    assert check_references(result.data) == []
    return result.data


def _differences(expected: dict, got: dict) -> list[str]:
    lines = []
    for key in ("from", "to"):
        if expected.get(key) != got.get(key):
            lines.append(f"{key}: expected {expected.get(key)!r}, got {got.get(key)!r}")
    missing = sorted(set(expected["units"]) - set(got["units"]))
    extra = sorted(set(got["units"]) - set(expected["units"]))
    if missing:
        lines.append(f"units missing: {missing}")
    if extra:
        lines.append(f"units not expected: {extra}")
    scopes = [("province", expected["province"], got["province"])]
    scopes += [(unit, figures, got["units"].get(unit, {})) for unit, figures in expected["units"].items()]
    for scope, want, have in scopes:
        for indicator in sorted(set(want) | set(have)):
            if want.get(indicator) != have.get(indicator):
                lines.append(
                    f"{scope} / {indicator}: expected {want.get(indicator)}, got {have.get(indicator)}"
                )
    return lines


@pytest.mark.parametrize("index", range(6))
def test_sample_expected_file_matches_exactly(sample, index):
    # given an expected file kpi_FROM_TO_MODE.json
    path = expected_files()[index]
    _, date_from, date_to, mode = path.stem.split("_")
    expected = json.loads(path.read_text(encoding="utf-8"))

    # when the engine computes the same period and mode, through JSON as the command prints it
    got = json.loads(
        json.dumps(compute_kpis(sample, date.fromisoformat(date_from), date.fromisoformat(date_to), mode))
    )

    # then the whole object is equal
    differences = _differences(expected, got)
    assert not differences, f"{path.name}:\n" + "\n".join(differences[:50])
    assert got == expected


def test_kpi_reference_command_prints_the_expected_object():
    # given the sample folder, when the hidden helper command runs for one expected file
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    folder = sample_dir() / "interchange"
    call_command(
        "kpi_reference",
        str(folder),
        "--from",
        "2025-03-01",
        "--to",
        "2025-03-31",
        "--units",
        "current",
        stdout=out,
    )
    # then it prints exactly that file's object
    expected = json.loads((sample_dir() / "expected" / "kpi_2025-03-01_2025-03-31_current.json").read_text())
    assert json.loads(out.getvalue()) == expected


def test_kpi_reference_command_refuses_a_folder_with_errors(tmp_path):
    from django.core.management import CommandError, call_command

    (tmp_path / "dossiers.jsonl").write_text('{"MaHoSo": "X"}\n', encoding="utf-8")
    with pytest.raises(CommandError, match=r"dossiers\.jsonl:1"):
        call_command("kpi_reference", str(tmp_path), "--from", "2025-01-01", "--to", "2025-01-31")
