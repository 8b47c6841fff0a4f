"""The national index's default configuration, built from the indicator registry (domain.md §7).

The registry carries each computable indicator's Decision 766 number, points P and threshold T; the number's
first digit is its group. Group maxima are the index's own (100 points in all). The database holds versions
of this (``IndexConfig``); this default seeds the first version and serves when none is stored.
"""

from __future__ import annotations

from decimal import Decimal

from dvctt.monitoring.indicators import CURRENT_VERSION, INDICATORS
from dvctt.plans.models import IndexGroup
from dvctt.plans.scores import IndexConfigData, IndexItemData

GROUP_POINTS: dict[str, Decimal] = {
    IndexGroup.TRANSPARENCY: Decimal(18),
    IndexGroup.PROGRESS: Decimal(20),
    IndexGroup.ONLINE: Decimal(22),
    IndexGroup.DIGITISATION: Decimal(22),
    IndexGroup.SATISFACTION: Decimal(18),
}
GROUP_BY_DIGIT: dict[str, str] = {
    "1": IndexGroup.TRANSPARENCY,
    "2": IndexGroup.PROGRESS,
    "3": IndexGroup.ONLINE,
    "4": IndexGroup.DIGITISATION,
    "5": IndexGroup.SATISFACTION,
}


def group_of(ref: str) -> str:
    return GROUP_BY_DIGIT[ref.split(".", 1)[0]]


def default_index_config() -> IndexConfigData:
    return IndexConfigData(
        version=CURRENT_VERSION,
        group_points={str(group): points for group, points in GROUP_POINTS.items()},
        items=tuple(
            IndexItemData(
                group=str(group_of(indicator.index_ref)),
                indicator=indicator.code,
                points=indicator.points,
                threshold=indicator.threshold,
                ref=indicator.index_ref,
            )
            for indicator in INDICATORS
            if indicator.points is not None and indicator.index_ref
        ),
    )
