"""Dossiers in the admin are read-only: every change goes through the state machine's services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.template import TemplateDoesNotExist
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dvctt.dossiers.models import (
    Dossier,
    DossierEvent,
    DossierFile,
    Extension,
    Notification,
    SlipForm,
    SlipFormKind,
    SlipFormSet,
    SupplementRequest,
)
from dvctt.dossiers.slips.form_sets import (
    slip_form_sets_confirm,
    slip_form_sets_unconfirm,
    slip_forms_confirm,
    slip_forms_unconfirm,
    wording_check,
)
from dvctt.dossiers.slips.wording import WordingError, default_wording


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


# --- form sets: data an administrator keeps, confirms, and rewords (with history) ------------------------------
def _confirmation(obj: SlipFormSet | SlipForm) -> str:
    if obj.confirmed:
        return gettext("Đã xác nhận")
    return format_html('<strong style="color:#b00">{}</strong>', gettext("Chưa xác nhận"))


class SlipFormInline(admin.TabularInline):
    """The forms of a set, to open one by one (the wording is edited on the form's own page)."""

    model = SlipForm
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ("number", "title", "kind", "confirmed", "custom_wording")
    readonly_fields = fields

    @admin.display(description=_("nội dung riêng"), boolean=True)
    def custom_wording(self, obj: SlipForm) -> bool:
        return bool(obj.wording.strip())

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(SlipFormSet)
class SlipFormSetAdmin(SimpleHistoryAdmin):
    list_display = [
        "circular",
        "code",
        "valid_from",
        "valid_to",
        "confirmation",
        "confirmed_by",
        "confirmed_at",
    ]
    list_filter = ["confirmed"]
    # Unconfirmed first: they are defaults written from summaries and wait for someone to check the circular.
    ordering = ["confirmed", "-valid_from"]
    readonly_fields = ["confirmed", "confirmed_by", "confirmed_at"]
    inlines = [SlipFormInline]
    actions = ["confirm", "unconfirm"]

    @admin.display(description=_("xác nhận"), ordering="confirmed")
    def confirmation(self, obj: SlipFormSet) -> str:
        return _confirmation(obj)

    @admin.action(description=_("Xác nhận đã đối chiếu với văn bản gốc"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[SlipFormSet]) -> None:
        user: Any = request.user  # the admin site lets only a signed-in staff user here
        n = slip_form_sets_confirm(ids=list(queryset.values_list("pk", flat=True)), user=user)
        self.message_user(request, gettext("Đã xác nhận %(n)s bộ biểu mẫu.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Bỏ xác nhận"))
    def unconfirm(self, request: HttpRequest, queryset: QuerySet[SlipFormSet]) -> None:
        n = slip_form_sets_unconfirm(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, gettext("Đã bỏ xác nhận %(n)s bộ biểu mẫu.") % {"n": n})


class SlipFormAdminForm(forms.ModelForm):
    class Meta:
        model = SlipForm
        fields = ["form_set", "kind", "number", "title", "legal_reference", "wording"]
        widgets = {
            "wording": forms.Textarea(attrs={"rows": 24, "cols": 120, "style": "font-family: monospace"})
        }

    def clean_wording(self) -> str:
        wording = self.cleaned_data.get("wording") or ""
        try:
            wording_check(source=wording)
        except WordingError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return wording

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") == SlipFormKind.REGISTER and (cleaned.get("wording") or "").strip():
            self.add_error(
                "wording", _("Sổ theo dõi hồ sơ là bảng cột cố định: không có nội dung mẫu để sửa.")
            )
        return cleaned


@admin.register(SlipForm)
class SlipFormAdmin(SimpleHistoryAdmin):
    form = SlipFormAdminForm
    list_display = ["title", "number", "form_set", "kind", "confirmation", "custom_wording", "confirmed_at"]
    list_filter = ["confirmed", "form_set", "kind"]
    list_select_related = ["form_set"]
    ordering = ["confirmed", "-form_set__valid_from", "number"]
    readonly_fields = ["confirmed", "confirmed_by", "confirmed_at", "default_wording"]
    actions = ["confirm", "unconfirm"]

    @admin.display(description=_("xác nhận"), ordering="confirmed")
    def confirmation(self, obj: SlipForm) -> str:
        return _confirmation(obj)

    @admin.display(description=_("nội dung riêng"), boolean=True)
    def custom_wording(self, obj: SlipForm) -> bool:
        return bool(obj.wording.strip())

    @admin.display(description=_("nội dung mặc định (chép vào ô trên để sửa)"))
    def default_wording(self, obj: SlipForm) -> str:
        if obj.pk is None or obj.kind == SlipFormKind.REGISTER:
            return "—"
        try:
            return format_html("<pre style='white-space: pre-wrap'>{}</pre>", default_wording(obj.kind))
        except TemplateDoesNotExist:
            return "—"

    @admin.action(description=_("Xác nhận đã đối chiếu với văn bản gốc"))
    def confirm(self, request: HttpRequest, queryset: QuerySet[SlipForm]) -> None:
        user: Any = request.user  # the admin site lets only a signed-in staff user here
        n = slip_forms_confirm(ids=list(queryset.values_list("pk", flat=True)), user=user)
        self.message_user(request, gettext("Đã xác nhận %(n)s mẫu phiếu.") % {"n": n}, messages.SUCCESS)

    @admin.action(description=_("Bỏ xác nhận"))
    def unconfirm(self, request: HttpRequest, queryset: QuerySet[SlipForm]) -> None:
        n = slip_forms_unconfirm(ids=list(queryset.values_list("pk", flat=True)))
        self.message_user(request, gettext("Đã bỏ xác nhận %(n)s mẫu phiếu.") % {"n": n})
