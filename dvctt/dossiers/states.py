"""The dossier state machine: the national status codes and the one table of legal moves.

Every transition service looks its move up here (``transition_check``); nothing else decides whether a move
is allowed. Roles per move are declared here too, so the permission rule and the state rule sit side by side.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dvctt.accounts.models import Role
from dvctt.common.errors import ConflictError


class Status(models.IntegerChoices):
    """TrangThaiHoSo, as the national portal and provincial systems exchange it (domain.md §4)."""

    NEW = 1, _("Mới đăng ký")
    RECEIVED = 2, _("Được tiếp nhận")
    NOT_ACCEPTED = 3, _("Không được tiếp nhận")
    PROCESSING = 4, _("Đang xử lý")
    SUPPLEMENT_REQUESTED = 5, _("Yêu cầu bổ sung")
    FINANCIAL_OBLIGATION = 6, _("Yêu cầu thực hiện nghĩa vụ tài chính")
    WITHDRAWAL_REQUESTED = 7, _("Công dân yêu cầu rút hồ sơ")
    STOPPED = 8, _("Dừng xử lý")
    PROCESSED = 9, _("Đã xử lý xong")
    RETURNED = 10, _("Đã trả kết quả")


class Channel(models.IntegerChoices):
    IN_PERSON = 1, _("Trực tiếp")
    ONLINE = 2, _("Trực tuyến")
    POSTAL = 3, _("Bưu chính công ích")


class PaymentChannel(models.IntegerChoices):
    NONE = 0, _("Không thanh toán trực tuyến")
    NATIONAL_PORTAL = 1, _("Thanh toán trên Cổng DVCQG")
    PROVINCIAL_GATEWAY = 2, _("Thanh toán qua nền tảng của tỉnh")


#: Statuses in which a dossier has ended (spec/indicators.md): a withdrawal ends it only once accepted.
ENDING_STATUSES = frozenset(
    {Status.NOT_ACCEPTED, Status.WITHDRAWAL_REQUESTED, Status.STOPPED, Status.PROCESSED, Status.RETURNED}
)
#: Statuses whose clock is paused (domain.md §5).
PAUSED_STATUSES = frozenset({Status.SUPPLEMENT_REQUESTED, Status.FINANCIAL_OBLIGATION})
#: Statuses in which the unit is working on a received dossier (the appointment runs).
RUNNING_STATUSES = frozenset({Status.RECEIVED, Status.PROCESSING})

APPLICANT = frozenset({Role.CITIZEN, Role.BUSINESS})
ONE_STOP = frozenset({Role.ONE_STOP_OFFICER, Role.UNIT_LEADER})
PROCESSOR = frozenset({Role.SPECIALIST, Role.UNIT_LEADER})
DECIDER = frozenset({Role.UNIT_LEADER, Role.SPECIALIST})
LEADER = frozenset({Role.UNIT_LEADER})
SPECIALIST = frozenset({Role.SPECIALIST})


RESUME = "resume"
SAME = "same"
#: The status the dossier had when the pending withdrawal was requested (a withdrawal may be asked while a
#: supplement pause is running: that pause's own ``resume_status`` must survive a rejected withdrawal).
BEFORE_WITHDRAWAL = "before_withdrawal"


@dataclass(frozen=True)
class Move:
    name: str
    label: str
    sources: frozenset[int]
    #: A status code, RESUME (the status the dossier paused from, ``resume_status``), SAME (unchanged) or
    #: BEFORE_WITHDRAWAL.
    target: int | str
    roles: frozenset[str]
    #: The applicant (owner of the dossier) may make this move on their own dossier.
    by_applicant: bool = False


def _m(name, label, sources, target, roles, by_applicant=False) -> Move:
    return Move(name, label, frozenset(int(s) for s in sources), target, frozenset(roles), by_applicant)


S = Status
MOVES: dict[str, Move] = {
    m.name: m
    for m in [
        _m("submit", _("Nộp hồ sơ"), [], S.NEW, APPLICANT | ONE_STOP, by_applicant=True),
        _m("receive", _("Tiếp nhận hồ sơ"), [S.NEW], S.RECEIVED, ONE_STOP),
        _m("refuse_acceptance", _("Từ chối tiếp nhận"), [S.NEW], S.NOT_ACCEPTED, ONE_STOP),
        _m(
            "request_supplement",
            _("Yêu cầu bổ sung hồ sơ"),
            [S.NEW, S.RECEIVED, S.PROCESSING],
            S.SUPPLEMENT_REQUESTED,
            ONE_STOP | PROCESSOR,
        ),
        _m(
            "answer_supplement",
            _("Bổ sung hồ sơ"),
            [S.SUPPLEMENT_REQUESTED],
            RESUME,
            APPLICANT | ONE_STOP,
            by_applicant=True,
        ),
        # Cancelled before receipt: not accepted (3); after receipt: processing stopped (8). The service decides.
        _m("expire_supplement", _("Hết hạn bổ sung"), [S.SUPPLEMENT_REQUESTED], RESUME, ONE_STOP | PROCESSOR),
        _m("forward", _("Chuyển xử lý"), [S.RECEIVED, S.PROCESSING], S.PROCESSING, ONE_STOP | PROCESSOR),
        _m(
            "request_financial_obligation",
            _("Yêu cầu thực hiện nghĩa vụ tài chính"),
            [S.PROCESSING],
            S.FINANCIAL_OBLIGATION,
            PROCESSOR,
        ),
        # Settled only by an officer who took the payment at the counter, or by the system on a verified payment
        # (the gateway's signed notification or a query to it): an applicant never settles their own obligation.
        _m(
            "record_payment",
            _("Ghi nhận hoàn thành nghĩa vụ tài chính"),
            [S.FINANCIAL_OBLIGATION],
            RESUME,
            ONE_STOP | PROCESSOR,
        ),
        # Sign-off (a procedure version's ``sign_off_required``): the specialist proposes the result, the unit
        # leader approves or refuses it (the two moves below) or returns the proposal with a note.
        _m("propose_result", _("Đề xuất kết quả giải quyết"), [S.PROCESSING], SAME, SPECIALIST),
        _m("return_proposal", _("Trả lại đề xuất để xử lý lại"), [S.PROCESSING], SAME, LEADER),
        _m("approve", _("Phê duyệt kết quả"), [S.PROCESSING], S.PROCESSED, DECIDER),
        _m("refuse", _("Từ chối giải quyết"), [S.PROCESSING], S.PROCESSED, DECIDER),
        _m(
            "stop",
            _("Dừng xử lý"),
            [S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION],
            S.STOPPED,
            DECIDER,
        ),
        _m(
            "request_withdrawal",
            _("Yêu cầu rút hồ sơ"),
            [S.NEW, S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION],
            S.WITHDRAWAL_REQUESTED,
            APPLICANT | ONE_STOP,
            by_applicant=True,
        ),
        _m("accept_withdrawal", _("Chấp nhận rút hồ sơ"), [S.WITHDRAWAL_REQUESTED], SAME, ONE_STOP),
        _m(
            "reject_withdrawal",
            _("Không chấp nhận rút hồ sơ"),
            [S.WITHDRAWAL_REQUESTED],
            BEFORE_WITHDRAWAL,
            ONE_STOP,
        ),
        # The apology letter is signed by the head of the agency: officers draft it, the unit leader issues it.
        _m(
            "draft_apology",
            _("Dự thảo văn bản xin lỗi, hẹn lại ngày trả kết quả"),
            [S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION],
            SAME,
            ONE_STOP | PROCESSOR,
        ),
        _m(
            "apologise",
            _("Xin lỗi và hẹn lại ngày trả kết quả"),
            [S.RECEIVED, S.PROCESSING, S.SUPPLEMENT_REQUESTED, S.FINANCIAL_OBLIGATION],
            SAME,
            LEADER,
        ),
        _m("return_result", _("Trả kết quả"), [S.PROCESSED], S.RETURNED, ONE_STOP),
        _m("mark_uncollected", _("Ghi nhận không đến nhận kết quả"), [S.PROCESSED], SAME, ONE_STOP),
    ]
}


GUIDANCE_LABEL = _("Hướng dẫn bổ sung, hoàn thiện hồ sơ (trước khi tiếp nhận)")

#: Events that are not moves of the table (no change of status): their Vietnamese names.
EVENT_LABELS = {
    "pay_fees": _("Thanh toán phí, lệ phí trực tuyến"),
    "complaint": _("Gửi phản ánh, kiến nghị"),
    "rate": _("Đánh giá mức độ hài lòng"),
    "import": _("Nhập hồ sơ từ hệ thống cũ"),
}
PROPOSAL_LABELS = {
    "approve": _("Đề xuất phê duyệt kết quả"),
    "refuse": _("Đề xuất từ chối giải quyết"),
}


def event_label(action: str, payload: dict | None = None) -> str:
    """The Vietnamese name of an event: its move's label (a supplement request made before receipt is guidance, a
    proposal names its outcome), or the name of a non-move event. Never the action's code for a known action."""
    payload = payload or {}
    if action == "request_supplement" and payload.get("guidance"):
        return str(GUIDANCE_LABEL)
    if action == "propose_result" and payload.get("outcome") in PROPOSAL_LABELS:
        return str(PROPOSAL_LABELS[payload["outcome"]])
    if action in MOVES:
        return str(MOVES[action].label)
    return str(EVENT_LABELS[action]) if action in EVENT_LABELS else action


def transition_check(*, move: str, status: int | None) -> Move:
    """The move, if it is legal from ``status``; otherwise ConflictError (the API answers 409)."""
    spec = MOVES[move]
    if move == "submit":
        if status is not None:
            raise ConflictError(gettext("Hồ sơ đã được nộp."), code="illegal_transition")
        return spec
    if status not in spec.sources:
        current = Status(status).label if status in Status.values else str(status)
        raise ConflictError(
            gettext("Không thể thực hiện “%(move)s” khi hồ sơ đang ở trạng thái “%(status)s”.")
            % {"move": spec.label, "status": current},
            code="illegal_transition",
        )
    return spec


def moves_from(status: int) -> list[Move]:
    return [m for m in MOVES.values() if status in m.sources]
