"""The rows of the process control slip: one per hand-over of the dossier, not one per event.

Form 05 (2018) / 06 (2025) follows the dossier from desk to desk: each row says who gave it and who took it
(name and unit), when, and whether that step came before, on or after the appointment in force at that moment;
both sign. The rows are read from the dossier's events:

- ``receive``: the applicant hands the dossier to the one-stop officer;
- ``request_supplement`` after receipt / ``answer_supplement``: back to the applicant and in again;
- ``forward``: to the assigned specialist and/or to each other unit (liên thông), one row per receiver;
- ``approve`` / ``refuse`` / ``stop``: the result goes back to the one-stop unit (who takes it there is not
  recorded: the name is left to be written in);
- ``return_result``: the one-stop officer returns the result to the applicant.

The appointment in force at a moment is the last one given before it: at receipt (``receive.due_at``), at the
end of a pause (``due_after`` of ``answer_supplement`` / ``record_payment``; events written before pauses were
stored that way carry ``paused_seconds``, added to the appointment then in force) and by an apology
(``apologise.new_due_at``, the Extension's new appointment, from its time on).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.dossiers.models import Dossier, DossierEvent, ReturnMethod

APPLICANT_ROLES = frozenset({Role.CITIZEN, Role.BUSINESS})

EARLY = _("Trước hạn")
ON_TIME = _("Đúng hạn")
LATE = _("Quá hạn")

STEP_LABELS = {
    "receive": _("Tiếp nhận hồ sơ"),
    "request_supplement": _("Trả hồ sơ để bổ sung, hoàn thiện"),
    "answer_supplement": _("Nhận hồ sơ đã bổ sung"),
    "forward": _("Chuyển hồ sơ giải quyết"),
    "approve": _("Chuyển kết quả về Bộ phận Một cửa"),
    "refuse": _("Chuyển văn bản từ chối giải quyết về Bộ phận Một cửa"),
    "stop": _("Chuyển thông báo dừng xử lý về Bộ phận Một cửa"),
    "return_result": _("Trả kết quả cho tổ chức, cá nhân"),
}


@dataclass(frozen=True)
class HandOver:
    step: str
    at: datetime
    giver_name: str
    giver_unit: str
    receiver_name: str
    receiver_unit: str
    due_at: datetime | None  # the appointment in force at ``at``
    judgement: str  # Trước hạn / Đúng hạn / Quá hạn; "" at receipt (the appointment is given then)
    note: str = ""


def _moment(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def appointments(*, dossier: Dossier, events: Iterable[DossierEvent]) -> list[tuple[datetime, datetime]]:
    """(from when, appointment) in time order: every appointment the dossier was given."""
    timeline: list[tuple[datetime, datetime]] = []
    current: datetime | None = dossier.first_due_at or dossier.due_at
    for e in events:
        p = e.payload or {}
        new: datetime | None = None
        if e.action == "receive":
            new = _moment(p.get("due_at")) or dossier.first_due_at
        elif e.action == "apologise":
            new = _moment(p.get("new_due_at"))
        elif e.action in ("answer_supplement", "record_payment"):
            new = _moment(p.get("due_after"))
            if new is None and current is not None and p.get("paused_seconds") and timeline:
                new = current + timedelta(seconds=int(p["paused_seconds"]))
        if new is not None:
            timeline.append((e.at, new))
            current = new
    return timeline


def appointment_at(
    moment: datetime, timeline: list[tuple[datetime, datetime]], fallback: datetime | None
) -> datetime | None:
    due = fallback
    for since, appointment in timeline:
        if since <= moment:
            due = appointment
    return due


def judge(at: datetime, due: datetime | None) -> str:
    """Before the appointment's day: early; on its day and not after it: on time; after it: late."""
    if due is None:
        return ""
    if at > due:
        return str(LATE)
    if timezone.localdate(at) < timezone.localdate(due):
        return str(EARLY)
    return str(ON_TIME)


def handovers(*, dossier: Dossier, events: list[DossierEvent]) -> list[HandOver]:
    """The hand-overs of ``dossier`` from its events (``events`` in seq order, ``unit`` selected).

    Two queries at most besides: the assignees named by ``forward`` events and the units they sent to.
    """
    timeline = appointments(dossier=dossier, events=events)
    fallback = dossier.first_due_at or dossier.due_at
    forwards = [e for e in events if e.action == "forward"]
    usernames = {e.payload.get("assignee") for e in forwards if e.payload.get("assignee")}
    codes = {c for e in forwards for c in (e.payload.get("units") or [])}
    people = (
        {u.username: u for u in User.objects.filter(username__in=usernames).select_related("unit")}
        if usernames
        else {}
    )
    units = {u.code: u.name for u in Unit.objects.filter(code__in=codes)} if codes else {}

    applicant = dossier.applicant_name or gettext("Tổ chức, cá nhân")
    one_stop = dossier.receiving_unit.name
    rows: list[HandOver] = []
    notes: list[str] = []  # apologies, told on the next row

    def row(e: DossierEvent, giver: tuple[str, str], receiver: tuple[str, str], note: str = "") -> None:
        due = appointment_at(e.at, timeline, fallback)
        text = "; ".join([*notes, note] if note else notes)
        notes.clear()
        rows.append(
            HandOver(
                step=str(STEP_LABELS[e.action]),
                at=e.at,
                giver_name=giver[0],
                giver_unit=giver[1],
                receiver_name=receiver[0],
                receiver_unit=receiver[1],
                due_at=due,
                judgement="" if e.action == "receive" else judge(e.at, due),
                note=text,
            )
        )

    for e in events:
        p = e.payload or {}
        actor = (e.actor_name, e.unit.name if e.unit is not None else "")
        if e.action == "receive":
            row(e, (applicant, ""), (e.actor_name, actor[1] or one_stop))
        elif e.action == "request_supplement" and not p.get("guidance"):
            row(e, actor, (applicant, ""), str(p.get("content") or ""))
        elif (
            e.action == "answer_supplement"
            and dossier.received_at is not None
            and e.at >= dossier.received_at
        ):
            row(e, (applicant, ""), ("", one_stop) if e.actor_role in APPLICANT_ROLES else actor)
        elif e.action == "forward":
            receivers: list[tuple[str, str]] = []
            person = people.get(p.get("assignee") or "")
            if person is not None:
                receivers.append(
                    (person.full_name or person.username, person.unit.name if person.unit else "")
                )
            receivers.extend(("", units.get(code, code)) for code in p.get("units") or [])
            if not receivers:
                receivers.append(("", dossier.unit.name))
            for receiver in receivers:
                row(e, actor, receiver, str(p.get("note") or ""))
        elif e.action in ("approve", "refuse", "stop"):
            row(e, actor, ("", one_stop), str(p.get("reasons") or p.get("note") or ""))
        elif e.action == "return_result":
            method = p.get("method")
            label = str(ReturnMethod(method).label) if method in ReturnMethod.values else ""
            row(e, actor, (applicant, ""), label)
        elif e.action == "apologise" and p.get("new_due_at"):
            notes.append(
                gettext("Xin lỗi, hẹn lại ngày trả kết quả: %(d)s")
                % {
                    "d": timezone.localtime(datetime.fromisoformat(p["new_due_at"])).strftime(
                        "%d/%m/%Y %H:%M"
                    )
                }
            )
    return rows
