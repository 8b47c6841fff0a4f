"""What goes on a slip: read from the dossier and its event log, checked against the slip's kind.

Everything here is a read. The wording of each reason, request or new appointment comes from the payload of the
event that made it (``DossierEvent.payload``), so a reprint shows what was decided then, not what the dossier
says now.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from urllib.parse import quote

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from dvctt.agencies.models import Unit
from dvctt.catalog.models import PaperForm, ProcedureVersion, TimeLimitUnit
from dvctt.common.errors import DomainError
from dvctt.common.public_url import public_url
from dvctt.common.text import fold
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, ReturnMethod
from dvctt.dossiers.slips.forms import KIND_LABELS, Form, FormSet, SlipKind, dossier_form_day, form_set_for
from dvctt.dossiers.slips.handovers import HandOver, handovers
from dvctt.dossiers.states import Channel, Status

#: Event actions that issue each slip; the latest such event is the one printed.
SLIP_ACTIONS: dict[SlipKind, frozenset[str]] = {
    SlipKind.RECEIPT: frozenset({"receive"}),
    SlipKind.SUPPLEMENT: frozenset({"request_supplement"}),
    SlipKind.REFUSAL: frozenset({"refuse_acceptance"}),
    SlipKind.APOLOGY: frozenset({"apologise"}),
    SlipKind.STOP: frozenset({"stop", "expire_supplement"}),
    SlipKind.REFUSAL_DECISION: frozenset({"refuse"}),
}

#: The moves that end a pause of the clock, and what the re-issued receipt says of them.
RESUME_ACTIONS: dict[str, Any] = {
    "answer_supplement": gettext_lazy("sau khi Ông/Bà bổ sung hồ sơ"),
    "record_payment": gettext_lazy("sau khi Ông/Bà hoàn thành nghĩa vụ tài chính"),
}


def applicant_slip_kinds(*, dossier: Dossier, events: list[DossierEvent]) -> list[SlipKind]:
    """The slips addressed to the applicant that apply to the dossier now (no query: from its events)."""
    kinds = []
    if dossier.received_at is not None:
        kinds.append(SlipKind.RECEIPT)
    for kind in (SlipKind.SUPPLEMENT, SlipKind.REFUSAL, SlipKind.APOLOGY, SlipKind.STOP):
        if _latest(events, kind) is not None:
            kinds.append(kind)
    return kinds


#: Where the result goes when the dossier has no return method yet: the channel it came by.
RETURN_BY_CHANNEL = {
    Channel.IN_PERSON: ReturnMethod.COUNTER,
    Channel.ONLINE: ReturnMethod.ONLINE,
    Channel.POSTAL: ReturnMethod.POST,
}


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
    """The dossier's public lookup page on the configured public address (never the address a server runs on)."""
    return public_url(reverse("portal:dossier_lookup")) + "?ma=" + quote(code, safe="")


def qr_payload(dossier: Dossier) -> str:
    """What the slip's QR code holds: the public lookup address, which carries the dossier code itself.

    Only the address, so that a phone camera opens it directly; the code is printed beside the QR in words.
    """
    return lookup_url(dossier.code)


def two_digits(value: Decimal | int) -> str:
    """03, 15, 0,5, 1,5: whole numbers on two digits as official papers write them, decimals with a comma."""
    number = Decimal(value)
    if number == number.to_integral_value():
        return f"{int(number):02d}"
    return format(number.normalize(), "f").replace(".", ",")


def time_limit_text(version: ProcedureVersion | None, channel: int) -> str:
    """The legal processing time of the procedure version for the dossier's channel, e.g. "03 ngày làm việc"."""
    if version is None:
        return ""
    raw = (version.time_limit_by_channel or {}).get(str(channel))
    limit: Decimal | None = version.time_limit
    if raw not in (None, ""):
        with contextlib.suppress(InvalidOperation):  # a malformed per-channel limit: the general one
            limit = Decimal(str(raw))
    if limit is None:
        return ""
    unit = version.time_limit_unit
    label = TimeLimitUnit(unit).label if unit in TimeLimitUnit.values else unit
    return f"{two_digits(limit)} {label}"


def return_place(dossier: Dossier) -> tuple[str, str]:
    """(method, where) the applicant receives the result: the method recorded at return, else the channel's."""
    method = dossier.return_method or RETURN_BY_CHANNEL.get(Channel(dossier.channel), ReturnMethod.COUNTER)
    unit = dossier.receiving_unit
    if method == ReturnMethod.ONLINE:
        where = gettext("tài khoản của người nộp trên Cổng Dịch vụ công; tra cứu tại %(url)s") % {
            "url": lookup_url(dossier.code)
        }
    elif method == ReturnMethod.POST:
        where = gettext("gửi đến địa chỉ: %(address)s") % {
            "address": dossier.applicant_address or gettext("(địa chỉ người nộp đăng ký với bưu chính)")
        }
    else:
        where = ", ".join(part for part in (unit.name, unit.address) if part)
    return str(ReturnMethod(method).label), where


@dataclass
class ComponentLine:
    name: str
    paper_form: str
    copies: int
    electronic: bool


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
    components: list[ComponentLine] = field(default_factory=list)
    steps: list[HandOver] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)


def _not_applicable(dossier: Dossier, kind: SlipKind, why: str) -> DomainError:
    return DomainError(
        gettext("Không lập được %(form)s cho hồ sơ %(code)s: %(why)s")
        % {"form": str(KIND_LABELS[kind]).lower(), "code": dossier.code, "why": why},
        code="slip_not_applicable",
    )


def _latest(events: list[DossierEvent], kind: SlipKind) -> DossierEvent | None:
    actions = SLIP_ACTIONS[kind]
    found = [e for e in events if e.action in actions]
    if kind == SlipKind.STOP:  # an expired supplement stops only a received dossier
        found = [e for e in found if e.action == "stop" or e.to_status == Status.STOPPED]
    return found[-1] if found else None


def components(dossier: Dossier) -> list[ComponentLine]:
    """The components received, each with the paper form and number of copies its procedure asks for.

    The electronic files handed in, matched by name to the procedure version's components; a dossier received
    on paper (no file) lists the version's required components: the one-stop unit receives only a complete
    dossier.
    """
    version = dossier.procedure_version
    catalogue = list(version.components.all()) if version is not None else []
    by_name = {fold(c.name): c for c in catalogue}
    files = list(
        DossierFile.objects.filter(dossier=dossier, kind=DossierFile.Kind.COMPONENT)
        .order_by("id")
        .values_list("name", flat=True)
    )
    lines = []
    if files:
        for name in files:
            spec = by_name.get(fold(name))
            lines.append(
                ComponentLine(
                    name=name,
                    paper_form=str(PaperForm(spec.paper_form).label) if spec is not None else "",
                    copies=spec.copies if spec is not None else 1,
                    electronic=True,
                )
            )
    else:
        for spec in catalogue:
            if spec.required:
                lines.append(
                    ComponentLine(
                        name=spec.name,
                        paper_form=str(PaperForm(spec.paper_form).label),
                        copies=spec.copies,
                        electronic=False,
                    )
                )
    return lines


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
                SlipKind.REFUSAL_DECISION: gettext("hồ sơ không bị từ chối giải quyết."),
            }[kind]
            raise _not_applicable(dossier, kind, why)

    issued_by_competent = kind in (SlipKind.APOLOGY, SlipKind.STOP, SlipKind.REFUSAL_DECISION)
    issuing_unit = dossier.unit if issued_by_competent else dossier.receiving_unit
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
    content.components = components(dossier)
    payload = (event.payload if event is not None else {}) or {}
    v = content.values
    v["actor"] = event.actor_name if event is not None else ""
    v["received_at"] = fmt_dt(dossier.received_at)
    v["submitted_at"] = fmt_dt(dossier.submitted_at)
    # The receipt shows the appointment made at receipt, even after an apology moved it.
    v["due_at"] = fmt_dt(
        payload.get("due_at") if kind == SlipKind.RECEIPT and payload.get("due_at") else None
    ) or (fmt_dt(dossier.first_due_at or dossier.due_at))
    if kind == SlipKind.RECEIPT:
        # After a pause (supplement answered, financial obligation met) the appointment is given anew: the
        # receipt, re-issued, prints the latest one beside the first (Decree 61/2018 art. 15, 19).
        resumed = [
            e
            for e in events
            if e.action in RESUME_ACTIONS
            and e.payload.get("due_after")
            and e.payload.get("due_after") != e.payload.get("due_before")
        ]
        if resumed:
            last = resumed[-1]
            v["new_due_at"] = fmt_dt(dossier.effective_due_at or last.payload["due_after"])
            v["new_due_since"] = fmt_dt(last.at)
            v["new_due_why"] = str(RESUME_ACTIONS[last.action])
    v["issued_at"] = fmt_dt(issued_at)
    v["issued_day"] = timezone.localtime(issued_at).date()
    v["time_limit"] = time_limit_text(dossier.procedure_version, dossier.channel)
    v["return_method"], v["return_place"] = return_place(dossier)
    v["sets"] = two_digits(1)
    if kind == SlipKind.SUPPLEMENT:
        v["content"] = payload.get("content", "")
        v["deadline"] = fmt_dt(payload.get("deadline"))
        v["second_request_reason"] = payload.get("second_request_reason", "")
    elif kind in (SlipKind.REFUSAL, SlipKind.REFUSAL_DECISION):
        v["reasons"] = payload.get("reasons", "")
    elif kind == SlipKind.APOLOGY:
        v["reason"] = payload.get("reason", "")
        v["previous_due_at"] = fmt_dt(payload.get("previous_due_at"))
        v["new_due_at"] = fmt_dt(payload.get("new_due_at"))
    elif kind == SlipKind.STOP:
        v["reasons"] = payload.get("reasons") or gettext(
            "Quá thời hạn bổ sung, hoàn thiện hồ sơ mà tổ chức, cá nhân không bổ sung."
        )
    elif kind == SlipKind.CONTROL:
        content.steps = handovers(dossier=dossier, events=events)
        v["reschedules"] = [
            gettext("%(at)s: %(who)s xin lỗi, hẹn lại từ %(old)s sang %(new)s (%(reason)s)")
            % {
                "at": fmt_dt(e.at),
                "who": e.actor_name,
                "old": fmt_dt(e.payload.get("previous_due_at")),
                "new": fmt_dt(e.payload.get("new_due_at")),
                "reason": e.payload.get("reason", ""),
            }
            for e in events
            if e.action == "apologise"
        ]
        v["current_due_at"] = fmt_dt(dossier.effective_due_at or dossier.due_at)
        v["status"] = dossier.status_label
    return content
