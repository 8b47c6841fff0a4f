"""Who may do what with tasks and difficulties (docs/steering.md, "Roles").

=====================  ==========================================================================================
role                   tasks                                   difficulties
=====================  ==========================================================================================
one-stop officer,      read the tasks their unit (scope) leads  file for their unit; read those of their unit and
specialist             or cooperates on; report progress        those assigned to their unit or to them; answer
                                                                those assigned to them or their unit
unit leader            as above over their scope; mark the      as above; close their unit's answered items
                       tasks their unit leads done
monitor, admin         everything: enter, import, close,        read all; assign, escalate to the PPC, answer,
(the department)       cancel, reopen, report for any unit      close
PPC leader             read all                                 read those escalated to the PPC; answer them
citizen, business      nothing                                  nothing
=====================  ==========================================================================================
"""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import UNIT_ROLES, Role
from dvctt.accounts.scopes import unit_ids_in_scope

DEPARTMENT_ROLES = frozenset({Role.MONITOR, Role.ADMIN})
READ_ALL_ROLES = frozenset({Role.MONITOR, Role.ADMIN, Role.PPC_LEADER})


def _active(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def is_department(user: Any) -> bool:
    """The provincial department that follows the plan (monitors), admins and superusers."""
    return _active(user) and bool(user.is_superuser or user.role in DEPARTMENT_ROLES)


def reads_all_tasks(user: Any) -> bool:
    return _active(user) and bool(user.is_superuser or user.role in READ_ALL_ROLES)


def can_use_steering(user: Any) -> bool:
    """The task and difficulty pages: officials of a unit and the province's roles."""
    if not _active(user):
        return False
    return reads_all_tasks(user) or (user.role in UNIT_ROLES and user.unit_id is not None)


def is_ppc_leader(user: Any) -> bool:
    return _active(user) and user.role == Role.PPC_LEADER


def scope_ids(user: Any) -> set[int] | None:
    """The units whose tasks and difficulties ``user`` reads as their own (None: the province)."""
    return unit_ids_in_scope(user)


def can_manage_tasks(user: Any) -> bool:
    """Enter, import, cancel, reopen tasks."""
    return is_department(user)


def can_file_difficulty(user: Any) -> bool:
    return _active(user) and user.role in UNIT_ROLES and user.unit_id is not None
