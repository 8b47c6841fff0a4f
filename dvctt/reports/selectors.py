"""Reads of the periodic report: its figures from the database, who may read which rows, and the rows' labels.

:func:`report_compute` counts the dossiers themselves (with their supplement requests), not the indicators'
rollups: "early" needs the end minus the paused time against the appointment's day, which the facts do not
keep. Three queries whatever the period: the dossiers of the period (those received in it, and those received
before it that had not ended at its start), their supplement requests, and the units (form 06) or the
catalogue's versions with their field (form 07a). The late rule is the indicators' database rule
(monitoring.facts.late_threshold, proved equal to the reference's ``is_late``); a property test checks the whole
computation against reports.reference on random data.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import BooleanField, Case, DateField, DateTimeField, F, Q, Value, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils.translation import gettext as _

from dvctt.accounts.models import PROVINCE_ROLES, Role
from dvctt.accounts.scopes import unit_ids_in_scope
from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import unit_heir_map
from dvctt.catalog.models import Field, ProcedureVersion
from dvctt.common.errors import AccessDenied, DomainError
from dvctt.dossiers.models import Dossier, SupplementRequest
from dvctt.dossiers.states import ENDING_STATUSES
from dvctt.monitoring.facts import LOCAL, is_counted, late_threshold, next_day, period_moment

from . import figures as f


def report_check(*, form: str, date_from: date, date_to: date, units_mode: str) -> None:
    """Raises DomainError (Vietnamese message) for an unknown form or units mode, or a reversed period."""
    if form not in f.FORMS:
        raise DomainError(
            _("Biểu mẫu “%(form)s” không có: dùng 06 hoặc 07a.") % {"form": form},
            code="invalid_form",
            fields={"form": [_("Chỉ nhận 06 hoặc 07a.")]},
        )
    if units_mode not in f.UNITS_MODES:
        raise DomainError(
            _("Cách tính đơn vị “%(mode)s” không hợp lệ: dùng period hoặc current.") % {"mode": units_mode},
            code="invalid_units",
            fields={"units": [_("Chỉ nhận period hoặc current.")]},
        )
    if date_to < date_from:
        raise DomainError(
            _("Kỳ không hợp lệ: ngày bắt đầu %(start)s sau ngày kết thúc %(end)s.")
            % {"start": f"{date_from:%d/%m/%Y}", "end": f"{date_to:%d/%m/%Y}"},
            code="invalid_period",
            fields={"from": [_("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.")]},
        )


class FieldLookup:
    """The field code (MaLinhVuc) of the version of a procedure in force on a day, by catalog's rule
    (catalog.selectors.catalogue_on): the last version started on or before the day, none after the earliest
    ``abolished_after`` of the procedure's versions. "" when no version is in force or it has no field."""

    def __init__(self, rows: Iterable[tuple[int, date, date | None, str | None]]):
        grouped: dict[int, list[tuple[date, date | None, str]]] = defaultdict(list)
        for procedure_id, valid_from, abolished_after, code in rows:
            grouped[procedure_id].append((valid_from, abolished_after, code or ""))
        self._by_procedure: dict[int, tuple[list[date], list[str], date | None]] = {}
        for procedure_id, items in grouped.items():
            items.sort(key=lambda item: item[0])
            ends = [item[1] for item in items if item[1] is not None]
            self._by_procedure[procedure_id] = (
                [item[0] for item in items],
                [item[2] for item in items],
                min(ends) if ends else None,
            )

    def at(self, procedure_id: int, day: date) -> str:
        entry = self._by_procedure.get(procedure_id)
        if entry is None:
            return ""
        starts, codes, abolished_after = entry
        if abolished_after is not None and day > abolished_after:
            return ""
        index = bisect_right(starts, day) - 1
        return codes[index] if index >= 0 else ""


def _is_late(judging: datetime, always: bool, threshold: datetime | None) -> bool:
    return always or (threshold is not None and judging > threshold)


def report_compute(
    *,
    form: str,
    date_from: date,
    date_to: date,
    units_mode: str = "period",
    unit_ids: set[int] | None = None,
) -> dict[str, Any]:
    """The object of spec/reports.md's Output from the database. ``unit_ids``: count only the dossiers of these
    units (a unit leader's scope; ``province`` is then their total); None for the whole province.

    Raises DomainError for bad input (:func:`report_check`).
    """
    report_check(form=form, date_from=date_from, date_to=date_to, units_mode=units_mode)
    start, end = period_moment(date_from), period_moment(next_day(date_to))
    not_ended_at_start = (
        ~Q(status__in=ENDING_STATUSES)
        | Q(ended_at__gte=start)
        | Q(ended_at__isnull=True, returned_at__isnull=True)
        | Q(ended_at__isnull=True, returned_at__gte=start)
    )
    dossiers = Dossier.objects.filter(is_test=False, received_at__lt=end).filter(
        Q(received_at__gte=start) | not_ended_at_start
    )
    if unit_ids is not None:
        dossiers = dossiers.filter(unit_id__in=unit_ids)
    # Only the requests the late rules judge (asked at or after receipt: facts.supplement_requests), filtered by
    # the database; the end (statuses 3/7/8/9/10: NgayKetThucXuLy, else NgayTra) and "received in the period" are
    # computed there too. Decoding timestamps is most of this function's time: fewer of them come back.
    supplements: dict[int, list[tuple[datetime, datetime | None]]] = defaultdict(list)
    for dossier_id, asked, done in (
        SupplementRequest.objects.filter(
            dossier_id__in=dossiers.values("pk"), requested_at__gte=F("dossier__received_at")
        )
        .values_list("dossier_id", "requested_at", "answered_at")
        .order_by()
    ):
        supplements[dossier_id].append((asked, done))
    fields = (
        FieldLookup(
            ProcedureVersion.objects.values_list(
                "procedure_id", "valid_from", "abolished_after", "field__code"
            )
        )
        if form == f.FORM_FIELDS
        else None
    )

    counts: dict[Any, list[int]] = {}
    province = f.zero()
    annotated = dossiers.annotate(
        report_end=Case(
            When(status__in=ENDING_STATUSES, then=Coalesce("ended_at", "returned_at")),
            default=None,
            output_field=DateTimeField(),
        ),
        report_in_period=Case(
            When(received_at__gte=start, then=Value(True)), default=Value(False), output_field=BooleanField()
        ),
        report_r_day=(
            TruncDate("received_at", tzinfo=LOCAL)
            if fields is not None
            else Value(None, output_field=DateField())
        ),
    )
    rows = annotated.values_list(
        "pk",
        "unit_id",
        "procedure_id",
        "channel",
        "report_in_period",
        "due_at",
        "report_end",
        "parent_code",
        "report_r_day",
    ).order_by()
    for pk, unit_id, procedure_id, channel, in_period, due, ended, parent, r_day in rows:
        if not is_counted(is_test=False, parent_code=parent):
            continue
        if in_period:
            if channel == f.CHANNEL_ONLINE:
                slot = f.ONLINE
            elif channel in f.CHANNELS_DIRECT_POST:
                slot = f.DIRECT_POST
            else:
                continue
        else:
            slot = f.CARRIED  # the query kept only those not ended before the start
        judged = supplements.get(pk, ())
        always, threshold = late_threshold(due_at=due, supplements=judged)
        resolved = late = early = False
        if ended is not None and start <= ended < end:
            resolved = True
            late = _is_late(ended, always, threshold)
        if ended is not None and resolved and not late:
            early = f.is_early(
                ended_at=ended.astimezone(LOCAL),
                due_at=None if due is None else due.astimezone(LOCAL),
                supplements=judged,
            )
        overdue = not resolved and _is_late(end, always, threshold)  # judged at the period end
        if fields is not None:
            key: Any = fields.at(procedure_id, r_day)
        else:
            key = unit_id
        vector = counts.setdefault(key, f.zero())
        for target in (vector, province):
            f.count_dossier(target, slot=slot, resolved=resolved, late=late, early=early, overdue=overdue)

    if fields is not None:
        by_key = dict(sorted(counts.items(), key=lambda item: (item[0] == "", item[0])))
    else:
        by_key = _unit_rows(counts, date_from, date_to, units_mode)
    return f.report_object(
        form=form,
        date_from=date_from,
        date_to=date_to,
        units_mode=units_mode,
        province=province,
        rows=by_key,
    )


def _unit_rows(
    counts: dict[int, list[int]], date_from: date, date_to: date, units_mode: str
) -> dict[str, list[int]]:
    """As monitoring.kpi.kpi_compute reports units: those existing on some day of the period, or today's units
    with the ended ones folded into their heir. In the units' (catalogue) order, by code."""
    units = list(Unit.objects.values_list("pk", "code", "valid_from", "valid_to").order_by("code"))
    rows: dict[str, list[int]] = {}
    if units_mode == "period":
        for pk, code, valid_from, valid_to in units:
            if valid_from <= date_to and (valid_to is None or valid_to >= date_from):
                rows[code] = counts.get(pk) or f.zero()
        return rows
    for _pk, code, _valid_from, valid_to in units:
        if valid_to is None:
            rows[code] = f.zero()
    heirs = unit_heir_map()
    for pk, code, _valid_from, _valid_to in units:
        heir = heirs.get(code)
        if heir is not None and pk in counts:
            f.add(rows[heir], counts[pk])
    return rows


# --- who reads what -----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReportScope:
    """What a reader may see: the whole province (``unit_ids`` None), or the dossiers and rows of some units."""

    unit_ids: set[int] | None
    unit_codes: set[str] | None

    @property
    def province(self) -> bool:
        return self.unit_ids is None


def report_scope_for(user: Any) -> ReportScope:
    """Monitors, PPC leaders, admins: the province. Unit leaders: their unit and its sub-units (and the units
    they carried on), accounts.scopes. Anyone else: AccessDenied."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise AccessDenied(_("Bạn cần đăng nhập để xem báo cáo."))
    if user.is_superuser or user.role in PROVINCE_ROLES:
        return ReportScope(None, None)
    if user.role == Role.UNIT_LEADER:
        ids = unit_ids_in_scope(user) or set()
        codes = set(Unit.objects.filter(pk__in=ids).values_list("code", flat=True))
        return ReportScope(ids, codes)
    raise AccessDenied(
        _(
            "Bạn không có quyền xem báo cáo. Báo cáo dành cho cán bộ theo dõi, lãnh đạo UBND tỉnh và lãnh đạo đơn vị."
        )
    )


def report_for(
    *, scope: ReportScope, form: str, date_from: date, date_to: date, units_mode: str = "period"
) -> dict[str, Any]:
    """:func:`report_compute` as ``scope`` may read it: a unit leader's report counts only the dossiers of the
    units in scope, and shows only their rows (``province`` is then their total)."""
    data = report_compute(
        form=form, date_from=date_from, date_to=date_to, units_mode=units_mode, unit_ids=scope.unit_ids
    )
    if scope.unit_codes is not None and form == f.FORM_UNITS:
        data["rows"] = {code: row for code, row in data["rows"].items() if code in scope.unit_codes}
    return data


def report_labels(*, form: str, keys: Iterable[str]) -> dict[str, str]:
    """The name of each row's key: the unit's name (form 06) or the field's (07a; "" has no field)."""
    wanted = set(keys)
    if form == f.FORM_UNITS:
        return dict(Unit.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}
    names = dict(Field.objects.filter(code__in=wanted).values_list("code", "name")) if wanted else {}
    if "" in wanted:
        names[""] = _("Không xác định lĩnh vực (thủ tục không có phiên bản hiệu lực)")
    return names


def report_issuer(*, scope: ReportScope, user: Any = None) -> str:
    """The issuing body printed on the form: the province's People's Committee, or the unit leader's unit."""
    from django.conf import settings

    if scope.province or user is None or getattr(user, "unit_id", None) is None:
        return _("ỦY BAN NHÂN DÂN TỈNH %(p)s") % {"p": settings.PROVINCE_NAME.upper()}
    unit = Unit.objects.filter(pk=user.unit_id).values_list("name", flat=True).first()
    return (unit or "").upper()
