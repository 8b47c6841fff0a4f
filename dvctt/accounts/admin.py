from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from dvctt.accounts.models import NationalIdentity, Official, User


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


@admin.register(NationalIdentity)
class NationalIdentityAdmin(admin.ModelAdmin):
    """Links to national accounts: read-only (they come from the identity server); deleting one unlinks the
    account, which the help desk does to sort out a refused match before the person signs in again."""

    list_display = ["user", "tech_id", "account_type", "level", "linked_by_password", "verified_at"]
    list_filter = ["account_type", "linked_by_password"]
    search_fields = ["user__username", "tech_id"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in NationalIdentity._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
