from django.contrib import admin

from dvctt.integrations.national_portal.models import ProcedureCode, UnitCode


@admin.register(UnitCode)
class UnitCodeAdmin(admin.ModelAdmin):
    list_display = ["unit", "code"]
    search_fields = ["unit__code", "unit__name", "code"]
    autocomplete_fields = ["unit"]


@admin.register(ProcedureCode)
class ProcedureCodeAdmin(admin.ModelAdmin):
    list_display = ["procedure", "code"]
    search_fields = ["procedure__code", "code"]
    autocomplete_fields = ["procedure"]
