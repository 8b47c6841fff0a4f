"""Where the tests find the province's sample data: a copy kept in the project (``tests/data/sample``), so that a
clone with nothing beside it runs the whole suite. ``make sample`` refreshes it from the shared sample."""

from __future__ import annotations

from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parents[3]
SAMPLE_DIR = PROJECT_ROOT / "tests" / "data" / "sample"


def sample_dir() -> Path:
    assert SAMPLE_DIR.is_dir(), f"the sample data is missing at {SAMPLE_DIR} (make sample refreshes it)"
    return SAMPLE_DIR
