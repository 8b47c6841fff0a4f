"""Read-mostly admin views (writing goes through the back office's workflow at /theo-doi/huong-dan/)."""

from typing import Any

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Faq, Feedback, Guide, GuideImage


@admin.register(Guide)
class GuideAdmin(SimpleHistoryAdmin):
    list_display = ("slug", "title_vi", "kind", "status", "is_live", "published_at")
    list_filter = ("status", "kind", "is_live")
    search_fields = ("slug", "title_vi")
    # The attached procedures are changed through the workflow only, which records them in the guide's history
    # (a change here would be set after the history row is written, and missing from it).
    readonly_fields = (
        "status",
        "is_live",
        "author",
        "reviewer",
        "published_at",
        "submitted_at",
        "procedures",
    )

    def has_add_permission(self, request: Any) -> bool:
        return False  # a guide is written on /theo-doi/huong-dan/them/, with its author and workflow


@admin.register(Faq)
class FaqAdmin(SimpleHistoryAdmin):
    list_display = ("question_vi", "topic", "status", "is_live")
    list_filter = ("status", "topic", "is_live")
    search_fields = ("question_vi",)
    readonly_fields = ("status", "is_live", "author", "reviewer", "published_at", "submitted_at")

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(GuideImage)
class GuideImageAdmin(admin.ModelAdmin):
    list_display = ("name", "guide", "content_type", "size", "uploaded_at")
    raw_id_fields = ("guide", "uploaded_by")

    def has_add_permission(self, request: Any) -> bool:
        return False  # pictures are checked and stored by guides.services.guide_image_add


@admin.register(Feedback)
class FeedbackAdmin(admin.ModelAdmin):
    list_display = ("page_key", "helpful", "created_at")
    list_filter = ("helpful",)
    readonly_fields = ("page_key", "guide", "helpful", "comment", "language", "voter", "created_at")

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
