"""The moves officials make from the back office: which ones a user may make now, and the one service each calls.

The state table (``dossiers.states``) and the services decide; this module only maps a validated form to the
service's keyword arguments and names the slip each move issues.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from dvctt.accounts.models import Role, User
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.services.core import actor_may
from dvctt.dossiers.services.processing import (
    dossier_proposal_pending,
    dossier_propose_result,
    dossier_return_proposal,
)
from dvctt.dossiers.states import Move, Status, moves_from

#: Moves never offered on a screen: submission has the intake page, expiry is the periodic watch's.
HIDDEN_MOVES = frozenset({"submit", "expire_supplement"})

#: The slip a move issues (besides the process control slip, which follows every received dossier).
SLIP_FOR_MOVE = {
    "receive": "receipt",
    "intake": "receipt",
    "request_supplement": "supplement",
    # a pause ended: the receipt is re-issued with the new appointment
    "answer_supplement": "receipt",
    "record_payment": "receipt",
    "refuse_acceptance": "refusal",
    "apologise": "apology",
    "stop": "stop",
}


def proposal_pending(*, dossier: Dossier, events: list[Any] | None = None) -> Any:
    """The specialist's proposal waiting for the unit leader (from ``events`` when given: no query)."""
    if dossier.status != Status.PROCESSING:
        return None
    if events is None:
        return dossier_proposal_pending(dossier=dossier)
    for event in reversed(events):
        if event.action == "return_proposal":
            return None
        if event.action == "propose_result":
            return event
    return None


def moves_for(*, user: User, dossier: Dossier, events: list[Any] | None = None) -> list[Move]:
    """The moves ``user`` may make on ``dossier`` now (state table and role/unit).

    With sign-off (the procedure version's ``sign_off_required``), a specialist proposes instead of approving or
    refusing, and the leader may return a pending proposal. ``events`` (in ``seq`` order) spare a query.
    """
    sign_off = dossier.status == Status.PROCESSING and bool(
        getattr(dossier.procedure_version, "sign_off_required", False)
    )
    pending = proposal_pending(dossier=dossier, events=events) if sign_off else None
    allowed = []
    for move in moves_from(dossier.status):
        if move.name in HIDDEN_MOVES:
            continue
        if move.name in ("accept_withdrawal", "reject_withdrawal") and dossier.ended_at is not None:
            continue
        if move.name == "mark_uncollected" and dossier.result_uncollected_at is not None:
            continue
        if move.name == "propose_result" and (not sign_off or pending is not None):
            continue
        if move.name == "return_proposal" and pending is None:
            continue
        if move.name in ("approve", "refuse") and sign_off and user.role == Role.SPECIALIST:
            continue
        if actor_may(actor=user, move=move, dossier=dossier):
            allowed.append(move)
    return allowed


def slip_links(*, dossier: Dossier, move: str | None = None) -> list[dict[str, str]]:
    """Links to the slips (PDF) of the dossier: the one ``move`` just issued first, then the control slip."""
    kinds: list[str] = []
    if move and move in SLIP_FOR_MOVE:
        kinds.append(SLIP_FOR_MOVE[move])
    if dossier.received_at is not None and "control" not in kinds:
        kinds.append("control")
    labels = {
        "receipt": _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
        "supplement": _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
        "refusal": _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
        "apology": _("Phiếu xin lỗi và hẹn lại ngày trả kết quả"),
        "stop": _("Thông báo dừng xử lý hồ sơ"),
        "control": _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    }
    return [
        {
            "kind": kind,
            "label": str(labels[kind]),
            "url": reverse("api:dossier-slip", kwargs={"code": dossier.code, "kind": kind}),
        }
        for kind in kinds
    ]


def slips_available(*, dossier: Dossier, events: list[Any]) -> list[dict[str, str]]:
    """Every slip that applies to the dossier, judged from its events (no query)."""
    done = {e.action for e in events}
    kinds = []
    if "receive" in done:
        kinds.append("receive")
    for move in ("request_supplement", "refuse_acceptance", "apologise", "stop"):
        if move in done:
            kinds.append(move)
    links: list[dict[str, str]] = []
    seen: set[str] = set()
    for move in kinds:
        for link in slip_links(dossier=dossier, move=move):
            if link["kind"] not in seen:
                seen.add(link["kind"])
                links.append(link)
    if dossier.received_at is not None and "control" not in seen:
        links.extend(slip_links(dossier=dossier))
    return links


def move_apply(*, move: str, dossier: Dossier, actor: User, data: dict[str, Any]) -> Dossier:
    """Call the service of ``move`` with the cleaned form ``data`` (always with ``expected_version``)."""
    common: dict[str, Any] = {
        "dossier_id": dossier.pk,
        "actor": actor,
        "expected_version": data["expected_version"],
    }
    if move == "receive":
        return services.dossier_receive(**common)
    if move == "refuse_acceptance":
        return services.dossier_refuse_acceptance(**common, reasons=data["reasons"])
    if move == "request_supplement":
        return services.dossier_request_supplement(
            **common,
            content=data["content"],
            deadline=data.get("deadline"),
            second_request_reason=data.get("second_request_reason", ""),
        )
    if move == "answer_supplement":
        files = []
        if data.get("file"):
            files.append(services.FileUpload(data["file_name"].strip(), data["file"]))
        return services.dossier_answer_supplement(**common, note=data.get("note", ""), files=files)
    if move == "forward":
        return services.dossier_forward(
            **common,
            assignee=data.get("assignee"),
            to_unit_codes=data.get("unit_codes") or [],
            note=data.get("note", ""),
        )
    if move == "request_financial_obligation":
        return services.dossier_request_financial_obligation(
            **common, amount=data["amount"], content=data["content"]
        )
    if move == "record_payment":
        return services.dossier_record_payment(
            **common, amount=data["amount"], reference=data.get("reference", "")
        )
    if move == "approve":
        results = [services.ResultDocument(name=data["result_name"].strip(), upload=data.get("result_file"))]
        return services.dossier_approve(**common, results=results, note=data.get("note", ""))
    if move == "refuse":
        return services.dossier_refuse(**common, reasons=data["reasons"])
    if move == "stop":
        return services.dossier_stop(**common, reasons=data["reasons"])
    if move == "request_withdrawal":
        return services.dossier_request_withdrawal(**common, reason=data["reason"])
    if move == "accept_withdrawal":
        return services.dossier_accept_withdrawal(**common)
    if move == "reject_withdrawal":
        return services.dossier_reject_withdrawal(**common, reason=data["reason"])
    if move == "draft_apology":
        return services.dossier_draft_apology(**common, new_due_at=data["new_due_at"], reason=data["reason"])
    if move == "apologise":
        return services.dossier_apologise(**common, new_due_at=data["new_due_at"], reason=data["reason"])
    if move == "return_result":
        return services.dossier_return_result(**common, method=data["method"])
    if move == "propose_result":
        return dossier_propose_result(
            **common,
            outcome=data["outcome"],
            result_name=data.get("result_name", ""),
            reasons=data.get("reasons", ""),
            note=data.get("note", ""),
        )
    if move == "return_proposal":
        return dossier_return_proposal(**common, note=data["note"])
    if move == "mark_uncollected":
        # The service takes no version; its own check refuses a second record, and the view compares first.
        return services.dossier_mark_uncollected(dossier_id=dossier.pk, actor=actor)
    raise KeyError(move)


def status_label(status: int) -> str:
    return str(Status(status).label)
