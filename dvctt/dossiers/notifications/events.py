"""Which dossier events notify the applicant, and which of them may repeat a status.

Derived from the state machine (``dvctt.dossiers.states.MOVES``) and its non-move events (``EVENT_LABELS``): every
action the platform writes to a dossier's log appears here exactly once, either as a notifying event (one template
per channel and language) or as a silent one with the reason why the applicant is not told.

**The no-repeat rule.** The applicant is told about a status once. An event whose status after the event equals the
status of the last event that was notified for the dossier sends nothing (a second forward inside the unit leaves the
dossier "in progress": only the first one is told) — unless the event carries news of its own
(:data:`NEWS_EVENTS`: a new appointment, papers to supplement, a payment receipt, an accepted withdrawal, a
complaint received). The rule reads the dossier's event log in order (:func:`notified_events`), so it gives the same
answer whatever the order in which the notification tasks run, and the same answer for every channel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from dvctt.dossiers.states import EVENT_LABELS, MOVES, event_label

StrOrPromise = str | Promise


@dataclass(frozen=True)
class EventKind:
    action: str
    notifies: bool
    #: Sent even when the status is the one last told (the event carries new information).
    news: bool = False
    #: Why a silent event is silent (shown in the admin and the docs).
    silent_reason: StrOrPromise = ""


_INTERNAL = _("việc nội bộ của cơ quan giải quyết")

KINDS: dict[str, EventKind] = {
    k.action: k
    for k in [
        EventKind("submit", True),
        EventKind("receive", True),
        EventKind("refuse_acceptance", True),
        EventKind("request_supplement", True, news=True),
        EventKind("answer_supplement", True),
        EventKind("expire_supplement", True),
        EventKind("forward", True),
        EventKind("request_financial_obligation", True, news=True),
        EventKind("record_payment", True, news=True),
        EventKind("propose_result", False, silent_reason=_INTERNAL),
        EventKind("return_proposal", False, silent_reason=_INTERNAL),
        EventKind("approve", True),
        EventKind("refuse", True),
        EventKind("stop", True),
        EventKind("request_withdrawal", True),
        EventKind("accept_withdrawal", True, news=True),
        EventKind("reject_withdrawal", True),
        EventKind("draft_apology", False, silent_reason=_("dự thảo chưa được lãnh đạo ký ban hành")),
        EventKind("apologise", True, news=True),
        EventKind("return_result", True),
        EventKind("mark_uncollected", False, silent_reason=_("ghi nhận của bộ phận một cửa")),
        EventKind("pay_fees", True, news=True),
        EventKind("complaint", True, news=True),
        EventKind("complaint_answer", True, news=True),
        EventKind("rate", False, silent_reason=_("đánh giá do chính người nộp gửi")),
        EventKind("import", False, silent_reason=_("hồ sơ nhập từ hệ thống cũ không được thông báo lại")),
    ]
}

#: Events that notify even when the status did not change.
NEWS_EVENTS = frozenset(a for a, k in KINDS.items() if k.news)
#: Events that notify the applicant, in the order of the state table (templates are seeded for each).
NOTIFYING_EVENTS: tuple[str, ...] = tuple(a for a, k in KINDS.items() if k.notifies)

#: Dossier events written outside the dossiers app, with their Vietnamese names (``event_label`` knows only the
#: state machine's): the answer to a complaint (``dvctt/portal/complaints.py``).
OTHER_EVENT_LABELS = {"complaint_answer": _("Trả lời phản ánh, kiến nghị")}

# Every action of the state machine and every non-move event is classified (a new move must be added here).
assert set(KINDS) == set(MOVES) | set(EVENT_LABELS) | set(OTHER_EVENT_LABELS), set(KINDS) ^ set(MOVES)


def label(action: str, payload: dict | None = None) -> str:
    """The event's Vietnamese name: the state machine's, or one of :data:`OTHER_EVENT_LABELS`."""
    if action in OTHER_EVENT_LABELS:
        return str(OTHER_EVENT_LABELS[action])
    return event_label(action, payload)


def event_kind(action: str) -> EventKind | None:
    return KINDS.get(action)


def notified_events(events: Iterable[tuple[int, str, int]]) -> set[int]:
    """The sequence numbers of the events that notify, given ``(seq, action, to_status)`` of a dossier's log.

    Applies the no-repeat rule in log order: a notifying event whose status equals the status of the last notified
    event is silent unless it is one of :data:`NEWS_EVENTS`.
    """
    last_status: int | None = None
    told: set[int] = set()
    for seq, action, to_status in sorted(events):
        kind = KINDS.get(action)
        if kind is None or not kind.notifies:
            continue
        if to_status == last_status and not kind.news:
            continue
        told.add(seq)
        last_status = to_status
    return told
