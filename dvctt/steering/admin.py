from typing import Any

from django.contrib import admin

from .models import Difficulty, DifficultyEvent, PlanTask, StaffNotification, TaskEvent, TaskProgress


@admin.register(PlanTask)
class PlanTaskAdmin(admin.ModelAdmin):
    list_display = ("code", "title", "lead_unit", "deadline", "state", "percent")
    list_filter = ("state", "plan")
    search_fields = ("code", "title")
    raw_id_fields = ("lead_unit", "cooperating_units", "created_by")


@admin.register(Difficulty)
class DifficultyAdmin(admin.ModelAdmin):
    list_display = ("pk", "subject", "filer_unit", "category", "state", "filed_at")
    list_filter = ("state", "category")
    search_fields = ("subject",)
    raw_id_fields = (
        "filer_unit",
        "author",
        "procedure",
        "task",
        "assigned_unit",
        "assigned_user",
        "answered_by",
    )


class _ReadOnly(admin.ModelAdmin):
    """Append-only records: readable, never edited or deleted here."""

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False


admin.site.register(TaskProgress, _ReadOnly)
admin.site.register(TaskEvent, _ReadOnly)
admin.site.register(DifficultyEvent, _ReadOnly)
admin.site.register(StaffNotification, _ReadOnly)
