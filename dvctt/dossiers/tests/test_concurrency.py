"""Concurrency on PostgreSQL: real parallel transactions on separate connections.

SQLite serialises every write transaction, so the races these tests provoke cannot happen there; they run on
PostgreSQL (CI runs the suite on both databases).
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections

from dvctt.common.errors import ConflictError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent
from dvctt.dossiers.tests.conftest import submission, vn

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL"),
]


def _in_thread(fn):
    def run(*args):
        try:
            return fn(*args)
        finally:
            connections.close_all()

    return run


def test_fifty_parallel_intakes_get_fifty_consecutive_codes(procedure, unit, one_stop):
    barrier = threading.Barrier(10)

    @_in_thread
    def intake(i: int) -> str:
        if i < 10:
            barrier.wait()
        return services.dossier_intake(
            actor=one_stop, submission=submission(unit, channel=1), at=vn(2025, 3, 4, 9, i % 60)
        ).code

    with ThreadPoolExecutor(max_workers=10) as pool:
        codes = list(pool.map(intake, range(50)))
    assert len(set(codes)) == 50
    numbers = sorted(int(code.rsplit("-", 1)[1]) for code in codes)
    assert numbers == list(range(1, 51))
    assert all(code.startswith(f"{unit.code}-250304-") for code in codes)
    assert Dossier.objects.filter(status=2).count() == 50


def test_two_officers_on_one_dossier_one_wins_one_conflicts(submitted, one_stop, django_user_model, unit):
    second = django_user_model.objects.create_user(
        username="motcua2", password="x", role="one_stop_officer", unit=unit
    )
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    @_in_thread
    def act(officer) -> None:
        barrier.wait()
        try:
            services.dossier_receive(
                dossier_id=submitted.pk, actor=officer, expected_version=submitted.version
            )
            outcomes.append("ok")
        except ConflictError as exc:
            outcomes.append(exc.code)

    threads = [threading.Thread(target=act, args=(o,)) for o in (one_stop, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) in (["illegal_transition", "ok"], ["ok", "stale"])
    submitted.refresh_from_db()
    assert submitted.status == 2 and submitted.version == 2
    assert DossierEvent.objects.filter(dossier=submitted).count() == 2
