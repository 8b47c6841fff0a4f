"""The admin edits through the services (days to confirm flagged, confirmed or removed); the demo loader is
idempotent."""

from __future__ import annotations

import re
from datetime import date, datetime
from io import StringIO

import pytest

from dvctt.calendar.deadlines import TZ, due_time
from dvctt.calendar.demo import load
from dvctt.calendar.models import CalendarRevision, DayException, DayStatus
from dvctt.calendar.selectors import calendar_revision_current, working_calendar
from dvctt.calendar.tests.conftest import revisions_since

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/workcalendar/dayexception/"
CULTURE_DAY = date(2026, 11, 24)  # Tuesday; seeded "to confirm"
BASIS = "Văn bản thử nghiệm (chỉ dùng trong kiểm thử)"


@pytest.fixture
def admin_client_(client, django_user_model, seeded_calendar):
    user = django_user_model.objects.create_superuser(username="quantri", password="mat-khau-dai-1", email="")
    client.force_login(user)
    return client, user


def _due_after_culture_day() -> datetime:
    # Monday 23 Nov 2026 09:00 + 1 working day
    return due_time(datetime(2026, 11, 23, 9, tzinfo=TZ), 1, "ngay_lam_viec", working_calendar())


def test_admin_add_day_bumps_the_revision_and_records_the_actor(admin_client_):
    client, user = admin_client_
    before = calendar_revision_current()
    response = client.post(
        CHANGELIST + "add/",
        {
            "date": "14/03/2025",
            "kind": "day_off",
            "name": "Nghỉ đột xuất",
            "legal_basis": BASIS,
            "status": "confirmed",
        },
    )
    assert response.status_code == 302
    day = DayException.objects.get(date=date(2025, 3, 14))
    assert (day.name, day.legal_basis) == ("Nghỉ đột xuất", BASIS)
    latest = CalendarRevision.objects.get(pk=calendar_revision_current())
    assert revisions_since(before) == 1 and latest.actor == user


def test_admin_refuses_a_confirmed_day_without_legal_basis(admin_client_):
    client, _user = admin_client_
    before = calendar_revision_current()
    response = client.post(
        CHANGELIST + "add/",
        {
            "date": "13/03/2025",
            "kind": "day_off",
            "name": "Nghỉ đột xuất",
            "legal_basis": "",
            "status": "confirmed",
        },
    )
    assert response.status_code == 200
    assert "phải ghi căn cứ pháp lý" in response.content.decode()
    assert not DayException.objects.filter(date=date(2025, 3, 13)).exists()
    assert calendar_revision_current() == before


def test_admin_refuses_a_makeup_day_on_a_weekday(admin_client_):
    client, _user = admin_client_
    before = calendar_revision_current()
    response = client.post(
        CHANGELIST + "add/",
        {
            "date": "12/03/2025",
            "kind": "makeup_workday",
            "name": "Làm bù",
            "legal_basis": BASIS,
            "status": "confirmed",
        },
    )
    assert response.status_code == 200
    assert "phải là thứ Bảy hoặc Chủ nhật" in response.content.decode()
    assert calendar_revision_current() == before


def test_admin_flags_the_days_to_confirm(admin_client_):
    client, _user = admin_client_
    # when an administrator opens the list of days
    html = client.get(CHANGELIST, {"year__year__exact": "2026"}).content.decode()
    # then a warning counts the days to confirm, and each such day is flagged in the list
    pending = DayException.objects.filter(status=DayStatus.TO_CONFIRM).count()
    assert pending >= 3  # 24 Nov 2026 and the 2026 swap the holidays package alone lists, at least
    assert f"{pending} ngày chờ xác nhận" in html
    assert "⚠ Chờ xác nhận" in html
    assert "Ngày Văn hóa Việt Nam" in html
    # and the list of years counts them per year
    years = client.get("/admin/workcalendar/calendaryear/").content.decode()
    counts = re.findall(r'<td class="field-days_to_confirm">([^<]*)</td>', years)
    assert "3" in counts  # 2026: 22 and 31 Aug (a swap), 24 Nov
    assert "1" in counts  # 2027: 24 Nov


def test_admin_confirms_a_day_with_its_basis_and_the_calendar_follows(admin_client_):
    client, user = admin_client_
    # given 24 Nov 2026, to confirm: not a day off yet
    culture_day = DayException.objects.get(date=CULTURE_DAY)
    assert culture_day.status == DayStatus.TO_CONFIRM
    assert _due_after_culture_day() == datetime(2026, 11, 24, 9, tzinfo=TZ)
    before = calendar_revision_current()
    action = {"action": "confirm_days", "_selected_action": [culture_day.pk]}
    # when the administrator chooses "confirm", the admin first asks for the legal basis
    response = client.post(CHANGELIST, action)
    assert response.status_code == 200
    assert "Căn cứ pháp lý" in response.content.decode()
    response = client.post(CHANGELIST, {**action, "apply": "yes", "legal_basis": ""})
    assert response.status_code == 200  # a blank basis is refused
    assert DayException.objects.get(date=CULTURE_DAY).status == DayStatus.TO_CONFIRM
    assert calendar_revision_current() == before
    # and confirms with it
    response = client.post(CHANGELIST, {**action, "apply": "yes", "legal_basis": BASIS})
    assert response.status_code == 302
    # then the day counts, the revision moves (with the actor) and history keeps the change
    confirmed = DayException.objects.get(date=CULTURE_DAY)
    assert (confirmed.status, confirmed.legal_basis) == (DayStatus.CONFIRMED, BASIS)
    latest = CalendarRevision.objects.get(pk=calendar_revision_current())
    assert revisions_since(before) == 1 and latest.actor == user
    record = DayException.history.filter(date=CULTURE_DAY).latest()
    assert (record.status, record.history_type, record.history_user) == (DayStatus.CONFIRMED, "~", user)
    assert _due_after_culture_day() == datetime(2026, 11, 25, 9, tzinfo=TZ)


def test_admin_confirms_through_the_change_form_too(admin_client_):
    client, _user = admin_client_
    day = DayException.objects.get(date=CULTURE_DAY)
    before = calendar_revision_current()
    form = {"kind": day.kind, "name": day.name, "legal_basis": BASIS, "status": "confirmed"}
    response = client.post(f"{CHANGELIST}{day.pk}/change/", form)
    assert response.status_code == 302
    assert DayException.objects.get(pk=day.pk).status == DayStatus.CONFIRMED
    assert revisions_since(before) == 1


def test_admin_removes_a_day_to_confirm_with_history(admin_client_):
    client, _user = admin_client_
    day = DayException.objects.get(date=CULTURE_DAY)
    before = calendar_revision_current()
    # when the administrator deletes it
    response = client.post(f"{CHANGELIST}{day.pk}/delete/", {"post": "yes"})
    # then it is gone, the revision moves, and history keeps it
    assert response.status_code == 302
    assert not DayException.objects.filter(date=CULTURE_DAY).exists()
    assert revisions_since(before) == 1
    assert DayException.history.filter(date=CULTURE_DAY).latest().history_type == "-"


def test_demo_loader_is_idempotent(empty_calendar):
    # given a database whose calendar is empty
    first = load(stdout=StringIO(), scale=1.0)
    revision = calendar_revision_current()
    second = load(stdout=StringIO(), scale=1.0)
    from dvctt.calendar.demo import demo_years
    from dvctt.calendar.models import CalendarYear

    assert "thêm 0 ngày" not in first
    assert "thêm 0 ngày" in second
    assert set(CalendarYear.objects.values_list("year", flat=True)) == set(demo_years())
    assert calendar_revision_current() == revision
