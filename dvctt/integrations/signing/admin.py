"""The administrator's side: the trust list (certificates uploaded as files), the per-procedure policies, and the
verdicts and server signatures (read only)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from dvctt.common.errors import DomainError
from dvctt.integrations.signing.models import (
    ResultSignatureCheck,
    ServerSignature,
    SigningPolicy,
    TrustAnchor,
)
from dvctt.integrations.signing.trust import certificate_read, trust_anchor_fields


class TrustAnchorForm(forms.ModelForm):
    name = forms.CharField(
        label=_("Tên"), max_length=255, required=False, help_text=_("Để trống: lấy tên (CN) trong chứng thư.")
    )
    upload = forms.FileField(
        label=_("Tệp chứng thư số (.cer, .crt, .pem)"),
        required=False,
        help_text=_(
            "Chứng thư gốc của Ban Cơ yếu Chính phủ hoặc của tổ chức cung cấp dịch vụ chứng thực công cộng."
        ),
    )

    class Meta:
        model = TrustAnchor
        fields = ["name", "active", "note"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("upload")
        if upload is None:
            if not self.instance.pk:
                self.add_error("upload", _("Hãy chọn tệp chứng thư số."))
            elif not data.get("name"):
                data["name"] = self.instance.name
            return data
        try:
            info = certificate_read(upload.read())
        except DomainError as error:
            self.add_error("upload", error.message)
            return data
        if not info.is_ca:
            self.add_error("upload", _("Chứng thư này không phải chứng thư của tổ chức chứng thực (CA)."))
            return data
        duplicate = TrustAnchor.objects.filter(fingerprint=info.fingerprint).exclude(pk=self.instance.pk)
        if duplicate.exists():
            self.add_error("upload", _("Chứng thư này đã có trong danh sách tin cậy."))
            return data
        for name, value in trust_anchor_fields(info).items():
            setattr(self.instance, name, value)
        if not data.get("name"):
            data["name"] = (info.common_name or info.subject)[:255]
        return data


@admin.register(TrustAnchor)
class TrustAnchorAdmin(admin.ModelAdmin):
    form = TrustAnchorForm
    list_display = ["name", "subject", "valid_from", "valid_to", "active"]
    list_filter = ["active"]
    search_fields = ["name", "subject", "fingerprint"]
    readonly_fields = ["subject", "serial", "fingerprint", "valid_from", "valid_to", "certificate"]

    def get_fields(self, request: Any, obj: Any = None) -> Any:
        fields = ["name", "upload", "active", "note"]
        return fields + (self.readonly_fields if obj is not None else [])


@admin.register(SigningPolicy)
class SigningPolicyAdmin(admin.ModelAdmin):
    list_display = ["procedure", "allow_unsigned", "server_sign", "key_code", "updated_at"]
    list_filter = ["allow_unsigned", "server_sign"]
    search_fields = ["procedure__code", "key_code"]
    autocomplete_fields = ["procedure"]


@admin.register(ResultSignatureCheck)
class ResultSignatureCheckAdmin(admin.ModelAdmin):
    list_display = ["file", "verdict", "signer_name", "signed_at", "checked_at", "trust_revision"]
    list_filter = ["verdict"]
    search_fields = ["file__dossier__code", "signer_name"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False


@admin.register(ServerSignature)
class ServerSignatureAdmin(admin.ModelAdmin):
    list_display = ["file", "key_code", "actor", "at"]
    search_fields = ["file__dossier__code", "key_code"]

    def has_add_permission(self, request: Any) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False
