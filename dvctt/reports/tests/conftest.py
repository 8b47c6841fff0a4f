"""The sample (tests/data/sample) imported once per test through `dvctt import`'s service, as the KPI tests do."""

from __future__ import annotations

import pytest

from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.interchange.importer import interchange_import


@pytest.fixture
def sample_in_db(db):
    report = interchange_import(folder=sample_dir() / "interchange")
    assert report.committed and not report.issues


@pytest.fixture(scope="session")
def sample_records():
    result = read_folder(sample_dir() / "interchange")
    assert result.issues == []
    return result.data
