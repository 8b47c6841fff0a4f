"""Monitors' pages: plans and targets, Excel import, PAR rule table, score tables with XLSX export.

Open to role ``monitor``, ``admin`` and superusers; anyone else signed in gets 403, anonymous users the login.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dvctt.accounts.models import Role
from dvctt.agencies.selectors import unit_names_by_code
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.plans import selectors, services
from dvctt.plans.exports import index_table, par_table, workbook_bytes
from dvctt.plans.forms import (
    ParFormSet,
    ParYearForm,
    PeriodForm,
    PlanForm,
    TargetGridForm,
    TargetUploadForm,
    YearForm,
    percent_text,
    steps_text,
)
from dvctt.plans.index_config import index_indicator
from dvctt.plans.models import IndexGroup, Plan
from dvctt.plans.services import ParRow, SheetRejected
from dvctt.plans.sheets import template_workbook

MONITOR_ROLES = frozenset({Role.MONITOR, Role.ADMIN})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_monitor(user: Any) -> bool:
    return bool(user.is_authenticated and (user.is_superuser or getattr(user, "role", None) in MONITOR_ROLES))


def monitor_required(view: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not is_monitor(request.user):
            raise PermissionDenied(_("Trang này dành cho cán bộ theo dõi kế hoạch."))
        return view(request, *args, **kwargs)

    return wrapper


def _crumbs(*items: tuple[Any, str | None]) -> list[dict[str, Any]]:
    crumbs: list[dict[str, Any]] = [{"label": _("Kế hoạch"), "url": reverse("plans:plan_list")}]
    return crumbs + [{"label": label, "url": url} for label, url in items]


def _plan_or_404(plan_id: int) -> Plan:
    try:
        return selectors.plan_get(plan_id=plan_id)
    except NotFoundError as exc:
        raise Http404(exc.message) from None


def _xlsx(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


# Plans and targets ------------------------------------------------------------------------------------------


@monitor_required
@require_http_methods(["GET", "POST"])
def plan_list(request: HttpRequest) -> HttpResponse:
    form = PlanForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                plan = services.plan_create(**form.cleaned_data)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã tạo kế hoạch %(n)s.") % {"n": plan.decision_number})
                return redirect("plans:plan_detail", plan_id=plan.pk)
        status = 400
    return render(
        request,
        "plans/plan_list.html",
        {"plans": list(selectors.plan_list()), "form": form, "breadcrumbs": _crumbs()},
        status=status,
    )


def _plan_year(request: HttpRequest, plan: Plan) -> tuple[YearForm, int]:
    years = [*plan.years, plan.end_year + 1]
    today_year = timezone.localdate().year
    default = today_year if today_year in years else plan.start_year
    form = YearForm(request.GET or None, years=years, initial={"nam": default})
    year = form.cleaned_data["nam"] if request.GET.get("nam") and form.is_valid() else default
    return form, year


@monitor_required
@require_http_methods(["GET", "POST"])
def plan_detail(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    year_form, year = _plan_year(request, plan)
    grid = selectors.target_grid(plan=plan, year=year)
    form = TargetGridForm(request.POST or None, rows=grid.rows, indicators=grid.indicators)
    status = 400 if request.GET.get("nam") and not year_form.is_valid() else 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.targets_save_year(plan=plan, year=year, values=form.values())
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Đã lưu chỉ tiêu năm %(y)s: %(s)s giá trị mới hoặc thay đổi, %(r)s giá trị bỏ.")
                    % {"y": year, "s": result["saved"], "r": result["removed"]},
                )
                return redirect(f"{reverse('plans:plan_detail', args=[plan.pk])}?nam={year}")
        status = 400
    return render(
        request,
        "plans/plan_detail.html",
        {
            "plan": plan,
            "year": year,
            "year_form": year_form,
            "form": form,
            "table": form.table(),
            "indicators": grid.indicators,
            "breadcrumbs": _crumbs((plan.decision_number, None)),
        },
        status=status,
    )


@monitor_required
@require_http_methods(["GET", "POST"])
def targets_upload(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = _plan_or_404(plan_id)
    years = [*plan.years, plan.end_year + 1]
    form = TargetUploadForm(request.POST or None, request.FILES or None, years=years)
    errors: list[Any] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            year = form.cleaned_data["year"]
            try:
                result = services.targets_import(plan=plan, year=year, stream=form.cleaned_data["file"])
            except SheetRejected as exc:
                errors = exc.errors
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Đã nhập %(t)s chỉ tiêu của %(r)s dòng cho năm %(y)s.")
                    % {"t": result["targets"], "r": result["rows"], "y": year},
                )
                return redirect(f"{reverse('plans:plan_detail', args=[plan.pk])}?nam={year}")
        status = 400
    return render(
        request,
        "plans/targets_upload.html",
        {
            "plan": plan,
            "form": form,
            "sheet_errors": errors,
            "breadcrumbs": _crumbs(
                (plan.decision_number, reverse("plans:plan_detail", args=[plan.pk])),
                (_("Nhập từ Excel"), None),
            ),
        },
        status=status,
    )


@monitor_required
def targets_template(request: HttpRequest) -> HttpResponse:
    """An example sheet for a year: the registry's plan indicators and the units active that year."""
    try:
        year = int(request.GET.get("nam") or timezone.localdate().year)
    except ValueError:
        year = timezone.localdate().year
    if not 2000 <= year <= 2100:
        year = timezone.localdate().year
    units = [
        selectors.UnitInfo(u.code, u.name, u.valid_from, u.valid_to)
        for u in selectors.units_active_in(year=year)
    ]
    return _xlsx(template_workbook(year=year, units=units), f"mau-chi-tieu-{year}.xlsx")


# PAR rules --------------------------------------------------------------------------------------------------


def _par_initial(year: int) -> list[dict[str, Any]]:
    return [
        {
            "indicator": c.indicator,
            "label": c.label,
            "threshold": percent_text(c.threshold),
            "points": c.points,
            "rule": c.rule,
            "steps": steps_text(c.steps),
        }
        for c in selectors.par_criteria_of(year=year)
    ]


@monitor_required
@require_http_methods(["GET", "POST"])
def par_rules(request: HttpRequest) -> HttpResponse:
    try:
        year = int(request.GET.get("nam") or timezone.localdate().year)
    except ValueError:
        year = 0
    if not 2000 <= year <= 2100:
        raise Http404(_("Năm không hợp lệ."))
    # Initial rows only for the blank form: compared with posted rows they would make unchanged rows "empty".
    if request.method == "POST":
        formset = ParFormSet(request.POST, prefix="tc")
    else:
        formset = ParFormSet(initial=_par_initial(year), prefix="tc")
    status = 200
    if request.method == "POST":
        if request.POST.get("copy_from"):
            try:
                services.par_criteria_copy(from_year=int(request.POST["copy_from"]), to_year=year)
            except (DomainError, ValueError) as exc:
                messages.error(request, getattr(exc, "message", _("Năm không hợp lệ.")))
            return redirect(f"{reverse('plans:par_rules')}?nam={year}")
        if formset.is_valid():
            rows = [
                ParRow(
                    indicator=f.cleaned_data["indicator"],
                    points=f.cleaned_data["points"],
                    threshold=f.cleaned_data["threshold"],
                    rule=f.cleaned_data["rule"],
                    steps=f.cleaned_data["steps"],
                    label=f.cleaned_data["label"],
                )
                for f in formset.forms
                if f.cleaned_data.get("indicator") and not f.cleaned_data.get("DELETE")
            ]
            try:
                services.par_criteria_save_year(year=year, rows=rows)
            except DomainError as exc:
                messages.error(request, exc.message)
            else:
                messages.success(request, _("Đã lưu %(n)s tiêu chí năm %(y)s.") % {"n": len(rows), "y": year})
                return redirect(f"{reverse('plans:par_rules')}?nam={year}")
        status = 400
    return render(
        request,
        "plans/par_rules.html",
        {
            "year": year,
            "formset": formset,
            "years": selectors.par_years(),
            "breadcrumbs": _crumbs((_("Tiêu chí Chỉ số CCHC"), None)),
        },
        status=status,
    )


# Scores -----------------------------------------------------------------------------------------------------


def _names(scores: dict[str, Any]) -> dict[str, str]:
    return unit_names_by_code(codes=scores["units"].keys())


@monitor_required
def index_scores(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"tu": date(today.year, 1, 1), "den": today})
    context: dict[str, Any] = {"form": form, "breadcrumbs": _crumbs((_("Điểm Bộ chỉ số 766"), None))}
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if request.GET else {"tu": date(today.year, 1, 1), "den": today}
        try:
            scores = selectors.index_scores_for(
                date_from=data["tu"], date_to=data["den"], units_mode=data.get("don_vi") or "period"
            )
        except DomainError as exc:
            context["error"] = exc.message
            status = 503 if exc.code == "kpi_unavailable" else 400
        else:
            header, rows = index_table(scores, _names(scores))
            if request.GET.get("format") == "xlsx":
                title = _("ĐIỂM BỘ CHỈ SỐ PHỤC VỤ NGƯỜI DÂN, DOANH NGHIỆP (QĐ 766)")
                subtitle = _("Kỳ %(f)s – %(t)s, cấu hình %(v)s") % {
                    "f": data["tu"].strftime("%d/%m/%Y"),
                    "t": data["den"].strftime("%d/%m/%Y"),
                    "v": scores["version"],
                }
                return _xlsx(
                    workbook_bytes(title=title, subtitle=subtitle, header=header, rows=rows),
                    f"diem-766-{data['tu']:%Y%m%d}-{data['den']:%Y%m%d}.xlsx",
                )
            context.update(
                {
                    "scores": scores,
                    "header": header,
                    "rows": rows,
                    "groups": [(g, dict(IndexGroup.choices).get(g, g)) for g in scores["group_points"]],
                    "items": [(code, index_indicator(code)) for code in scores["province"]["indicators"]],
                    "period": data,
                    "export_query": request.GET.urlencode(),
                }
            )
    return render(request, "plans/index_scores.html", context, status=status)


@monitor_required
def par_scores(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    form = ParYearForm(request.GET or None, initial={"nam": today.year})
    context: dict[str, Any] = {"form": form, "breadcrumbs": _crumbs((_("Điểm Chỉ số CCHC"), None))}
    status = 200
    if request.GET and not form.is_valid():
        status = 400
    else:
        year = form.cleaned_data["nam"] if request.GET else today.year
        units_mode = (form.cleaned_data.get("don_vi") if request.GET else None) or "period"
        try:
            scores = selectors.par_scores_for(year=year, units_mode=units_mode)
        except DomainError as exc:
            context["error"] = exc.message
            status = 503 if exc.code == "kpi_unavailable" else 400
        else:
            header, rows = par_table(scores, _names(scores))
            if request.GET.get("format") == "xlsx":
                title = _("ĐIỂM TIÊU CHÍ DỊCH VỤ CÔNG TRỰC TUYẾN, CHỈ SỐ CCHC NĂM %(y)s") % {"y": year}
                subtitle = _("Số liệu từ %(f)s đến %(t)s") % {
                    "f": date.fromisoformat(scores["from"]).strftime("%d/%m/%Y"),
                    "t": date.fromisoformat(scores["to"]).strftime("%d/%m/%Y"),
                }
                return _xlsx(
                    workbook_bytes(title=title, subtitle=subtitle, header=header, rows=rows),
                    f"diem-cchc-{year}.xlsx",
                )
            context.update(
                {
                    "scores": scores,
                    "header": header,
                    "rows": rows,
                    "year": year,
                    "export_query": request.GET.urlencode(),
                }
            )
    return render(request, "plans/par_scores.html", context, status=status)
