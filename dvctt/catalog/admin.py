"""Admin for the catalogue. Edits keep history (django-simple-history); the version rules are the services'."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dvctt.catalog import services
from dvctt.catalog.eform_editor import EFormEditorWidget
from dvctt.catalog.eforms import EFormError, eform_definition_validate
from dvctt.catalog.models import DossierComponent, FeeLine, Field, Procedure, ProcedureVersion
from dvctt.common.errors import DomainError


@admin.register(Field)
class FieldAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["code", "name", "name_folded"]


class DossierComponentInline(admin.TabularInline):
    model = DossierComponent
    extra = 0
    fields = ["position", "name", "required", "copies", "template"]


class FeeLineInline(admin.TabularInline):
    model = FeeLine
    extra = 0
    fields = ["position", "name", "amount", "note"]


class ProcedureVersionInline(admin.TabularInline):
    """Read-only list on the procedure: a version is edited on its own page, where the rules are checked."""

    model = ProcedureVersion
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["valid_from", "abolished_after", "name", "online_level", "integrated_national"]
    readonly_fields = ["valid_from", "abolished_after", "name", "online_level", "integrated_national"]

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Procedure)
class ProcedureAdmin(SimpleHistoryAdmin):
    list_display = ["code", "current_name", "add_version"]
    search_fields = ["code", "versions__name_folded"]
    inlines = [ProcedureVersionInline]

    @admin.display(description=_("tên"))
    def current_name(self, obj: Procedure) -> str:
        latest = obj.versions.order_by("-valid_from").first()
        return latest.name if latest else ""

    @admin.display(description=_("phiên bản mới"))
    def add_version(self, obj: Procedure) -> str:
        url = reverse("admin:catalog_procedureversion_add") + f"?procedure={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Thêm phiên bản"))


class ProcedureVersionForm(forms.ModelForm):
    class Meta:
        model = ProcedureVersion
        fields = [
            "procedure",
            "valid_from",
            "abolished_after",
            "name",
            "field",
            "level_province",
            "level_district",
            "level_commune",
            "units",
            "online_level",
            "eligible_full_process",
            "time_limit",
            "time_limit_unit",
            "time_limit_by_channel",
            "same_day_cutoff",
            "any_commune_reception",
            "offers_postal",
            "has_fees",
            "result_is_document",
            "result_document_name",
            "steps",
            "legal_basis",
            "eform",
            "sign_off_required",
            "extra",
        ]
        widgets = {"eform": EFormEditorWidget}
        help_texts = {
            "eform": _(
                "Thêm, sửa, sắp xếp các trường của tờ khai; phần xem trước cho thấy tờ khai như người nộp hồ sơ "
                "sẽ thấy. Biểu mẫu được kiểm tra trước khi lưu."
            ),
            "time_limit_unit": _("Thời hạn tính theo tháng hoặc buổi làm việc phải là số nguyên dương."),
            "same_day_cutoff": _(
                "Ví dụ 15:00 (chứng thực bản sao): hồ sơ tiếp nhận trong ngày làm việc trước giờ này được hẹn trả "
                "cuối ngày đó, từ giờ này trở đi hẹn trả cuối ngày làm việc tiếp theo. Khi có, giờ chốt quyết "
                "định ngày hẹn thay cho thời hạn giải quyết."
            ),
            "any_commune_reception": _(
                "Nghị định 118/2025/NĐ-CP: bộ phận một cửa của bất kỳ đơn vị nào được tiếp nhận hồ sơ tại quầy "
                "hoặc qua bưu chính và chuyển đến đơn vị có thẩm quyền giải quyết."
            ),
        }

    def clean_eform(self) -> Any:
        """Every problem of the definition, by field, before anything is saved."""
        definition = self.cleaned_data.get("eform")
        try:
            return eform_definition_validate(definition)
        except EFormError as exc:
            details = [message for messages in exc.fields.values() for message in messages]
            raise ValidationError(details or [exc.message]) from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors or not cleaned.get("procedure") or not cleaned.get("valid_from"):
            return cleaned
        candidate = self.instance
        for key, value in cleaned.items():
            if key != "units":
                setattr(candidate, key, value)
        units = cleaned.get("units")
        try:
            services.procedure_version_validate(
                version=candidate, unit_codes=[unit.code for unit in units] if units is not None else None
            )
        except DomainError as exc:
            raise ValidationError(exc.message) from exc
        return cleaned


@admin.register(ProcedureVersion)
class ProcedureVersionAdmin(SimpleHistoryAdmin):
    form = ProcedureVersionForm
    list_display = [
        "procedure",
        "name",
        "valid_from",
        "abolished_after",
        "online_level",
        "integrated_national",
    ]
    list_filter = [
        "online_level",
        "integrated_national",
        "eligible_full_process",
        "any_commune_reception",
        "sign_off_required",
        "time_limit_unit",
        "field",
    ]
    search_fields = ["procedure__code", "name_folded"]
    list_select_related = ["procedure"]
    filter_horizontal = ["units"]
    raw_id_fields = ["procedure"]
    inlines = [DossierComponentInline, FeeLineInline]
    readonly_fields = ["integrated_national", "integration_reason"]
    date_hierarchy = "valid_from"

    @admin.display(description=_("vì sao tích hợp / chưa tích hợp trên Cổng DVCQG"))
    def integration_reason(self, obj: ProcedureVersion) -> str:
        if obj.pk is None:
            return str(_("Tính sau khi lưu, từ mã TTHC quốc gia, mức độ trực tuyến và kết nối đồng bộ."))
        # The rule reads the national portal's configuration: the integration explains it (docs/catalog.md).
        return services.procedure_integration_explain(version=obj) or "—"

    def save_model(self, request: HttpRequest, obj: ProcedureVersion, form: Any, change: bool) -> None:
        # A version edited here is live: its "integrated" flag is derived from the configuration, not typed.
        obj.integrated_derived = True
        super().save_model(request, obj, form, change)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.procedure_integration_changed(procedure_id=form.instance.procedure_id)
