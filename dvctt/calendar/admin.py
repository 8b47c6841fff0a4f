"""Admin of the calendar: edits go through the services, so each one bumps the calendar revision."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dvctt.calendar import services
from dvctt.calendar.models import CalendarRevision, CalendarYear, DayException, WorkingSchedule
from dvctt.common.errors import DomainError


@admin.register(CalendarYear)
class CalendarYearAdmin(SimpleHistoryAdmin):
    list_display = ["year", "note", "created_at"]
    actions = ["seed_years"]

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


@admin.register(DayException)
class DayExceptionAdmin(SimpleHistoryAdmin):
    list_display = ["date", "weekday", "kind", "name"]
    list_filter = ["year", "kind"]
    search_fields = ["name"]
    date_hierarchy = "date"

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
        saved = services.calendar_day_set(day=obj.date, kind=obj.kind, name=obj.name, actor=request.user)
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
