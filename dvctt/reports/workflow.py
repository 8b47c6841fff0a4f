"""The path of a stored report: draft → submitted (the unit's leader) → received (the department) → approved.

One table declares every move, its sources, its target and who may make it (as dossiers/states.py does for
dossiers); one function applies a move: it locks the row, checks the table and the actor, saves with
``update_fields`` and writes the event in the same transaction. A report's figures are stored when it is
submitted; from approval on they are frozen, and a later change of the data is shown beside them as a
restatement (:func:`report_restatements`), never as a silent change of the published number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dvctt.accounts.models import PROVINCE_ROLES, Role
from dvctt.agencies.selectors import unit_descendant_ids, unit_ids_carried_on_by
from dvctt.common.errors import AccessDenied, ConflictError, NotFoundError

from . import figures as f
from .models import PeriodicReport, PeriodicReportEvent, ReportState
from .selectors import ReportScope, report_check, report_for, report_scope_for

UNIT = "unit"  # the leader of the report's own unit
DEPARTMENT = frozenset({Role.MONITOR, Role.ADMIN})
APPROVERS = frozenset({Role.MONITOR, Role.PPC_LEADER, Role.ADMIN})


@dataclass(frozen=True)
class Move:
    name: str
    label: Any
    sources: frozenset[str]
    target: str
    #: Roles that may make the move; UNIT: the leader of the report's unit (a monitor for a province report).
    roles: frozenset[str]


MOVES: dict[str, Move] = {
    move.name: move
    for move in (
        Move(
            "submit",
            gettext_lazy("Gửi báo cáo"),
            frozenset({ReportState.DRAFT}),
            ReportState.SUBMITTED,
            frozenset({UNIT}),
        ),
        Move(
            "receive",
            gettext_lazy("Tiếp nhận"),
            frozenset({ReportState.SUBMITTED}),
            ReportState.RECEIVED,
            DEPARTMENT,
        ),
        Move(
            "approve",
            gettext_lazy("Phê duyệt"),
            frozenset({ReportState.RECEIVED}),
            ReportState.APPROVED,
            APPROVERS,
        ),
        Move(
            "return",
            gettext_lazy("Trả lại để lập lại"),
            frozenset({ReportState.SUBMITTED, ReportState.RECEIVED}),
            ReportState.DRAFT,
            DEPARTMENT,
        ),
    )
}


def action_label(action: str) -> str:
    """The Vietnamese name of an event's action."""
    if action == "create":
        return _("Lập dự thảo")
    move = MOVES.get(action)
    return str(move.label) if move is not None else action


def _may(actor: Any, move: Move, report: PeriodicReport) -> bool:
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    if actor.is_superuser:
        return True
    if UNIT in move.roles:
        if report.unit_id is None:
            return actor.role in DEPARTMENT
        return actor.role == Role.UNIT_LEADER and actor.unit_id == report.unit_id
    return actor.role in move.roles


def moves_for(*, actor: Any, report: PeriodicReport) -> list[Move]:
    """The moves ``actor`` may make on ``report`` now (for the page's buttons)."""
    return [m for m in MOVES.values() if report.state in m.sources and _may(actor, m, report)]


def scope_of_report(report: PeriodicReport) -> ReportScope:
    """The units a report covers: the province, or its unit with its sub-units (and the units they carried on),
    the scope its unit's leader reads (accounts.scopes)."""
    if report.unit_id is None:
        return ReportScope(None, None)
    from dvctt.agencies.models import Unit

    ids = unit_ids_carried_on_by(unit_ids=unit_descendant_ids(unit_ids=[report.unit_id]))
    return ReportScope(ids, set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True)))


def report_current_figures(*, report: PeriodicReport) -> dict[str, Any]:
    """What the data gives today for the report's form, period and units."""
    return report_for(
        scope=scope_of_report(report),
        form=report.form,
        date_from=report.date_from,
        date_to=report.date_to,
        units_mode=report.units_mode,
    )


def _event(report: PeriodicReport, *, action: str, before: str, actor: Any, note: str = "") -> None:
    PeriodicReportEvent.objects.create(
        report=report,
        action=action,
        from_state=before,
        to_state=report.state,
        actor=actor,
        at=timezone.now(),
        note=note,
    )


def may_create(actor: Any) -> bool:
    """A unit leader (their unit's report) or the department (the province's)."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        return False
    return bool(actor.is_superuser or actor.role in DEPARTMENT or actor.role == Role.UNIT_LEADER)


def report_create(
    *, actor: Any, form: str, date_from: date, date_to: date, units_mode: str = "period"
) -> PeriodicReport:
    """A draft report of the actor's unit (a unit leader) or of the province (monitor, admin).

    Raises AccessDenied for other roles, DomainError for bad input, ConflictError when it exists already.
    """
    report_check(form=form, date_from=date_from, date_to=date_to, units_mode=units_mode)
    report_scope_for(actor)  # AccessDenied for roles without reports
    if not may_create(actor):
        raise AccessDenied(_("Chỉ cán bộ theo dõi lập báo cáo của toàn tỉnh."))
    unit_id = None if actor.role in PROVINCE_ROLES or actor.is_superuser else actor.unit_id
    try:
        with transaction.atomic():
            report = PeriodicReport.objects.create(
                form=form,
                date_from=date_from,
                date_to=date_to,
                units_mode=units_mode if form == f.FORM_UNITS else "period",
                unit_id=unit_id,
                created_by=actor,
            )
            _event(report, action="create", before="", actor=actor)
    except IntegrityError:
        raise ConflictError(
            _("Báo cáo biểu %(form)s kỳ %(f)s – %(t)s đã được lập.")
            % {"form": form, "f": f"{date_from:%d/%m/%Y}", "t": f"{date_to:%d/%m/%Y}"},
            code="report_exists",
        ) from None
    return report


@transaction.atomic
def report_move(*, report_id: int, actor: Any, action: str, note: str = "") -> PeriodicReport:
    """Apply ``action`` (submit, receive, approve, return) to a report, locked for the move.

    Raises NotFoundError, AccessDenied (the actor may not make it) or ConflictError (not from this state).
    Submitting stores the figures of that moment; they never change once the report is approved.
    """
    move = MOVES.get(action)
    if move is None:
        raise ConflictError(_("Thao tác “%(a)s” không có.") % {"a": action}, code="unknown_action")
    report = PeriodicReport.objects.select_for_update().filter(pk=report_id).first()
    if report is None:
        raise NotFoundError(_("Không có báo cáo này."))
    if not _may(actor, move, report):
        raise AccessDenied(_("Bạn không có quyền “%(m)s” báo cáo này.") % {"m": move.label})
    if report.state not in move.sources:
        raise ConflictError(
            _("Không thể “%(m)s” báo cáo đang ở trạng thái “%(s)s”.")
            % {"m": move.label, "s": report.get_state_display()},
            code="illegal_move",
        )
    before = report.state
    report.state = move.target
    fields = ["state", "version"]
    if move.name == "submit":
        report.data = report_current_figures(report=report)
        fields.append("data")
    report.version += 1
    report.save(update_fields=fields)
    _event(report, action=move.name, before=before, actor=actor, note=note)
    return report


@dataclass(frozen=True)
class Restatement:
    key: str | None  # None: the total; else the row's unit or field code
    column: str
    frozen: int
    current: int


def report_restatements(*, report: PeriodicReport) -> list[Restatement]:
    """Every figure of a sent report that the data gives differently today (total first, then rows)."""
    if report.data is None:
        return []
    current = report_current_figures(report=report)
    zero = dict.fromkeys(f.COLUMNS, 0)
    scopes: list[tuple[str | None, dict[str, int], dict[str, int]]] = [
        (None, report.data["province"], current["province"])
    ]
    keys = list(report.data["rows"]) + [k for k in current["rows"] if k not in report.data["rows"]]
    scopes += [(k, report.data["rows"].get(k, zero), current["rows"].get(k, zero)) for k in keys]
    return [
        Restatement(key, column, was[column], now[column])
        for key, was, now in scopes
        for column in f.COLUMNS
        if was[column] != now[column]
    ]


def reports_visible_to(user: Any) -> QuerySet[PeriodicReport]:
    """Stored reports ``user`` may read: all for the province's roles, those of their scope for a unit leader."""
    scope = report_scope_for(user)
    reports = PeriodicReport.objects.select_related("unit", "created_by")
    if scope.unit_ids is None:
        return reports
    return reports.filter(unit_id__in=scope.unit_ids)
