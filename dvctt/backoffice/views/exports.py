"""Registers and lists to print or export: the tracking register (slips API), late dossiers, dossiers received.

XLSX files are openpyxl write-only workbooks filled from a streamed query and sent from a temporary file, so
memory stays flat whatever the number of rows.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.accounts.scopes import user_can_see_personal_ids
from dvctt.backoffice.forms import PeriodForm
from dvctt.backoffice.views.access import breadcrumbs, official_required
from dvctt.common.errors import AccessDenied, DomainError, NotFoundError
from dvctt.common.masking import mask_id
from dvctt.common.spreadsheets import safe_row
from dvctt.dossiers import selectors_inbox as inbox
from dvctt.dossiers.models import RegisterExport
from dvctt.dossiers.slips.register import (
    register_count,
    register_open,
    register_pdf,
    register_pdf_inline_limit,
)
from dvctt.dossiers.slips.register_exports import (
    register_export_get_for_user,
    register_export_removed,
    register_export_removed_message,
    register_export_start,
    register_exports_for_user,
)
from dvctt.dossiers.states import Channel, Status

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _local(value: datetime | None) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y %H:%M") if value else ""


def _headers() -> list[str]:
    return [
        _("STT"),
        _("Mã hồ sơ"),
        _("Mã thủ tục"),
        _("Tên thủ tục"),
        _("Chủ hồ sơ"),
        _("Số định danh"),
        _("Kênh"),
        _("Trạng thái"),
        _("Ngày nộp"),
        _("Ngày tiếp nhận"),
        _("Hạn trả"),
        _("Ngày kết thúc xử lý"),
        _("Cán bộ xử lý"),
    ]


def _xlsx(
    *, user: User, title: str, sheet_name: str, rows: Iterable[tuple[Any, ...]], filename: str
) -> FileResponse:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    channels = dict(Channel.choices)
    statuses = dict(Status.choices)
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=sheet_name[:31])
    bold = Font(bold=True)
    heading = WriteOnlyCell(sheet, value=title)
    heading.font = bold
    sheet.append([heading])
    cells = []
    for text in _headers():
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        cells.append(cell)
    sheet.append(cells)
    for number, row in enumerate(rows, start=1):
        code, proc, name, applicant, id_number, unit_id, channel, status, sub, rec, due, end, who = row
        shown = id_number if user_can_see_personal_ids(user, unit_id) else mask_id(id_number)
        sheet.append(
            safe_row(
                sheet,
                [
                    number,
                    code,
                    proc,
                    name or "",
                    applicant,
                    shown,
                    str(channels.get(channel, channel)),
                    str(statuses.get(status, status)),
                    _local(sub),
                    _local(rec),
                    _local(due),
                    _local(end),
                    who or "",
                ],
            )
        )
    out = tempfile.TemporaryFile()  # noqa: SIM115 - FileResponse closes it once sent
    book.save(out)
    out.seek(0)
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX)


@official_required
def exports_page(request: HttpRequest) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"tu_ngay": today.replace(day=1), "den_ngay": today})
    register_url = ""
    if request.GET and form.is_valid() and user.unit_id:
        register_url = (
            reverse("api:dossier-register")
            + f"?unit={user.unit.code}&from={form.cleaned_data['tu_ngay']:%Y-%m-%d}"  # type: ignore[union-attr]
            + f"&to={form.cleaned_data['den_ngay']:%Y-%m-%d}"
        )
    return render(
        request,
        "backoffice/exports.html",
        {
            "form": form,
            "register_url": register_url,
            "register_exports": register_exports_for_user(user=user, limit=5),
            "period_query": request.GET.urlencode() if request.GET and form.is_valid() else "",
            "default_from": today.replace(day=1),
            "default_to": today,
            "breadcrumbs": breadcrumbs((_("Sổ và danh sách"), None)),
        },
        status=400 if request.GET and not form.is_valid() else 200,
    )


@official_required
def export_late(request: HttpRequest) -> FileResponse:
    user: User = request.user  # type: ignore[assignment]
    now = timezone.now()
    return _xlsx(
        user=user,
        title=_("Hồ sơ quá hạn"),
        sheet_name=_("Hồ sơ quá hạn"),
        rows=inbox.export_late_rows(user=user, now=now),
        filename=f"ho-so-qua-han-{timezone.localdate():%Y%m%d}.xlsx",
    )


@official_required
def export_received(request: HttpRequest) -> HttpResponseBase:
    user: User = request.user  # type: ignore[assignment]
    form = PeriodForm(request.GET)
    if not form.is_valid():
        return exports_page(request)
    start: date = form.cleaned_data["tu_ngay"]
    end: date = form.cleaned_data["den_ngay"]
    return _xlsx(
        user=user,
        title=_("Hồ sơ tiếp nhận %(start)s – %(end)s")
        % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}"},
        sheet_name=_("Hồ sơ tiếp nhận"),
        rows=inbox.export_received_rows(user=user, start=start, end=end),
        filename=f"ho-so-tiep-nhan-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
    )


@official_required
def register_pdf_start(request: HttpRequest) -> HttpResponseBase:
    """POST: the own unit's register as PDF: at once when short, else queued and the status page shown."""
    user: User = request.user  # type: ignore[assignment]
    form = PeriodForm(request.POST)
    if request.method != "POST" or user.unit is None:
        return redirect("backoffice:exports")
    register = None
    if form.is_valid():
        start: date = form.cleaned_data["tu_ngay"]
        end: date = form.cleaned_data["den_ngay"]
        try:
            register = register_open(unit=user.unit, start=start, end=end)
        except DomainError as error:
            form.add_error(None, error.message)
    if register is None:
        context = {
            "form": form,
            "register_exports": register_exports_for_user(user=user, limit=5),
            "breadcrumbs": breadcrumbs((_("Sổ và danh sách"), None)),
        }
        return render(request, "backoffice/exports.html", context, status=400)
    if register_count(register=register) <= register_pdf_inline_limit():
        response = HttpResponse(
            register_pdf(register=register, max_rows=None), content_type="application/pdf"
        )
        filename = f"so-theo-doi-{user.unit.code}-{start:%Y%m%d}-{end:%Y%m%d}.pdf"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
    export = register_export_start(user=user, unit=user.unit, start=start, end=end)
    return redirect("backoffice:register_export", export_id=export.pk)


@official_required
def register_export_page(request: HttpRequest, export_id: int) -> HttpResponse:
    """Progress of a long register's PDF; reloads itself (no script: the CSP allows none inline) until done."""
    user: User = request.user  # type: ignore[assignment]
    try:
        export = register_export_get_for_user(user=user, export_id=export_id)
    except NotFoundError as error:
        raise Http404(error.message) from None
    except AccessDenied as error:
        raise PermissionDenied(error.message) from None
    running = export.state in (RegisterExport.State.QUEUED, RegisterExport.State.RUNNING)
    return render(
        request,
        "backoffice/register_export.html",
        {
            "export": export,
            "running": running,
            # the retention job removed the PDF (docs/slips.md): say so instead of a link that would answer 404
            "removed_message": register_export_removed_message() if register_export_removed(export) else "",
            "breadcrumbs": breadcrumbs(
                (_("Sổ và danh sách"), reverse("backoffice:exports")), (_("Bản in sổ theo dõi hồ sơ"), None)
            ),
        },
    )
