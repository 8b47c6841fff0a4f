"""Writes: plans, targets (one by one, a year's grid, an Excel sheet), index configuration, PAR rules.

Every service checks all its input first and raises a ``DomainError`` with a Vietnamese message naming the
record; a rejected batch (a grid, a sheet, a year's rule table) saves nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from dvctt.agencies.models import Unit
from dvctt.common.errors import ConflictError, DomainError
from dvctt.monitoring.indicators import BY_CODE, PLATFORM
from dvctt.plans.index_config import GROUP_POINTS, default_index_config
from dvctt.plans.models import IndexConfig, IndexItem, ParCriterion, ParRule, Plan, Target, TargetKind
from dvctt.plans.sheets import SheetError, UnitInfo, parse_targets_sheet


class SheetRejected(DomainError):
    """An Excel sheet with errors: nothing of it was saved. ``errors`` lists each with row and column."""

    code = "sheet_rejected"

    def __init__(self, errors: Sequence[SheetError]):
        self.errors = list(errors)
        super().__init__(
            _("Bảng tính có %(n)s lỗi, không lưu chỉ tiêu nào: %(first)s")
            % {"n": len(self.errors), "first": "; ".join(str(e) for e in self.errors[:5])},
            fields={"file": [str(e) for e in self.errors]},
        )


def check_indicator(code: str, *, target: bool = False) -> str:
    """A known indicator code; a platform indicator (monitoring.indicators.PLATFORM) only for a ``target``."""
    if code not in BY_CODE or (not target and BY_CODE[code].group == PLATFORM):
        raise DomainError(
            _("Không có chỉ tiêu mã “%(code)s”.") % {"code": code}, fields={"indicator": ["unknown"]}
        )
    return code


def check_fraction(value: Any, *, label: str) -> Decimal:
    """A value from 0 to 1 (0–100%), quantised to 4 decimals."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise DomainError(
            _("%(label)s: “%(value)s” không phải là số.") % {"label": label, "value": value}
        ) from None
    if not number.is_finite() or number < 0 or number > 1:
        raise DomainError(
            _("%(label)s: giá trị %(value)s nằm ngoài khoảng 0–100%%.") % {"label": label, "value": value}
        )
    return number.quantize(Decimal("0.0001"))


def check_year_in_plan(plan: Plan, year: int) -> None:
    # The year after the plan may carry targets: the plan goes on until a new one is issued.
    if not plan.start_year <= year <= plan.end_year + 1:
        raise DomainError(
            _("Năm %(year)s nằm ngoài kỳ của kế hoạch %(plan)s (%(start)s–%(end)s, cộng một năm kế tiếp).")
            % {"year": year, "plan": plan.decision_number, "start": plan.start_year, "end": plan.end_year}
        )


def _unit_info(unit: Unit) -> UnitInfo:
    return UnitInfo(unit.code, unit.name, unit.valid_from, unit.valid_to)


def _check_unit_year(unit: Unit, year: int) -> None:
    if not _unit_info(unit).active_in(year):
        raise DomainError(
            _("Đơn vị %(name)s (%(code)s) không hoạt động trong năm %(year)s.")
            % {"name": unit.name, "code": unit.code, "year": year}
        )


# Plans ------------------------------------------------------------------------------------------------------


def plan_create(
    *,
    name: str,
    decision_number: str,
    decision_date: date,
    start_year: int,
    end_year: int,
    signer: str = "",
    note: str = "",
) -> Plan:
    if end_year < start_year:
        raise DomainError(
            _("Kế hoạch %(number)s: năm kết thúc %(end)s trước năm bắt đầu %(start)s.")
            % {"number": decision_number, "end": end_year, "start": start_year},
            fields={"end_year": ["before_start"]},
        )
    if Plan.objects.filter(decision_number=decision_number).exists():
        raise ConflictError(
            _("Đã có kế hoạch số %(number)s.") % {"number": decision_number},
            fields={"decision_number": ["exists"]},
        )
    return Plan.objects.create(
        name=name,
        decision_number=decision_number,
        decision_date=decision_date,
        start_year=start_year,
        end_year=end_year,
        signer=signer,
        note=note,
    )


# Targets ----------------------------------------------------------------------------------------------------


def target_set(
    *,
    plan: Plan,
    indicator: str,
    year: int,
    value: Any,
    unit: Unit | None = None,
    kind: str = TargetKind.AT_LEAST,
) -> Target:
    """Create or change one target (the province's when ``unit`` is None)."""
    check_indicator(indicator, target=True)
    check_year_in_plan(plan, year)
    if unit is not None:
        _check_unit_year(unit, year)
    if kind not in TargetKind.values:
        raise DomainError(_("Loại chỉ tiêu “%(kind)s” không hợp lệ.") % {"kind": kind})
    number = check_fraction(value, label=str(BY_CODE[indicator].name))
    target, _created = Target.objects.update_or_create(
        plan=plan, indicator=indicator, year=year, unit=unit, defaults={"value": number, "kind": kind}
    )
    return target


@transaction.atomic
def targets_save_year(
    *, plan: Plan, year: int, values: Mapping[tuple[str | None, str], Decimal | None]
) -> dict[str, int]:
    """Save a year's grid: ``{(unit code or None, indicator): fraction or None}``; None removes the target.

    Checked in full before any write; returns ``{"saved": n, "removed": n}``.
    """
    check_year_in_plan(plan, year)
    codes = {code for code, _indicator in values if code is not None}
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=codes)}
    problems: list[str] = []
    cleaned: dict[tuple[str | None, str], Decimal | None] = {}
    for (code, indicator), value in values.items():
        try:
            check_indicator(indicator, target=True)
            if code is not None:
                if code not in units:
                    raise DomainError(_("Không có đơn vị mã “%(code)s”.") % {"code": code})
                _check_unit_year(units[code], year)
            cleaned[(code, indicator)] = None if value is None else check_fraction(value, label=indicator)
        except DomainError as exc:
            problems.append(exc.message)
    if problems:
        raise DomainError(" ".join(problems))
    existing = {
        (target.unit.code if target.unit else None, target.indicator): target
        for target in Target.objects.filter(plan=plan, year=year).select_related("unit")
    }
    saved = removed = 0
    for (code, indicator), value in cleaned.items():
        current = existing.get((code, indicator))
        if value is None:
            if current is not None:
                current.delete()
                removed += 1
        elif current is None:
            Target.objects.create(
                plan=plan, indicator=indicator, year=year, unit=units.get(code) if code else None, value=value
            )
            saved += 1
        elif current.value != value:
            current.value = value
            current.save(update_fields=["value"])
            saved += 1
    return {"saved": saved, "removed": removed}


def targets_import(*, plan: Plan, year: int, stream: IO[bytes] | bytes) -> dict[str, int]:
    """Import a year's targets from an Excel sheet (``sheets.py`` describes the layout).

    Blank cells leave existing targets as they are. Any error (unknown unit or indicator, value outside
    0–100%, a row without unit code, a unit not active in the year) rejects the whole sheet: ``SheetRejected``.
    """
    check_year_in_plan(plan, year)
    units = {
        unit.code: _unit_info(unit) for unit in Unit.objects.only("code", "name", "valid_from", "valid_to")
    }
    targets, errors = parse_targets_sheet(stream, units=units, year=year)
    if errors:
        raise SheetRejected(errors)
    with transaction.atomic():
        result = targets_save_year(
            plan=plan, year=year, values={(t.unit_code, t.indicator): t.value for t in targets}
        )
    return {"rows": len({t.unit_code for t in targets}), "targets": len(targets), **result}


# National index configuration -------------------------------------------------------------------------------


@transaction.atomic
def index_config_create(
    *,
    version: str,
    valid_from: date,
    items: Iterable[Mapping[str, Any]],
    group_points: Mapping[str, Any] | None = None,
    note: str = "",
) -> IndexConfig:
    """A new version of the index configuration. ``items``: dicts with group, indicator, ref, points, threshold."""
    if IndexConfig.objects.filter(version=version).exists():
        raise ConflictError(_("Đã có cấu hình phiên bản %(v)s.") % {"v": version})
    points_by_group = {
        str(group): str(Decimal(str(p))) for group, p in (group_points or GROUP_POINTS).items()
    }
    config = IndexConfig.objects.create(
        version=version, valid_from=valid_from, group_points=points_by_group, note=note
    )
    for item in items:
        check_indicator(item["indicator"])
        if item["group"] not in points_by_group:
            raise DomainError(_("Nhóm “%(g)s” không có trong cấu hình.") % {"g": item["group"]})
        threshold = check_fraction(item.get("threshold", 1), label=item["indicator"])
        if threshold == 0:
            raise DomainError(_("%(code)s: ngưỡng phải lớn hơn 0.") % {"code": item["indicator"]})
        IndexItem.objects.create(
            config=config,
            group=item["group"],
            indicator=item["indicator"],
            ref=item.get("ref", ""),
            points=Decimal(str(item["points"])),
            threshold=threshold,
        )
    return config


def index_config_seed_default(*, valid_from: date = date(2022, 1, 1)) -> IndexConfig:
    """The registry's configuration as the first stored version (idempotent)."""
    default = default_index_config()
    existing = IndexConfig.objects.filter(version=default.version).first()
    if existing is not None:
        return existing
    return index_config_create(
        version=default.version,
        valid_from=valid_from,
        group_points=default.group_points,
        items=[
            {
                "group": item.group,
                "indicator": item.indicator,
                "ref": item.ref,
                "points": item.points,
                "threshold": item.threshold,
            }
            for item in default.items
        ],
        note=_("Theo Quyết định 766/QĐ-TTg và sổ đăng ký chỉ số của nền tảng."),
    )


# PAR-index rules --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ParRow:
    indicator: str
    points: Decimal
    threshold: Decimal = Decimal(1)
    rule: str = ParRule.LINEAR
    steps: Sequence[Sequence[Any]] = ()
    label: str = ""


def _check_par_row(year: int, row: ParRow) -> dict[str, Any]:
    name = str(BY_CODE[check_indicator(row.indicator)].name)
    if row.rule not in ParRule.values:
        raise DomainError(
            _("%(name)s: cách tính “%(rule)s” không hợp lệ.") % {"name": name, "rule": row.rule}
        )
    try:
        points = Decimal(str(row.points))
    except InvalidOperation:
        raise DomainError(_("%(name)s: điểm không phải là số.") % {"name": name}) from None
    if not points.is_finite() or points < 0:
        raise DomainError(_("%(name)s: điểm phải là số không âm.") % {"name": name})
    threshold = check_fraction(row.threshold, label=name)
    if threshold == 0:
        raise DomainError(_("%(name)s: ngưỡng phải lớn hơn 0.") % {"name": name})
    steps: list[list[str]] = []
    if row.rule == ParRule.STEPS:
        if not row.steps:
            raise DomainError(_("%(name)s: cách tính theo bậc cần ít nhất một bậc.") % {"name": name})
        for step in row.steps:
            if len(step) != 2:
                raise DomainError(_("%(name)s: mỗi bậc gồm (giá trị tối thiểu, điểm).") % {"name": name})
            minimum = check_fraction(step[0], label=name)
            try:
                step_points = Decimal(str(step[1]))
            except InvalidOperation:
                raise DomainError(_("%(name)s: điểm của bậc không phải là số.") % {"name": name}) from None
            if step_points < 0 or step_points > points:
                raise DomainError(
                    _("%(name)s: điểm của bậc %(p)s vượt điểm tối đa %(max)s.")
                    % {"name": name, "p": step_points, "max": points}
                )
            steps.append([str(minimum), str(step_points)])
        steps.sort(key=lambda s: Decimal(s[0]))
    return {
        "year": year,
        "indicator": row.indicator,
        "points": points,
        "threshold": threshold,
        "rule": row.rule,
        "steps": steps,
        "label": row.label,
    }


@transaction.atomic
def par_criteria_save_year(*, year: int, rows: Sequence[ParRow]) -> list[ParCriterion]:
    """Replace the year's PAR rule table with ``rows`` (one per indicator); all checked before any write."""
    if not 2000 <= year <= 2100:
        raise DomainError(_("Năm %(year)s không hợp lệ.") % {"year": year})
    cleaned = [_check_par_row(year, row) for row in rows]
    seen: set[str] = set()
    for data in cleaned:
        if data["indicator"] in seen:
            raise DomainError(
                _("Chỉ tiêu %(name)s có hai tiêu chí trong năm %(year)s.")
                % {"name": BY_CODE[data["indicator"]].name, "year": year}
            )
        seen.add(data["indicator"])
    existing = {c.indicator: c for c in ParCriterion.objects.select_for_update().filter(year=year)}
    result: list[ParCriterion] = []
    for data in cleaned:
        criterion = existing.pop(data["indicator"], None)
        if criterion is None:
            result.append(ParCriterion.objects.create(**data))
            continue
        changed = [key for key, value in data.items() if getattr(criterion, key) != value]
        if changed:
            for key in changed:
                setattr(criterion, key, data[key])
            criterion.save(update_fields=changed)
        result.append(criterion)
    for criterion in existing.values():
        criterion.delete()
    return result


def par_criteria_copy(*, from_year: int, to_year: int) -> int:
    """Start a year's table from another year's (refused if the target year has rules already)."""
    if ParCriterion.objects.filter(year=to_year).exists():
        raise ConflictError(_("Năm %(year)s đã có tiêu chí.") % {"year": to_year})
    rows = [
        ParRow(c.indicator, c.points, c.threshold, c.rule, c.steps, c.label)
        for c in ParCriterion.objects.filter(year=from_year)
    ]
    if not rows:
        raise DomainError(_("Năm %(year)s chưa có tiêu chí để sao chép.") % {"year": from_year})
    try:
        return len(par_criteria_save_year(year=to_year, rows=rows))
    except IntegrityError:  # someone saved the year meanwhile
        raise ConflictError(_("Năm %(year)s đã có tiêu chí.") % {"year": to_year}) from None
