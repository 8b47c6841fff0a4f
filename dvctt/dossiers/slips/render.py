"""Slips as PDF: the frame of every form (``slips/_base.html``) around the form's wording, laid out by WeasyPrint.

The wording (``slips/wording.py``) is the administrator's template text of the form in force, or the default file
``slips/wording/<kind>.html``, rendered in a sandbox over plain data (:func:`slip_data`). The frame (header,
form number, title, QR, footer) is the project's own template.

Fonts: the stylesheet names "DejaVu Sans", which pango resolves through fontconfig (fonts-dejavu-core on every
machine we run on); it carries every Vietnamese letter, so no font file ships with the project.
"""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone

from dvctt.dossiers.models import Dossier
from dvctt.dossiers.slips.content import SlipContent, fmt_dt, slip_content
from dvctt.dossiers.slips.forms import SlipKind
from dvctt.dossiers.slips.wording import wording_for


def qr_data_uri(text: str) -> str:
    """A PNG data URI of the QR code for ``text`` (error correction M: survives a smudged print)."""
    return segno.make(text, error="m").png_data_uri(scale=4, border=2)


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs a second the API need not pay at start

    return HTML(string=html).write_pdf()


def _unit(unit: Any) -> dict[str, str]:
    if unit is None:
        return {"name": "", "address": "", "phone": ""}
    return {"name": unit.name, "address": unit.address, "phone": unit.phone}


def _header(unit: Any) -> dict[str, Any]:
    parent = unit.parent if getattr(unit, "parent_id", None) else None
    return {"unit_name": unit.name, "parent_name": parent.name if parent is not None else ""}


def slip_data(content: SlipContent) -> dict[str, Any]:
    """Everything a form's wording may print, as plain values (no model instance reaches a template)."""
    dossier = content.dossier
    version = dossier.procedure_version
    form, form_set = content.form, content.form_set
    return {
        "d": {
            "code": dossier.code,
            "applicant_name": dossier.applicant_name,
            "applicant_address": dossier.applicant_address,
            "applicant_phone": dossier.applicant_phone,
            "applicant_email": dossier.applicant_email,
            "channel": dossier.get_channel_display(),
            "status": dossier.status_label,
            "unit": _unit(dossier.unit),
            "receiving_unit": _unit(dossier.receiving_unit),
        },
        "c": {
            "issuing_unit": _unit(content.issuing_unit),
            "components": [
                {"name": c.name, "paper_form": c.paper_form, "copies": c.copies, "electronic": c.electronic}
                for c in content.components
            ],
            "steps": [
                {
                    "step": s.step,
                    "at": fmt_dt(s.at),
                    "giver_name": s.giver_name,
                    "giver_unit": s.giver_unit,
                    "receiver_name": s.receiver_name,
                    "receiver_unit": s.receiver_unit,
                    "due_at": fmt_dt(s.due_at),
                    "judgement": s.judgement,
                    "note": s.note,
                }
                for s in content.steps
            ],
        },
        "v": dict(content.values),
        "form": {
            "number": form.number,
            "label": form.label,
            "title": str(form.title),
            "legal_reference": str(form.legal_reference),
        },
        "form_set": {
            "code": form_set.code,
            "circular": form_set.circular,
            "legal_reference": str(form_set.legal_reference),
        },
        "procedure_name": version.name if version is not None else dossier.procedure.code,
        "province": settings.PROVINCE_NAME,
        "day": content.values["issued_day"],
        "lookup_url": content.qr_text,
    }


def slip_html(*, dossier: Dossier, kind: SlipKind | str) -> str:
    content = slip_content(dossier=dossier, kind=kind)
    data = slip_data(content)
    wording = wording_for(kind=content.kind.value, source=content.form.wording, context=data)
    context = {
        **data,
        "wording": wording,
        "header": _header(content.issuing_unit),
        "qr": qr_data_uri(content.qr_text),
        "orientation": "landscape" if content.kind == SlipKind.CONTROL else "portrait",
        "printed_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    return render_to_string("slips/_base.html", context)


def slip_render(*, dossier: Dossier, kind: SlipKind | str) -> bytes:
    """The slip of ``kind`` for ``dossier`` as PDF bytes. DomainError when the slip does not apply."""
    return pdf_from_html(slip_html(dossier=dossier, kind=kind))


def sample_slip_data() -> dict[str, Any]:
    """Data shaped as :func:`slip_data` gives it, with every field filled: an edited wording is tried on it."""
    unit = {"name": "Sở Tư pháp", "address": "Số 1, đường Mẫu", "phone": "0205 000 000"}
    step = {
        "step": "Chuyển hồ sơ giải quyết",
        "at": "03/03/2025 10:00",
        "giver_name": "Cán bộ một cửa",
        "giver_unit": unit["name"],
        "receiver_name": "Chuyên viên",
        "receiver_unit": unit["name"],
        "due_at": "06/03/2025 09:00",
        "judgement": "Trước hạn",
        "note": "",
    }
    return {
        "d": {
            "code": "000.00.12.H38-250303-0001",
            "applicant_name": "Nguyễn Văn A",
            "applicant_address": "Lạng Sơn",
            "applicant_phone": "0912000000",
            "applicant_email": "a@example.vn",
            "channel": "Trực tuyến",
            "status": "Đang xử lý",
            "unit": unit,
            "receiving_unit": unit,
        },
        "c": {
            "issuing_unit": unit,
            "components": [{"name": "Tờ khai", "paper_form": "bản chính", "copies": 1, "electronic": True}],
            "steps": [step],
        },
        "v": {
            key: "03/03/2025 09:00"
            for key in (
                "received_at",
                "submitted_at",
                "due_at",
                "issued_at",
                "deadline",
                "previous_due_at",
                "new_due_at",
                "new_due_since",
                "current_due_at",
            )
        }
        | {
            "actor": "Cán bộ",
            "new_due_why": "sau khi Ông/Bà bổ sung hồ sơ",
            "issued_day": timezone.localdate(),
            "time_limit": "03 ngày làm việc",
            "return_method": "Trực tuyến",
            "return_place": "Cổng Dịch vụ công",
            "sets": "01",
            "content": "Nội dung",
            "reasons": "Lý do",
            "reason": "Lý do",
            "second_request_reason": "",
            "status": "Đang xử lý",
            "reschedules": ["05/03/2025 15:00: hẹn lại"],
        },
        "form": {"number": "01", "label": "Mẫu số 01", "title": "Tên mẫu", "legal_reference": "Căn cứ"},
        "form_set": {"code": "2025", "circular": "03/2025/TT-VPCP", "legal_reference": "Căn cứ"},
        "procedure_name": "Thủ tục",
        "province": settings.PROVINCE_NAME,
        "day": timezone.localdate(),
        "lookup_url": "https://example.vn/tra-cuu/?ma=X",
    }
