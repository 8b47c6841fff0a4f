import io
from decimal import Decimal

import pytest

from dvctt.agencies import demo as agencies_demo
from dvctt.plans import demo
from dvctt.plans.models import IndexConfig, ParCriterion, Plan, Target

pytestmark = pytest.mark.django_db


def test_demo_plan_165_is_idempotent_with_province_and_unit_targets():
    agencies_demo.load(stdout=io.StringIO(), scale=1.0)
    demo.load(stdout=io.StringIO(), scale=1.0)
    count = Target.objects.count()
    summary = demo.load(stdout=io.StringIO(), scale=1.0)
    assert Target.objects.count() == count and "(0 mới/thay đổi)" in summary
    plan = Plan.objects.get(decision_number="165/KH-UBND")
    assert (plan.start_year, plan.end_year, plan.decision_date.isoformat()) == (2023, 2025, "2023-08-02")
    province = {(t.year, t.indicator): t.value for t in Target.objects.filter(unit=None)}
    # the plan's four province targets and the guidance figure's (docs/guidance.md), for 2023–2026
    assert len(province) == 20 and province[(2026, "national_portal_integration_rate")] == Decimal("0.6")
    assert province[(2025, "official_guidance_rate")] == Decimal(1)
    # departments of 2023: services ≥ 80%, four at 90% processing, others 80/70/60/50
    dept_2023 = Target.objects.filter(year=2023, unit__level="so", indicator="online_processing_rate")
    rates = sorted((t.value for t in dept_2023), reverse=True)
    assert rates[:4] == [Decimal("0.9")] * 4 and set(rates) == {
        Decimal(v) for v in ("0.9", "0.8", "0.7", "0.6", "0.5")
    }
    # districts have 2025 targets (they worked until 30/06/2025), none in 2026; communes from 2025
    assert Target.objects.filter(year=2025, unit__level="huyen").count() == 22
    assert not Target.objects.filter(year=2026, unit__level="huyen").exists()
    assert (
        Target.objects.filter(year=2026, unit__level="xa", indicator="online_processing_rate").count() == 65
    )
    assert not Target.objects.filter(year=2024, unit__level="xa").exists()
    assert IndexConfig.objects.count() == 1 and ParCriterion.objects.filter(year=2026).count() == 4
