"""Who sees what on the dashboards.

* Monitors, PPC leaders, admins (and superusers): every page, every list behind a number.
* Unit leaders: the province overview and the ranking (figures only), the page and the lists of the units in
  their scope (accounts.scopes).
* Names of officials who have not used online services yet: monitors, and the leader of that very unit (or of
  the unit that carries it on) only; everyone else sees how many.
* Anyone else signed in: 403.
"""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import PROVINCE_ROLES, Role
from dvctt.accounts.scopes import unit_ids_in_scope
from dvctt.agencies.selectors import unit_ids_carried_on_by


def can_view_dashboards(user: Any) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    return bool(user.is_superuser or user.role in PROVINCE_ROLES or user.role == Role.UNIT_LEADER)


def sees_province(user: Any) -> bool:
    return bool(user.is_superuser or user.role in PROVINCE_ROLES)


def can_view_unit(user: Any, unit_id: int) -> bool:
    """A unit's page and the lists behind its numbers (a leader's scope includes the units it carried on)."""
    if sees_province(user):
        return True
    scope = unit_ids_in_scope(user)
    return scope is None or unit_id in scope


def can_list(user: Any, unit_id: int | None) -> bool:
    """The items behind a number: the province's (``None``) for province roles, a unit's within one's scope."""
    if unit_id is None:
        return sees_province(user)
    return can_view_unit(user, unit_id)


def can_see_official_names(user: Any, unit_id: int | None) -> bool:
    """Monitors, and the leader of that unit (the unit itself or one it carried on)."""
    if user.role == Role.MONITOR:
        return True
    if user.role != Role.UNIT_LEADER or unit_id is None or user.unit_id is None:
        return False
    return unit_id in unit_ids_carried_on_by(unit_ids=[user.unit_id])
