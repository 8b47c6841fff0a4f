"""The official form sets for one-stop slips, with the dates each set is in force (domain.md §4).

Circular 01/2018/TT-VPCP numbered six forms; Circular 03/2025/TT-VPCP numbers seven: the apology becomes an
apology *and extension request*, and a stop-processing notice is added before the control slip and the register.
A dossier uses the set in force on its receipt date (its submission date while it has not been received), so a
slip reprinted today for an old dossier keeps the form it was issued on.

The sets are data (``SlipFormSet``/``SlipForm``, edited and confirmed by an administrator, with history);
:func:`form_set_for` reads them. The sets below are the defaults that migration 0008 seeded, unconfirmed: the
dates and titles were written from domain.md and public summaries, not from the circulars themselves. They are
also the answer while the table is empty (a test database flushed by a transactional test).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dvctt.common.errors import DomainError
from dvctt.dossiers.models import SlipForm, SlipFormKind, SlipFormSet

SlipKind = SlipFormKind

#: The kinds a single dossier's slip can be downloaded for (the register covers many dossiers; the written
#: refusal to grant is a result document, stored with the dossier when it is issued).
DOSSIER_SLIP_KINDS = (
    SlipKind.RECEIPT,
    SlipKind.SUPPLEMENT,
    SlipKind.REFUSAL,
    SlipKind.APOLOGY,
    SlipKind.STOP,
    SlipKind.CONTROL,
)

KIND_LABELS: dict[SlipKind, str | Promise] = {kind: kind.label for kind in SlipKind}


@dataclass(frozen=True)
class Form:
    kind: SlipKind
    number: str  # "01", as the circular numbers it; "" for a paper the circular does not number
    title: str | Promise
    legal_reference: str | Promise = ""
    wording: str = ""  # template text; "" = the default file wording
    confirmed: bool = False

    @property
    def label(self) -> str:
        return gettext("Mẫu số %(n)s") % {"n": self.number} if self.number else ""


@dataclass(frozen=True)
class FormSet:
    code: str
    circular: str
    valid_from: date
    valid_to: date | None  # last day in force; None while in force
    forms: tuple[Form, ...]
    legal_reference: str | Promise = ""
    confirmed: bool = False

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


#: The day Decree 118/2025 and Circular 03/2025/TT-VPCP took over (domain.md §3).
SWITCH_DAY = date(2025, 7, 1)

REFUSAL_DECISION_2018 = _(
    "Nghị định số 61/2018/NĐ-CP: hồ sơ không đủ điều kiện giải quyết được trả lại kèm thông báo bằng văn bản "
    "nêu rõ lý do"
)
REFUSAL_DECISION_2025 = _("Nghị định số 118/2025/NĐ-CP (điều khoản tương ứng: chưa xác nhận)")

FORMS_2018 = FormSet(
    code="2018",
    circular="01/2018/TT-VPCP",
    valid_from=date(2018, 10, 23),
    valid_to=date(2025, 6, 30),
    legal_reference=_(
        "Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ hướng dẫn thi hành một số quy định của "
        "Nghị định số 61/2018/NĐ-CP về thực hiện cơ chế một cửa, một cửa liên thông"
    ),
    forms=(
        Form(SlipKind.RECEIPT, "01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")),
        Form(SlipKind.SUPPLEMENT, "02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
        Form(SlipKind.REFUSAL, "03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
        Form(SlipKind.APOLOGY, "04", _("Phiếu xin lỗi và hẹn lại ngày trả kết quả")),
        Form(SlipKind.CONTROL, "05", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
        Form(SlipKind.REGISTER, "06", _("Sổ theo dõi hồ sơ")),
        Form(
            SlipKind.REFUSAL_DECISION,
            "",
            _("Văn bản từ chối giải quyết hồ sơ"),
            legal_reference=REFUSAL_DECISION_2018,
        ),
    ),
)

FORMS_2025 = FormSet(
    code="2025",
    circular="03/2025/TT-VPCP",
    valid_from=SWITCH_DAY,
    valid_to=None,
    legal_reference=_(
        "Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ hướng dẫn thi hành một số nội dung của "
        "Nghị định số 118/2025/NĐ-CP về thực hiện thủ tục hành chính theo cơ chế một cửa, một cửa liên thông"
    ),
    forms=(
        Form(SlipKind.RECEIPT, "01", _("Giấy tiếp nhận hồ sơ và hẹn trả kết quả")),
        Form(SlipKind.SUPPLEMENT, "02", _("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ")),
        Form(SlipKind.REFUSAL, "03", _("Phiếu từ chối tiếp nhận giải quyết hồ sơ")),
        Form(SlipKind.APOLOGY, "04", _("Phiếu xin lỗi và đề nghị gia hạn thời gian giải quyết")),
        Form(SlipKind.STOP, "05", _("Thông báo dừng xử lý hồ sơ")),
        Form(SlipKind.CONTROL, "06", _("Phiếu kiểm soát quá trình giải quyết hồ sơ")),
        Form(SlipKind.REGISTER, "07", _("Sổ theo dõi hồ sơ")),
        Form(
            SlipKind.REFUSAL_DECISION,
            "",
            _("Văn bản từ chối giải quyết hồ sơ"),
            legal_reference=REFUSAL_DECISION_2025,
        ),
    ),
)

#: The coded defaults: what migration 0008 seeded, and the answer while no set is stored.
DEFAULT_FORM_SETS: tuple[FormSet, ...] = (FORMS_2018, FORMS_2025)
FORM_SETS = DEFAULT_FORM_SETS


def _pick(sets: list[FormSet], day: date) -> FormSet:
    """The set covering ``day`` (the latest-starting one if an administrator made two overlap); before every set,
    the first; in a gap or after every set, the last that started before ``day``."""
    ordered = sorted(sets, key=lambda s: s.valid_from)
    covering = [s for s in ordered if s.covers(day)]
    if covering:
        return covering[-1]
    started = [s for s in ordered if s.valid_from <= day]
    return started[-1] if started else ordered[0]


def default_form_set_for(day: date) -> FormSet:
    """The coded default set for ``day`` (no database)."""
    return _pick(list(DEFAULT_FORM_SETS), day)


def _from_rows(row: SlipFormSet, forms: list[SlipForm]) -> FormSet:
    return FormSet(
        code=row.code,
        circular=row.circular,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        legal_reference=row.legal_reference,
        confirmed=row.confirmed,
        forms=tuple(
            Form(
                kind=SlipKind(f.kind),
                number=f.number,
                title=f.title,
                legal_reference=f.legal_reference,
                wording=f.wording,
                confirmed=f.confirmed,
            )
            for f in forms
        ),
    )


def form_sets_stored() -> list[FormSet]:
    """Every stored set with its forms (two queries; the table holds a handful of rows)."""
    rows = list(SlipFormSet.objects.prefetch_related("forms").order_by("valid_from", "id"))
    return [_from_rows(row, list(row.forms.all())) for row in rows]


def form_set_for(day: date) -> FormSet:
    """The form set in force on ``day``, as the administrator keeps it; the coded defaults while none is stored."""
    stored = form_sets_stored()
    return _pick(stored, day) if stored else default_form_set_for(day)


def dossier_form_day(dossier) -> date:
    """The day that picks a dossier's form set: receipt, else submission, else creation (local dates)."""
    moment: datetime | None = dossier.received_at or dossier.submitted_at or dossier.created_at
    return timezone.localdate(moment) if moment is not None else timezone.localdate()
