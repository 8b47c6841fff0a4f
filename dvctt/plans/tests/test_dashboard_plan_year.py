"""Which plan's targets a year is measured against."""

from datetime import date

import pytest

from dvctt.plans.dashboards.selectors import plan_for_year
from dvctt.plans.models import Plan, Target

pytestmark = pytest.mark.django_db


def _plan(number: str, start: int, end: int, day: date) -> Plan:
    return Plan.objects.create(
        name=number, decision_number=number, decision_date=day, start_year=start, end_year=end
    )


def test_a_plan_carried_on_past_its_end_serves_the_years_it_has_targets_for():
    plan = _plan("165/KH-UBND", 2023, 2025, date(2023, 8, 2))
    Target.objects.create(plan=plan, indicator="online_dossier_rate", year=2026, value="0.5")
    assert plan_for_year(2024) == plan
    assert plan_for_year(2026) == plan
    assert plan_for_year(2027) is None


def test_a_plan_covering_the_year_wins_over_one_carried_on():
    old = _plan("165/KH-UBND", 2023, 2025, date(2023, 8, 2))
    Target.objects.create(plan=old, indicator="online_dossier_rate", year=2026, value="0.5")
    new = _plan("20/KH-UBND", 2026, 2030, date(2026, 2, 1))
    assert plan_for_year(2026) == new
