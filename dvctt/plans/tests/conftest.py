from datetime import date
from typing import Any

import pytest

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create
from dvctt.plans.models import Plan
from dvctt.plans.services import plan_create


@pytest.fixture
def units(db: Any) -> dict[str, Unit]:
    """A department (in force), a district (ended 30/06/2025 into the commune), a commune (from 1/07/2025)."""
    unit_create(code="ROOT", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1))
    commune = unit_create(code="X1", name="Xã Một", level=UnitLevel.COMMUNE, valid_from=date(2025, 7, 1))
    return {
        "D": unit_create(
            code="D1", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1)
        ),
        "H": unit_create(
            code="H1",
            name="Huyện Một",
            level=UnitLevel.DISTRICT,
            valid_from=date(2000, 1, 1),
            valid_to=date(2025, 6, 30),
            successor_code="X1",
        ),
        "X": commune,
    }


@pytest.fixture
def plan(db: Any) -> Plan:
    return plan_create(
        name="Kế hoạch thử",
        decision_number="165/KH-UBND",
        decision_date=date(2023, 8, 2),
        start_year=2023,
        end_year=2025,
        signer="Phó Chủ tịch",
    )


@pytest.fixture
def monitor(db: Any) -> User:
    return User.objects.create_user(username="theodoi", password="x-Pass-1234", role=Role.MONITOR)


@pytest.fixture
def monitor_client(client: Any, monitor: User) -> Any:
    client.force_login(monitor)
    return client


def kpis_dict(**units: dict[str, tuple[int, int]]) -> dict[str, Any]:
    """A hand-made KPI object: each unit's ``{code: (numerator, denominator)}``; the province sums them."""
    province: dict[str, list[int]] = {}
    out_units: dict[str, Any] = {}
    for unit, figures in units.items():
        out_units[unit] = {}
        for code, (num, den) in figures.items():
            out_units[unit][code] = {
                "numerator": num,
                "denominator": den,
                "value": round(num / den, 4) if den else None,
            }
            acc = province.setdefault(code, [0, 0])
            acc[0] += num
            acc[1] += den
    return {
        "from": "2025-01-01",
        "to": "2025-12-31",
        "province": {
            code: {"numerator": n, "denominator": d, "value": round(n / d, 4) if d else None}
            for code, (n, d) in province.items()
        },
        "units": out_units,
    }
