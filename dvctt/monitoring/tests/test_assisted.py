"""The assisted share (monitoring.assisted): online dossiers an officer filed for the applicant, counted exactly from
the data through the facts and rollups, kept equal by the incremental refresh and the rebuild (and the SQL rebuild
on PostgreSQL, and the data migration), and changing no indicator of the spec."""

from __future__ import annotations

import json
import random
from collections import Counter
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.tests.sample import sample_dir
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Channel
from dvctt.dossiers.tests.conftest import submission, vn
from dvctt.interchange import read_folder
from dvctt.monitoring.assisted import kpi_assisted
from dvctt.monitoring.facts import LOCAL
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.models import DossierFact
from dvctt.monitoring.rollups import facts_refresh, rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.monitoring.tests.rows import rollup_rows
from dvctt.monitoring.tests.test_reference_sample import expected_files
from dvctt.plans.dashboards import explain
from dvctt.plans.dashboards.periods import custom_period

PERIODS = [
    (date(2025, 1, 1), date(2025, 12, 31)),
    (date(2025, 3, 1), date(2025, 3, 31)),
    (date(2025, 2, 10), date(2025, 8, 20)),
]


def _by_hand(date_from: date, date_to: date) -> dict[int, tuple[int, int]]:
    """(assisted online, online) received in the period per unit id, straight from the dossier rows: counted
    dossiers (not a test, not a child) whose local day of receipt is in the period."""
    out: Counter[tuple[int, str]] = Counter()
    for unit_id, channel, assisted, received_at, is_test, parent_code in Dossier.objects.values_list(
        "unit_id", "channel", "assisted", "received_at", "is_test", "parent_code"
    ):
        if received_at is None or is_test or parent_code.strip():
            continue
        if not date_from <= received_at.astimezone(LOCAL).date() <= date_to or channel != Channel.ONLINE:
            continue
        out[unit_id, "online"] += 1
        out[unit_id, "assisted"] += bool(assisted)
    units = {unit_id for unit_id, _kind in out}
    return {u: (out[u, "assisted"], out[u, "online"]) for u in units}


def _check_exact(date_from: date, date_to: date) -> None:
    expected = _by_hand(date_from, date_to)
    got = kpi_assisted(date_from=date_from, date_to=date_to)
    codes = dict(Unit.objects.values_list("pk", "code"))
    assert got["province"]["numerator"] == sum(a for a, _o in expected.values())
    assert got["province"]["denominator"] == sum(o for _a, o in expected.values())
    for unit_id, (assisted, online) in expected.items():
        figure = got["units"][codes[unit_id]]
        assert (figure["numerator"], figure["denominator"]) == (assisted, online), codes[unit_id]
    # the explain list of the online rate's assisted part holds exactly those dossiers
    period = custom_period(date_from, date_to, "period")
    listing = explain.explain_listing(
        code="online_dossier_rate", part=explain.ASSISTED, period=period, unit_ids=None
    )
    assert listing.rows.count() == got["province"]["numerator"]


def test_counter_and_assisted_dossiers_through_the_services(
    procedure, unit, citizen, one_stop, django_capture_on_commit_callbacks
):
    # given dossiers of March 2025: two filed online by citizens, three online by the one-stop officer for the
    # applicant (assisted), one taken in at the counter
    moment = vn(2025, 3, 3, 8)
    made = []
    for actor, channel in [
        (citizen, 2),
        (one_stop, 2),
        (citizen, 2),
        (one_stop, 2),
        (one_stop, 1),
        (one_stop, 2),
    ]:
        moment += timedelta(hours=3)
        with django_capture_on_commit_callbacks(execute=True):
            dossier = services.dossier_submit(
                actor=actor, submission=submission(unit, channel=channel), at=moment
            )
        made.append(dossier)
    assert [d.assisted for d in made] == [False, True, False, True, False, True]
    march = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}
    assert kpi_assisted(**march)["units"][unit.code]["denominator"] == 0  # not received yet

    # when four of them are received (the receiver refreshing facts and rollups after each commit)
    for dossier in made[1:5]:
        with django_capture_on_commit_callbacks(execute=True):
            services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=moment + timedelta(hours=1))

    # then of the three online dossiers received, two were filed by the officer
    figure = kpi_assisted(**march)["units"][unit.code]
    assert figure == {"numerator": 2, "denominator": 3, "value": 0.6667}
    # the online rate still counts every online dossier (3 of the 4 received)
    assert kpi_compute(**march)["units"][unit.code]["online_dossier_rate"] == {
        "numerator": 3,
        "denominator": 4,
        "value": 0.75,
    }
    _check_exact(**march)
    # and the dashboards show it beside the online rate, for the province and the unit, with the list behind it
    cache.clear()
    monitor = User.objects.create_user(username="theodoi", password="x-Pass-12345", role=Role.MONITOR)
    client = Client()
    client.force_login(monitor)
    query = "?ky=thang&nam=2025&thang=3"
    line = "trong đó cán bộ nộp thay: 2 (66,7 %)"
    assert line in client.get(reverse("dashboards:overview") + query).content.decode()
    assert line in client.get(reverse("dashboards:unit", args=[unit.code]) + query).content.decode()
    listed = client.get(
        reverse("dashboards:explain", args=["online_dossier_rate", explain.ASSISTED])
        + query
        + f"&dv={unit.code}"
    )
    assert listed.status_code == 200
    html = listed.content.decode()
    assert all((d.code in html) == (d.assisted and d.pk != made[-1].pk) for d in made)
    # and the incremental rollups are those of a rebuild
    incremental = rollup_rows()
    assert any(values[-1] for values in incremental.units.values())  # r_assisted counted somewhere
    rollups_rebuild()
    assert rollup_rows() == incremental


def _mark_some_assisted(seed: int) -> list[int]:
    """Mark about a third of the online dossiers, and a few counter ones (which must not count), as assisted."""
    rng = random.Random(seed)
    ids = list(Dossier.objects.order_by("pk").values_list("pk", "channel"))
    chosen = [pk for pk, channel in ids if rng.random() < (0.35 if channel == Channel.ONLINE else 0.05)]
    Dossier.objects.filter(pk__in=chosen).update(assisted=True)
    return chosen


@pytest.fixture
def sample_records(db):
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()


def test_sample_with_assisted_dossiers_exact_incremental_equal_to_rebuild_spec_unchanged(sample_records):
    # given the sample's figures before any dossier is marked assisted
    before = {
        (f, t, mode): kpi_compute(date_from=f, date_to=t, units_mode=mode)
        for f, t in PERIODS
        for mode in ("period", "current")
    }
    assert kpi_assisted(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))["province"]["numerator"] == 0

    # when a third of the online dossiers (and a few counter ones) turn out to have been filed by officers, and
    # their facts are refreshed one change at a time as the receiver does
    chosen = _mark_some_assisted(seed=7)
    assert chosen
    for start in range(0, len(chosen), 97):
        facts_refresh(dossier_ids=chosen[start : start + 97])
    incremental = rollup_rows()

    # then the counts are exact for every period, the province and each unit
    for f, t in PERIODS:
        _check_exact(f, t)
    # and a rebuild (the Python path; and the SQL path on PostgreSQL) gives the very same rows
    rollups_rebuild(in_sql=False)
    assert rollup_rows() == incremental
    if connection.vendor == "postgresql":
        rollups_rebuild(in_sql=True)
        assert rollup_rows() == incremental
    # and no indicator of the spec moved: the same objects, equal to the sample's expected files
    for (f, t, mode), figures in before.items():
        assert kpi_compute(date_from=f, date_to=t, units_mode=mode) == figures
    for path in expected_files():
        _, date_from, date_to, mode = path.stem.split("_")
        expected = json.loads(path.read_text(encoding="utf-8"))
        got = json.loads(
            json.dumps(
                kpi_compute(
                    date_from=date.fromisoformat(date_from),
                    date_to=date.fromisoformat(date_to),
                    units_mode=mode,
                )
            )
        )
        assert got == expected, path.name


def test_current_units_fold_like_the_indicators(sample_records):
    # given assisted dossiers in units that ended and were merged
    _mark_some_assisted(seed=3)
    rollups_rebuild()
    f, t = date(2025, 1, 1), date(2025, 12, 31)
    current = kpi_assisted(date_from=f, date_to=t, units_mode="current")
    kpis = kpi_compute(date_from=f, date_to=t, units_mode="current")
    # then the units are those of the indicators and each denominator is the online rate's numerator
    assert set(current["units"]) == set(kpis["units"])
    for code, figure in current["units"].items():
        assert figure["denominator"] == kpis["units"][code]["online_dossier_rate"]["numerator"], code
    assert current["province"] == kpi_assisted(date_from=f, date_to=t)["province"]


@pytest.mark.django_db(transaction=True)
def test_the_data_migration_gives_the_rows_of_a_rebuild():
    # given the sample with assisted dossiers and its rollups rebuilt in today's shapes
    load_records(read_folder(sample_dir() / "interchange").data)
    _mark_some_assisted(seed=11)
    rollups_rebuild()
    rebuilt = rollup_rows()
    assert DossierFact.objects.filter(assisted=True).exists()
    executor = MigrationExecutor(connection)
    try:
        # when the database goes back to before the assisted columns, and forward again
        executor.loader.build_graph()
        executor.migrate([("monitoring", "0005_fact_unit_dossier_index")])
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate([("monitoring", "0007_fact_assisted_data")])
    # then the data migration has marked the facts and counted them in the rollups as a rebuild does
    assert rollup_rows() == rebuilt
