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
    NotificationTemplate,
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
    list_display = ["dossier", "channel", "masked_recipient", "state", "attempts", "sent_at"]
    list_filter = ["channel", "state"]
    readonly_fields = [f.name for f in Notification._meta.fields]

    @admin.display(description=_("người nhận"))
    def masked_recipient(self, obj: Notification) -> str:
        from dvctt.common.masking import mask_id

        return obj.recipient if "@" in obj.recipient else mask_id(obj.recipient)

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
            return format_html("<pre>{}</pre>", default_wording(obj.kind))
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


# --- notification templates: one per event, channel and language, with a live preview ---------------------------
def _notification_event_choices() -> list[tuple[str, str]]:
    from dvctt.dossiers.notifications.events import NOTIFYING_EVENTS
    from dvctt.dossiers.states import event_label

    return [(a, f"{event_label(a)} ({a})") for a in NOTIFYING_EVENTS]


class NotificationTemplateAdminForm(forms.ModelForm):
    event = forms.ChoiceField(label=_("sự kiện"), choices=_notification_event_choices)

    class Meta:
        model = NotificationTemplate
        fields = ["event", "channel", "language", "subject", "body", "provider_template_id", "active"]
        widgets = {
            "subject": forms.TextInput(attrs={"size": 100, "data-notification-preview": "subject"}),
            "body": forms.Textarea(
                attrs={
                    "rows": 18,
                    "cols": 110,
                    "data-notification-preview": "body",
                }
            ),
        }

    def _check(self, field: str) -> str:
        from dvctt.dossiers.notifications.rendering import TemplateCheckError, template_compile

        text = self.cleaned_data.get(field) or ""
        try:
            template_compile(text)
        except TemplateCheckError as exc:
            raise forms.ValidationError(str(exc)) from exc
        return text

    def clean_subject(self) -> str:
        return self._check("subject")

    def clean_body(self) -> str:
        return self._check("body")

    def clean(self) -> dict[str, Any]:
        from dvctt.dossiers.notifications.preview import template_preview

        cleaned = super().clean() or {}
        channel, event = cleaned.get("channel"), cleaned.get("event")
        if channel == "email" and not (cleaned.get("subject") or "").strip():
            self.add_error("subject", _("Thư điện tử cần tiêu đề."))
        if channel and event and "body" in cleaned and not self.errors:
            preview = template_preview(
                event=event, channel=channel, subject=cleaned.get("subject", ""), body=cleaned["body"]
            )
            if preview.get("too_long"):
                self.add_error(
                    "body",
                    gettext("Tin nhắn dài %(n)s ký tự trên hồ sơ mẫu, vượt giới hạn %(limit)s ký tự.")
                    % {"n": preview["chars"], "limit": preview["limit"]},
                )
        return cleaned


PREVIEW_SCRIPT = """document.addEventListener("DOMContentLoaded", function () {
  var box = document.getElementById("notification-preview");
  if (!box) { return; }
  var form = box.closest("form");
  var timer = null;
  function field(name) { return form.querySelector("[name=" + name + "]"); }
  function refresh() {
    var data = new FormData();
    ["event", "channel", "language", "subject", "body"].forEach(function (name) {
      var input = field(name); data.append(name, input ? input.value : "");
    });
    data.append("csrfmiddlewaretoken", field("csrfmiddlewaretoken").value);
    fetch(box.dataset.url, {method: "POST", body: data, credentials: "same-origin"})
      .then(function (r) { return r.text(); })
      .then(function (html) { box.innerHTML = html; });
  }
  form.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(refresh, 300); });
  form.addEventListener("change", function () { clearTimeout(timer); timer = setTimeout(refresh, 100); });
});
"""


@admin.register(NotificationTemplate)
class NotificationTemplateAdmin(SimpleHistoryAdmin):
    form = NotificationTemplateAdminForm
    list_display = ["event_name", "event", "channel", "language", "active", "updated_by", "updated_at"]
    list_filter = ["channel", "language", "active", "event"]
    search_fields = ["event", "subject", "body"]
    readonly_fields = ["preview", "variables", "updated_by", "updated_at"]
    fieldsets = [
        (None, {"fields": ["event", "channel", "language", "active", "provider_template_id"]}),
        (_("Nội dung"), {"fields": ["subject", "body", "preview", "variables"]}),
        (_("Cập nhật"), {"fields": ["updated_by", "updated_at"]}),
    ]

    @property
    def media(self) -> forms.Media:
        from django.urls import reverse

        return super().media + forms.Media(js=[reverse("admin:dossiers_notificationtemplate_preview_js")])

    @admin.display(description=_("sự kiện"))
    def event_name(self, obj: NotificationTemplate) -> str:
        from dvctt.dossiers.states import event_label

        return event_label(obj.event)

    @admin.display(description=_("biến được dùng"))
    def variables(self, obj: NotificationTemplate | None) -> str:
        from django.utils.html import format_html_join

        from dvctt.dossiers.notifications.context import VARIABLES

        return format_html_join("", "<div><code>{{{{ {} }}}}</code> — {}</div>", VARIABLES.items())

    @admin.display(description=_("xem trước trên hồ sơ mẫu"))
    def preview(self, obj: NotificationTemplate | None) -> str:
        from django.urls import reverse

        inner = self._preview_html(
            event=obj.event if obj and obj.pk else "receive",
            channel=obj.channel if obj and obj.pk else "email",
            subject=obj.subject if obj and obj.pk else "",
            body=obj.body if obj and obj.pk else "",
        )
        return format_html(
            '<div id="notification-preview" data-url="{}">{}</div>',
            reverse("admin:dossiers_notificationtemplate_preview"),
            inner,
        )

    @staticmethod
    def _preview_html(*, event: str, channel: str, subject: str, body: str) -> str:
        from dvctt.dossiers.notifications.preview import template_preview

        if not body:
            return ""
        result = template_preview(event=event, channel=channel, subject=subject, body=body)
        if not result["ok"]:
            return format_html('<p class="errornote">{}</p>', result["error"])
        length = gettext("%(chars)s ký tự") % {"chars": result["chars"]}
        if channel == "sms":
            length = gettext("%(chars)s ký tự, %(parts)s tin nhắn (giới hạn %(limit)s)") % result
            if result.get("too_long"):
                length = format_html('<strong class="errornote">{}</strong>', length)
        return format_html(
            "<p><strong>{}</strong></p><pre>{}</pre><p>{}</p>",
            result["subject"],
            result["body"],
            length,
        )

    def get_urls(self):
        from django.urls import path

        return [
            path(
                "preview/",
                self.admin_site.admin_view(self.preview_view),
                name="dossiers_notificationtemplate_preview",
            ),
            path(
                "preview.js",
                self.admin_site.admin_view(self.preview_script),
                name="dossiers_notificationtemplate_preview_js",
            ),
            *super().get_urls(),
        ]

    def preview_script(self, request: HttpRequest):
        """The live preview's script, served from the platform itself (the CSP allows no inline script)."""
        from django.http import HttpResponse

        return HttpResponse(PREVIEW_SCRIPT, content_type="text/javascript; charset=utf-8")

    def preview_view(self, request: HttpRequest):
        """Render the text being edited on the sample dossier (server-side), for the live preview."""
        from django.http import HttpResponse, HttpResponseNotAllowed

        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        if not self.has_view_or_change_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        from dvctt.dossiers.notifications.events import NOTIFYING_EVENTS

        event = request.POST.get("event", "")
        channel = request.POST.get("channel", "")
        if event not in NOTIFYING_EVENTS or channel not in ("email", "sms", "zalo"):
            return HttpResponse(format_html('<p class="errornote">{}</p>', gettext("Chọn sự kiện và kênh.")))
        return HttpResponse(
            self._preview_html(
                event=event,
                channel=channel,
                subject=request.POST.get("subject", ""),
                body=request.POST.get("body", ""),
            )
        )

    def save_model(self, request: HttpRequest, obj: NotificationTemplate, form, change: bool) -> None:
        obj.updated_by = request.user  # type: ignore[assignment]  # the admin lets only a signed-in user here
        super().save_model(request, obj, form, change)
