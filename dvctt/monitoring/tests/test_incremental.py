"""Rollups kept current by the ``dossier_changed`` receiver, through the real services, equal a rebuild."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta

import pytest

from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import pdf_upload, submission, vn
from dvctt.interchange import read_folder
from dvctt.interchange.exporter import interchange_export
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.models import DossierFact
from dvctt.monitoring.reference import compute_kpis
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.rows import rollup_rows


def _moves(dossier: Dossier, staff: dict) -> list:
    """The moves a walk may try from the dossier's status (the service refuses what is not allowed)."""
    pk, s = dossier.pk, dossier.status
    one_stop, specialist, leader, citizen = (
        staff["one_stop"],
        staff["specialist"],
        staff["leader"],
        staff["citizen"],
    )
    table = {
        Status.NEW: [
            lambda at: services.dossier_receive(dossier_id=pk, actor=one_stop, at=at),
            lambda at: services.dossier_refuse_acceptance(
                dossier_id=pk, actor=one_stop, reasons="Sai", at=at
            ),
        ],
        Status.RECEIVED: [
            lambda at: services.dossier_forward(dossier_id=pk, actor=one_stop, assignee=specialist, at=at),
        ],
        Status.PROCESSING: [
            lambda at: services.dossier_request_supplement(
                dossier_id=pk, actor=specialist, content="Bổ sung", second_request_reason="Lần nữa", at=at
            ),
            lambda at: services.dossier_approve(
                dossier_id=pk,
                actor=leader,
                results=[services.ResultDocument("Kết quả", pdf_upload("kq.pdf"))] if at.day % 2 else None,
                at=at,
            ),
            lambda at: services.dossier_refuse(
                dossier_id=pk, actor=leader, reasons="Không đủ điều kiện", at=at
            ),
            lambda at: services.dossier_stop(dossier_id=pk, actor=leader, reasons="Dừng", at=at),
        ],
        Status.SUPPLEMENT_REQUESTED: [
            lambda at: services.dossier_answer_supplement(
                dossier_id=pk, actor=citizen, note="Đã bổ sung", at=at
            ),
        ],
        Status.PROCESSED: [
            lambda at: services.dossier_return_result(dossier_id=pk, actor=one_stop, at=at),
        ],
    }
    return table.get(s, [])


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_rollups_follow_service_moves_and_equal_a_rebuild(
    seed, procedure, unit, citizen, one_stop, specialist, leader, django_capture_on_commit_callbacks
):
    # given dossiers submitted online or taken in at the counter, moved at random through the services,
    # the receiver refreshing the rollups after each commit
    rng = random.Random(seed)
    staff = {"one_stop": one_stop, "specialist": specialist, "leader": leader, "citizen": citizen}
    moment = vn(2025, 3, 3, 8)
    dossiers = []
    for _ in range(6):
        moment += timedelta(hours=rng.randint(1, 30))
        with django_capture_on_commit_callbacks(execute=True):
            if rng.random() < 0.5:
                made = services.dossier_submit(actor=citizen, submission=submission(unit), at=moment)
            else:
                made = services.dossier_intake(
                    actor=one_stop, submission=submission(unit, channel=1), at=moment
                )
        dossiers.append(made.pk)
    for _ in range(30):
        dossier = Dossier.objects.get(pk=rng.choice(dossiers))
        moves = _moves(dossier, staff)
        if not moves:
            continue
        moment += timedelta(hours=rng.randint(1, 40))
        with django_capture_on_commit_callbacks(execute=True):
            rng.choice(moves)(moment)
    assert DossierFact.objects.count() == len(dossiers)
    incremental = rollup_rows()

    # when everything is rebuilt from the dossiers
    rollups_rebuild()

    # then nothing moves: the incremental rollups were exact
    assert rollup_rows() == incremental


def test_figures_follow_a_dossier_through_its_life(
    procedure, unit, citizen, one_stop, specialist, leader, django_capture_on_commit_callbacks, tmp_path
):
    march = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}

    def figure(code: str, to: date = march["date_to"]) -> dict:
        return kpi_compute(date_from=march["date_from"], date_to=to)["units"][unit.code][code]

    # given an online dossier submitted and received on Monday 03/03/2025 (due Thursday 06/03 09:00)
    with django_capture_on_commit_callbacks(execute=True):
        dossier = services.dossier_submit(
            actor=citizen, submission=submission(unit), at=vn(2025, 3, 3, 8, 30)
        )
    assert figure("online_dossier_rate")["denominator"] == 0  # submitted, not yet received
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_receive(dossier_id=dossier.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
    assert figure("online_dossier_rate") == {"numerator": 1, "denominator": 1, "value": 1.0}
    # judged at the end of 05/03 it is on time; at the end of March, still open, it is late
    assert figure("on_time_rate", to=date(2025, 3, 5)) == {"numerator": 1, "denominator": 1, "value": 1.0}
    assert figure("on_time_rate") == {"numerator": 0, "denominator": 1, "value": 0.0}

    # when it is approved late (Friday 07/03) without an electronic result
    with django_capture_on_commit_callbacks(execute=True):
        services.dossier_forward(
            dossier_id=dossier.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
        )
        services.dossier_approve(dossier_id=dossier.pk, actor=leader, at=vn(2025, 3, 7, 10))

    # then it is late whatever the period end, completed without an electronic result, and the figures equal the reference's over an
    # export of the same database
    assert figure("on_time_rate", to=date(2025, 3, 7)) == {"numerator": 0, "denominator": 1, "value": 0.0}
    assert figure("e_result_rate") == {"numerator": 0, "denominator": 1, "value": 0.0}
    interchange_export(folder=tmp_path)
    records = read_folder(tmp_path).data
    expected = json.loads(json.dumps(compute_kpis(records, march["date_from"], march["date_to"])))
    assert json.loads(json.dumps(kpi_compute(**march))) == expected
