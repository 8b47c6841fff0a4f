"""Zalo Notification Service (ZNS): a template message to a phone number, through the Official Account's API.

``POST {DVCTT_ZALO_URL}`` (``https://business.openapi.zalo.me/message/template``) with the header ``access_token``
(the OA's token) and the JSON body ``{"phone": "84912345678", "template_id": "…", "template_data": {…},
"tracking_id": "dvctt-n42"}``. Zalo answers JSON ``{"error": 0, "message": "Success", "data": {"msg_id": "…",
"sent_time": "…"}}``; a non-zero ``error`` is a failure, with ``message`` saying why. The template (its text and
parameter names) is registered and approved on Zalo's side; ``template_data`` fills its parameters.

Errors that cannot succeed on a retry (not retried): ``-108`` invalid phone number, ``-118`` no Zalo account for the
number (or disabled), ``-119`` the account cannot receive ZNS. Everything else (``-124`` invalid or expired access
token, quota, ``-100`` unknown, HTTP errors, timeouts) is retried with back-off.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from dvctt.integrations.messaging.errors import DeliveryError, PermanentDeliveryError
from dvctt.integrations.messaging.phones import mask_phone, phone_to_84
from dvctt.integrations.messaging.transport import post_json

logger = logging.getLogger(__name__)

PERMANENT_ERRORS = {-108, -118, -119}
#: ZNS parameters are short strings; longer values are cut (Zalo refuses the whole message otherwise).
PARAM_MAX_CHARS = 200


@dataclass(frozen=True)
class ZaloConfig:
    url: str
    access_token: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> ZaloConfig:
        return cls(
            url=settings.DVCTT_ZALO_URL,
            access_token=settings.DVCTT_ZALO_ACCESS_TOKEN,
            timeout=settings.DVCTT_ZALO_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return bool(self.access_token) and self.url.startswith(("http://", "https://"))


class ZnsClient:
    def __init__(self, config: ZaloConfig | None = None) -> None:
        self.config = config or ZaloConfig.from_settings()

    def send(self, *, phone: str, template_id: str, template_data: dict[str, Any], tracking_id: str) -> str:
        """Send one ZNS message; Zalo's ``msg_id``. DeliveryError (retry) or PermanentDeliveryError (do not)."""
        number = phone_to_84(phone)
        if not self.config.configured:
            raise DeliveryError("DVCTT_ZALO_ACCESS_TOKEN / DVCTT_ZALO_URL are not configured")
        if not template_id:
            raise DeliveryError("no ZNS template id (DVCTT_ZALO_TEMPLATE_ID or the template's own)")
        body = {
            "phone": number,
            "template_id": str(template_id),
            "template_data": {k: str(v)[:PARAM_MAX_CHARS] for k, v in template_data.items()},
            "tracking_id": tracking_id,
        }
        status, answer = post_json(
            self.config.url,
            body,
            headers={"access_token": self.config.access_token},
            timeout=self.config.timeout,
        )
        if isinstance(answer, dict) and "error" in answer:
            try:
                error = int(answer["error"])
            except (TypeError, ValueError):
                error = -100
            if error == 0 and status < 300:
                data = answer.get("data") or {}
                logger.info("zns %s to %s accepted", tracking_id, mask_phone(number))
                return str(data.get("msg_id", ""))
            text = f"Zalo ZNS: HTTP {status}, error {error} {answer.get('message', '')}".strip()
            if error in PERMANENT_ERRORS:
                raise PermanentDeliveryError(text)
            raise DeliveryError(text)
        raise DeliveryError(f"Zalo ZNS: HTTP {status}, no JSON answer")
