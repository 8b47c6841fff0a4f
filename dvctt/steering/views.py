"""The task and difficulty pages under /theo-doi/nhiem-vu/ and /theo-doi/kho-khan/ (docs/steering.md).

Thin adapters: parse, fetch through steering.selectors (scoped to the reader), call one service, render. Bad
input is shown on the page in Vietnamese; a reader without the right gets a Vietnamese 403 page, anonymous
users the login.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.agencies.selectors import units_in_force
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.common.files import stored_file_response
from dvctt.plans.models import Plan

from . import access, selectors, services
from .forms import DifficultyForm, ProgressForm, TaskForm, TaskImportForm
from .models import DifficultyCategory, DifficultyState, TaskState
from .sheets import tasks_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
MAX_DUE_WITHIN = 250


def _error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "steering/error.html", {"message": message, "status": status}, status=status)


def _gate(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.can_use_steering(request.user):
        return _error(
            request,
            _(
                "Trang này dành cho cán bộ các cơ quan, đơn vị, cán bộ theo dõi kế hoạch và lãnh đạo UBND tỉnh."
            ),
            status=403,
        )
    return None


def _crumbs(*items: tuple[str, str | None]) -> list[dict[str, Any]]:
    return [{"label": _("Theo dõi"), "url": reverse("dashboards:overview")}] + [
        {"label": label, "url": url} for label, url in items
    ]


def _page_of(request: HttpRequest, items: Any) -> Any:
    paginator = Paginator(items, PAGE_SIZE)
    try:
        return paginator.page(request.GET.get("trang") or 1)
    except (EmptyPage, PageNotAnInteger):
        raise NotFoundError(
            _("Trang “%(p)s” không có trong danh sách.") % {"p": request.GET.get("trang")}
        ) from None


# Tasks ------------------------------------------------------------------------------------------------------


def _task_filters(request: HttpRequest) -> selectors.TaskFilters:
    get = request.GET
    state = get.get("tt", "")
    if state and state not in TaskState.values:
        raise DomainError(_("Trạng thái “%(s)s” không hợp lệ.") % {"s": state})
    due_within = None
    if get.get("han", "").strip():
        try:
            due_within = int(get["han"])
        except ValueError:
            due_within = -1
        if not 0 <= due_within <= MAX_DUE_WITHIN:
            raise DomainError(
                _("Số ngày làm việc “%(n)s” không hợp lệ: nhập từ 0 đến %(max)s.")
                % {"n": get["han"], "max": MAX_DUE_WITHIN}
            )
    plan_id = None
    if get.get("kh", "").strip():
        try:
            plan_id = int(get["kh"])
        except ValueError:
            raise DomainError(_("Kế hoạch “%(p)s” không hợp lệ.") % {"p": get["kh"]}) from None
    return selectors.TaskFilters(
        unit=get.get("dv", "").strip(),
        state=state,
        overdue=get.get("qh") == "1",
        due_within=due_within,
        plan_id=plan_id,
        query=get.get("q", "").strip()[:100],
    )


def _task_row(task: Any, *, today: Any, limit: Any) -> dict[str, Any]:
    flag = selectors.task_flag(task, today=today, limit=limit)
    return {
        "task": task,
        "flag": flag,
        "flag_label": selectors.FLAG_LABELS.get(flag, ""),
        "days_late": (today - task.deadline).days if flag == selectors.OVERDUE else 0,
    }


def task_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    today = timezone.localdate()
    try:
        filters = _task_filters(request)
    except DomainError as exc:
        return _error(request, exc.message, status=400)
    tasks = selectors.task_list(user=request.user, filters=filters, today=today)
    limit = selectors.nearly_due_limit(today=today)
    if request.GET.get("xuat") == "xlsx":
        return _tasks_xlsx(tasks, today=today, limit=limit)
    try:
        page = _page_of(request, tasks)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    query = {k: v for k, v in request.GET.items() if k not in ("trang", "xuat") and v}
    return render(
        request,
        "steering/task_list.html",
        {
            "rows": [_task_row(t, today=today, limit=limit) for t in page.object_list],
            "page": page,
            "filters": filters,
            "typed": request.GET,
            "states": TaskState.choices,
            "plans": Plan.objects.all(),
            "summary": selectors.dashboard_task_summary(request.user, today),
            "query": urlencode(query),
            "export_url": "?" + urlencode({**query, "xuat": "xlsx"}),
            "can_manage": access.can_manage_tasks(request.user),
            "breadcrumbs": _crumbs((_("Nhiệm vụ của kế hoạch"), None)),
            "tab": "tasks",
        },
    )


def _tasks_xlsx(tasks: Any, *, today: Any, limit: Any) -> HttpResponse:
    rows = []
    for task in tasks:
        flag = selectors.task_flag(task, today=today, limit=limit)
        rows.append(
            {
                "code": task.code,
                "title": task.title,
                "description": task.description,
                "lead": task.lead_unit.code,
                "cooperating": "; ".join(u.code for u in task.cooperating_units.all()),
                "start_date": task.start_date,
                "deadline": task.deadline,
                "expected_result": task.expected_result,
                "state": task.get_state_display(),
                "percent": task.percent,
                "flag": str(selectors.FLAG_LABELS.get(flag, "")),
                "last": timezone.localtime(task.last_progress_at).strftime("%d/%m/%Y %H:%M")
                if task.last_progress_at
                else "",
            }
        )
    content = tasks_workbook(
        title=_("NHIỆM VỤ CỦA KẾ HOẠCH (xuất ngày %(d)s)") % {"d": f"{today:%d/%m/%Y}"}, rows=rows
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="nhiem-vu-{today:%Y%m%d}.xlsx"'
    return response


def task_create(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if not access.can_manage_tasks(request.user):
        return _error(request, _("Chỉ cán bộ theo dõi kế hoạch được giao nhiệm vụ."), status=403)
    form = TaskForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                task = services.task_create(
                    actor=request.user,
                    plan=data["plan"],
                    code=data["code"],
                    title=data["title"],
                    description=data["description"],
                    lead_unit=data["lead_unit"],
                    cooperating_units=list(data["cooperating_units"]),
                    start_date=data["start_date"],
                    deadline=data["deadline"],
                    expected_result=data["expected_result"],
                )
            except DomainError as exc:
                for name, errors in exc.fields.items():
                    if name in form.fields:
                        form.add_error(name, errors)
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã giao nhiệm vụ %(c)s.") % {"c": task.code})
                return redirect("steering:task", task_id=task.pk)
        status = 400
    return render(
        request,
        "steering/task_form.html",
        {
            "form": form,
            "breadcrumbs": _crumbs(
                (_("Nhiệm vụ của kế hoạch"), reverse("steering:tasks")), (_("Giao nhiệm vụ"), None)
            ),
        },
        status=status,
    )


def task_import(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if not access.can_manage_tasks(request.user):
        return _error(request, _("Chỉ cán bộ theo dõi kế hoạch được nhập nhiệm vụ."), status=403)
    form = TaskImportForm(request.POST or None, request.FILES or None)
    sheet_errors: list[Any] = []
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                result = services.tasks_import(
                    actor=request.user, plan=form.cleaned_data["plan"], stream=form.cleaned_data["file"]
                )
            except services.TaskSheetRejected as exc:
                sheet_errors = exc.errors
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(
                    request,
                    _("Đã nhập %(n)s nhiệm vụ: %(c)s mới, %(u)s cập nhật.")
                    % {"n": result["rows"], "c": result["created"], "u": result["updated"]},
                )
                return redirect("steering:tasks")
    return render(
        request,
        "steering/task_import.html",
        {
            "form": form,
            "sheet_errors": sheet_errors,
            "breadcrumbs": _crumbs(
                (_("Nhiệm vụ của kế hoạch"), reverse("steering:tasks")), (_("Nhập từ Excel"), None)
            ),
        },
        status=status,
    )


def task_template(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    example = {
        "code": "NV-01",
        "title": "Rà soát, cắt giảm thành phần hồ sơ của thủ tục cung cấp trực tuyến toàn trình",
        "description": "",
        "lead": "000.00.14.H38",
        "cooperating": "000.00.02.H38; 000.00.01.H38",
        "start_date": timezone.localdate(),
        "deadline": timezone.localdate(),
        "expected_result": "Danh sách thủ tục đề xuất",
    }
    content = tasks_workbook(title=_("NHIỆM VỤ CỦA KẾ HOẠCH"), rows=[example], with_progress=False)
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="mau-nhiem-vu.xlsx"'
    return response


def _task_page(
    request: HttpRequest, task_id: int, *, form: ProgressForm | None = None, status: int = 200
) -> HttpResponse:
    try:
        task = selectors.task_get_for(user=request.user, task_id=task_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    today = timezone.localdate()
    units = selectors.task_report_units(user=request.user, task=task)
    if form is None and units and task.state == TaskState.OPEN:
        form = ProgressForm(units=units, initial={"unit": units[0].pk, "percent": task.percent})
    labels = {**services.TASK_ACTION_LABELS, **services.TASK_MOVE_LABELS}
    events = [
        {
            "at": e.at,
            "actor": e.actor or _("Hệ thống"),
            "label": labels.get(e.action, e.action),
            "note": e.payload.get("note", "") if isinstance(e.payload, dict) else "",
        }
        for e in task.events.select_related("actor")
    ]
    return render(
        request,
        "steering/task_detail.html",
        {
            "task": task,
            "row": _task_row(task, today=today, limit=selectors.nearly_due_limit(today=today)),
            "units": selectors.task_units(task),
            "progress": list(reversed(task.progress.all())),
            "events": events,
            "form": form if task.state == TaskState.OPEN else None,
            "moves": [
                (name, services.TASK_MOVE_LABELS[name])
                for name in services.task_moves_for(actor=request.user, task=task)
            ],
            "breadcrumbs": _crumbs(
                (_("Nhiệm vụ của kế hoạch"), reverse("steering:tasks")), (task.code, None)
            ),
        },
        status=status,
    )


def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    return _task_page(request, task_id)


@require_POST
def task_report(request: HttpRequest, task_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        task = selectors.task_get_for(user=request.user, task_id=task_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    units = selectors.task_report_units(user=request.user, task=task)
    if not units:
        return _error(request, _("Bạn không báo cáo được tiến độ nhiệm vụ này."), status=403)
    form = ProgressForm(request.POST, request.FILES, units=units)
    if not form.is_valid():
        return _task_page(request, task_id, form=form, status=400)
    uploads = form.cleaned_data.get("evidence") or []
    try:
        services.task_progress_add(
            actor=request.user,
            task_id=task.pk,
            unit_id=form.cleaned_data["unit"],
            text=form.cleaned_data["text"],
            percent=form.cleaned_data["percent"],
            links=form.link_list(),
            files=[services.EvidenceFile(name=u.name, upload=u) for u in uploads],
        )
    except DomainError as exc:
        for name, errors in exc.fields.items():
            if name in form.fields:
                form.add_error(name, errors)
        form.add_error(None, exc.message)
        return _task_page(request, task_id, form=form, status=exc.http_status)
    messages.success(request, _("Đã ghi báo cáo tiến độ."))
    return redirect("steering:task", task_id=task.pk)


@require_POST
def task_move(request: HttpRequest, task_id: int, action: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        task = selectors.task_get_for(user=request.user, task_id=task_id)
        services.task_move(
            actor=request.user, task_id=task.pk, action=action, note=request.POST.get("ghi_chu", "")
        )
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cập nhật trạng thái nhiệm vụ."))
    return redirect("steering:task", task_id=task_id)


def progress_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        stored = selectors.progress_file_get_for(user=request.user, file_id=file_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    response = stored_file_response(stored.file, filename=stored.name, content_type=stored.content_type)
    if response is None:
        return _error(request, _("Tệp không còn trên máy chủ lưu trữ."), status=404)
    return response


# Difficulties -----------------------------------------------------------------------------------------------


def difficulty_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    state = request.GET.get("tt", "")
    category = request.GET.get("loai", "")
    if state and state not in [*DifficultyState.values, "mo"]:
        return _error(request, _("Trạng thái “%(s)s” không hợp lệ.") % {"s": state}, status=400)
    if category and category not in DifficultyCategory.values:
        return _error(request, _("Loại “%(s)s” không hợp lệ.") % {"s": category}, status=400)
    items = selectors.difficulties_visible_to(request.user).order_by("-filed_at", "-pk")
    if state == "mo":
        items = items.filter(state__in=[s.value for s in selectors.OPEN_DIFFICULTY_STATES])
    elif state:
        items = items.filter(state=state)
    if category:
        items = items.filter(category=category)
    try:
        page = _page_of(request, items)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    today = timezone.localdate()
    query = {k: v for k, v in request.GET.items() if k != "trang" and v}
    return render(
        request,
        "steering/difficulty_list.html",
        {
            "rows": [
                {"item": d, "age": selectors.difficulty_age_days(d, today=today)} for d in page.object_list
            ],
            "page": page,
            "typed": request.GET,
            "states": DifficultyState.choices,
            "categories": DifficultyCategory.choices,
            "query": urlencode(query),
            "can_file": access.can_file_difficulty(request.user),
            "breadcrumbs": _crumbs((_("Khó khăn, đề xuất"), None)),
            "tab": "difficulties",
        },
    )


def difficulty_create(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if not access.can_file_difficulty(request.user):
        return _error(
            request, _("Chỉ cán bộ của một cơ quan, đơn vị gửi được khó khăn, đề xuất."), status=403
        )
    form = DifficultyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.difficulty_file(
                    actor=request.user,
                    category=data["category"],
                    subject=data["subject"],
                    content=data["content"],
                    procedure_code=data["procedure"],
                )
            except DomainError as exc:
                for name, errors in exc.fields.items():
                    if name in form.fields:
                        form.add_error(name, errors)
                    elif name == "procedure":
                        form.add_error("procedure", errors)
                if not exc.fields:
                    form.add_error(None, exc.message)
            else:
                messages.success(request, _("Đã gửi khó khăn, đề xuất #%(n)s.") % {"n": item.pk})
                return redirect("steering:difficulty", difficulty_id=item.pk)
    return render(
        request,
        "steering/difficulty_form.html",
        {
            "form": form,
            "unit": request.user.unit,  # type: ignore[union-attr]
            "breadcrumbs": _crumbs(
                (_("Khó khăn, đề xuất"), reverse("steering:difficulties")), (_("Gửi khó khăn, đề xuất"), None)
            ),
        },
        status=status,
    )


def difficulty_detail(request: HttpRequest, difficulty_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        item = selectors.difficulty_get_for(user=request.user, difficulty_id=difficulty_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    moves = services.difficulty_moves_for(actor=request.user, item=item)
    assigning = any(m.name == "assign" for m in moves)
    return render(
        request,
        "steering/difficulty_detail.html",
        {
            "item": item,
            "age": selectors.difficulty_age_days(item, today=timezone.localdate()),
            "moves": moves,
            "units": units_in_force(on=timezone.localdate()).order_by("level", "code") if assigning else [],
            "officials": services.officials_for_assignment() if assigning else [],
            "events": [
                {
                    "e": e,
                    "label": services.difficulty_action_label(e.action),
                    "to": DifficultyState(e.to_state).label,
                }
                for e in item.events.all()
            ],
            "breadcrumbs": _crumbs(
                (_("Khó khăn, đề xuất"), reverse("steering:difficulties")), (f"#{item.pk}", None)
            ),
        },
    )


def _int_or_none(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@require_POST
def difficulty_move(request: HttpRequest, difficulty_id: int, action: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        item = selectors.difficulty_get_for(user=request.user, difficulty_id=difficulty_id)
        services.difficulty_move(
            actor=request.user,
            difficulty_id=item.pk,
            action=action,
            note=request.POST.get("ghi_chu", ""),
            answer=request.POST.get("tra_loi", ""),
            unit_id=_int_or_none(request.POST.get("don_vi")),
            user_id=_int_or_none(request.POST.get("can_bo")),
        )
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Đã cập nhật khó khăn, đề xuất."))
    return redirect("steering:difficulty", difficulty_id=difficulty_id)
