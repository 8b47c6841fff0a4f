from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dvctt.accounts.models import Official, User


@admin.register(User)
class UserAdmin(SimpleHistoryAdmin, DjangoUserAdmin):
    # Change history of role, unit and status (the historical table: dvctt/backoffice/models.py).
    history_list_display = ["role", "unit", "is_active"]
    list_display = ["username", "full_name", "role", "unit", "is_active", "is_staff"]
    list_filter = ["role", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "full_name", "email"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    fieldsets = (
        *(DjangoUserAdmin.fieldsets or ()),
        (
            _("Vai trò và đơn vị"),
            {
                "fields": (
                    "role",
                    "full_name",
                    "unit",
                    "national_id",
                    "phone",
                    "organisation_name",
                    "tax_code",
                )
            },
        ),
    )


@admin.register(Official)
class OfficialAdmin(admin.ModelAdmin):
    list_display = ["full_name", "national_id", "unit", "valid_from", "valid_to"]
    list_filter = ["unit__level"]
    search_fields = ["full_name", "national_id", "unit__code"]
    list_select_related = ["unit"]
    raw_id_fields = ["unit"]
    date_hierarchy = "valid_from"
