"""Admin: which gateway each procedure or unit uses (editable), and the payments with their receipts (read)."""

from __future__ import annotations

from django.contrib import admin

from dvctt.integrations.payments.models import PaymentCallback, PaymentRoute, PaymentTransaction


@admin.register(PaymentRoute)
class PaymentRouteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "gateway", "procedure", "unit", "note")
    list_filter = ("gateway",)
    raw_id_fields = ("procedure", "unit")
    search_fields = ("procedure__code", "unit__code", "unit__name", "note")


class ReadOnlyAdmin(admin.ModelAdmin):
    """Payments change only on a gateway's verified word: nobody edits them here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(PaymentTransaction)
class PaymentTransactionAdmin(ReadOnlyAdmin):
    list_display = (
        "order_id",
        "dossier",
        "purpose",
        "amount",
        "gateway",
        "state",
        "refund_due",
        "duplicate_of",
        "created_at",
        "receipt_at",
    )
    #: "cần hoàn tiền": the double payments (a dossier paid twice) to refund by hand.
    list_filter = ("refund_due", "gateway", "state", "purpose")
    search_fields = ("order_id", "dossier__code", "gateway_reference")
    list_select_related = ("dossier", "duplicate_of")


@admin.register(PaymentCallback)
class PaymentCallbackAdmin(ReadOnlyAdmin):
    list_display = (
        "received_at",
        "transaction",
        "verdict",
        "reason",
        "sender",
        "repeats",
        "last_received_at",
    )
    list_filter = ("verdict",)
    list_select_related = ("transaction",)
