from django.contrib import admin

from .models import Guidance, GuidanceFlag, GuidanceLink


@admin.register(GuidanceLink)
class GuidanceLinkAdmin(admin.ModelAdmin):
    list_display = ("official", "active", "created_at", "revoked_at")
    list_filter = ("active",)
    raw_id_fields = ("official",)
    readonly_fields = ("token",)


@admin.register(Guidance)
class GuidanceAdmin(admin.ModelAdmin):
    list_display = ("dossier", "official", "source", "day", "consented_at")
    list_filter = ("source",)
    raw_id_fields = ("dossier", "official", "link")
    exclude = ("applicant_key",)


@admin.register(GuidanceFlag)
class GuidanceFlagAdmin(admin.ModelAdmin):
    list_display = ("kind", "official", "day", "count", "acknowledged_at")
    list_filter = ("kind",)
    raw_id_fields = ("official", "acknowledged_by")
    exclude = ("applicant_key",)
