"""Units and one official of every role that outreach's rules tell apart."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create

PASSWORD = "x-Pass-12345"
TODAY = date(2025, 12, 15)


@pytest.fixture
def units(db: Any) -> dict[str, Unit]:
    root = unit_create(code="ROOT", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1))
    just = unit_create(code="S03", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1))
    return {
        "root": root,
        "sci": unit_create(
            code="S14",
            name="Sở Khoa học và Công nghệ",
            level=UnitLevel.DEPARTMENT,
            valid_from=date(2000, 1, 1),
        ),
        "just": just,
        "home": unit_create(
            code="S02", name="Sở Nội vụ", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1)
        ),
    }


def make_user(username: str, role: str, unit: Unit | None = None) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit)


@pytest.fixture
def people(units: dict[str, Unit]) -> dict[str, User]:
    return {
        "monitor": make_user("giamsat", Role.MONITOR),
        "ppc": make_user("ubnd", Role.PPC_LEADER),
        "just_officer": make_user("motcua.stp", Role.ONE_STOP_OFFICER, units["just"]),
        "just_leader": make_user("lanhdao.stp", Role.UNIT_LEADER, units["just"]),
        "home_officer": make_user("chuyenvien.snv", Role.SPECIALIST, units["home"]),
        "citizen": make_user("congdan", Role.CITIZEN),
    }
