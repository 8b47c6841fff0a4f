"""What goes on a slip: read from the dossier and its event log, checked against the slip's kind.

Everything here is a read. The wording of each reason, request or new appointment comes from the payload of the
event that made it (``DossierEvent.payload``), so a reprint shows what was decided then, not what the dossier
says now.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dvctt.agencies.models import Unit
from dvctt.common.errors import DomainError
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile
from dvctt.dossiers.slips.forms import Form, FormSet, SlipKind, dossier_form_day, form_set_for
from dvctt.dossiers.states import MOVES, Status

#: Event actions that issue each slip; the latest such event is the one printed.
SLIP_ACTIONS: dict[SlipKind, frozenset[str]] = {
    SlipKind.RECEIPT: frozenset({"receive"}),
    SlipKind.SUPPLEMENT: frozenset({"request_supplement"}),
    SlipKind.REFUSAL: frozenset({"refuse_acceptance"}),
    SlipKind.APOLOGY: frozenset({"apologise"}),
    SlipKind.STOP: frozenset({"stop", "expire_supplement"}),
}

EXTRA_ACTION_LABELS = {"rate": _("Đánh giá mức độ hài lòng")}


def fmt_dt(value: datetime | str | None) -> str:
    """dd/mm/yyyy HH:MM in local time; payload times are ISO strings."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            return value
    else:
        moment = value
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return moment.strftime("%d/%m/%Y %H:%M")


def lookup_url(code: str) -> str:
    return f"{settings.PUBLIC_BASE_URL.rstrip('/')}/tra-cuu/?ma={quote(code, safe='')}"


def qr_payload(dossier: Dossier) -> str:
    """What the slip's QR code holds: the public lookup address, which carries the dossier code itself.

    Only the address, so that a phone camera opens it directly; the code is printed beside the QR in words.
    """
    return lookup_url(dossier.code)


@dataclass
class EventLine:
    seq: int
    label: str
    at: str
    actor: str
    unit: str
    status: str
    note: str


@dataclass
class SlipContent:
    kind: SlipKind
    form_set: FormSet
    form: Form
    dossier: Dossier
    issuing_unit: Unit
    issued_at: datetime
    event: DossierEvent | None
    qr_text: str
    components: list[str] = field(default_factory=list)
    events: list[EventLine] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def _not_applicable(dossier: Dossier, kind: SlipKind, why: str) -> DomainError:
    return DomainError(
        gettext("Không lập được %(form)s cho hồ sơ %(code)s: %(why)s")
        % {"form": _kind_name(kind), "code": dossier.code, "why": why},
        code="slip_not_applicable",
    )


def _kind_name(kind: SlipKind) -> str:
    from dvctt.dossiers.slips.forms import KIND_LABELS

    return str(KIND_LABELS[kind]).lower()


def _latest(events: list[DossierEvent], kind: SlipKind) -> DossierEvent | None:
    actions = SLIP_ACTIONS[kind]
    found = [e for e in events if e.action in actions]
    if kind == SlipKind.STOP:  # an expired supplement stops only a received dossier
        found = [e for e in found if e.action == "stop" or e.to_status == Status.STOPPED]
    return found[-1] if found else None


def _action_label(action: str) -> str:
    if action in MOVES:
        return str(MOVES[action].label)
    return str(EXTRA_ACTION_LABELS.get(action, action))


def _event_note(event: DossierEvent) -> str:
    p = event.payload or {}
    parts = []
    for key in ("reasons", "reason", "content", "note"):
        if p.get(key):
            parts.append(str(p[key]))
    if p.get("new_due_at"):
        parts.append(gettext("Hẹn lại: %(d)s") % {"d": fmt_dt(p["new_due_at"])})
    if event.action == "receive" and p.get("due_at"):
        parts.append(gettext("Hẹn trả: %(d)s") % {"d": fmt_dt(p["due_at"])})
    if p.get("children"):
        parts.append(gettext("Liên thông: %(c)s") % {"c": ", ".join(p["children"])})
    if p.get("assignee"):
        parts.append(gettext("Giao: %(u)s") % {"u": p["assignee"]})
    return "; ".join(parts)


def slip_content(*, dossier: Dossier, kind: SlipKind | str) -> SlipContent:
    """Gather one slip. Raises DomainError when the slip does not apply to the dossier (nothing to print)."""
    try:
        kind = SlipKind(kind)
    except ValueError:
        raise DomainError(
            gettext("Không có loại phiếu “%(kind)s”.") % {"kind": kind}, code="unknown_slip"
        ) from None
    if kind == SlipKind.REGISTER:
        raise DomainError(
            gettext("Sổ theo dõi hồ sơ lập theo đơn vị, không theo từng hồ sơ."), code="unknown_slip"
        )
    form_set = form_set_for(dossier_form_day(dossier))
    if not form_set.has(kind):
        raise _not_applicable(
            dossier,
            kind,
            gettext("hồ sơ thuộc bộ biểu mẫu theo Thông tư %(circular)s, bộ này không có mẫu đó.")
            % {"circular": form_set.circular},
        )
    form = form_set.form(kind)
    events = list(dossier.events.select_related("unit").order_by("seq"))
    event: DossierEvent | None = None
    if kind in (SlipKind.RECEIPT, SlipKind.CONTROL):
        if dossier.received_at is None:
            raise _not_applicable(dossier, kind, gettext("hồ sơ chưa được tiếp nhận."))
        event = _latest(events, SlipKind.RECEIPT)
    else:
        event = _latest(events, kind)
        if event is None:
            why = {
                SlipKind.SUPPLEMENT: gettext("hồ sơ chưa có yêu cầu bổ sung."),
                SlipKind.REFUSAL: gettext("hồ sơ không bị từ chối tiếp nhận."),
                SlipKind.APOLOGY: gettext("hồ sơ chưa có văn bản xin lỗi, hẹn lại ngày trả kết quả."),
                SlipKind.STOP: gettext("hồ sơ không bị dừng xử lý."),
            }[kind]
            raise _not_applicable(dossier, kind, why)

    issuing_unit = dossier.unit if kind in (SlipKind.APOLOGY, SlipKind.STOP) else dossier.receiving_unit
    issued_at = event.at if event is not None else (dossier.received_at or timezone.now())
    content = SlipContent(
        kind=kind,
        form_set=form_set,
        form=form,
        dossier=dossier,
        issuing_unit=issuing_unit,
        issued_at=issued_at,
        event=event,
        qr_text=qr_payload(dossier),
    )
    content.components = list(
        DossierFile.objects.filter(dossier=dossier, kind=DossierFile.Kind.COMPONENT)
        .order_by("id")
        .values_list("name", flat=True)
    )
    payload = (event.payload if event is not None else {}) or {}
    v = content.values
    v["actor"] = event.actor_name if event is not None else ""
    v["received_at"] = fmt_dt(dossier.received_at)
    v["submitted_at"] = fmt_dt(dossier.submitted_at)
    # The receipt shows the appointment made at receipt, even after an apology moved it.
    v["due_at"] = fmt_dt(
        payload.get("due_at") if kind == SlipKind.RECEIPT and payload.get("due_at") else None
    ) or (fmt_dt(dossier.first_due_at or dossier.due_at))
    v["issued_at"] = fmt_dt(issued_at)
    v["issued_day"] = timezone.localtime(issued_at).date()
    if kind == SlipKind.SUPPLEMENT:
        v["content"] = payload.get("content", "")
        v["deadline"] = fmt_dt(payload.get("deadline"))
        v["second_request_reason"] = payload.get("second_request_reason", "")
    elif kind == SlipKind.REFUSAL:
        v["reasons"] = payload.get("reasons", "")
    elif kind == SlipKind.APOLOGY:
        v["reason"] = payload.get("reason", "")
        v["previous_due_at"] = fmt_dt(payload.get("previous_due_at"))
        v["new_due_at"] = fmt_dt(payload.get("new_due_at"))
    elif kind == SlipKind.STOP:
        assert event is not None
        v["reasons"] = payload.get("reasons") or gettext(
            "Quá thời hạn bổ sung, hoàn thiện hồ sơ mà tổ chức, cá nhân không bổ sung."
        )
    elif kind == SlipKind.CONTROL:
        content.events = [
            EventLine(
                seq=e.seq,
                label=_action_label(e.action),
                at=fmt_dt(e.at),
                actor=e.actor_name,
                unit=e.unit.name if e.unit is not None else "",
                status=str(Status(e.to_status).label) if e.to_status in Status.values else str(e.to_status),
                note=_event_note(e),
            )
            for e in events
        ]
        v["current_due_at"] = fmt_dt(dossier.due_at)
        v["status"] = dossier.status_label
    return content
