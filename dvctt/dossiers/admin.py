"""Dossiers in the admin are read-only: every change goes through the state machine's services."""

from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from dvctt.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    Extension,
    Notification,
    SupplementRequest,
)


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class EventInline(ReadOnlyInline):
    model = DossierEvent
    fields = ["seq", "at", "action", "from_status", "to_status", "actor_name", "payload"]


class SupplementInline(ReadOnlyInline):
    model = SupplementRequest
    fields = ["requested_at", "deadline", "answered_at", "content", "expired_at"]


class ExtensionInline(ReadOnlyInline):
    model = Extension
    fields = ["at", "previous_due_at", "new_due_at", "reason"]


class FileInline(ReadOnlyInline):
    model = DossierFile
    fields = ["kind", "name", "file", "size", "sha256", "electronic"]


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["code", "procedure", "unit", "channel", "status", "received_at", "due_at", "is_test"]
    list_filter = ["status", "channel", "is_test", "sync_state"]
    search_fields = ["=code"]
    list_select_related = ["procedure", "unit"]
    show_full_result_count = False
    inlines = [EventInline, SupplementInline, ExtensionInline, FileInline]

    def get_readonly_fields(self, request: HttpRequest, obj=None):
        return [f.name for f in Dossier._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["dossier", "channel", "recipient", "state", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
