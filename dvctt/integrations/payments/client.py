"""The one client for the payment gateway: build the signed redirect, read a signed notification."""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.integrations.payments import protocol
from dvctt.integrations.payments.config import GatewayConfig, gateway_config


class PaymentRefused(DomainError):
    """A notification the platform will not act on (bad signature, stale, unknown order, wrong amount...)."""

    code = "payment_refused"


@dataclass(frozen=True)
class PaymentRequest:
    order_id: str
    amount: int
    description: str
    return_url: str
    ipn_url: str


@dataclass(frozen=True)
class Notification:
    order_id: str
    amount: int
    paid: bool
    result: str
    gateway_ref: str
    sent: int


class GatewayClient:
    """Speaks :mod:`protocol` with one gateway. ``now`` is injectable for tests of the freshness rule."""

    def __init__(self, config: GatewayConfig | None = None) -> None:
        self.config = config or gateway_config()

    @property
    def name(self) -> str:
        return self.config.name

    def redirect_url(self, request: PaymentRequest, *, now: float | None = None) -> str:
        if not self.config.url or not self.config.secret:
            raise DomainError(_("Chưa cấu hình cổng thanh toán."), code="payment_unavailable")
        fields = protocol.signed(
            {
                "merchant": self.config.merchant,
                "order_id": request.order_id,
                "amount": request.amount,
                "currency": "VND",
                "description": request.description,
                "return_url": request.return_url,
                "ipn_url": request.ipn_url,
                "created": int(now if now is not None else time.time()),
            },
            secret=self.config.secret,
        )
        return f"{self.config.url}?{urlencode(fields)}"

    def read_notification(self, params: Mapping[str, str], *, now: float | None = None) -> Notification:
        """Verify and parse a notification; ``PaymentRefused`` names what is wrong."""
        fields = {name: str(params[name]) for name in params}
        if not self.config.secret or not protocol.verify(
            fields, secret=self.config.secret, expected=protocol.NOTIFICATION_FIELDS
        ):
            raise PaymentRefused(_("Chữ ký thông báo thanh toán không hợp lệ."), code="bad_signature")
        if fields["merchant"] != self.config.merchant:
            raise PaymentRefused(_("Thông báo thanh toán không dành cho đơn vị này."), code="bad_merchant")
        try:
            amount = int(fields["amount"])
            sent = int(fields["sent"])
        except ValueError:
            raise PaymentRefused(_("Thông báo thanh toán sai định dạng."), code="malformed") from None
        current = now if now is not None else time.time()
        # A signed message is valid forever unless it is dated: an old one replayed later is refused.
        if sent < current - self.config.max_age or sent > current + 60:
            raise PaymentRefused(_("Thông báo thanh toán đã quá hạn (gửi lại?)."), code="stale")
        return Notification(
            order_id=fields["order_id"],
            amount=amount,
            paid=fields["result"] == protocol.RESULT_PAID,
            result=fields["result"],
            gateway_ref=fields["gateway_ref"],
            sent=sent,
        )
