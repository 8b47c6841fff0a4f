"""The official form sets for one-stop slips, with the dates each set is in force (domain.md §4).

Circular 01/2018/TT-VPCP numbered six forms; Circular 03/2025/TT-VPCP, in force from 1/07/2025, numbers seven:
the apology becomes an apology *and extension request*, and a stop-processing notice is added before the control
slip and the register. A dossier uses the set in force on its receipt date (its submission date while it has not
been received), so a slip reprinted today for an old dossier keeps the form it was issued on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dvctt.common.errors import DomainError


class SlipKind(StrEnum):
    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    REFUSAL = "refusal"
    APOLOGY = "apology"
    STOP = "stop"
    CONTROL = "control"
    REGISTER = "register"


#: The kinds a single dossier's slip can be rendered for (the register covers many dossiers).
DOSSIER_SLIP_KINDS = tuple(k for k in SlipKind if k != SlipKind.REGISTER)


@dataclass(frozen=True)
class Form:
    kind: SlipKind
    number: str  # "01", as the circular numbers it
    title: str | Promise

    @property
    def label(self) -> str:
        return gettext("Mẫu số %(n)s") % {"n": self.number}


@dataclass(frozen=True)
class FormSet:
    code: str
    circular: str
    valid_from: date
    valid_to: date | None  # last day in force; None while in force
    forms: tuple[Form, ...]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    def has(self, kind: SlipKind) -> bool:
        return any(f.kind == kind for f in self.forms)

    def form(self, kind: SlipKind) -> Form:
        for f in self.forms:
            if f.kind == kind:
                return f
        raise DomainError(
            gettext("Bộ biểu mẫu theo Thông tư %(circular)s không có mẫu “%(kind)s”.")
            % {"circular": self.circular, "kind": str(KIND_LABELS[kind])},
            code="form_not_in_set",
        )


KIND_LABELS: dict[SlipKind, str | Promise] = {
    SlipKind.RECEIPT: _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả"),
    SlipKind.SUPPLEMENT: _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ"),
    SlipKind.REFUSAL: _("Phiếu từ chối tiếp nhận giải quyết hồ sơ"),
    SlipKind.APOLOGY: _("Phiếu xin lỗi"),
    SlipKind.STOP: _("Thông báo dừng xử lý hồ sơ"),
    SlipKind.CONTROL: _("Phiếu kiểm soát quá trình giải quyết hồ sơ"),
    SlipKind.REGISTER: _("Sổ theo dõi hồ sơ"),
}

#: The day Decree 118/2025 and Circular 03/2025/TT-VPCP took over (domain.md §3).
SWITCH_DAY = date(2025, 7, 1)

FORMS_2018 = FormSet(
    code="2018",
    circular="01/2018/TT-VPCP",
    valid_from=date(2018, 10, 23),
    valid_to=date(2025, 6, 30),
    forms=(
        Form(SlipKind.RECEIPT, "01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")),
        Form(SlipKind.SUPPLEMENT, "02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
        Form(SlipKind.REFUSAL, "03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
        Form(SlipKind.APOLOGY, "04", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")),
        Form(SlipKind.CONTROL, "05", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
        Form(SlipKind.REGISTER, "06", _("Sổ theo dõi hồ sơ")),
    ),
)

FORMS_2025 = FormSet(
    code="2025",
    circular="03/2025/TT-VPCP",
    valid_from=SWITCH_DAY,
    valid_to=None,
    forms=(
        Form(SlipKind.RECEIPT, "01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")),
        Form(SlipKind.SUPPLEMENT, "02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
        Form(SlipKind.REFUSAL, "03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
        Form(SlipKind.APOLOGY, "04", _("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết")),
        Form(SlipKind.STOP, "05", _("Thông báo dừng xử lý hồ sơ")),
        Form(SlipKind.CONTROL, "06", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
        Form(SlipKind.REGISTER, "07", _("Sổ theo dõi hồ sơ")),
    ),
)

FORM_SETS: tuple[FormSet, ...] = (FORMS_2018, FORMS_2025)


def form_set_for(day: date) -> FormSet:
    """The form set in force on ``day``. Days before the 2018 set use it too: there is nothing older here."""
    for form_set in FORM_SETS:
        if form_set.covers(day):
            return form_set
    return FORMS_2018 if day < SWITCH_DAY else FORMS_2025


def dossier_form_day(dossier) -> date:
    """The day that picks a dossier's form set: receipt, else submission, else creation (local dates)."""
    moment = dossier.received_at or dossier.submitted_at or dossier.created_at
    return timezone.localdate(moment) if moment is not None else timezone.localdate()
