"""Reads of units. Other apps reach units only through these functions.

Heir ("today's unit that carries on unit U"), as the ``--units current`` folding rule of
spec/indicators.md defines it: a unit that has not ended (no ``valid_to``, whatever today is) is its own
heir; an ended unit's heir is found by following successors until a unit that has not ended. An ended unit
with no successor, or whose chain stops at such a unit, has **no heir** (``None``; absent from
:func:`unit_heir_map`): its figures count only for the province.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Q, QuerySet

from dvctt.agencies.models import Unit


def units_in_force(*, on: date, level: str | None = None) -> QuerySet[Unit]:
    """Units that exist on day ``on`` (both validity days included), optionally of one level."""
    qs = Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_get_by_code(*, code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()


def units_ended_by(*, on: date) -> QuerySet[Unit]:
    """Units whose last day is before ``on``, with their successor loaded."""
    return Unit.objects.filter(valid_to__lt=on).select_related("successor").order_by("-valid_to", "code")


def _resolve(start: str, successor_of: dict[str, str | None], ended: set[str]) -> str | None:
    seen: set[str] = set()
    current: str | None = start
    while current is not None and current in ended:
        if current in seen:  # a cycle in imported data: nothing carries the unit on
            return None
        seen.add(current)
        current = successor_of.get(current)
    return current


def unit_heir_map() -> dict[str, str]:
    """``{code: heir code}`` for every unit that has an heir, in one query (the KPI folding uses it).

    A unit that has not ended maps to itself; an ended unit without heir is absent.
    """
    rows = list(Unit.objects.values_list("code", "successor__code", "valid_to"))
    successor_of: dict[str, str | None] = {code: successor for code, successor, _ in rows}
    ended = {code for code, _, valid_to in rows if valid_to is not None}
    heirs: dict[str, str] = {}
    for code, _, _ in rows:
        heir = _resolve(code, successor_of, ended)
        if heir is not None:
            heirs[code] = heir
    return heirs


def unit_heir(*, unit: Unit) -> Unit | None:
    """Today's unit that carries on ``unit`` (``unit`` itself if it has not ended), or ``None``.

    One query per step of the chain; use :func:`unit_heir_map` for many units.
    """
    seen: set[int] = set()
    current: Unit | None = unit
    while current is not None and current.valid_to is not None:
        if current.pk in seen:
            return None
        seen.add(current.pk)
        current = Unit.objects.filter(pk=current.successor_id).first() if current.successor_id else None
    return current


def unit_names_by_code(*, codes: Iterable[str]) -> dict[str, str]:
    """``{code: name}`` for the given codes (one query, none for no codes)."""
    wanted = set(codes)
    return dict(Unit.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}


def unit_predecessors(*, unit: Unit) -> QuerySet[Unit]:
    """Units that named ``unit`` as their direct successor."""
    return Unit.objects.filter(successor=unit).order_by("code")


def unit_ids_carried_on_by(*, unit_ids: Iterable[int]) -> set[int]:
    """``unit_ids`` plus every unit whose successor chain reaches one of them (one query).

    An official of today's unit carries on the work of the units it took over.
    """
    result = set(unit_ids)
    if not result:
        return result
    succeeded_by: dict[int, list[int]] = defaultdict(list)
    for pk, successor_id in Unit.objects.filter(successor__isnull=False).values_list("pk", "successor_id"):
        succeeded_by[successor_id].append(pk)
    todo = list(result)
    while todo:
        for predecessor in succeeded_by.get(todo.pop(), []):
            if predecessor not in result:
                result.add(predecessor)
                todo.append(predecessor)
    return result


def unit_descendant_ids(*, unit_ids: Iterable[int]) -> set[int]:
    """``unit_ids`` plus all their children, grandchildren... (one query)."""
    result = set(unit_ids)
    if not result:
        return result
    children: dict[int, list[int]] = defaultdict(list)
    for pk, parent_id in Unit.objects.filter(parent__isnull=False).values_list("pk", "parent_id"):
        children[parent_id].append(pk)
    todo = list(result)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in result:
                result.add(child)
                todo.append(child)
    return result


@dataclass
class UnitNode:
    unit: Unit
    children: list[UnitNode] = field(default_factory=list)


def unit_tree(*, on: date | None = None) -> list[UnitNode]:
    """The units (in force on ``on``, or all) as a forest of parent → children, in one query.

    A unit whose parent is not in the set (ended, or out of force that day) becomes a root.
    """
    qs = units_in_force(on=on) if on else Unit.objects.all()
    nodes = {unit.pk: UnitNode(unit) for unit in qs.order_by("code")}
    roots: list[UnitNode] = []
    for node in nodes.values():
        parent = nodes.get(node.unit.parent_id) if node.unit.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


@dataclass
class UnitDetail:
    unit: Unit
    parent: Unit | None
    successor: Unit | None
    heir: Unit | None
    children: list[Unit]
    predecessors: list[Unit]


def unit_detail(*, code: str) -> UnitDetail | None:
    """A unit with its neighbours for a page or the API (5 queries whatever the chain length)."""
    unit = Unit.objects.select_related("parent", "successor").filter(code=code).first()
    if unit is None:
        return None
    heir_code = unit_heir_map().get(unit.code)
    heir = (
        unit if heir_code == unit.code else Unit.objects.filter(code=heir_code).first() if heir_code else None
    )
    return UnitDetail(
        unit=unit,
        parent=unit.parent,
        successor=unit.successor,
        heir=heir,
        children=list(unit.children.order_by("code")),
        predecessors=list(unit_predecessors(unit=unit)),
    )
