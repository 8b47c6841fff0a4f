from typing import Any

from django.contrib import admin
from django.db import transaction
from django.http import HttpRequest

from dvctt.integrations.national_portal.integration import procedure_integration_refresh
from dvctt.integrations.national_portal.models import (
    CatalogueChange,
    CataloguePull,
    NationalProcedure,
    ProcedureCode,
    UnitCode,
)


@admin.register(UnitCode)
class UnitCodeAdmin(admin.ModelAdmin):
    list_display = ["unit", "code"]
    search_fields = ["unit__code", "unit__name", "code"]
    autocomplete_fields = ["unit"]


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(admin.ModelAdmin):
    """Mapping a national code is a live change of the procedure: its "integrated" flag is derived from then on."""

    list_display = ["procedure", "code"]
    search_fields = ["procedure__code", "code"]
    autocomplete_fields = ["procedure"]

    def save_model(self, request: HttpRequest, obj: ProcedureCode, form: Any, change: bool) -> None:
        with transaction.atomic():
            super().save_model(request, obj, form, change)
            procedure_integration_refresh(procedure_id=obj.procedure_id, adopt=True)

    def delete_model(self, request: HttpRequest, obj: ProcedureCode) -> None:
        with transaction.atomic():
            procedure_id = obj.procedure_id
            super().delete_model(request, obj)
            procedure_integration_refresh(procedure_id=procedure_id, adopt=True)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Written by the pull and the review page only."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(NationalProcedure)
class NationalProcedureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "listed", "last_seen"]
    list_filter = ["listed"]
    search_fields = ["code", "name"]


@admin.register(CataloguePull)
class CataloguePullAdmin(ReadOnlyAdmin):
    list_display = ["at", "by", "transport", "listed", "created", "updated", "resolved"]


@admin.register(CatalogueChange)
class CatalogueChangeAdmin(ReadOnlyAdmin):
    list_display = ["national_code", "procedure", "kind", "state", "decided_by", "decided_at", "valid_from"]
    list_filter = ["state", "kind"]
    search_fields = ["national_code", "procedure__code"]
