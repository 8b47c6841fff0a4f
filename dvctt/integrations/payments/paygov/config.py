"""The PayGov connection: Django settings when defined there, else the environment (docs/configuration.md)."""

from __future__ import annotations

from dataclasses import dataclass

from dvctt.integrations.payments.config import _setting


@dataclass(frozen=True)
class PayGovConfig:
    #: The platform's endpoint: INIT, QUERY and GET_BILL are POSTed there as JSON ("" = PayGov off).
    url: str
    #: ``MaDoiTac``: the province's partner code, and the shared secret of ``MaXacThuc``.
    partner: str
    secret: str
    #: ``MaKenhThanhToan``, ``MaThietBi``, ``MaNganHang`` sent in INIT (unconfirmed values; "" lets the payer choose).
    channel: str
    device: str
    bank: str
    #: Seconds to wait for the platform's answer.
    timeout: float
    #: A pending PayGov payment older than this (minutes) is settled by QUERY.
    settle_after_minutes: int
    #: At most this many payments are queried per settlement run.
    settle_batch: int

    @property
    def enabled(self) -> bool:
        return bool(self.url and self.partner and self.secret)


def paygov_config() -> PayGovConfig:
    return PayGovConfig(
        url=_setting("DVCTT_PAYGOV_URL", ""),
        partner=_setting("DVCTT_PAYGOV_PARTNER", ""),
        secret=_setting("DVCTT_PAYGOV_SECRET", ""),
        channel=_setting("DVCTT_PAYGOV_CHANNEL", "WEB"),
        device=_setting("DVCTT_PAYGOV_DEVICE", "DESKTOP"),
        bank=_setting("DVCTT_PAYGOV_BANK", ""),
        timeout=float(_setting("DVCTT_PAYGOV_TIMEOUT", "15")),
        settle_after_minutes=int(_setting("DVCTT_PAYGOV_SETTLE_AFTER_MINUTES", "15")),
        settle_batch=int(_setting("DVCTT_PAYGOV_SETTLE_BATCH", "200")),
    )
