"""The outreach pages under /theo-doi/truyen-thong/ and /theo-doi/cach-lam-hay/ (docs/outreach.md).

Thin adapters: parse, fetch through outreach.selectors (scoped to the reader), call one service, render. Bad input
is shown on the page in Vietnamese (400); a reader without the right gets a Vietnamese 403 page, anonymous users
the login.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import units_in_force
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.common.files import stored_file_response
from dvctt.plans.dashboards import access as dashboard_access
from dvctt.plans.dashboards.explain import DENOMINATOR, NUMERATOR
from dvctt.plans.dashboards.periods import KINDS, Period, PeriodError, period_parse

from . import access, selectors, services
from .forms import ActivityForm, PracticeForm
from .models import ActivityFile, Audience, Channel, PracticeState
from .sheets import activities_workbook, counts_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PAGE_SIZE = 50
#: The period parameters, shared with the dashboards (plans.dashboards.periods).
PERIOD_KEYS = ("ky", "nam", "thang", "quy", "nua", "tu", "den")


def _error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    return render(request, "outreach/error.html", {"message": message, "status": status}, status=status)


def _gate(request: HttpRequest) -> HttpResponse | None:
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not access.is_official(request.user):
        return _error(
            request, _("Trang này dành cho cán bộ các cơ quan, đơn vị và cán bộ theo dõi."), status=403
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


def _period_or_none(request: HttpRequest) -> Period | None:
    """The period asked for with the dashboards' parameters; None (every date) when no kind is given."""
    if not request.GET.get("ky"):
        return None
    return period_parse(request.GET)


def _picker(request: HttpRequest) -> dict[str, Any]:
    return {"kinds": KINDS, "months": range(1, 13), "typed": request.GET}


def _form_errors(form: Any, exc: DomainError) -> None:
    shown = False
    for name, errors in exc.fields.items():
        target = {"before_to": "before_from", "after_to": "after_from", "files": "attachments"}.get(
            name, name
        )
        if target in form.fields:
            form.add_error(target, errors)
            shown = True
    if not shown or exc.http_status != 400:
        form.add_error(None, exc.message)


# Communication activities --------------------------------------------------------------------------------------


def _activity_filters(request: HttpRequest) -> selectors.ActivityFilters:
    get = request.GET
    channel, audience = get.get("kenh", ""), get.get("doituong", "")
    if channel and channel not in Channel.values:
        raise DomainError(_("Hình thức “%(c)s” không hợp lệ.") % {"c": channel[:40]})
    if audience and audience not in Audience.values:
        raise DomainError(_("Đối tượng “%(c)s” không hợp lệ.") % {"c": audience[:40]})
    return selectors.ActivityFilters(
        unit=get.get("dv", "").strip()[:40],
        channel=channel,
        audience=audience,
        period=_period_or_none(request),
        query=get.get("q", "").strip()[:100],
    )


def activity_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        filters = _activity_filters(request)
    except DomainError as exc:
        return _error(request, exc.message, status=400)
    items = selectors.activity_list(user=request.user, filters=filters)
    today = timezone.localdate()
    if request.GET.get("xuat") == "xlsx":
        content = activities_workbook(
            title=_("HOẠT ĐỘNG TRUYỀN THÔNG (xuất ngày %(d)s%(p)s)")
            % {"d": f"{today:%d/%m/%Y}", "p": f"; {filters.period.label}" if filters.period else ""},
            activities=items.prefetch_related(
                Prefetch("files", queryset=ActivityFile.objects.only("activity_id"))
            ),
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="hoat-dong-truyen-thong-{today:%Y%m%d}.xlsx"'
        return response
    try:
        page = _page_of(request, items)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    query = {k: v for k, v in request.GET.items() if k not in ("trang", "xuat") and v}
    return render(
        request,
        "outreach/activity_list.html",
        {
            "page": page,
            "filters": filters,
            "channels": Channel.choices,
            "audiences": Audience.choices,
            "units": selectors.activity_units(user=request.user),
            "query": urlencode(query),
            "export_url": "?" + urlencode({**query, "xuat": "xlsx"}),
            "counts_url": reverse("outreach:counts")
            + "?"
            + urlencode({k: v for k, v in query.items() if k in PERIOD_KEYS}),
            "can_record": access.can_record(request.user),
            "breadcrumbs": _crumbs((_("Hoạt động truyền thông"), None)),
            "tab": "outreach",
            "subtab": "activities",
            **_picker(request),
        },
    )


def activity_counts(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        period = period_parse(request.GET)
    except PeriodError as exc:
        return _error(request, exc.message, status=400)
    unit = request.GET.get("dv", "").strip()[:40]
    counts = selectors.activity_counts(user=request.user, period=period, unit=unit)
    if request.GET.get("xuat") == "xlsx":
        content = counts_workbook(
            title=_("SỐ HOẠT ĐỘNG TRUYỀN THÔNG THEO ĐƠN VỊ VÀ HÌNH THỨC — %(p)s (%(s)s)")
            % {"p": period.label.upper(), "s": period.span},
            counts=counts,
        )
        response = HttpResponse(content, content_type=XLSX)
        response["Content-Disposition"] = (
            f'attachment; filename="thong-ke-truyen-thong-{period.date_from:%Y%m%d}-{period.date_to:%Y%m%d}.xlsx"'
        )
        return response
    params = {k: v for k, v in period.params().items() if k != "donvi"}
    query = {k: v for k, v in request.GET.items() if k != "xuat" and v}
    return render(
        request,
        "outreach/activity_counts.html",
        {
            "counts": counts,
            "period": period,
            "channels": Channel.choices,
            "list_query": urlencode(params),
            "export_url": "?" + urlencode({**query, "xuat": "xlsx"}),
            "breadcrumbs": _crumbs(
                (_("Hoạt động truyền thông"), reverse("outreach:activities")), (_("Thống kê"), None)
            ),
            "tab": "outreach",
            "subtab": "counts",
            **_picker(request),
        },
    )


def _record_units(user: Any) -> Any:
    units = units_in_force(on=timezone.localdate()).order_by("level", "code")
    if access.is_department(user):
        return units
    return units.filter(pk__in=access.unit_scope(user) or set())


def _activity_form_page(
    request: HttpRequest, form: ActivityForm, *, activity: Any = None, status: int = 200
) -> HttpResponse:
    crumbs: list[tuple[str, str | None]] = [(_("Hoạt động truyền thông"), reverse("outreach:activities"))]
    if activity is not None:
        crumbs += [(activity.title, reverse("outreach:activity", args=[activity.pk])), (_("Sửa"), None)]
    else:
        crumbs.append((_("Ghi hoạt động"), None))
    return render(
        request,
        "outreach/activity_form.html",
        {"form": form, "activity": activity, "breadcrumbs": _crumbs(*crumbs), "tab": "outreach"},
        status=status,
    )


def _activity_save(request: HttpRequest, form: ActivityForm, *, activity_id: int | None) -> Any:
    data = form.cleaned_data
    values = {
        "actor": request.user,
        "unit_id": data["unit"].pk,
        "date": data["date"],
        "channel": data["channel"],
        "title": data["title"],
        "audience": data["audience"],
        "reach": data["reach"],
        "summary": data["summary"],
        "place": data["place"],
        "links": form.link_list(),
        "files": [services.UploadedEvidence(name=u.name, upload=u) for u in data.get("attachments") or []],
    }
    if activity_id is None:
        return services.activity_record(**values)
    return services.activity_update(activity_id=activity_id, **values)


def activity_create(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if not access.can_record(request.user):
        return _error(
            request,
            _("Chỉ cán bộ của các cơ quan, đơn vị và cán bộ theo dõi ghi được hoạt động."),
            status=403,
        )
    units = _record_units(request.user)
    initial = {"unit": request.user.unit_id, "date": timezone.localdate()}  # type: ignore[union-attr]
    form = ActivityForm(request.POST or None, request.FILES or None, units=units, initial=initial)
    if request.method != "POST":
        return _activity_form_page(request, form)
    if form.is_valid():
        try:
            activity = _activity_save(request, form, activity_id=None)
        except DomainError as exc:
            _form_errors(form, exc)
            return _activity_form_page(request, form, status=exc.http_status)
        messages.success(request, _("Đã ghi hoạt động “%(t)s”.") % {"t": activity.title})
        return redirect("outreach:activity", activity_id=activity.pk)
    return _activity_form_page(request, form, status=400)


def activity_detail(request: HttpRequest, activity_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        activity = selectors.activity_get_for(user=request.user, activity_id=activity_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    return render(
        request,
        "outreach/activity_detail.html",
        {
            "activity": activity,
            "changes": selectors.activity_changes(activity),
            "can_edit": access.can_record_for(request.user, activity.unit_id),
            "breadcrumbs": _crumbs(
                (_("Hoạt động truyền thông"), reverse("outreach:activities")), (activity.title, None)
            ),
            "tab": "outreach",
        },
    )


def activity_edit(request: HttpRequest, activity_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        activity = selectors.activity_get_for(user=request.user, activity_id=activity_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    if not access.can_record_for(request.user, activity.unit_id):
        return _error(request, _("Bạn không sửa được hoạt động của đơn vị khác."), status=403)
    initial = {
        "unit": activity.unit_id,
        "date": activity.date,
        "channel": activity.channel,
        "title": activity.title,
        "audience": activity.audience,
        "reach": activity.reach,
        "place": activity.place,
        "summary": activity.summary,
        "links": "\n".join(activity.links),
    }
    form = ActivityForm(
        request.POST or None, request.FILES or None, units=_record_units(request.user), initial=initial
    )
    if request.method != "POST":
        return _activity_form_page(request, form, activity=activity)
    if form.is_valid():
        try:
            _activity_save(request, form, activity_id=activity.pk)
        except DomainError as exc:
            _form_errors(form, exc)
            return _activity_form_page(request, form, activity=activity, status=exc.http_status)
        messages.success(request, _("Đã cập nhật hoạt động."))
        return redirect("outreach:activity", activity_id=activity.pk)
    return _activity_form_page(request, form, activity=activity, status=400)


def activity_file(request: HttpRequest, file_id: int) -> HttpResponseBase:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        stored = selectors.activity_file_get_for(user=request.user, file_id=file_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    response = stored_file_response(stored.file, filename=stored.name, content_type=stored.content_type)
    if response is None:
        return _error(request, _("Tệp không còn trên máy chủ lưu trữ."), status=404)
    return response


# Good practices -----------------------------------------------------------------------------------------------


def practice_list(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    items = selectors.practices_visible_to(request.user)
    try:
        page = _page_of(request, items.order_by("state", "-published_at", "-pk"))
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    return render(
        request,
        "outreach/practice_list.html",
        {
            "page": page,
            "can_write": access.can_write_practices(request.user),
            "breadcrumbs": _crumbs((_("Cách làm hay"), None)),
            "tab": "practices",
        },
    )


def _explain(period: Period, code: str, part: str, unit: str) -> str:
    return reverse("dashboards:explain", args=[code, part]) + "?" + period.query(dv=unit)


def practice_detail(request: HttpRequest, practice_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    try:
        practice = selectors.practice_get_for(user=request.user, practice_id=practice_id)
        figures = selectors.practice_figures(practice=practice, today=timezone.localdate())
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except PeriodError as exc:
        return _error(request, exc.message, status=400)
    links = dashboard_access.can_view_dashboards(request.user) and dashboard_access.can_list(
        request.user, practice.unit_id
    )
    code = practice.unit.code
    rows = [
        {
            "row": row,
            "before_num": _explain(figures.before, row.indicator.code, NUMERATOR, code) if links else "",
            "before_den": _explain(figures.before, row.indicator.code, DENOMINATOR, code) if links else "",
            "after_num": _explain(figures.after, row.indicator.code, NUMERATOR, code) if links else "",
            "after_den": _explain(figures.after, row.indicator.code, DENOMINATOR, code) if links else "",
        }
        for row in figures.rows
    ]
    return render(
        request,
        "outreach/practice_detail.html",
        {
            "practice": practice,
            "figures": figures,
            "rows": rows,
            "links": links,
            "unit_url": reverse("dashboards:unit", args=[code]) + "?" + figures.after.query()
            if links
            else "",
            "can_write": access.can_write_practices(request.user),
            "published": practice.state == PracticeState.PUBLISHED,
            "breadcrumbs": _crumbs(
                (_("Cách làm hay"), reverse("outreach:practices")), (practice.title, None)
            ),
            "tab": "practices",
        },
    )


def _practice_form_page(
    request: HttpRequest, form: PracticeForm, *, practice: Any = None, status: int = 200
) -> HttpResponse:
    crumbs: list[tuple[str, str | None]] = [(_("Cách làm hay"), reverse("outreach:practices"))]
    if practice is not None:
        crumbs += [(practice.title, reverse("outreach:practice", args=[practice.pk])), (_("Sửa"), None)]
    else:
        crumbs.append((_("Viết cách làm hay"), None))
    return render(
        request,
        "outreach/practice_form.html",
        {"form": form, "practice": practice, "breadcrumbs": _crumbs(*crumbs), "tab": "practices"},
        status=status,
    )


def _practice_units() -> Any:
    return Unit.objects.order_by("level", "code")


def _practice_values(request: HttpRequest, form: PracticeForm) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "actor": request.user,
        "unit_id": data["unit"].pk,
        "title": data["title"],
        "what": data["what"],
        "who": data["who"],
        "before_from": data["before_from"],
        "before_to": data["before_to"],
        "after_from": data["after_from"],
        "after_to": data["after_to"],
        "units_mode": data["units_mode"],
        "indicators": data["indicators"],
    }


def practice_create(request: HttpRequest) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if not access.can_write_practices(request.user):
        return _error(request, _("Chỉ cán bộ theo dõi kế hoạch viết được cách làm hay."), status=403)
    form = PracticeForm(request.POST or None, units=_practice_units())
    if request.method != "POST":
        return _practice_form_page(request, form)
    if form.is_valid():
        try:
            practice = services.practice_create(**_practice_values(request, form))
        except DomainError as exc:
            _form_errors(form, exc)
            return _practice_form_page(request, form, status=exc.http_status)
        messages.success(request, _("Đã lưu bản nháp “%(t)s”.") % {"t": practice.title})
        return redirect("outreach:practice", practice_id=practice.pk)
    return _practice_form_page(request, form, status=400)


def practice_edit(request: HttpRequest, practice_id: int) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if not access.can_write_practices(request.user):
        return _error(request, _("Chỉ cán bộ theo dõi kế hoạch sửa được cách làm hay."), status=403)
    try:
        practice = selectors.practice_get_for(user=request.user, practice_id=practice_id)
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    initial = {
        "unit": practice.unit_id,
        "title": practice.title,
        "what": practice.what,
        "who": practice.who,
        "before_from": practice.before_from,
        "before_to": practice.before_to,
        "after_from": practice.after_from,
        "after_to": practice.after_to,
        "units_mode": practice.units_mode,
        "indicators": practice.indicators,
    }
    form = PracticeForm(request.POST or None, units=_practice_units(), initial=initial)
    if request.method != "POST":
        return _practice_form_page(request, form, practice=practice)
    if form.is_valid():
        try:
            services.practice_update(practice_id=practice.pk, **_practice_values(request, form))
        except DomainError as exc:
            _form_errors(form, exc)
            return _practice_form_page(request, form, practice=practice, status=exc.http_status)
        messages.success(request, _("Đã cập nhật cách làm hay."))
        return redirect("outreach:practice", practice_id=practice.pk)
    return _practice_form_page(request, form, practice=practice, status=400)


@require_POST
def practice_publish(request: HttpRequest, practice_id: int, action: str) -> HttpResponse:
    if (refused := _gate(request)) is not None:
        return refused
    if action not in ("cong-bo", "thu-hoi"):
        return _error(request, _("Thao tác “%(a)s” không có.") % {"a": action[:40]}, status=404)
    try:
        services.practice_publish(actor=request.user, practice_id=practice_id, publish=action == "cong-bo")
    except NotFoundError as exc:
        return _error(request, exc.message, status=404)
    except DomainError as exc:
        if exc.http_status == 403:
            return _error(request, exc.message, status=403)
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Đã công bố cách làm hay.") if action == "cong-bo" else _("Đã thu hồi về bản nháp.")
        )
    return redirect("outreach:practice", practice_id=practice_id)
