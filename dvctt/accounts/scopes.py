"""Which units' internal data a user may see. Every selector of internal data filters through here.

=====================  ===============================================================
role                   scope
=====================  ===============================================================
one-stop officer       their unit (and the units it carried on: predecessors, see below)
specialist             their unit (and its predecessors)
unit leader            their unit, its child units at every depth (and their predecessors)
monitor, PPC leader,   the whole province (``None``)
admin, superuser
citizen, business      no internal data (empty set); later apps filter their own records by applicant
anonymous, inactive    nothing
=====================  ===============================================================

Predecessors are included because an official of today's unit carries on the work (and the open
dossiers) of the units it took over in the 2025 reorganisation (agencies.selectors, "heir").
"""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

from dvctt.accounts.models import PROVINCE_ROLES, Role
from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_descendant_ids, unit_ids_carried_on_by

_M = TypeVar("_M", bound=Model)

#: Roles allowed to read applicants' identification numbers unmasked (within their scope).
_PERSONAL_ID_ROLES = frozenset(
    {Role.ONE_STOP_OFFICER, Role.SPECIALIST, Role.UNIT_LEADER, Role.MONITOR, Role.ADMIN}
)

_CACHE_ATTR = "_dvctt_unit_scope"


def unit_ids_in_scope(user: Any) -> set[int] | None:
    """Ids of the units whose internal data ``user`` may see; ``None`` means the whole province.

    Cached on the user object for the request (two queries the first time for unit roles).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    if user.is_superuser or user.role in PROVINCE_ROLES:
        return None
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return set(cached)
    scope: set[int] = set()
    if user.unit_id is not None:
        if user.role in (Role.ONE_STOP_OFFICER, Role.SPECIALIST):
            scope = unit_ids_carried_on_by(unit_ids=[user.unit_id])
        elif user.role == Role.UNIT_LEADER:
            scope = unit_ids_carried_on_by(unit_ids=unit_descendant_ids(unit_ids=[user.unit_id]))
    setattr(user, _CACHE_ATTR, frozenset(scope))
    return scope


def scope_filter(qs: QuerySet[_M], user: Any, unit_field: str = "unit") -> QuerySet[_M]:
    """``qs`` restricted to the rows whose ``unit_field`` is in ``user``'s scope (``qs.none()`` when empty)."""
    scope = unit_ids_in_scope(user)
    if scope is None:
        return qs
    if not scope:
        return qs.none()
    return qs.filter(**{f"{unit_field}__in": scope})


def user_can_see_personal_ids(user: Any, unit: Unit | int | None) -> bool:
    """Whether ``user`` may read unmasked identification numbers of records of ``unit``.

    Officials of that unit's scope, monitors, admins and superusers: yes. PPC leaders read figures, not
    people (need to know), citizens and businesses read others' records masked; their own records are the
    caller's business (compare the applicant first).
    """
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    if user.role not in _PERSONAL_ID_ROLES:
        return False
    scope = unit_ids_in_scope(user)
    if scope is None:
        return True
    unit_id = unit.pk if isinstance(unit, Unit) else unit
    return unit_id is not None and unit_id in scope
