"""An SMS brandname provider over HTTP: the adapter's protocol (a generic JSON shape common to Vietnamese providers).

Not confirmed against a named provider: a province that signs with one maps its API here (or puts a small proxy in
front that speaks this). The protocol:

``POST {DVCTT_SMS_URL}`` with HTTP Basic authentication (``DVCTT_SMS_USERNAME`` / ``DVCTT_SMS_PASSWORD``) and the
JSON body ``{"brandname": "DICHVUCONG", "phone": "84912345678", "message": "…", "request_id": "dvctt-n42",
"unicode": 0}`` (``unicode`` 1 when the text has diacritics). The answer is JSON ``{"code": "00", "message": "…",
"message_id": "…"}``; ``code`` other than ``"00"`` is an error:

====== ======================================= =========================
code   meaning                                 the platform
====== ======================================= =========================
``00`` accepted (a repeated ``request_id`` is   sent
       accepted again, not sent twice)
``01`` invalid phone number                    not sent, not retried
``02`` brandname not registered                retried (configuration)
``03`` message too long                        not sent, not retried
``04`` authentication failed                   retried (configuration)
``99`` provider busy                           retried
====== ======================================= =========================

Any HTTP status ≥ 500, a timeout or a refused connection is retried as well.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass

from django.conf import settings

from dvctt.integrations.messaging.errors import DeliveryError, PermanentDeliveryError
from dvctt.integrations.messaging.phones import mask_phone, phone_to_84
from dvctt.integrations.messaging.transport import post_json

logger = logging.getLogger(__name__)

PERMANENT_CODES = {"01", "03"}


@dataclass(frozen=True)
class SmsConfig:
    url: str
    username: str
    password: str
    brandname: str
    timeout: float = 10.0

    @classmethod
    def from_settings(cls) -> SmsConfig:
        return cls(
            url=settings.DVCTT_SMS_URL,
            username=settings.DVCTT_SMS_USERNAME,
            password=settings.DVCTT_SMS_PASSWORD,
            brandname=settings.DVCTT_SMS_BRANDNAME,
            timeout=settings.DVCTT_SMS_TIMEOUT,
        )

    @property
    def configured(self) -> bool:
        return self.url.startswith(("http://", "https://"))


class SmsClient:
    def __init__(self, config: SmsConfig | None = None) -> None:
        self.config = config or SmsConfig.from_settings()

    def send(self, *, phone: str, text: str, reference: str) -> str:
        """Send one SMS; the provider's message id. DeliveryError (retry) or PermanentDeliveryError (do not)."""
        number = phone_to_84(phone)
        if not self.config.configured:
            raise DeliveryError("DVCTT_SMS_URL is not configured")
        token = base64.b64encode(f"{self.config.username}:{self.config.password}".encode()).decode()
        body = {
            "brandname": self.config.brandname,
            "phone": number,
            "message": text,
            "request_id": reference,
            "unicode": 0 if text.isascii() else 1,
        }
        status, answer = post_json(
            self.config.url, body, headers={"Authorization": f"Basic {token}"}, timeout=self.config.timeout
        )
        code = str(answer.get("code", "")) if isinstance(answer, dict) else ""
        detail = str(answer.get("message", "")) if isinstance(answer, dict) else ""
        if status < 300 and code == "00":
            logger.info("sms %s to %s accepted", reference, mask_phone(number))
            return str(answer.get("message_id", ""))
        error = f"SMS provider: HTTP {status}, code {code or '-'} {detail}".strip()
        if code in PERMANENT_CODES:
            raise PermanentDeliveryError(error)
        raise DeliveryError(error)
