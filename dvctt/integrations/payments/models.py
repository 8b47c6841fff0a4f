"""Payment transactions (one per attempt to pay) and every callback the gateway sent, kept as received."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PaymentPurpose(models.TextChoices):
    FEES = "fees", _("Phí, lệ phí")
    OBLIGATION = "obligation", _("Nghĩa vụ tài chính")


class PaymentState(models.TextChoices):
    PENDING = "pending", _("Chờ thanh toán")
    PAID = "paid", _("Đã thanh toán")
    FAILED = "failed", _("Không thành công")


class PaymentTransaction(models.Model):
    order_id = models.CharField(_("mã giao dịch"), max_length=40, unique=True)
    dossier = models.ForeignKey(
        "dossiers.Dossier", verbose_name=_("hồ sơ"), on_delete=models.PROTECT, related_name="payments"
    )
    purpose = models.CharField(_("nội dung"), max_length=12, choices=PaymentPurpose.choices)
    amount = models.PositiveBigIntegerField(_("số tiền (đồng)"))
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=PaymentState.choices, default=PaymentState.PENDING
    )
    gateway = models.CharField(_("cổng thanh toán"), max_length=40)
    gateway_reference = models.CharField(_("mã giao dịch của cổng"), max_length=64, blank=True)
    result_code = models.CharField(max_length=8, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    confirmed_at = models.DateTimeField(_("thời điểm xác nhận"), null=True, blank=True)
    #: The platform's receipt (PayGov GET_BILL answer, verified), kept as received.
    receipt = models.JSONField(_("biên lai"), default=dict, blank=True)
    receipt_at = models.DateTimeField(_("thời điểm nhận biên lai"), null=True, blank=True)
    #: Paid, but the dossier's fees or obligation were already paid (two attempts, both paid at the gateway):
    #: the money was taken and is recorded here; it is owed back to the payer (refund by hand, outside the
    #: platform). The dossier keeps the state the first payment gave it.
    refund_due = models.BooleanField(_("cần hoàn tiền (thanh toán trùng)"), default=False)
    #: The refund of a double payment, once made (by the gateway's or the treasury's procedure, outside the
    #: platform) and recorded here by a finance officer: when, by whom, and the reference of the transfer.
    refunded_at = models.DateTimeField(_("đã hoàn tiền lúc"), null=True, blank=True)
    refunded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người ghi nhận hoàn tiền"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    refund_reference = models.CharField(_("số chứng từ hoàn tiền"), max_length=64, blank=True)
    #: The payment that had already settled the dossier's fees or obligation (empty when it was paid otherwise).
    duplicate_of = models.ForeignKey(
        "self",
        verbose_name=_("trùng với giao dịch"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("giao dịch thanh toán")
        verbose_name_plural = _("giao dịch thanh toán")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="payment_amount_positive"),
            # A dossier's fees are settled once: a second paid transaction is recorded, but only as a double
            # payment owed back (``refund_due``), never as a second settlement. (An obligation may be asked, and
            # paid, again later: its double payments are found under the dossier's lock, by its status.)
            models.UniqueConstraint(
                fields=["dossier"],
                condition=Q(purpose="fees", state="paid", refund_due=False),
                name="payment_fees_settled_once",
            ),
            models.CheckConstraint(
                condition=Q(refund_due=False) | Q(state="paid"), name="payment_refund_only_if_paid"
            ),
            models.CheckConstraint(
                condition=Q(refunded_at__isnull=True) | Q(refund_due=True),
                name="payment_refunded_only_if_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order_id} {self.amount} đ ({self.state})"


class CallbackVerdict(models.TextChoices):
    ACCEPTED = "accepted", _("Chấp nhận")
    DUPLICATE = "duplicate", _("Trùng lặp, đã xử lý")
    REFUSED = "refused", _("Từ chối")


class PaymentCallback(models.Model):
    """Append-only record of what the gateway sent to the IPN endpoint, and what the platform made of it."""

    transaction = models.ForeignKey(
        PaymentTransaction, null=True, blank=True, on_delete=models.PROTECT, related_name="callbacks"
    )
    received_at = models.DateTimeField(auto_now_add=True)
    params = models.JSONField(default=dict)
    verdict = models.CharField(max_length=10, choices=CallbackVerdict.choices)
    reason = models.CharField(max_length=255, blank=True)
    #: Refusals of the same kind are counted on one row (a flood of junk requests is not a flood of rows).
    repeats = models.PositiveIntegerField(_("số lần lặp lại"), default=1)
    last_received_at = models.DateTimeField(null=True, blank=True)
    #: Who sent it, as the web server saw it (the client address): the key refusals are counted under.
    sender = models.CharField(_("nơi gửi"), max_length=64, blank=True)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.received_at:%Y-%m-%d %H:%M} {self.verdict}"


class Gateway(models.TextChoices):
    GENERIC = "generic", _("Cổng thanh toán của tỉnh")
    PAYGOV = "paygov", _("Nền tảng thanh toán quốc gia (PayGov)")


class PaymentRoute(models.Model):
    """Which gateway takes the payments of one procedure or of one unit's dossiers (admin-edited).

    A procedure's route wins over its unit's; without either the generic gateway is used.
    """

    gateway = models.CharField(_("cổng thanh toán"), max_length=10, choices=Gateway.choices)
    procedure = models.OneToOneField(
        "catalog.Procedure",
        verbose_name=_("thủ tục"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    unit = models.OneToOneField(
        "agencies.Unit",
        verbose_name=_("đơn vị"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    note = models.CharField(_("ghi chú"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("cấu hình cổng thanh toán")
        verbose_name_plural = _("cấu hình cổng thanh toán")
        constraints = [
            # One route names exactly one procedure or one unit.
            models.CheckConstraint(
                condition=Q(procedure__isnull=False, unit__isnull=True)
                | Q(procedure__isnull=True, unit__isnull=False),
                name="payment_route_one_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.procedure if self.procedure_id else self.unit
        return f"{target} → {self.get_gateway_display()}"
