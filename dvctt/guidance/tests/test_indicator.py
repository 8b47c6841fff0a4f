"""``official_guidance_rate`` exact on hand-built cases (monitoring.guided), against an independent computation
from the raw rows (the dossiers' own fields, not the KPI facts), per unit and for the province, both units modes,
at the period's edges, with the cases that must not count."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from fractions import Fraction
from typing import Any

import pytest
from django.utils import timezone

from dvctt.accounts.models import Official
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.common.errors import DomainError
from dvctt.dossiers import services as dossier_services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.guidance.models import Guidance
from dvctt.guidance.services import guidance_record
from dvctt.monitoring import guided
from dvctt.monitoring.rollups import rollups_rebuild

from .conftest import make_citizen, make_official, submit_online

pytestmark = pytest.mark.django_db


def reference(date_from: date, date_to: date) -> dict[int, tuple[int, int]]:
    """Independent of monitoring.guided: officials in post on ``to`` per unit (a national id once per unit); of
    them, those recorded as guiding a non-test, non-child online dossier whose local submission day is in the
    period and whose applicant ID is not theirs."""
    guiders: set[str] = set()
    for g in Guidance.objects.select_related("dossier", "official"):
        d: Dossier = g.dossier
        national_id = g.official.national_id
        if not national_id or d.channel != 2 or d.is_test or d.parent_id is not None:
            continue
        moment = d.submitted_at or d.received_at
        if moment is None or not date_from <= timezone.localdate(moment) <= date_to:
            continue
        if d.applicant_id_number == national_id:
            continue
        guiders.add(national_id)
    in_post: dict[int, set[str]] = defaultdict(set)
    for post in Official.objects.all():
        if post.valid_from <= date_to and (post.valid_to is None or post.valid_to >= date_to):
            in_post[post.unit_id].add(post.national_id)
    return {unit: (len(ids & guiders), len(ids)) for unit, ids in in_post.items()}


@pytest.fixture
def case(unit, other_unit, citizen, one_stop, online_procedure) -> dict[str, Any]:
    """Two units; officials A, B (unit), C (other unit), D who left on 31/03, E who started on 01/04, F in both
    units; guidance at the quarter's edges, plus the cases that must not count."""
    a = make_official("a", unit, "001000000001")
    b = make_official("b", unit, "001000000002")
    c = make_official("c", other_unit, "001000000003")
    d = make_official("d", unit, "001000000004", valid_to=date(2025, 3, 31))
    e = make_official("e", other_unit, "001000000005", valid_from=date(2025, 4, 1))
    f = make_official("f", unit, "001000000006")
    Official.objects.create(
        national_id=f.national_id, full_name="F", unit=other_unit, valid_from=date(2024, 1, 1)
    )
    relative = make_citizen("relative", "020100000009")
    # A guided a relative on the last minute of Q1, B on the first minute of Q2
    guidance_record(
        dossier=submit_online(citizen, unit, vn(2025, 3, 31, 23, 59)), official=a, source="link", consent=True
    )
    guidance_record(
        dossier=submit_online(citizen, unit, vn(2025, 4, 1, 0, 1)), official=b, source="named", consent=True
    )
    # D guided in Q1 but left on 31/03: counted in Q1 (in post on its last day), not in the half year
    guidance_record(
        dossier=submit_online(relative, unit, vn(2025, 2, 10)), official=d, source="named", consent=True
    )
    # E guided in Q1, before taking up the post: counted only where E is in post on the period's last day
    guidance_record(
        dossier=submit_online(relative, unit, vn(2025, 3, 1)), official=e, source="named", consent=True
    )
    # F (in both units) guided in Q2: counts in both units, as official usage does
    guidance_record(
        dossier=submit_online(relative, unit, vn(2025, 5, 5)), official=f, source="named", consent=True
    )
    # Not counted, written past the service on purpose (old rows, imports): C's own dossier, an offline dossier
    own = submit_online(make_citizen("c.self", c.national_id), unit, vn(2025, 2, 2))
    counter = dossier_services.dossier_submit(
        actor=one_stop, submission=submission(unit, channel=1), at=vn(2025, 2, 3)
    )
    for dossier in (own, counter):
        Guidance.objects.create(
            dossier=dossier, official=c, source="named", consented_at=timezone.now(), day=date(2025, 2, 2)
        )
    # a test dossier guided by C does not count either
    test_dossier = submit_online(relative, unit, vn(2025, 2, 4))
    Dossier.objects.filter(pk=test_dossier.pk).update(is_test=True)
    guidance_record(dossier=test_dossier, official=c, source="named", consent=True)
    rollups_rebuild()
    return {"unit": unit, "other": other_unit, "a": a, "b": b, "c": c, "d": d, "e": e, "f": f}


def test_quarter_edges_and_exclusions_hand_checked(case):
    unit, other = case["unit"], case["other"]
    q1 = guided.guided_counts(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    q2 = guided.guided_counts(date_from=date(2025, 4, 1), date_to=date(2025, 6, 30))
    half = guided.guided_counts(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30))
    # Q1: unit has A, B, D, F in post (A and D guided); other has C, F (nobody: C's rows do not count; E not yet)
    assert q1 == {unit.pk: (2, 4), other.pk: (0, 2)}
    # Q2: unit has A, B, F (B and F guided); other has C, E, F (F guided; E's guidance was in Q1)
    assert q2 == {unit.pk: (2, 3), other.pk: (1, 3)}
    # the half: unit A, B, F all guided; other C, E, F: E (March) and F
    assert half == {unit.pk: (3, 3), other.pk: (2, 3)}
    figures = guided.kpi_guidance(date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    assert figures["province"] == {"numerator": 2, "denominator": 6, "value": 0.3333}
    assert figures["units"][unit.code] == {"numerator": 2, "denominator": 4, "value": 0.5}
    assert figures["units"][other.code] == {"numerator": 0, "denominator": 2, "value": 0.0}


def test_equals_the_independent_computation_for_every_period(case):
    start = date(2025, 1, 1)
    spans = [
        (start + timedelta(days=k), start + timedelta(days=k + n))
        for k in range(0, 181, 17)
        for n in (0, 13, 45, 120)
    ]
    together = guided.guided_counts_many(spans)
    for (date_from, date_to), counts in zip(spans, together, strict=True):
        expected = reference(date_from, date_to)
        assert counts == expected, (date_from, date_to)
        figures = guided.kpi_guidance(date_from=date_from, date_to=date_to)
        num, den = sum(g for g, _n in expected.values()), sum(n for _g, n in expected.values())
        assert figures["province"]["numerator"] == num and figures["province"]["denominator"] == den
        if den:
            exact = Fraction(num, den)
            assert abs(figures["province"]["value"] - float(exact)) <= 0.00005


def test_current_units_fold_an_ended_unit_into_its_heir(case):
    unit, other = case["unit"], case["other"]
    # when the other unit ends and the unit carries it on
    Unit.objects.filter(pk=other.pk).update(valid_to=date(2025, 12, 31), successor=unit)
    heir_only = guided.kpi_guidance(
        date_from=date(2025, 4, 1), date_to=date(2025, 6, 30), units_mode="current"
    )
    assert other.code not in heir_only["units"]
    assert heir_only["units"][unit.code] == {"numerator": 3, "denominator": 6, "value": 0.5}
    assert heir_only["province"]["denominator"] == 6
    assert unit.level == UnitLevel.DEPARTMENT


def test_no_consent_means_no_record_and_no_count(unit, citizen, online_procedure):
    official = make_official("g", unit, "001000000007")
    dossier = submit_online(citizen, unit, vn(2025, 3, 3))
    with pytest.raises(DomainError):
        guidance_record(dossier=dossier, official=official, source="named", consent=False)
    rollups_rebuild()
    assert guided.guided_counts(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31)) == {unit.pk: (0, 1)}
