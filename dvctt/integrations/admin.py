"""The integrations app's admin, one module per outside system; Django's autodiscovery finds them here."""

from dvctt.integrations.payments import admin as payments_admin  # noqa: F401 - registers the payment models
