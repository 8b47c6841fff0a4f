from __future__ import annotations

import copy
from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms.models import construct_instance
from simple_history.admin import SimpleHistoryAdmin

from dvctt.agencies.models import Unit
from dvctt.agencies.services import unit_check
from dvctt.common.errors import DomainError


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = [
            "code",
            "name",
            "level",
            "parent",
            "valid_from",
            "valid_to",
            "successor",
            "address",
            "phone",
            "email",
            "extra",
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if not self.errors:
            # The admin saves through the model form; the same rules as the services apply.
            candidate = construct_instance(self, copy.copy(self.instance))
            try:
                unit_check(candidate)
            except DomainError as exc:
                raise ValidationError(exc.message) from exc
        return cleaned


@admin.register(Unit)
class UnitAdmin(SimpleHistoryAdmin):
    form = UnitAdminForm
    list_display = ["code", "name", "level", "valid_from", "valid_to", "successor"]
    list_filter = ["level", "valid_to"]
    search_fields = ["code", "name"]
    raw_id_fields = ["parent", "successor"]
    list_select_related = ["successor"]
    ordering = ["code"]
