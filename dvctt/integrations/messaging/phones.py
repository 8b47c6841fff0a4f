"""Vietnamese mobile numbers: the ``84…`` form providers take, and the masked form logs show."""

from __future__ import annotations

import re

from django.utils.translation import gettext as _

from dvctt.common.masking import mask_id
from dvctt.integrations.messaging.errors import PermanentDeliveryError

_SEPARATORS = re.compile(r"[\s.\-()]")
#: 84 + a 9-digit subscriber number starting 3, 5, 7, 8 or 9 (mobile prefixes since the 2018 renumbering).
_MOBILE = re.compile(r"^84[35789][0-9]{8}$")


class InvalidPhoneError(PermanentDeliveryError):
    pass


def mask_phone(phone: str) -> str:
    """0912345678 → 091****678 (what logs and lists show)."""
    return mask_id(phone)


def phone_to_84(raw: str) -> str:
    """``0912 345 678``, ``+84912345678`` or ``84912345678`` → ``84912345678``; InvalidPhoneError otherwise."""
    digits = _SEPARATORS.sub("", raw or "")
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0"):
        digits = "84" + digits[1:]
    if not _MOBILE.match(digits):
        raise InvalidPhoneError(
            _(
                "Số điện thoại “%(phone)s” không phải số di động Việt Nam hợp lệ (10 chữ số, bắt đầu bằng 03, 05, "
                "07, 08 hoặc 09)."
            )
            % {"phone": mask_phone(raw or "")}
        )
    return digits
