"""Models of the integrations app, one module per outside system; Django finds them through this module."""

from dvctt.integrations.payments.models import PaymentCallback, PaymentTransaction

__all__ = ["PaymentCallback", "PaymentTransaction"]
