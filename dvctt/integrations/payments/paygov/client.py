"""The one client for PayGov: INIT, QUERY and GET_BILL over HTTP (JSON), and reading its result callback."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.integrations.payments.client import PaymentRefused
from dvctt.integrations.payments.paygov import protocol
from dvctt.integrations.payments.paygov.config import PayGovConfig, paygov_config

logger = logging.getLogger(__name__)


class PayGovUnavailable(DomainError):
    """The platform could not be reached or did not answer as expected: nothing was decided."""

    code = "payment_unavailable"
    http_status = 503


@dataclass(frozen=True)
class PaymentResult:
    """A payment's result as the platform reports it (callback or QUERY answer), checksum verified."""

    reference: str  # MaThamChieu: our order id
    code: str  # MaLoi: "00" paid
    amount: int
    platform_reference: str  # MaGiaoDich
    bank: str

    @property
    def paid(self) -> bool:
        return self.code == protocol.PAID

    @property
    def pending(self) -> bool:
        return self.code == protocol.PENDING


@dataclass(frozen=True)
class InitRequest:
    reference: str
    amount: int
    description: str
    ip: str
    receipt: dict[str, Any]


class PayGovClient:
    def __init__(self, config: PayGovConfig | None = None) -> None:
        self.config = config or paygov_config()

    def _now(self) -> str:
        return protocol.timestamp(timezone.now())

    def _post(self, message: Mapping[str, object], answer_order: tuple[str, ...]) -> dict[str, Any]:
        if not self.config.enabled:
            raise PayGovUnavailable(_("Chưa cấu hình kết nối Nền tảng thanh toán quốc gia."))
        if urllib.parse.urlsplit(self.config.url).scheme not in ("http", "https"):
            raise PayGovUnavailable(_("Địa chỉ Nền tảng thanh toán quốc gia không hợp lệ."))
        request = urllib.request.Request(  # noqa: S310 - scheme checked above
            self.config.url,
            data=json.dumps(message, ensure_ascii=False).encode(),
            method="POST",
            headers={"Content-Type": "application/json; charset=utf-8"},
        )
        kind = message.get("LoaiBanTin")
        try:
            with urllib.request.urlopen(request, timeout=self.config.timeout) as response:  # noqa: S310
                answer = json.loads(response.read().decode())
        except (OSError, ValueError) as exc:
            logger.warning("PayGov %s %s failed: %s", kind, message.get("MaThamChieu"), exc)
            raise PayGovUnavailable(_("Không kết nối được Nền tảng thanh toán quốc gia.")) from exc
        if not isinstance(answer, dict) or not protocol.verify(
            answer, answer_order, secret=self.config.secret
        ):
            logger.warning("PayGov %s %s: answer with a bad checksum", kind, message.get("MaThamChieu"))
            raise PayGovUnavailable(
                _("Trả lời của Nền tảng thanh toán quốc gia không hợp lệ (sai mã xác thực).")
            )
        if str(answer.get("MaThamChieu", "")) != str(message.get("MaThamChieu", "")):
            raise PayGovUnavailable(_("Trả lời của Nền tảng thanh toán quốc gia không khớp giao dịch."))
        return answer

    def init(self, request: InitRequest) -> str:
        """INIT: register the payment; returns the URL to send the payer to."""
        message = protocol.sign(
            {
                "LoaiBanTin": protocol.INIT,
                "PhienBan": protocol.VERSION,
                "MaDoiTac": self.config.partner,
                "MaThamChieu": request.reference,
                "SoTien": str(request.amount),
                "LoaiHinhThanhToan": "PAY",
                "MaKenhThanhToan": self.config.channel,
                "MaThietBi": self.config.device,
                "NgonNgu": "vi-VN",
                "MaTienTe": "VND",
                "MaNganHang": self.config.bank,
                "ThongTinGiaoDich": request.description,
                "ThoiGianGD": self._now(),
                "Ip": request.ip,
                "ThongTinBienLai": request.receipt,
            },
            protocol.INIT_ORDER,
            secret=self.config.secret,
        )
        answer = self._post(message, protocol.INIT_ANSWER_ORDER)
        url = str(answer.get("UrlThanhToan", ""))
        if answer.get("MaLoi") != protocol.PAID or urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise PayGovUnavailable(
                _("Nền tảng thanh toán quốc gia từ chối giao dịch: %(reason)s")
                % {"reason": answer.get("MoTaLoi") or answer.get("MaLoi")}
            )
        return url

    def _ask(self, kind: str, reference: str, answer_order: tuple[str, ...]) -> dict[str, Any]:
        message = protocol.sign(
            {
                "LoaiBanTin": kind,
                "PhienBan": protocol.VERSION,
                "MaDoiTac": self.config.partner,
                "MaThamChieu": reference,
                "ThoiGianGD": self._now(),
            },
            protocol.QUERY_ORDER,
            secret=self.config.secret,
        )
        return self._post(message, answer_order)

    def query(self, reference: str) -> PaymentResult:
        """QUERY: the payment's result as the platform knows it now."""
        return self._result(self._ask(protocol.QUERY, reference, protocol.QUERY_ANSWER_ORDER))

    def get_bill(self, reference: str) -> dict[str, Any] | None:
        """GET_BILL: the receipt of a paid payment (the verified answer), None when there is none yet."""
        answer = self._ask(protocol.GET_BILL, reference, protocol.BILL_ANSWER_ORDER)
        return answer if answer.get("MaLoi") == protocol.PAID else None

    def _result(self, fields: Mapping[str, Any]) -> PaymentResult:
        try:
            amount = int(str(fields.get("SoTien", "")))
        except ValueError:
            raise PaymentRefused(_("Thông báo thanh toán sai định dạng."), code="malformed") from None
        return PaymentResult(
            reference=str(fields.get("MaThamChieu", "")),
            code=str(fields.get("MaLoi", "")),
            amount=amount,
            platform_reference=str(fields.get("MaGiaoDich", "")),
            bank=str(fields.get("MaNganHang", "")),
        )

    def read_callback(self, params: Mapping[str, Any]) -> PaymentResult:
        """Verify and parse the platform's result callback; ``PaymentRefused`` names what is wrong."""
        if not self.config.secret or not protocol.verify(
            params, protocol.CALLBACK_ORDER, secret=self.config.secret
        ):
            raise PaymentRefused(
                _("Mã xác thực của thông báo thanh toán không hợp lệ."), code="bad_signature"
            )
        if str(params.get("MaDoiTac", "")) != self.config.partner:
            raise PaymentRefused(_("Thông báo thanh toán không dành cho đơn vị này."), code="bad_merchant")
        if str(params.get("MaTienTe", "VND")) != "VND":
            raise PaymentRefused(_("Thông báo thanh toán sai định dạng."), code="malformed")
        return self._result(params)

    def reply(self, *, code: str, description: str, reference: str) -> dict[str, object]:
        """The province's signed answer to a callback."""
        return protocol.sign(
            {"MaLoi": code, "MoTaLoi": description, "MaThamChieu": reference},
            protocol.CALLBACK_REPLY_ORDER,
            secret=self.config.secret,
        )
