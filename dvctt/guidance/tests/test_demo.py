"""The demo's guidance: after the loaders it needs (calendar, units, accounts, catalogue, dossiers, the roster, the
KPI facts), ``official_guidance_rate`` is neither 0 nor 100 % and units differ; every record obeys the services'
rules; a second run adds nothing."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from dvctt.accounts import demo as accounts_demo
from dvctt.accounts.models import OFFICIAL_ROLES, Official, User
from dvctt.agencies import demo as agencies_demo
from dvctt.calendar import demo as calendar_demo
from dvctt.catalog import demo as catalog_demo
from dvctt.common.demo import demo_loaders
from dvctt.dossiers import demo as dossiers_demo
from dvctt.dossiers.states import Channel
from dvctt.guidance import demo
from dvctt.guidance.models import Guidance, GuidanceLink, GuidanceSource
from dvctt.monitoring import demo as monitoring_demo
from dvctt.monitoring.guided import kpi_guidance

pytestmark = pytest.mark.django_db

#: Small enough for a test (about 1 500 dossiers since 2023), large enough for every unit to have online dossiers.
SCALE = 0.05


def _load(loader: object, **kwargs: object) -> str:
    return loader(stdout=io.StringIO(), scale=SCALE, **kwargs)  # type: ignore[operator]


def _load_the_demo_up_to_guidance() -> str:
    for module in (calendar_demo, agencies_demo, accounts_demo, catalog_demo, dossiers_demo):
        _load(module.load)
    _load(dossiers_demo.load_officials)
    _load(monitoring_demo.load)
    return _load(demo.load)


def test_it_runs_after_the_dossiers_and_the_roster():
    orders = {loader.name: loader.order for loader in demo_loaders()}
    assert orders["guidance"] > orders["dossiers"] and orders["guidance"] > orders["officials"]


def test_the_demo_s_guidance() -> None:
    """One load of the demo (it takes a while) for every check: the figure, the rules, a second run."""
    summary = _load_the_demo_up_to_guidance()
    assert_a_rate_between_0_and_100_with_units_that_differ(summary)
    assert_every_record_obeys_the_rules()
    assert_a_second_run_adds_nothing()


def assert_a_rate_between_0_and_100_with_units_that_differ(summary: str) -> None:
    today = timezone.localdate()
    assert Guidance.objects.exists(), summary
    figures = kpi_guidance(date_from=date(today.year - 1, 1, 1), date_to=today)
    province = figures["province"]
    assert 0 < province["numerator"] < province["denominator"], province
    assert 0 < province["value"] < 1
    values = {f["value"] for f in figures["units"].values() if f["denominator"]}
    assert len(values) >= 2, values
    # the units' engagements differ, and what is counted follows them: a unit of the highest engagement guided
    # more than one of the lowest
    by_engagement: dict[float, list[float]] = {}
    for code, f in figures["units"].items():
        if f["denominator"]:
            by_engagement.setdefault(demo.engagement_of(code), []).append(f["value"])
    high, low = max(demo.ENGAGEMENT), min(demo.ENGAGEMENT)
    assert max(by_engagement[high]) > min(by_engagement[low])


def assert_every_record_obeys_the_rules() -> None:
    roster = set(Official.objects.values_list("national_id", flat=True))
    records = list(Guidance.objects.select_related("dossier", "official", "link"))
    assert records
    assert len({g.dossier_id for g in records}) == len(records)  # one official per dossier
    per_month: Counter[tuple[int, int]] = Counter()
    for g in records:
        d, official = g.dossier, g.official
        assert d.channel == Channel.ONLINE and not d.assisted and d.parent_id is None and not d.is_test
        assert official.is_active and official.role in OFFICIAL_ROLES
        # never the official's own dossier, nor any official's of the roster (dossiers of other persons)
        assert d.applicant_id != official.pk and d.applicant_id_number != official.national_id
        assert d.applicant_id_number not in roster
        assert g.consented_at == d.submitted_at and g.day == timezone.localdate(d.submitted_at)
        if g.source == GuidanceSource.LINK:
            assert g.link is not None and g.link.official_id == official.pk and g.link.active
        else:
            assert g.source == GuidanceSource.NAMED and g.link is None
        per_month[(g.day.year, g.day.month)] += 1
    # the accounts made for officials of the roster cannot be signed in with a password
    made = User.objects.filter(username__startswith=demo.ACCOUNT_PREFIX)
    assert made.exists() and not any(u.has_usable_password() for u in made)
    assert set(made.values_list("national_id", flat=True)) <= roster
    assert max(per_month.values()) <= 50  # far from the watch's daily limit, even over a month


def assert_a_second_run_adds_nothing() -> None:
    counts = (Guidance.objects.count(), GuidanceLink.objects.count(), User.objects.count())
    again = _load(demo.load)
    assert again.startswith("đã có ") and "không tạo thêm" in again
    assert (Guidance.objects.count(), GuidanceLink.objects.count(), User.objects.count()) == counts
