"""Slips as PDF: a Django template per form, laid out by WeasyPrint.

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
from dvctt.dossiers.slips.content import SlipContent, slip_content
from dvctt.dossiers.slips.forms import SlipKind


def qr_data_uri(text: str) -> str:
    """A PNG data URI of the QR code for ``text`` (error correction M: survives a smudged print)."""
    return segno.make(text, error="m").png_data_uri(scale=4, border=2)


def pdf_from_html(html: str) -> bytes:
    from weasyprint import HTML  # imported late: loading pango costs a second the API need not pay at start

    return HTML(string=html).write_pdf()


def _header(unit: Any) -> dict[str, Any]:
    parent = unit.parent if getattr(unit, "parent_id", None) else None
    return {"unit_name": unit.name, "parent_name": parent.name if parent is not None else ""}


def slip_html(*, dossier: Dossier, kind: SlipKind | str) -> str:
    content: SlipContent = slip_content(dossier=dossier, kind=kind)
    day = content.values["issued_day"]
    version = dossier.procedure_version
    context = {
        "c": content,
        "d": dossier,
        "v": content.values,
        "form": content.form,
        "form_set": content.form_set,
        "header": _header(content.issuing_unit),
        "province": settings.PROVINCE_NAME,
        "day": day,
        "procedure_name": version.name if version is not None else dossier.procedure.code,
        "qr": qr_data_uri(content.qr_text),
        "lookup_url": content.qr_text,
        "printed_at": timezone.localtime().strftime("%d/%m/%Y %H:%M"),
    }
    return render_to_string(f"slips/{content.kind.value}.html", context)


def slip_render(*, dossier: Dossier, kind: SlipKind | str) -> bytes:
    """The slip of ``kind`` for ``dossier`` as PDF bytes. DomainError when the slip does not apply."""
    return pdf_from_html(slip_html(dossier=dossier, kind=kind))
