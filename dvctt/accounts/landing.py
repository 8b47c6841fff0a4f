"""Where a person lands after signing in, when no ``next`` was asked for.

Officers on their inbox, unit leaders on their page, monitors and PPC leaders on the dashboards, administrators
in the admin, citizens on "my dossiers" when they have some. Which page that is depends on apps above
``accounts``; the portal supplies the function through ``DVCTT_LANDING_URL`` (a dotted path), so that
``accounts`` imports nothing above it.
"""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import resolve_url
from django.utils.module_loading import import_string

from dvctt.accounts.models import User


def landing_url(user: User) -> str:
    hook = getattr(settings, "DVCTT_LANDING_URL", "")
    if hook:
        return str(import_string(hook)(user))
    return resolve_url(settings.LOGIN_REDIRECT_URL)
