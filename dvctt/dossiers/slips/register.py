"""The tracking register (Sổ theo dõi hồ sơ) of one unit over a date range, as XLSX or landscape PDF.

Rows are the dossiers the unit received (its own intake, not the child records of inter-agency forwarding) or
handles as the competent unit, with a receipt date in the range (local days, both ends included). They are read
in chunks (``QuerySet.iterator``) and written as they come: a year of a busy unit (10,000+ rows) never sits in
memory as model instances. The form (number, title) is the set in force on the last day of the range.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from io import BytesIO
from typing import IO, Any

from django.conf import settings
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from dvctt.agencies.models import Unit
from dvctt.common.errors import DomainError
from dvctt.dossiers.models import Dossier, DossierEvent, Outcome
from dvctt.dossiers.slips.forms import Form, FormSet, SlipKind, form_set_for
from dvctt.dossiers.states import Status

#: Longest range one register covers: a calendar year and a day (a leap year's register).
MAX_DAYS = 366
#: A PDF of at most this many rows is made during the request (well under a second); a longer one by a background
#: task that writes it to storage and records its progress (``register_exports.py``; docs/slips.md).
PDF_MAX_ROWS = 500


def register_pdf_inline_limit() -> int:
    """Rows up to which a PDF is made during the request (``DVCTT_REGISTER_PDF_INLINE_ROWS``, 500)."""
    return int(getattr(settings, "DVCTT_REGISTER_PDF_INLINE_ROWS", PDF_MAX_ROWS))


CHUNK_SIZE = 2_000

#: The columns of the register form, in its order.
COLUMNS: tuple[tuple[str, Any, int], ...] = (
    ("stt", _("STT"), 6),
    ("code", _("Mã hồ sơ"), 26),
    ("procedure", _("Tên thủ tục hành chính"), 40),
    ("sets", _("Số lượng hồ sơ (bộ)"), 9),
    ("applicant", _("Tên cá nhân, tổ chức"), 26),
    ("contact", _("Địa chỉ, số điện thoại"), 28),
    ("unit", _("Cơ quan chủ trì giải quyết"), 26),
    ("received_at", _("Ngày nhận hồ sơ"), 17),
    ("due_at", _("Hẹn trả kết quả"), 17),
    ("forwarded_at", _("Ngày chuyển hồ sơ đến cơ quan giải quyết"), 17),
    ("ended_at", _("Ngày nhận kết quả từ cơ quan giải quyết"), 17),
    ("result", _("Kết quả giải quyết"), 22),
    ("returned_at", _("Ngày trả kết quả"), 17),
    ("note", _("Ghi chú"), 24),
)

DATE_COLUMNS = frozenset({"received_at", "due_at", "forwarded_at", "ended_at", "returned_at"})


@dataclass
class RegisterTotals:
    rows: int = 0
    ended: int = 0
    returned: int = 0
    on_time: int = 0
    late: int = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows += 1
        if row["ended_at"] is not None:
            self.ended += 1
            if row["_late"]:
                self.late += 1
            else:
                self.on_time += 1
        if row["returned_at"] is not None:
            self.returned += 1

    def summary(self) -> str:
        return gettext(
            "Tổng số: %(rows)s hồ sơ; đã có kết quả: %(ended)s (đúng hạn %(on_time)s, quá hạn %(late)s); "
            "đã trả kết quả: %(returned)s."
        ) % {
            "rows": self.rows,
            "ended": self.ended,
            "on_time": self.on_time,
            "late": self.late,
            "returned": self.returned,
        }


@dataclass
class Register:
    unit: Unit
    start: date
    end: date
    form_set: FormSet
    form: Form
    totals: RegisterTotals = field(default_factory=RegisterTotals)


def register_period_check(*, start: date, end: date) -> None:
    if start > end:
        raise DomainError(
            gettext("Ngày bắt đầu (%(start)s) sau ngày kết thúc (%(end)s).")
            % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            code="invalid_period",
            fields={"from": [gettext("Phải trước hoặc bằng ngày kết thúc.")]},
        )
    if (end - start).days + 1 > MAX_DAYS:
        raise DomainError(
            gettext("Sổ theo dõi hồ sơ lập cho tối đa %(n)s ngày một lần.") % {"n": MAX_DAYS},
            code="invalid_period",
            fields={"to": [gettext("Khoảng thời gian quá dài.")]},
        )


def register_open(*, unit: Unit, start: date, end: date) -> Register:
    register_period_check(start=start, end=end)
    form_set = form_set_for(end)
    return Register(unit=unit, start=start, end=end, form_set=form_set, form=form_set.form(SlipKind.REGISTER))


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz),
    )


_FIELDS = (
    "code",
    "procedure__code",
    "procedure_version__name",
    "applicant_name",
    "applicant_address",
    "applicant_phone",
    "unit__name",
    "received_at",
    "due_at",
    "first_due_at",
    "forwarded_at",
    "ended_at",
    "outcome",
    "status",
    "returned_at",
)


def register_queryset(*, unit: Unit, start: date, end: date):
    low, high = _bounds(start, end)
    first_forward = (
        DossierEvent.objects.filter(dossier=OuterRef("pk"), action="forward").order_by("seq").values("at")[:1]
    )
    return (
        Dossier.objects.filter(
            Q(receiving_unit=unit, parent__isnull=True) | Q(unit=unit),
            received_at__gte=low,
            received_at__lt=high,
            is_test=False,
        )
        .annotate(forwarded_at=Subquery(first_forward))
        .order_by("received_at", "id")
        .values_list(*_FIELDS)
    )


def _result_label(outcome: str, status: int) -> str:
    if outcome:
        return str(Outcome(outcome).label)
    return str(Status(status).label) if status in Status.values else ""


def register_rows(*, register: Register, chunk_size: int = CHUNK_SIZE) -> Iterator[dict[str, Any]]:
    """One dict per dossier, in receipt order, read ``chunk_size`` rows at a time; totals add up as rows go."""
    qs = register_queryset(unit=register.unit, start=register.start, end=register.end)
    for n, values in enumerate(qs.iterator(chunk_size=chunk_size), start=1):
        r = dict(zip(_FIELDS, values, strict=True))
        late = bool(r["ended_at"] and r["due_at"] and r["ended_at"] > r["due_at"])
        notes = []
        if r["ended_at"] is not None:
            notes.append(gettext("Quá hạn") if late else gettext("Đúng hạn"))
        if r["first_due_at"] and r["due_at"] and r["due_at"] != r["first_due_at"]:
            notes.append(gettext("Đã xin lỗi, hẹn lại"))
        contact = ", ".join(x for x in (r["applicant_address"], r["applicant_phone"]) if x)
        row = {
            "stt": n,
            "code": r["code"],
            "procedure": r["procedure_version__name"] or r["procedure__code"],
            "sets": 1,
            "applicant": r["applicant_name"],
            "contact": contact,
            "unit": r["unit__name"],
            "received_at": r["received_at"],
            "due_at": r["due_at"],
            "forwarded_at": r["forwarded_at"],
            "ended_at": r["ended_at"],
            "result": _result_label(r["outcome"], r["status"]),
            "returned_at": r["returned_at"],
            "note": "; ".join(notes),
            "_late": late,
        }
        register.totals.add(row)
        yield row


def _local_naive(value: datetime | None) -> datetime | None:
    # Spreadsheet cells have no time zone: write the local wall-clock time the register shows.
    if value is None:
        return None
    return timezone.localtime(value).replace(tzinfo=None)


def register_heading(register: Register) -> list[str]:
    return [
        gettext("%(form)s — ban hành kèm theo Thông tư số %(circular)s")
        % {"form": register.form.label, "circular": register.form_set.circular},
        register.unit.name.upper(),
        str(register.form.title).upper(),
        gettext("Từ ngày %(start)s đến ngày %(end)s")
        % {"start": register.start.strftime("%d/%m/%Y"), "end": register.end.strftime("%d/%m/%Y")},
    ]


def register_xlsx(*, register: Register, out: IO[bytes], chunk_size: int = CHUNK_SIZE) -> RegisterTotals:
    """Write the register as XLSX to ``out`` (a write-only workbook: rows go to disk as they are produced)."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    from dvctt.common.spreadsheets import safe_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title=gettext("So theo doi"))
    for i, (_key, _label, width) in enumerate(COLUMNS, start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.freeze_panes = "C8"
    bold = Font(bold=True)

    def cell(
        value: Any, *, font: Font | None = None, fmt: str | None = None, wrap: bool = False
    ) -> WriteOnlyCell:
        c = WriteOnlyCell(ws, value=value)
        if font is not None:
            c.font = font
        if fmt is not None:
            c.number_format = fmt
        if wrap:
            c.alignment = Alignment(wrap_text=True, vertical="top")
        return c

    form_line, unit_line, title, period = register_heading(register)
    ws.append([cell(form_line, font=Font(italic=True))])
    ws.append([cell(unit_line, font=bold)])
    ws.append([cell(title, font=Font(bold=True, size=14))])
    ws.append([cell(period)])
    ws.append([])
    ws.append([cell(str(label), font=bold, wrap=True) for _key, label, _w in COLUMNS])
    ws.append([cell(f"({i})", font=Font(italic=True)) for i in range(1, len(COLUMNS) + 1)])
    for row in register_rows(register=register, chunk_size=chunk_size):
        ws.append(
            safe_row(
                ws,
                [
                    cell(_local_naive(row[key]), fmt="dd/mm/yyyy hh:mm") if key in DATE_COLUMNS else row[key]
                    for key, _label, _w in COLUMNS
                ],
            )
        )
    ws.append([])
    ws.append([cell(register.totals.summary(), font=bold)])
    wb.save(out)
    return register.totals


def register_count(*, register: Register) -> int:
    return register_queryset(unit=register.unit, start=register.start, end=register.end).count()


def register_pdf(
    *, register: Register, chunk_size: int = CHUNK_SIZE, max_rows: int | None = PDF_MAX_ROWS
) -> bytes:
    """The register as a landscape A4 PDF (ReportLab, ``register_pdf.py``), in memory: for a request.

    Refuses (DomainError ``too_many_rows``) a register longer than ``max_rows`` before any layout; a longer one
    is written to storage by a background task (``register_exports.register_export_start``).
    """
    from dvctt.dossiers.slips.register_pdf import register_pdf_write

    if max_rows is not None and (count := register_count(register=register)) > max_rows:
        raise DomainError(
            gettext(
                "Sổ có %(count)s hồ sơ, bản PDF lập ngay tối đa %(n)s hồ sơ: bản dài hơn được lập ở chế độ nền."
            )
            % {"count": count, "n": max_rows},
            code="too_many_rows",
        )
    out = BytesIO()
    register_pdf_write(register=register, out=out, chunk_size=chunk_size)
    return out.getvalue()
