"""What a provider adapter raises: a delivery that may succeed later, or one that never will."""

from __future__ import annotations


class DeliveryError(Exception):
    """The provider did not take the message (network, outage, quota, configuration): try again later."""


class PermanentDeliveryError(DeliveryError):
    """The message can never be delivered as it is (a bad phone number, no Zalo account): do not retry."""
