"""Who may do what with communication activities and good practices (docs/outreach.md, "Roles").

=====================  ======================================================  ==================================
role                   communication activities                                good practices
=====================  ======================================================  ==================================
one-stop officer,      record for a unit of their scope (their unit); read     read the published ones
specialist, unit       and edit those of their scope (a leader's scope holds
leader                 the sub-units)
monitor, admin         record for any unit; read and edit all                  write, publish, withdraw; read all
(the department)                                                               (drafts too)
PPC leader             read all                                                read the published ones
citizen, business      nothing                                                 nothing
=====================  ======================================================  ==================================

Good practices are for the officials of every agency ("between agencies"), so they live in the back office under
/theo-doi/, not on the citizens' portal.
"""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import OFFICIAL_ROLES, UNIT_ROLES, Role
from dvctt.accounts.scopes import unit_ids_in_scope

DEPARTMENT_ROLES = frozenset({Role.MONITOR, Role.ADMIN})
READ_ALL_ROLES = frozenset({Role.MONITOR, Role.ADMIN, Role.PPC_LEADER})


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_department(user: Any) -> bool:
    """The department that leads the province's communication on the plan (monitors), admins, superusers."""
    return _active(user) and bool(user.is_superuser or user.role in DEPARTMENT_ROLES)


def is_official(user: Any) -> bool:
    """Any official: the pages of this app are theirs."""
    return _active(user) and bool(user.is_superuser or user.role in OFFICIAL_ROLES)


def reads_all(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or user.role in READ_ALL_ROLES)


def unit_scope(user: Any) -> set[int] | None:
    """The units whose activities ``user`` reads and edits (None: every unit; empty: none)."""
    if is_department(user) or reads_all(user):
        return None
    if not _active(user) or user.role not in UNIT_ROLES or user.unit_id is None:
        return set()
    return unit_ids_in_scope(user) or set()


def can_record(user: Any) -> bool:
    """Record an activity: the department, and officials of a unit."""
    return is_department(user) or (_active(user) and user.role in UNIT_ROLES and user.unit_id is not None)


def can_record_for(user: Any, unit_id: int) -> bool:
    if is_department(user):
        return True
    if not can_record(user):
        return False
    return unit_id in (unit_ids_in_scope(user) or set())


def can_write_practices(user: Any) -> bool:
    return is_department(user)
