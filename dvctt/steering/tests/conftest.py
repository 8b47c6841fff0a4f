"""Units, a plan and one official of every role that steering's rules tell apart."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create
from dvctt.plans.models import Plan
from dvctt.plans.services import plan_create

PASSWORD = "x-Pass-12345"


@pytest.fixture
def units(db: Any) -> dict[str, Unit]:
    unit_create(code="ROOT", name="UBND tỉnh", level=UnitLevel.PROVINCE, valid_from=date(2000, 1, 1))
    return {
        "sci": unit_create(
            code="S14",
            name="Sở Khoa học và Công nghệ",
            level=UnitLevel.DEPARTMENT,
            valid_from=date(2000, 1, 1),
        ),
        "just": unit_create(
            code="S03", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1)
        ),
        "home": unit_create(
            code="S02", name="Sở Nội vụ", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1)
        ),
    }


@pytest.fixture
def plan(db: Any) -> Plan:
    return plan_create(
        name="Kế hoạch nâng cao chất lượng dịch vụ công trực tuyến",
        decision_number="165/KH-UBND",
        decision_date=date(2023, 8, 2),
        start_year=2023,
        end_year=2025,
    )


def make_user(username: str, role: str, unit: Unit | None = None, **extra: Any) -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        unit=unit,
        email=f"{username}@langson.gov.vn",
        **extra,
    )


@pytest.fixture
def people(units: dict[str, Unit]) -> dict[str, User]:
    return {
        "monitor": make_user("giamsat", Role.MONITOR),
        "ppc": make_user("ubnd", Role.PPC_LEADER),
        "sci_leader": make_user("lanhdao.skhcn", Role.UNIT_LEADER, units["sci"]),
        "just_leader": make_user("lanhdao.stp", Role.UNIT_LEADER, units["just"]),
        "just_officer": make_user("motcua.stp", Role.ONE_STOP_OFFICER, units["just"]),
        "home_officer": make_user("chuyenvien.snv", Role.SPECIALIST, units["home"]),
        "citizen": make_user("congdan", Role.CITIZEN),
    }


def sheet_bytes(rows: list[list[Any]], *, header: list[str] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["NHIỆM VỤ CỦA KẾ HOẠCH 165/KH-UBND"])
    sheet.append(
        header
        or [
            "STT",
            "Mã nhiệm vụ",
            "Nhiệm vụ",
            "Đơn vị chủ trì",
            "Đơn vị phối hợp",
            "Ngày bắt đầu",
            "Hạn hoàn thành",
            "Kết quả dự kiến",
        ]
    )
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
