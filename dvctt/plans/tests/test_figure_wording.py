"""A figure's words on the dashboards: "no target" when there is a value but no target, "no data" only when there
is no value."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace

from django.utils import translation

from dvctt.monitoring.indicators import BY_CODE
from dvctt.plans.dashboards.selectors import Figure


def test_a_value_without_a_target_says_no_target_not_no_data() -> None:
    indicator = BY_CODE["online_dossier_rate"]
    with translation.override("vi"):
        no_target = Figure(indicator=indicator, numerator=53, denominator=100, value=0.53)
        assert no_target.status_label == "Không có chỉ tiêu"
        assert no_target.target_text == "Không có chỉ tiêu"
        assert no_target.value_text == "53,0 %"
        no_value = Figure(indicator=indicator, numerator=None, denominator=0, value=None)
        assert no_value.status_label == "Chưa có số liệu"
        with_target = Figure(
            indicator=indicator,
            numerator=53,
            denominator=100,
            value=0.53,
            target=SimpleNamespace(value=Decimal("0.5")),  # type: ignore[arg-type]
            status="green",
        )
        assert with_target.status_label == "Đạt" and with_target.target_text == "50,0 %"
    with translation.override("en"):
        assert no_target.status_label == "No target"
