"""The signed message format spoken with the payment gateway (and by the sandbox gateway).

Every message is a flat mapping of text fields plus ``signature``: the hex HMAC-SHA256, under the merchant's
shared secret, of the canonical string — the fields other than ``signature``, sorted by name, as
``name=value`` joined with ``&`` (UTF-8, values unescaped). Any changed, added or removed field changes the
signature. Verification compares in constant time.

Messages:

- payment request (platform → gateway, in the browser's redirect): ``merchant``, ``order_id``, ``amount``
  (VND, integer), ``currency`` (``VND``), ``description``, ``return_url``, ``ipn_url``, ``created`` (Unix time);
- notification (gateway → platform, server to server, POST form): ``merchant``, ``order_id``, ``amount``,
  ``result`` (``00`` paid, anything else not paid), ``gateway_ref``, ``sent`` (Unix time);
- return (gateway → browser → platform): the notification's fields; the platform only displays what its own
  records say, so a forged return changes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

SIGNATURE = "signature"
RESULT_PAID = "00"
REQUEST_FIELDS = (
    "merchant",
    "order_id",
    "amount",
    "currency",
    "description",
    "return_url",
    "ipn_url",
    "created",
)
NOTIFICATION_FIELDS = ("merchant", "order_id", "amount", "result", "gateway_ref", "sent")


def canonical(fields: Mapping[str, object]) -> str:
    return "&".join(f"{name}={fields[name]}" for name in sorted(fields) if name != SIGNATURE)


def sign(fields: Mapping[str, object], *, secret: str) -> str:
    return hmac.new(secret.encode(), canonical(fields).encode(), hashlib.sha256).hexdigest()


def signed(fields: Mapping[str, object], *, secret: str) -> dict[str, str]:
    """The fields as text with their signature added."""
    text = {name: str(value) for name, value in fields.items() if name != SIGNATURE}
    return {**text, SIGNATURE: sign(text, secret=secret)}


def verify(fields: Mapping[str, str], *, secret: str, expected: tuple[str, ...]) -> bool:
    """True when ``fields`` hold exactly the ``expected`` names plus a valid signature."""
    given = fields.get(SIGNATURE, "")
    names = {name for name in fields if name != SIGNATURE}
    if names != set(expected) or not given:
        return False
    return hmac.compare_digest(given, sign({name: fields[name] for name in names}, secret=secret))
