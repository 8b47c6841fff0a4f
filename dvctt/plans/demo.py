"""Demo plan: Plan 165/KH-UBND of Lạng Sơn (2/08/2023, 2023–2025) with its targets, the index configuration,
and a PAR rule table (domain.md §2).

- Province targets: the plan's four (50%, 100%, 60%, 100%) for 2023–2025, and 2026 carried on as the plan's
  continuation (no successor plan is known; the same targets stand until one is issued).
- Unit targets in the spirit of Decisions 1045/2022 and 533/2023: every department ≥ 80% of online services
  with online dossiers, and an online-processing target of 90% (the first four departments by code), then
  80%, 70%, 60%, 50% in turn; every district (until 30/06/2025) and commune ≥ 80% and ≥ 50%. Each later year
  raises the processing target by 5 points (the plan asks to "meet and raise" them each year), at most 95%.
  Which department gets which rate is illustrative, not Decision 533's actual table.
- PAR criteria for 2023–2026: illustrative points (the province's real PAR table is set each year by the
  Department of Home Affairs).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.selectors import units_in_force
from dvctt.common.demo import demo_loader
from dvctt.plans.models import ParRule, Plan
from dvctt.plans.services import (
    ParRow,
    index_config_seed_default,
    par_criteria_save_year,
    plan_create,
    targets_save_year,
)

PLAN_NUMBER = "165/KH-UBND"
YEARS = (2023, 2024, 2025, 2026)
PROVINCE_TARGETS = {
    "online_dossier_rate": Decimal("0.5"),
    "full_process_coverage": Decimal(1),
    "national_portal_integration_rate": Decimal("0.6"),
    "official_usage_rate": Decimal(1),
    # the same clause of the plan: officials "use online services and show their relatives how" (docs/guidance.md)
    "official_guidance_rate": Decimal(1),
}
DEPARTMENT_RATES = [Decimal(r) for r in ("0.9", "0.9", "0.9", "0.9", "0.8", "0.7", "0.6", "0.5")]
RAISE_PER_YEAR = Decimal("0.05")
CAP = Decimal("0.95")


def _raised(base: Decimal, year: int) -> Decimal:
    return min(CAP, base + RAISE_PER_YEAR * (year - 2023)) if base < CAP else base


def units_of_year(year: int) -> list[Unit]:
    """Departments, districts and communes in force on 1 January or 31 December of ``year``."""
    units: dict[str, Unit] = {}
    for day in (date(year, 1, 1), date(year, 12, 31)):
        for unit in units_in_force(on=day).exclude(level=UnitLevel.PROVINCE):
            units[unit.code] = unit
    return sorted(units.values(), key=lambda u: (u.level, u.code))


def year_values(year: int) -> dict[tuple[str | None, str], Decimal | None]:
    values: dict[tuple[str | None, str], Decimal | None] = {
        (None, code): value for code, value in PROVINCE_TARGETS.items()
    }
    departments = 0
    for unit in units_of_year(year):
        values[(unit.code, "services_with_online_dossiers_rate")] = Decimal("0.8")
        if unit.level == UnitLevel.DEPARTMENT:
            base = DEPARTMENT_RATES[departments % len(DEPARTMENT_RATES)]
            departments += 1
        else:
            base = Decimal("0.5")
        values[(unit.code, "online_processing_rate")] = _raised(base, year)
    return values


PAR_ROWS = [
    ParRow("services_with_online_dossiers_rate", Decimal("1.5"), Decimal("0.8"), ParRule.LINEAR),
    ParRow(
        "online_processing_rate",
        Decimal(2),
        Decimal("0.5"),
        ParRule.STEPS,
        steps=[(Decimal("0.3"), Decimal("0.5")), (Decimal("0.4"), Decimal(1)), (Decimal("0.5"), Decimal(2))],
    ),
    ParRow("online_payment_rate", Decimal("0.5"), Decimal("0.3"), ParRule.ALL_OR_NOTHING),
    ParRow("on_time_rate", Decimal(1), Decimal(1), ParRule.LINEAR),
]


@demo_loader(order=50, name="plans")
def load(*, stdout: Any, scale: float) -> str:
    plan = Plan.objects.filter(decision_number=PLAN_NUMBER).first()
    if plan is None:
        plan = plan_create(
            name="Kế hoạch nâng cao chất lượng cung cấp và sử dụng dịch vụ công trực tuyến "
            "trên địa bàn tỉnh Lạng Sơn giai đoạn 2023–2025",
            decision_number=PLAN_NUMBER,
            decision_date=date(2023, 8, 2),
            signer="Phó Chủ tịch UBND tỉnh",
            start_year=2023,
            end_year=2025,
            note="Năm 2026: tiếp tục áp dụng chỉ tiêu của kế hoạch cho đến khi có kế hoạch mới (dữ liệu mẫu).",
        )
    saved = 0
    for year in YEARS:
        saved += targets_save_year(plan=plan, year=year, values=year_values(year))["saved"]
    index_config_seed_default()
    for year in YEARS:
        par_criteria_save_year(year=year, rows=PAR_ROWS)
    total = plan.targets.count()
    return (
        f"kế hoạch {PLAN_NUMBER}: {total} chỉ tiêu ({saved} mới/thay đổi), cấu hình chỉ số 766, tiêu chí CCHC"
    )
