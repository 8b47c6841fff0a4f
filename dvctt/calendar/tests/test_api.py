"""The calendar API over HTTP: status, body, error shape, query counts, OpenAPI."""

from __future__ import annotations

from datetime import date

import pytest

from dvctt.calendar.models import DayKind
from dvctt.calendar.seeding import pm_plan
from dvctt.calendar.selectors import calendar_revision_current
from dvctt.calendar.services import calendar_day_set

pytestmark = pytest.mark.django_db

DUE = "/api/v1/calendar/due"
DAYS = "/api/v1/calendar/days"


def test_due_for_an_after_hours_receipt_before_tet(client, seeded_calendar):
    # given Friday 24 Jan 2025 16:00 (Tết 2025 from Saturday 25 Jan to Sunday 2 Feb), anonymous
    response = client.get(DUE, {"received": "2025-01-24T16:00", "limit": "3", "unit": "ngay_lam_viec"})
    # then 1 h on Friday, 2 days on 3–4 Feb and 7 h on Wednesday 5 Feb
    assert response.status_code == 200
    assert response.json() == {
        "received": "2025-01-24T16:00:00+07:00",
        "start": "2025-01-24T16:00:00+07:00",
        "due": "2025-02-05T16:00:00+07:00",
        "limit": 3,
        "unit": "ngay_lam_viec",
        "calendar_revision": calendar_revision_current(),
    }


def test_due_start_moves_to_the_next_morning_and_offsets_are_read(client, seeded_calendar):
    # "+07:00" sent unencoded arrives as a space; a UTC time is converted
    response = client.get(DUE + "?received=2025-03-10T18:00 07:00&limit=0.5&unit=ngay_lam_viec")
    assert response.status_code == 200
    assert response.json()["start"] == "2025-03-11T07:00:00+07:00"
    assert response.json()["due"] == "2025-03-11T11:00:00+07:00"
    assert response.json()["limit"] == 0.5
    response = client.get(DUE, {"received": "2025-03-10T02:00:00Z", "limit": "1", "unit": "gio_lam_viec"})
    assert response.json()["due"] == "2025-03-10T10:00:00+07:00"


@pytest.mark.parametrize(
    ("params", "code", "field"),
    [
        ({"received": "2025-01-24T16:00", "limit": "3", "unit": "tuan"}, "invalid_deadline", "unit"),
        ({"received": "2025-01-24T16:00", "limit": "-3", "unit": "ngay"}, "invalid_deadline", "limit"),
        ({"received": "2025-01-24T16:00", "limit": "ba", "unit": "ngay"}, "invalid_deadline", "limit"),
        ({"received": "24/01/2025", "limit": "3", "unit": "ngay"}, "invalid_deadline", "received"),
        ({"limit": "3", "unit": "ngay"}, "invalid_deadline", "received"),
        ({"received": "2090-01-05T09:00", "limit": "3", "unit": "ngay"}, "calendar_not_configured", None),
    ],
)
def test_due_errors_use_the_common_shape(client, seeded_calendar, params, code, field):
    response = client.get(DUE, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    if field:
        assert field in error["fields"]
    else:
        assert "2090" in error["message"]


def test_days_lists_a_year(client, seeded_calendar, django_assert_num_queries):
    calendar_day_set(
        day=date(2025, 3, 14), kind=DayKind.DAY_OFF, name="Nghỉ đột xuất", legal_basis="Văn bản thử nghiệm"
    )
    client.get(DAYS, {"year": 2025})  # warm the snapshot cache
    # one query for the revision, one for the days
    with django_assert_num_queries(2):
        response = client.get(DAYS, {"year": 2025})
    assert response.status_code == 200
    body = response.json()
    assert body["year"] == 2025 and body["configured"] is True
    assert body["calendar_revision"] == calendar_revision_current()
    assert body["working_schedules"] == [
        {"valid_from": "2000-01-01", "periods": ["07:00-11:30", "13:30-17:00"]}
    ]
    by_date = {day["date"]: day for day in body["days"]}
    assert by_date["2025-04-26"] == {
        "date": "2025-04-26",
        "kind": "makeup_workday",
        "name": by_date["2025-04-26"]["name"],
        "legal_basis": pm_plan("lễ 30/4 và 1/5", 2025),
        "status": "confirmed",
    }
    assert by_date["2025-04-30"]["legal_basis"].startswith("Bộ luật Lao động 2019, Điều 112")
    assert by_date["2025-03-14"]["name"] == "Nghỉ đột xuất"
    assert by_date["2025-03-14"]["legal_basis"] == "Văn bản thử nghiệm"
    assert [day["date"] for day in body["days"]] == sorted(by_date)
    assert len(body["days"]) == 22


def test_days_show_the_basis_and_the_days_to_confirm(client, seeded_calendar):
    # given 2026 as seeded
    body = client.get(DAYS, {"year": 2026}).json()
    by_date = {day["date"]: day for day in body["days"]}
    # then the New Year swap names the Government Office letter
    letter = "Công văn 12729/VPCP-KGVX ngày 25/12/2025 của Văn phòng Chính phủ"
    assert by_date["2026-01-02"] | {"name": ""} == {
        "date": "2026-01-02",
        "kind": "day_off",
        "name": "",
        "legal_basis": letter,
        "status": "confirmed",
    }
    assert (by_date["2026-01-10"]["kind"], by_date["2026-01-10"]["legal_basis"]) == ("makeup_workday", letter)
    # and Vietnam Culture Day is listed, flagged "to confirm", with why
    assert by_date["2026-11-24"]["status"] == "to_confirm"
    assert by_date["2026-11-24"]["legal_basis"].startswith("Chưa có căn cứ")
    assert all(day["legal_basis"] for day in body["days"])


def test_days_of_an_unconfigured_year_and_bad_year(client, seeded_calendar):
    response = client.get(DAYS, {"year": 2090})
    assert response.status_code == 200
    assert response.json()["configured"] is False and response.json()["days"] == []
    response = client.get(DAYS, {"year": "abc"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"year": ["Không phải số năm."]}
    assert client.get(DAYS).status_code == 400


def test_openapi_documents_both_endpoints(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    due = schema["paths"]["/api/v1/calendar/due"]["get"]
    assert {p["name"] for p in due["parameters"]} == {"received", "limit", "unit"}
    # 403 (wrong credentials) and 503 (database down) as on every operation (dvctt/common/openapi.py)
    assert set(due["responses"]) == {"200", "400", "403", "503"}
    days = schema["paths"]["/api/v1/calendar/days"]["get"]
    assert [p["name"] for p in days["parameters"]] == ["year"]
