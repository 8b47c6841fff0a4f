from datetime import date

import pytest

from dvctt.agencies.models import UnitLevel
from dvctt.agencies.services import unit_create


@pytest.fixture
def units(db):
    """R (province) ⊃ D (department) ⊃ DC (its child); OLD ended into D; E another department."""
    return {
        "R": unit_create(code="R", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1)),
        "D": unit_create(
            code="D",
            name="Sở Tư pháp",
            level=UnitLevel.DEPARTMENT,
            valid_from=date(2000, 1, 1),
            parent_code="R",
        ),
        "DC": unit_create(
            code="DC",
            name="Trung tâm thuộc Sở",
            level=UnitLevel.DEPARTMENT,
            valid_from=date(2000, 1, 1),
            parent_code="D",
        ),
        "OLD": unit_create(
            code="OLD",
            name="Sở cũ",
            level=UnitLevel.DEPARTMENT,
            valid_from=date(2000, 1, 1),
            valid_to=date(2025, 2, 28),
            successor_code="D",
        ),
        "E": unit_create(
            code="E", name="Sở Y tế", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1), parent_code="R"
        ),
    }
