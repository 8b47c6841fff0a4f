"""The report page under the steering dashboards (/theo-doi/bao-cao/): the period chooser, the table of form 06 or
07a, and the same report as XLSX or PDF. Thin adapters over reports.selectors (docs/reports.md).

Monitors, PPC leaders and admins read the province; a unit leader reads the dossiers and rows of their unit and
its sub-units (accounts.scopes); anyone else signed in gets a Vietnamese 403 page, anonymous users the login.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.common.errors import AccessDenied, DomainError
from dvctt.reports import figures as f
from dvctt.reports.exports import PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, report_pdf, report_xlsx
from dvctt.reports.layout import ReportSheet, report_sheet
from dvctt.reports.models import ReportState
from dvctt.reports.selectors import ReportScope, report_for, report_issuer, report_labels, report_scope_for
from dvctt.reports.windows import CALENDAR, KINDS, NATIONAL, REGIMES, Window, window_parse
from dvctt.reports.workflow import (
    action_label,
    may_create,
    moves_for,
    report_create,
    report_current_figures,
    report_move,
    report_restatements,
    reports_visible_to,
)

FORM_CHOICES = ((f.FORM_UNITS, _("Biểu 06 — theo đơn vị")), (f.FORM_FIELDS, _("Biểu 07a — theo lĩnh vực")))
UNITS_CHOICES = (("period", _("Đơn vị như trong kỳ")), ("current", _("Theo đơn vị hiện nay")))
DOWNLOADS = {"xlsx": XLSX_CONTENT_TYPE, "pdf": PDF_CONTENT_TYPE}


def _page(request: HttpRequest, context: dict[str, Any], *, status: int = 200) -> HttpResponse:
    base = {
        "tab": "reports",
        "typed": request.GET,
        "form_choices": [(value, str(label)) for value, label in FORM_CHOICES],
        "units_choices": [(value, str(label)) for value, label in UNITS_CHOICES],
        "kinds": KINDS,
        "regimes": REGIMES,
        "national": NATIONAL,
        "calendar": CALENDAR,
        "months": range(1, 13),
    }
    return render(request, "reports/report_page.html", {**base, **context}, status=status)


def _scope(request: HttpRequest) -> ReportScope | HttpResponse:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        return report_scope_for(request.user)
    except AccessDenied as exc:
        return _page(request, {"error": exc.message}, status=403)


def _choices(request: HttpRequest) -> tuple[str, str, Window]:
    """The form, the units mode and the window the query string asks for (DomainError when they are wrong)."""
    form = request.GET.get("bieu") or f.FORM_UNITS
    units_mode = request.GET.get("donvi") or "period"
    return form, units_mode, window_parse(request.GET, today=timezone.localdate())


def _sheet(request: HttpRequest, scope: ReportScope) -> tuple[ReportSheet, Window, str, str]:
    form, units_mode, window = _choices(request)
    data = report_for(
        scope=scope, form=form, date_from=window.date_from, date_to=window.date_to, units_mode=units_mode
    )
    sheet = report_sheet(
        data=data,
        labels=report_labels(form=form, keys=data["rows"]),
        issuer=report_issuer(scope=scope, user=request.user),
        on=timezone.localdate(),
        window_label=window.label,
        total_label=None if scope.province else _("Cộng các đơn vị trong phạm vi"),
    )
    return sheet, window, form, units_mode


def report_page(request: HttpRequest) -> HttpResponse:
    scope = _scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    try:
        sheet, window, form, units_mode = _sheet(request, scope)
    except DomainError as exc:
        return _page(request, {"error": exc.message}, status=exc.http_status)
    query = urlencode({"bieu": form, "donvi": units_mode, **window.params()})
    return _page(
        request,
        {
            "sheet": sheet,
            "window": window,
            "form": form,
            "units_mode": units_mode,
            "province": scope.province,
            "xlsx_url": f"{reverse('reports:download', args=['xlsx'])}?{query}",
            "pdf_url": f"{reverse('reports:download', args=['pdf'])}?{query}",
            "stored": list(reports_visible_to(request.user)[:20]),
            "can_store": may_create(request.user),
        },
    )


def report_download(request: HttpRequest, fmt: str) -> HttpResponse:
    scope = _scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    if fmt not in DOWNLOADS:
        return _page(request, {"error": _("Chỉ tải được XLSX hoặc PDF.")}, status=404)
    try:
        sheet, window, form, _units = _sheet(request, scope)
    except DomainError as exc:
        return _page(request, {"error": exc.message}, status=exc.http_status)
    content = report_xlsx(sheet) if fmt == "xlsx" else report_pdf(sheet)
    response = HttpResponse(content, content_type=DOWNLOADS[fmt])
    name = f"bieu-{form}-{window.date_from:%Y%m%d}-{window.date_to:%Y%m%d}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


# --- stored reports: draft → submitted → received → approved ------------------------------------------------


@require_POST
def stored_create(request: HttpRequest) -> HttpResponse:
    """Store the report the page shows as a draft of the reader's unit (or of the province)."""
    scope = _scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    try:
        form, units_mode, window = _choices(request)
        report = report_create(
            actor=request.user,
            form=form,
            date_from=window.date_from,
            date_to=window.date_to,
            units_mode=units_mode,
        )
    except DomainError as exc:
        return _page(request, {"error": exc.message}, status=exc.http_status)
    messages.success(request, _("Đã lập dự thảo báo cáo."))
    return redirect("reports:stored", report_id=report.pk)


def _stored_or_404(request: HttpRequest, report_id: int) -> Any:
    report = reports_visible_to(request.user).filter(pk=report_id).first()
    if report is None:
        raise Http404(_("Không có báo cáo này, hoặc bạn không được xem."))
    return report


def stored_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    scope = _scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    report = _stored_or_404(request, report_id)
    data = report.data if report.data is not None else report_current_figures(report=report)
    sheet = report_sheet(
        data=data,
        labels=report_labels(form=report.form, keys=data["rows"]),
        issuer=report_issuer(scope=scope, user=request.user if report.unit_id else None),
        on=timezone.localdate(),
    )
    labels = report_labels(
        form=report.form, keys=[r.key for r in report_restatements(report=report) if r.key]
    )
    return render(
        request,
        "reports/report_stored.html",
        {
            "tab": "reports",
            "report": report,
            "sheet": sheet,
            "events": [
                {
                    "at": e.at,
                    "actor": e.actor,
                    "action": action_label(e.action),
                    "to_state": ReportState(e.to_state).label,
                    "note": e.note,
                }
                for e in report.events.select_related("actor")
            ],
            "moves": moves_for(actor=request.user, report=report),
            "restatements": [
                {"r": r, "label": labels.get(r.key, r.key) if r.key else _("Tổng cộng")}
                for r in report_restatements(report=report)
            ],
        },
    )


@require_POST
def stored_move(request: HttpRequest, report_id: int, action: str) -> HttpResponse:
    scope = _scope(request)
    if isinstance(scope, HttpResponse):
        return scope
    report = _stored_or_404(request, report_id)
    try:
        report_move(
            report_id=report.pk, actor=request.user, action=action, note=request.POST.get("ghi_chu", "")
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cập nhật trạng thái báo cáo."))
    return redirect("reports:stored", report_id=report.pk)


# --- the PPC leader's brief (reports.brief) -------------------------------------------------------------------

#: Who reads the brief: the PPC's leaders and the department that follows the plan (and admins).
BRIEF_ROLES = frozenset({"ppc_leader", "monitor", "admin"})


def brief_page(request: HttpRequest) -> HttpResponse:
    """/theo-doi/bao-cao/ban-tom-tat/?period=2025-03 (or 2025-Q1); ``&xuat=pdf`` downloads the one-page PDF."""
    from dvctt.reports.brief import brief_compute, brief_context, brief_pdf

    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    user: Any = request.user
    context: dict[str, Any] = {"tab": "reports", "typed_period": request.GET.get("period", "")}
    if not (user.is_superuser or user.role in BRIEF_ROLES):
        context["error"] = _("Bản tóm tắt dành cho lãnh đạo UBND tỉnh và cán bộ theo dõi kế hoạch.")
        return render(request, "reports/brief_page.html", context, status=403)
    today = timezone.localdate()
    period = request.GET.get("period") or f"{today:%Y-%m}"
    context["typed_period"] = period
    try:
        brief = brief_compute(period_text=period, today=today)
    except DomainError as exc:
        context["error"] = exc.message
        return render(request, "reports/brief_page.html", context, status=exc.http_status)
    if request.GET.get("xuat") == "pdf":
        response = HttpResponse(brief_pdf(brief), content_type=PDF_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="ban-tom-tat-{period}.pdf"'
        return response
    context |= brief_context(brief)
    context["pdf_url"] = f"{reverse('reports:brief')}?{urlencode({'period': period, 'xuat': 'pdf'})}"
    return render(request, "reports/brief_page.html", context)
