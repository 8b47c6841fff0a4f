"""Writes to the working-day calendar. Each change runs in one transaction and bumps the revision."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from dvctt.calendar import seeding
from dvctt.calendar.models import (
    CalendarRevision,
    CalendarYear,
    DayException,
    DayKind,
    DayStatus,
    WorkingSchedule,
)
from dvctt.common.errors import ConflictError, DomainError, NotFoundError


def _revision_bump(*, summary: str, actor: Any | None) -> int:
    revision = CalendarRevision.objects.create(summary=summary[:255], actor=actor)
    return revision.pk


def _full_clean(instance: Any, *, label: str) -> None:
    try:
        instance.full_clean(validate_unique=False)
    except ValidationError as exc:
        fields = {key: [str(message) for message in messages] for key, messages in exc.message_dict.items()}
        # Name the field in the message: "Ngày 15/03/2025: tên: Trường này không được để trắng."
        message = "; ".join(
            f"{_field_label(instance, key)}{m}"
            for key, messages in exc.message_dict.items()
            for m in messages
        )
        raise DomainError(f"{label}: {message}", fields=fields) from None


def _field_label(instance: Any, key: str) -> str:
    try:
        return f"{instance._meta.get_field(key).verbose_name}: "
    except Exception:  # NON_FIELD_ERRORS and unknown keys carry no label
        return ""


def calendar_year_create(*, year: int, note: str = "", actor: Any | None = None) -> CalendarYear:
    """Mark ``year`` configured (with no exception yet: every Monday–Friday a working day)."""
    with transaction.atomic():
        existing = CalendarYear.objects.filter(year=year).first()
        if existing is not None:
            return existing
        calendar_year = CalendarYear(year=year, note=note)
        _full_clean(calendar_year, label=_("Năm lịch %(year)s") % {"year": year})
        calendar_year.save()
        _revision_bump(summary=f"Cấu hình năm {year}", actor=actor)
    return calendar_year


@dataclass(frozen=True)
class SeedResult:
    year: int
    created_year: bool
    added: int
    kept: int


def calendar_year_seed(*, year: int, actor: Any | None = None) -> SeedResult:
    """Configure ``year`` and add its holidays, days off and make-up days (see ``seeding``).

    Idempotent and conservative: a date that already has a row keeps it (the table wins over the sources).
    Each row carries its legal basis; one the law does not back yet is added "to confirm" (not counted).
    """
    entries = seeding.seed_entries(year)
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        created_year = calendar_year is None
        if calendar_year is None:
            calendar_year = CalendarYear(year=year, note=f"holidays {seeding.holidays_version()} + domain §5")
            _full_clean(calendar_year, label=_("Năm lịch %(year)s") % {"year": year})
            calendar_year.save()
        existing = set(DayException.objects.filter(year=calendar_year).values_list("date", flat=True))
        new_rows = [
            DayException(
                date=entry.day,
                kind=entry.kind,
                name=entry.name,
                legal_basis=entry.legal_basis,
                status=entry.status,
                year=calendar_year,
            )
            for entry in entries
            if entry.day not in existing
        ]
        if new_rows:
            bulk_create_with_history(new_rows, DayException)
        if created_year or new_rows:
            _revision_bump(summary=f"Khởi tạo lịch năm {year}: thêm {len(new_rows)} ngày", actor=actor)
    return SeedResult(
        year=year, created_year=created_year, added=len(new_rows), kept=len(entries) - len(new_rows)
    )


def calendar_years_seed_missing(*, today: date | None = None, actor: Any | None = None) -> list[SeedResult]:
    """Seed every year the platform knows (``seeding.years_to_seed``) that has no calendar year yet.

    A year already there is never touched, however an administrator has edited it. Run after every
    ``migrate`` (``handlers.py``), so that a fresh database computes due times with no other step.
    """
    wanted = seeding.years_to_seed(today or timezone.localdate())
    present = set(CalendarYear.objects.filter(year__in=wanted).values_list("year", flat=True))
    return [calendar_year_seed(year=year, actor=actor) for year in wanted if year not in present]


def calendar_day_set(
    *,
    day: date,
    kind: str,
    name: str,
    legal_basis: str = "",
    status: str = DayStatus.CONFIRMED,
    actor: Any | None = None,
) -> DayException:
    """Create or change the exception of ``day``; the year of ``day`` must be configured.

    A confirmed day must name its legal basis; a day "to confirm" does not count until confirmed.
    """
    label = _("Ngày %(day)s") % {"day": f"{day:%d/%m/%Y}"}
    with transaction.atomic():
        calendar_year = CalendarYear.objects.filter(year=day.year).first()
        if calendar_year is None:
            raise DomainError(
                _("%(label)s: năm %(year)s chưa được cấu hình; hãy tạo năm lịch trước.")
                % {"label": label, "year": day.year},
                fields={"date": [_("Năm chưa được cấu hình.")]},
            )
        instance = DayException.objects.select_for_update().filter(date=day).first()
        wanted = (kind, name.strip(), legal_basis.strip(), status)
        if (
            instance is not None
            and (instance.kind, instance.name, instance.legal_basis, instance.status) == wanted
        ):
            return instance
        if instance is None:
            instance = DayException(date=day, year=calendar_year)
        instance.kind, instance.name, instance.legal_basis, instance.status = wanted
        _full_clean(instance, label=label)
        instance.save()
        pending = " [chờ xác nhận]" if status == DayStatus.TO_CONFIRM else ""
        _revision_bump(
            summary=f"Ngày {day:%d/%m/%Y}: {DayKind(kind).label} ({instance.name}){pending}",
            actor=actor,
        )
    return instance


def calendar_days_confirm(
    *, days: Iterable[date], legal_basis: str, actor: Any | None = None
) -> list[DayException]:
    """Confirm days "to confirm" (or restate the basis of confirmed ones) under ``legal_basis``.

    From then on they count in the working calendar. One transaction and one revision for the lot; a day that
    is already confirmed under that basis is no change. Raises NotFoundError for a day not in the table.
    """
    basis = legal_basis.strip()
    wanted = sorted(set(days))
    if not basis:
        raise DomainError(
            _("Hãy ghi căn cứ pháp lý (văn bản quy định) của các ngày được xác nhận."),
            fields={"legal_basis": [_("Trường này không được để trắng.")]},
        )
    with transaction.atomic():
        rows = {row.date: row for row in DayException.objects.select_for_update().filter(date__in=wanted)}
        missing = [day for day in wanted if day not in rows]
        if missing:
            raise NotFoundError(
                _("Ngày %(day)s không có trong lịch ngoại lệ.") % {"day": f"{missing[0]:%d/%m/%Y}"}
            )
        changed = [
            row for row in rows.values() if (row.status, row.legal_basis) != (DayStatus.CONFIRMED, basis)
        ]
        for row in changed:
            row.status = DayStatus.CONFIRMED
            row.legal_basis = basis
            _full_clean(row, label=_("Ngày %(day)s") % {"day": f"{row.date:%d/%m/%Y}"})
            row.save(update_fields=["status", "legal_basis"])
        if changed:
            listed = ", ".join(f"{row.date:%d/%m/%Y}" for row in changed)
            _revision_bump(summary=f"Xác nhận ngày {listed} theo {basis}", actor=actor)
    return [rows[day] for day in wanted]


def calendar_day_remove(*, day: date, actor: Any | None = None) -> None:
    """Remove the exception of ``day``: it becomes an ordinary day again (worked Monday–Friday)."""
    with transaction.atomic():
        instance = DayException.objects.select_for_update().filter(date=day).first()
        if instance is None:
            raise NotFoundError(_("Ngày %(day)s không có trong lịch ngoại lệ.") % {"day": f"{day:%d/%m/%Y}"})
        instance.delete()
        _revision_bump(summary=f"Bỏ ngày {day:%d/%m/%Y} khỏi lịch ngoại lệ", actor=actor)


def calendar_year_remove(*, year: int, actor: Any | None = None) -> None:
    """Un-configure an empty year (a year that still has exceptions is refused)."""
    with transaction.atomic():
        calendar_year = CalendarYear.objects.select_for_update().filter(year=year).first()
        if calendar_year is None:
            raise NotFoundError(_("Năm %(year)s chưa được cấu hình.") % {"year": year})
        if DayException.objects.filter(year=calendar_year).exists():
            raise ConflictError(
                _("Năm %(year)s còn ngày ngoại lệ; hãy xoá các ngày đó trước.") % {"year": year}
            )
        calendar_year.delete()
        _revision_bump(summary=f"Bỏ cấu hình năm {year}", actor=actor)


def working_schedule_set(
    *, valid_from: date, periods: str, note: str = "", actor: Any | None = None
) -> WorkingSchedule:
    """Set the working periods in force from ``valid_from`` (text such as ``07:00-11:30,13:30-17:00``)."""
    label = _("Giờ làm việc từ %(day)s") % {"day": f"{valid_from:%d/%m/%Y}"}
    with transaction.atomic():
        instance = WorkingSchedule.objects.select_for_update().filter(valid_from=valid_from).first()
        if instance is not None and (instance.periods, instance.note) == (periods, note):
            return instance
        if instance is None:
            instance = WorkingSchedule(valid_from=valid_from)
        instance.periods = periods.replace(" ", "")
        instance.note = note
        _full_clean(instance, label=label)
        instance.save()
        _revision_bump(summary=f"Giờ làm việc từ {valid_from:%d/%m/%Y}: {instance.periods}", actor=actor)
    return instance


def working_schedule_remove(*, valid_from: date, actor: Any | None = None) -> None:
    with transaction.atomic():
        instance = WorkingSchedule.objects.select_for_update().filter(valid_from=valid_from).first()
        if instance is None:
            raise NotFoundError(
                _("Không có giờ làm việc áp dụng từ ngày %(day)s.") % {"day": f"{valid_from:%d/%m/%Y}"}
            )
        instance.delete()
        _revision_bump(summary=f"Bỏ giờ làm việc từ {valid_from:%d/%m/%Y}", actor=actor)
