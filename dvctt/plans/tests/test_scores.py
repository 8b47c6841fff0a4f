"""Pure scores over hand-made KPI objects."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dvctt.monitoring.reference import compute_index_scores
from dvctt.plans.index_config import default_index_config
from dvctt.plans.scores import (
    IndexConfigData,
    IndexItemData,
    ParCriterionData,
    forecast_year_end,
    index_scores,
    par_points,
    par_scores,
    target_status,
)
from dvctt.plans.tests.conftest import kpis_dict

CONFIG = IndexConfigData(
    version="t",
    group_points={"progress": Decimal(20), "digitisation": Decimal(22)},
    items=(
        IndexItemData("progress", "on_time_rate", Decimal(20)),
        IndexItemData("digitisation", "digitisation_rate", Decimal(4), Decimal("0.8")),
        IndexItemData("digitisation", "e_result_rate", Decimal(6)),
    ),
)


def test_index_score_is_points_times_ratio_over_threshold_capped_and_grouped():
    # given a unit 90% on time, 60% digitised (T 80%), and one above the threshold
    kpis = kpis_dict(
        A={"on_time_rate": (9, 10), "digitisation_rate": (6, 10), "e_result_rate": (1, 4)},
        B={"on_time_rate": (10, 10), "digitisation_rate": (9, 10), "e_result_rate": (0, 0)},
    )
    # when scored
    scores = index_scores(kpis, CONFIG)
    a, b = scores["units"]["A"], scores["units"]["B"]
    # then 20×0.9 = 18; 4×0.6/0.8 = 3 plus 6×0.25 = 1.5 in the digitisation group
    assert a["progress"] == 18.0 and a["digitisation"] == 4.5 and a["total"] == 22.5
    # and a ratio above the threshold scores the full points; a null ratio scores 0 and is flagged
    assert b["digitisation"] == 4.0 and b["missing"] == ["e_result_rate"]
    assert b["indicators"]["e_result_rate"] == {
        "group": "digitisation",
        "ref": "",
        "points": 6.0,
        "threshold": 1.0,
        "ratio": None,
        "score": 0.0,
        "missing": True,
    }
    assert a["missing"] == [] and a["max"] == 42.0 and a["computable_max"] == 30.0
    # and the province scores its own summed ratio (19/20, 15/20 → 4×0.75/0.8 = 3.75, 1/4 → 1.5)
    assert scores["province"]["progress"] == 19.0 and scores["province"]["digitisation"] == 5.25


def test_index_totals_agree_with_the_reference_engine():
    kpis = kpis_dict(
        A={
            "on_time_rate": (7, 9),
            "online_payment_rate": (1, 3),
            "e_result_rate": (2, 7),
            "digitisation_rate": (5, 6),
            "sync_rate": (3, 11),
        }
    )
    kpis["units"]["A"]["satisfaction_rate"] = {"numerator": None, "denominator": None, "value": 0.8123}
    mine = index_scores(kpis, default_index_config())["units"]["A"]
    reference = compute_index_scores(kpis)["units"]["A"]
    assert mine["total"] == reference["total"]
    for code, item in reference["indicators"].items():
        assert mine["indicators"][code]["score"] == item["score"]


def test_default_config_has_the_five_groups_and_the_registry_items():
    config = default_index_config()
    assert {g: int(p) for g, p in config.group_points.items()} == {
        "transparency": 18,
        "progress": 20,
        "online": 22,
        "digitisation": 22,
        "satisfaction": 18,
    }
    items = {i.indicator: (i.group, i.ref, i.points, i.threshold) for i in config.items}
    assert items["sync_rate"] == ("transparency", "1.4", Decimal(6), Decimal(1))
    assert items["satisfaction_rate"] == ("satisfaction", "5.4", Decimal(6), Decimal("0.9"))
    assert sum(i.points for i in config.items) == 48


@given(num=st.integers(0, 1000), extra=st.integers(0, 1000), points=st.integers(0, 30), t=st.integers(1, 100))
def test_index_item_score_stays_between_zero_and_points(num, extra, points, t):
    config = IndexConfigData(
        "p", {"g": Decimal(points)}, (IndexItemData("g", "sync_rate", Decimal(points), Decimal(t) / 100),)
    )
    den = num + extra
    score = index_scores(kpis_dict(A={"sync_rate": (num, den)}), config)["units"]["A"]["g"]
    assert 0 <= score <= points


@pytest.mark.parametrize(
    ("rule", "ratio", "expected"),
    [
        ("all_or_nothing", Fraction(79, 100), 0),
        ("all_or_nothing", Fraction(80, 100), 2),
        ("linear", Fraction(40, 100), 1),
        ("linear", Fraction(95, 100), 2),
        ("steps", Fraction(29, 100), 0),
        ("steps", Fraction(30, 100), Fraction(1, 2)),
        ("steps", Fraction(65, 100), Fraction(3, 2)),
        ("steps", Fraction(1), Fraction(3, 2)),
        ("linear", None, 0),
    ],
)
def test_par_rules(rule, ratio, expected):
    criterion = ParCriterionData(
        "online_processing_rate", Decimal(2), Decimal("0.8"), rule, steps=[("0.6", "1.5"), ("0.3", "0.5")]
    )
    assert par_points(ratio, criterion) == expected


def test_par_scores_per_unit_with_total_max_and_missing():
    criteria = [
        ParCriterionData("services_with_online_dossiers_rate", Decimal("1.5"), Decimal("0.8"), "linear"),
        ParCriterionData("online_payment_rate", Decimal("0.5"), Decimal("0.3"), "all_or_nothing"),
    ]
    kpis = kpis_dict(A={"services_with_online_dossiers_rate": (4, 10), "online_payment_rate": (0, 0)})
    result = par_scores(kpis, criteria)["units"]["A"]
    assert result["total"] == 0.75 and result["max"] == 2.0 and result["missing"] == ["online_payment_rate"]
    assert result["criteria"]["services_with_online_dossiers_rate"]["score"] == 0.75


def test_par_unknown_rule_is_refused():
    with pytest.raises(ValueError):
        par_points(Fraction(1), ParCriterionData("sync_rate", Decimal(1), rule="bogus"))


def test_forecast_is_the_linear_trend_of_the_cumulative_rate_at_month_twelve():
    # cumulative 10%, 15%, 20% after three months → +5 points a month → 65% in December
    assert forecast_year_end([(1, 10), (2, 10), (3, 10)]) == 0.65
    # a flat rate stays; one month is its own forecast; months without figures are skipped; none → None
    assert forecast_year_end([(5, 10), (5, 10)]) == 0.5
    assert forecast_year_end([None, (3, 4)]) == 0.75
    assert forecast_year_end([None, (0, 0)]) is None
    # clamped to 0–100 %
    assert forecast_year_end([(1, 10), (10, 10)]) == 1.0
    assert forecast_year_end([(10, 10), (0, 30)]) == 0.0


@pytest.mark.parametrize(
    ("value", "target", "kwargs", "expected"),
    [
        (0.8, 0.8, {}, "green"),
        (0.95, 0.8, {}, "green"),
        (0.7, 0.8, {}, "amber"),  # exactly 10 points below
        (0.69, 0.8, {}, "red"),
        (0.5, 0.8, {"forecast": 0.81}, "amber"),  # on track by the forecast
        (0.5, 0.8, {"forecast": 0.79}, "red"),
        (0.1, 0.2, {"kind": "at_most"}, "green"),
        (0.3, 0.2, {"kind": "at_most"}, "amber"),
        (0.31, 0.2, {"kind": "at_most"}, "red"),
        (None, 0.8, {}, "none"),
    ],
)
def test_target_status(value, target, kwargs, expected):
    assert target_status(value, target, **kwargs) == expected
