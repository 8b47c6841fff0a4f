"""Demo data: the rollups of the demo dossiers (written in bulk by the dossiers loader, so no signal fired)."""

from __future__ import annotations

from typing import Any

from dvctt.common.demo import demo_loader
from dvctt.monitoring.rollups import rollups_rebuild


@demo_loader(order=45, name="monitoring")
def load(*, stdout: Any, scale: float) -> str:
    # Idempotent: a rebuild gives the same rows however often it runs.
    return f"số liệu tổng hợp chỉ số của {rollups_rebuild()} hồ sơ"
