from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ActivityFile, CommunicationActivity, GoodPractice


@admin.register(CommunicationActivity)
class CommunicationActivityAdmin(SimpleHistoryAdmin):
    list_display = ("date", "title", "unit", "channel", "audience", "reach")
    list_filter = ("channel", "audience")
    search_fields = ("title",)
    raw_id_fields = ("unit", "recorded_by")


@admin.register(GoodPractice)
class GoodPracticeAdmin(SimpleHistoryAdmin):
    list_display = ("title", "unit", "state", "published_at")
    list_filter = ("state",)
    search_fields = ("title",)
    raw_id_fields = ("unit", "author")


@admin.register(ActivityFile)
class ActivityFileAdmin(admin.ModelAdmin):
    """Files are added through the pages, never edited here."""

    list_display = ("name", "activity", "size", "uploaded_at")
    raw_id_fields = ("activity", "uploaded_by")

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
