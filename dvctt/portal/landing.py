"""The page each role lands on after signing in (``DVCTT_LANDING_URL``; see ``accounts.landing``)."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse

from dvctt.accounts.models import Role, User
from dvctt.dossiers.models import Dossier

LANDING_BY_ROLE: dict[str, str] = {
    Role.ONE_STOP_OFFICER: "backoffice:home",
    Role.SPECIALIST: "backoffice:home",
    Role.UNIT_LEADER: "backoffice:leader",
    Role.MONITOR: "dashboards:overview",
    Role.PPC_LEADER: "dashboards:overview",
    Role.ADMIN: "admin:index",
}


def landing_url(user: User) -> str:
    name = LANDING_BY_ROLE.get(user.role)
    if name is None and user.is_superuser:
        name = "admin:index"
    if name is None:
        has_dossiers = Dossier.objects.filter(applicant=user, is_test=False).exists()
        name = "portal:my_dossiers" if has_dossiers else "portal:home"
    try:
        return reverse(name)
    except NoReverseMatch:
        return reverse("portal:home")
