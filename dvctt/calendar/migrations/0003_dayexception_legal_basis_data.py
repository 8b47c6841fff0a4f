"""Existing calendars: the legal basis and status of each day as seeded, and the days the seed was missing.

A row still as seeded (same date, kind and name as the seed plan) takes the plan's legal basis and status, so a
day the law does not back yet (24 Nov, a swap known only to the `holidays` package) becomes "to confirm". A
date of the plan that never had a row (no history: e.g. Friday 2 and Saturday 10 January 2026) is added. A row
an administrator changed, and a day an administrator removed, are left as they are. If the working calendar
changed, a new calendar revision is recorded: due times already given keep the revision they were computed
under. On a fresh database there are no rows yet; the days are seeded after migrate (``handlers.py``).

It reads the seed plan of ``seeding.py`` (pure, no models) as it stands when the migration runs.
"""

from django.db import migrations
from django.utils import timezone

REASON = "0003: căn cứ pháp lý"


def fill(apps, schema_editor):
    from dvctt.calendar import seeding

    CalendarYear = apps.get_model("workcalendar", "CalendarYear")
    CalendarRevision = apps.get_model("workcalendar", "CalendarRevision")
    DayException = apps.get_model("workcalendar", "DayException")
    History = apps.get_model("workcalendar", "HistoricalDayException")
    now = timezone.now()
    history = []
    added = pending = 0
    for year in CalendarYear.objects.order_by("year").values_list("year", flat=True):
        plan = {entry.day: entry for entry in seeding.seed_entries(year)}
        rows = {row.date: row for row in DayException.objects.filter(year_id=year)}
        removed = set(
            History.objects.filter(date__in=[day for day in plan if day not in rows]).values_list(
                "date", flat=True
            )
        )
        for day, entry in sorted(plan.items()):
            row = rows.get(day)
            if row is None:
                if day in removed:
                    continue
                row = DayException.objects.create(
                    date=day,
                    kind=entry.kind,
                    name=entry.name,
                    legal_basis=entry.legal_basis,
                    status=entry.status,
                    year_id=year,
                )
                added += 1
                change = "+"
            elif (row.kind, row.name) == (entry.kind, entry.name) and not row.legal_basis:
                pending += row.status != entry.status
                row.legal_basis, row.status = entry.legal_basis, entry.status
                row.save(update_fields=["legal_basis", "status"])
                change = "~"
            else:
                continue
            history.append(
                History(
                    id=row.id,
                    date=row.date,
                    kind=row.kind,
                    name=row.name,
                    legal_basis=row.legal_basis,
                    status=row.status,
                    year_id=year,
                    history_date=now,
                    history_type=change,
                    history_change_reason=REASON,
                )
            )
    History.objects.bulk_create(history)
    if added or pending:
        CalendarRevision.objects.create(
            summary=f"Căn cứ pháp lý của các ngày đã khởi tạo: thêm {added} ngày, {pending} ngày chờ xác nhận"
        )


class Migration(migrations.Migration):
    dependencies = [("workcalendar", "0002_dayexception_legal_basis_status")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
