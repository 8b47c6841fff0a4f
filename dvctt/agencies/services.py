"""Writes of units: create, update, end (with a successor).

Every write checks the same rules (:func:`unit_check`) on the unit as it would be saved, inside one
transaction: a refused write leaves nothing behind. Messages are Vietnamese and name the unit.
"""

from __future__ import annotations

import enum
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit, UnitLevel
from dvctt.common.errors import DomainError


class _Unset(enum.Enum):
    UNSET = 0


#: Marks an argument of :func:`unit_update` that the caller did not give (``None`` means "clear it").
UNSET = _Unset.UNSET


def _refuse(unit_code: str, message: str, field: str) -> DomainError:
    full = _("Đơn vị %(unit)s: %(reason)s") % {"unit": unit_code or "?", "reason": message}
    return DomainError(full, fields={field: [message]})


def _lookup(*, unit_code: str, code: str | None, field: str, role: str) -> Unit | None:
    if not code:
        return None
    found = Unit.objects.filter(code=code).first()
    if found is None:
        raise _refuse(
            unit_code,
            _("không có đơn vị %(role)s mã %(code)s.") % {"role": role, "code": code},
            field,
        )
    return found


def _walk(start: Unit | None, attr: str) -> list[int]:
    """The ids met following ``attr`` (parent or successor) from ``start``; stops on a repeat."""
    ids: list[int] = []
    seen: set[int] = set()
    current_id = start.pk if start else None
    while current_id is not None and current_id not in seen:
        seen.add(current_id)
        ids.append(current_id)
        current_id = Unit.objects.filter(pk=current_id).values_list(f"{attr}_id", flat=True).first()
    return ids


def unit_check(unit: Unit) -> None:
    """Refuse a unit that breaks a rule. ``unit`` holds the values about to be saved (maybe unsaved)."""
    code = unit.code
    if not code or not code.strip():
        raise _refuse(code, _("mã đơn vị không được để trống."), "code")
    if not unit.name or not unit.name.strip():
        raise _refuse(code, _("tên đơn vị không được để trống."), "name")
    if unit.level not in UnitLevel.values:
        raise _refuse(code, _("cấp %(level)s không hợp lệ.") % {"level": unit.level}, "level")
    if unit.valid_from is None:
        raise _refuse(code, _("thiếu ngày bắt đầu hiệu lực."), "valid_from")
    if unit.valid_to is not None and unit.valid_to < unit.valid_from:
        raise _refuse(
            code,
            _("ngày hết hiệu lực %(to)s trước ngày bắt đầu hiệu lực %(from)s.")
            % {"to": unit.valid_to.strftime("%d/%m/%Y"), "from": unit.valid_from.strftime("%d/%m/%Y")},
            "valid_to",
        )
    duplicate = Unit.objects.filter(code=code)
    if unit.pk:
        duplicate = duplicate.exclude(pk=unit.pk)
    if duplicate.exists():
        raise _refuse(code, _("mã đơn vị đã tồn tại."), "code")
    if unit.parent_id is not None:
        if unit.pk and unit.parent_id == unit.pk:
            raise _refuse(code, _("một đơn vị không thể là đơn vị cha của chính nó."), "parent")
        if unit.pk and unit.pk in _walk(unit.parent, "parent"):
            raise _refuse(code, _("quan hệ đơn vị cha tạo thành vòng lặp."), "parent")
    if unit.successor_id is not None:
        if unit.pk and unit.successor_id == unit.pk:
            raise _refuse(code, _("một đơn vị không thể kế thừa chính nó."), "successor")
        if unit.valid_to is None:
            raise _refuse(code, _("chỉ đơn vị đã có ngày hết hiệu lực mới có đơn vị kế thừa."), "successor")
        chain = _walk(unit.successor, "successor")
        if unit.pk and unit.pk in chain:
            codes = dict(Unit.objects.filter(pk__in=chain).values_list("pk", "code"))
            path = " → ".join([code, *(codes[i] for i in chain[: chain.index(unit.pk) + 1])])
            raise _refuse(
                code,
                _("chuỗi kế thừa tạo thành vòng lặp (%(path)s).") % {"path": path},
                "successor",
            )


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    level: str,
    valid_from: date,
    valid_to: date | None = None,
    parent_code: str | None = None,
    successor_code: str | None = None,
    address: str = "",
    phone: str = "",
    email: str = "",
    extra: dict[str, Any] | None = None,
) -> Unit:
    code = (code or "").strip()
    if successor_code and successor_code == code:
        raise _refuse(code, _("một đơn vị không thể kế thừa chính nó."), "successor")
    unit = Unit(
        code=code,
        name=(name or "").strip(),
        level=level,
        valid_from=valid_from,
        valid_to=valid_to,
        parent=_lookup(unit_code=code, code=parent_code, field="parent", role=_("cha")),
        successor=_lookup(unit_code=code, code=successor_code, field="successor", role=_("kế thừa")),
        address=address,
        phone=phone,
        email=email,
        extra=extra or {},
    )
    unit_check(unit)
    unit.save()
    return unit


@transaction.atomic
def unit_update(
    *,
    unit: Unit,
    name: str | _Unset = UNSET,
    level: str | _Unset = UNSET,
    valid_from: date | _Unset = UNSET,
    valid_to: date | _Unset | None = UNSET,
    parent_code: str | _Unset | None = UNSET,
    successor_code: str | _Unset | None = UNSET,
    address: str | _Unset = UNSET,
    phone: str | _Unset = UNSET,
    email: str | _Unset = UNSET,
    extra: dict[str, Any] | _Unset = UNSET,
) -> Unit:
    """Change the given fields of ``unit`` (the code never changes: other systems know the unit by it).

    The row is locked for the transaction; on refusal the database and ``unit`` are left as they were.
    """
    locked = Unit.objects.select_for_update().get(pk=unit.pk)
    if not isinstance(name, _Unset):
        locked.name = name.strip()
    if not isinstance(level, _Unset):
        locked.level = level
    if not isinstance(valid_from, _Unset):
        locked.valid_from = valid_from
    if not isinstance(valid_to, _Unset):
        locked.valid_to = valid_to
    if not isinstance(parent_code, _Unset):
        locked.parent = _lookup(unit_code=locked.code, code=parent_code, field="parent", role=_("cha"))
    if not isinstance(successor_code, _Unset):
        locked.successor = _lookup(
            unit_code=locked.code, code=successor_code, field="successor", role=_("kế thừa")
        )
    if not isinstance(address, _Unset):
        locked.address = address
    if not isinstance(phone, _Unset):
        locked.phone = phone
    if not isinstance(email, _Unset):
        locked.email = email
    if not isinstance(extra, _Unset):
        locked.extra = extra
    unit_check(locked)
    locked.save()
    unit.refresh_from_db()
    return unit


@transaction.atomic
def unit_end(*, unit: Unit, last_day: date, successor_code: str | None = None) -> Unit:
    """End ``unit`` after ``last_day``; ``successor_code`` names the unit that carries on its work.

    With no successor the unit's figures are not folded into any of today's units (indicators.md).
    """
    return unit_update(unit=unit, valid_to=last_day, successor_code=successor_code)
