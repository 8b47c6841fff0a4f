"""Admin of the calendar: edits go through the services, so each one bumps the calendar revision."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dvctt.calendar import selectors, services
from dvctt.calendar.models import CalendarRevision, CalendarYear, DayException, DayStatus, WorkingSchedule
from dvctt.common.errors import DomainError


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "note", "days_to_confirm", "created_at"]
    actions = ["seed_years"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .annotate(to_confirm=Count("days", filter=Q(days__status=DayStatus.TO_CONFIRM)))
        )

    @admin.display(description=_("ngày chờ xác nhận"), ordering="to_confirm")
    def days_to_confirm(self, obj: Any) -> Any:
        return obj.to_confirm or "—"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change:
            # Only the note can change; it does not affect due times, so no revision.
            obj.save(update_fields=["note"])
        else:
            created = services.calendar_year_create(year=obj.year, note=obj.note, actor=request.user)
            obj.pk = created.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            services.calendar_year_remove(year=obj.year, actor=request.user)
        except DomainError as exc:
            self.message_user(request, exc.message, messages.ERROR)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)

    @admin.action(description=_("Khởi tạo ngày nghỉ lễ, làm bù cho các năm đã chọn"))
    def seed_years(self, request: HttpRequest, queryset: QuerySet) -> None:
        for calendar_year in queryset:
            result = services.calendar_year_seed(year=calendar_year.year, actor=request.user)
            self.message_user(
                request,
                _("Năm %(year)s: thêm %(added)s ngày, giữ %(kept)s ngày đã có.")
                % {"year": result.year, "added": result.added, "kept": result.kept},
                messages.SUCCESS,
            )


class ConfirmDaysForm(forms.Form):
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"),
        max_length=500,
        help_text=_("Văn bản quy định các ngày này (số, ngày, cơ quan ban hành)."),
        widget=forms.TextInput(attrs={"size": 80}),
    )


@admin.register(DayException)
class DayExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "kind", "name", "status_flag", "legal_basis"]
    list_filter = ["status", "year", "kind"]
    search_fields = ["name", "legal_basis"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "legal_basis", "status"]
    actions = ["confirm_days"]

    @admin.display(description=_("trạng thái"), ordering="status")
    def status_flag(self, obj: DayException) -> Any:
        if obj.status == DayStatus.TO_CONFIRM:
            # Flagged: the day does not count until confirmed.
            return format_html('<strong style="color:#ba2121">⚠ {}</strong>', DayStatus.TO_CONFIRM.label)
        return DayStatus(obj.status).label

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
        pending = selectors.calendar_days_to_confirm().count()
        if pending and request.method == "GET":
            self.message_user(
                request,
                _(
                    "%(count)s ngày chờ xác nhận: chưa được tính trong lịch làm việc cho đến khi được xác nhận "
                    "(chọn ngày, thao tác “Xác nhận”) hoặc xoá."
                )
                % {"count": pending},
                messages.WARNING,
            )
        return super().changelist_view(request, extra_context)

    @admin.action(description=_("Xác nhận các ngày đã chọn (ghi căn cứ pháp lý)"))
    def confirm_days(self, request: HttpRequest, queryset: QuerySet) -> HttpResponse | None:
        form = ConfirmDaysForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            try:
                confirmed = services.calendar_days_confirm(
                    days=[obj.date for obj in queryset],
                    legal_basis=form.cleaned_data["legal_basis"],
                    actor=request.user,
                )
            except DomainError as exc:
                self.message_user(request, exc.message, messages.ERROR)
                return None
            self.message_user(
                request,
                _("Đã xác nhận %(count)s ngày; lịch làm việc đã được cập nhật.") % {"count": len(confirmed)},
                messages.SUCCESS,
            )
            return None
        return TemplateResponse(
            request,
            "admin/workcalendar/dayexception/confirm_days.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Xác nhận ngày nghỉ, ngày làm bù"),
                "opts": self.model._meta,
                "form": form,
                "days": queryset.order_by("date"),
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )

    @admin.display(description=_("thứ"))
    def weekday(self, obj: DayException) -> Any:
        return [
            _("Thứ Hai"),
            _("Thứ Ba"),
            _("Thứ Tư"),
            _("Thứ Năm"),
            _("Thứ Sáu"),
            _("Thứ Bảy"),
            _("Chủ nhật"),
        ][obj.date.weekday()]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        # The date identifies the row (and its history); to move a day, delete it and add another.
        return ["date"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        saved = services.calendar_day_set(
            day=obj.date,
            kind=obj.kind,
            name=obj.name,
            legal_basis=obj.legal_basis,
            status=obj.status,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.calendar_day_remove(day=obj.date, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(WorkingSchedule)
class WorkingScheduleAdmin(SimpleHistoryAdmin):
    list_display = ["valid_from", "periods", "note"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if change and "valid_from" in form.changed_data:
            services.working_schedule_remove(valid_from=form.initial["valid_from"], actor=request.user)
        saved = services.working_schedule_set(
            valid_from=obj.valid_from, periods=obj.periods, note=obj.note, actor=request.user
        )
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        services.working_schedule_remove(valid_from=obj.valid_from, actor=request.user)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for obj in queryset:
            self.delete_model(request, obj)


@admin.register(CalendarRevision)
class CalendarRevisionAdmin(admin.ModelAdmin):
    list_display = ["id", "created_at", "summary", "actor"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
