"""Admin: which gateway each procedure or unit uses (editable), the payments with their receipts (read), and
the refunds of double payments (recorded by a finance officer, with the transfer's reference)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.common.errors import DomainError
from dvctt.integrations.payments.models import PaymentCallback, PaymentRoute, PaymentTransaction
from dvctt.integrations.payments.services import payment_refund_record


@admin.register(PaymentRoute)
class PaymentRouteAdmin(admin.ModelAdmin):
    list_display = ("__str__", "gateway", "procedure", "unit", "note")
    list_filter = ("gateway",)
    raw_id_fields = ("procedure", "unit")
    search_fields = ("procedure__code", "unit__code", "unit__name", "note")


class RefundFilter(admin.SimpleListFilter):
    title = gettext_lazy("hoàn tiền")
    parameter_name = "hoan_tien"

    def lookups(self, request, model_admin):
        return [("cho", gettext_lazy("Cần hoàn, chưa hoàn")), ("da", gettext_lazy("Đã hoàn"))]

    def queryset(self, request, queryset):
        if self.value() == "cho":
            return queryset.filter(refund_due=True, refunded_at__isnull=True)
        if self.value() == "da":
            return queryset.filter(refunded_at__isnull=False)
        return queryset


class RefundForm(forms.Form):
    reference = forms.CharField(label=gettext_lazy("Số chứng từ hoàn tiền"), max_length=64)


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
        "refund_state",
        "duplicate_of",
        "created_at",
        "receipt_at",
    )
    #: "cần hoàn tiền": the double payments (a dossier paid twice) to refund; "đã hoàn": those recorded refunded.
    list_filter = ("refund_due", RefundFilter, "gateway", "state", "purpose")
    search_fields = ("order_id", "dossier__code", "gateway_reference", "refund_reference")
    list_select_related = ("dossier", "duplicate_of")
    actions = ["record_refund"]

    @admin.display(description=gettext_lazy("hoàn tiền"))
    def refund_state(self, obj: PaymentTransaction) -> str:
        if not obj.refund_due:
            return "—"
        if obj.refunded_at is None:
            return _("Chưa hoàn")
        return _("Đã hoàn (%(ref)s)") % {"ref": obj.refund_reference}

    def get_actions(self, request: HttpRequest):
        # recording a refund is a finance act: administrators, or staff given the change permission (the
        # payment's own fields stay read-only: has_change_permission is False for the form)
        actions = super().get_actions(request)
        if not request.user.has_perm("integrations.change_paymenttransaction"):
            actions.pop("record_refund", None)
        return actions

    @admin.action(description=gettext_lazy("Ghi nhận đã hoàn tiền thanh toán trùng"))
    def record_refund(
        self, request: HttpRequest, queryset: QuerySet[PaymentTransaction]
    ) -> HttpResponse | None:
        """An intermediate page asks for the transfer's reference; then each selected double payment is recorded
        refunded (refusals, e.g. not a double payment or already refunded, are reported one by one)."""
        if "apply" in request.POST:
            form = RefundForm(request.POST)
            if form.is_valid():
                done = 0
                for payment in queryset.order_by("id"):
                    try:
                        payment_refund_record(
                            payment_id=payment.pk,
                            actor=request.user,  # type: ignore[arg-type]
                            reference=form.cleaned_data["reference"],
                        )
                        done += 1
                    except DomainError as exc:
                        self.message_user(request, exc.message, messages.ERROR)
                if done:
                    self.message_user(
                        request, _("Đã ghi nhận hoàn tiền %(n)d giao dịch.") % {"n": done}, messages.SUCCESS
                    )
                return None
        else:
            form = RefundForm()
        return render(
            request,
            "payments/admin_refund.html",
            {
                **self.admin_site.each_context(request),
                "title": _("Ghi nhận đã hoàn tiền"),
                "payments": queryset,
                "form": form,
                "opts": self.model._meta,
                "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            },
        )


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
