"""Random sequences of moves by random actors keep the dossier's invariants.

Invariants: the status is a national code; a due time is never before the receipt; each accepted move writes
exactly one event (numbered without gaps); a refused move changes nothing; an ending status has an end time.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings, target
from hypothesis import strategies as st

from dvctt.common.errors import DomainError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import MOVES, Status
from dvctt.dossiers.tests.conftest import submission, vn

ACTORS = ["owner", "stranger", "one_stop", "specialist", "leader", "foreign"]
MOVE_NAMES = sorted(m for m in MOVES if m != "submit")


class Rollback(Exception):
    pass


def _do(move: str, dossier: Dossier, actor, at):
    d = {"dossier_id": dossier.pk, "actor": actor, "at": at}
    if move == "receive":
        return services.dossier_receive(**d)
    if move == "refuse_acceptance":
        return services.dossier_refuse_acceptance(**d, reasons="Thiếu giấy tờ")
    if move == "request_supplement":
        return services.dossier_request_supplement(
            **d, content="Bổ sung", deadline=at + timedelta(days=5), second_request_reason="Lần hai"
        )
    if move == "answer_supplement":
        return services.dossier_answer_supplement(**d, note="Đã bổ sung")
    if move == "expire_supplement":
        return services.dossier_expire_supplement(
            dossier_id=dossier.pk, actor=actor, at=at + timedelta(days=6)
        )
    if move == "forward":
        return services.dossier_forward(**d, note="Chuyển xử lý")
    if move == "request_financial_obligation":
        return services.dossier_request_financial_obligation(**d, amount=1000, content="Nộp thuế")
    if move == "record_payment":
        return services.dossier_record_payment(**d, amount=1000)
    if move == "approve":
        return services.dossier_approve(**d)
    if move == "refuse":
        return services.dossier_refuse(**d, reasons="Không đủ điều kiện")
    if move == "stop":
        return services.dossier_stop(**d, reasons="Dừng")
    if move == "request_withdrawal":
        return services.dossier_request_withdrawal(**d, reason="Rút")
    if move == "accept_withdrawal":
        return services.dossier_accept_withdrawal(**d)
    if move == "reject_withdrawal":
        return services.dossier_reject_withdrawal(**d, reason="Không")
    if move == "draft_apology":
        new_due = (dossier.effective_due_at or at) + timedelta(days=3)
        return services.dossier_draft_apology(**d, new_due_at=new_due, reason="Chậm")
    if move == "apologise":
        new_due = (dossier.effective_due_at or at) + timedelta(days=3)
        return services.dossier_apologise(**d, new_due_at=new_due, reason="Chậm")
    if move == "return_result":
        return services.dossier_return_result(**d, method="online")
    if move == "mark_uncollected":
        return services.dossier_mark_uncollected(**d)
    if move == "propose_result":
        from dvctt.dossiers.services.processing import dossier_propose_result

        return dossier_propose_result(**d, outcome="approve", result_name="Giấy khai sinh")
    if move == "return_proposal":
        from dvctt.dossiers.services.processing import dossier_return_proposal

        return dossier_return_proposal(**d, note="Xem lại")
    raise AssertionError(move)


def _state(dossier: Dossier) -> tuple:
    dossier.refresh_from_db()
    return (
        dossier.status,
        dossier.version,
        dossier.due_at,
        dossier.ended_at,
        dossier.resume_status,
        dossier.events.count(),
        dossier.supplements.count(),
    )


@pytest.mark.django_db(transaction=False)
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    steps=st.lists(
        st.tuples(
            st.sampled_from(MOVE_NAMES), st.sampled_from(ACTORS), st.integers(min_value=1, max_value=600)
        ),
        min_size=1,
        max_size=14,
    )
)
def test_random_moves_keep_invariants(
    steps, procedure, unit, citizen, one_stop, specialist, leader, foreign_officer, django_user_model
):
    try:
        with transaction.atomic():
            stranger = django_user_model.objects.create_user(
                username="nguoikhac", password="x", role="citizen"
            )
            actors = {
                "owner": citizen,
                "stranger": stranger,
                "one_stop": one_stop,
                "specialist": specialist,
                "leader": leader,
                "foreign": foreign_officer,
            }
            at = vn(2025, 3, 3, 8)
            dossier = services.dossier_submit(actor=citizen, submission=submission(unit), at=at)
            accepted = 1
            for move, who, minutes in steps:
                at = at + timedelta(minutes=minutes)
                before = _state(dossier)
                try:
                    with transaction.atomic():
                        _do(move, dossier, actors[who], at)
                except DomainError:
                    assert _state(dossier) == before, f"refused {move} by {who} changed the dossier"
                    continue
                accepted += 1
                dossier.refresh_from_db()
                assert dossier.status in Status.values
                assert dossier.version == before[1] + 1
                seqs = list(dossier.events.order_by("seq").values_list("seq", flat=True))
                assert seqs == list(range(1, accepted + 1)), "one event per accepted move, no gaps"
                if dossier.due_at is not None:
                    assert dossier.received_at is not None and dossier.due_at >= dossier.received_at
                if dossier.status in (Status.NOT_ACCEPTED, Status.STOPPED, Status.PROCESSED, Status.RETURNED):
                    assert dossier.ended_at is not None
                if dossier.status == Status.RETURNED:
                    assert dossier.returned_at is not None
                if dossier.status in (Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION):
                    assert dossier.resume_status is not None
            # Steer the search towards long accepted paths, where the interesting states are.
            target(float(accepted))
            raise Rollback
    except Rollback:
        pass
