"""The report page, its downloads and the API over HTTP: who sees which rows, bad input, pinned query counts."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.db import transaction
from django.urls import reverse
from openpyxl import load_workbook

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.tests.sample import sample_dir
from dvctt.interchange import read_folder
from dvctt.reports.figures import COLUMNS
from dvctt.reports.selectors import report_compute
from dvctt.reports.tests.helpers import load_with_fields

PAGE = "/theo-doi/bao-cao/"
Q1 = {"ky": "tuychon", "tu": "01/01/2025", "den": "31/03/2025"}
Q1_API = {"from": "2025-01-01", "to": "2025-03-31"}
DISTRICT, OLD_COMMUNE, DEPARTMENT = "000.00.11.H38", "001.01.11.H38", "000.01.00.H38"


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    """The sample, loaded once for the module inside a transaction rolled back at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        load_with_fields(read_folder(sample_dir() / "interchange").data)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def units(_sample_loaded, db):
    return {unit.code: unit for unit in Unit.objects.all()}


def _user(name: str, role: str, unit: Unit | None = None) -> User:
    return User.objects.create_user(username=name, password="x-Pass-12345", role=role, unit=unit)


def _rows(html: str) -> dict[str, list[int]]:
    """The table's rows by key (data-key) with their eleven numbers, read back from the page."""
    import re

    out = {}
    for key, body in re.findall(r'<tr data-key="([^"]*)"[^>]*>(.*?)</tr>', html, flags=re.S):
        numbers = [int(n) for n in re.findall(r'<td class="num">(\d+)</td>', body)]
        out[key] = numbers[-11:]
    return out


def test_monitor_sees_the_province_report_with_downloads(client, units):
    # given a monitor
    client.force_login(_user("monitor", Role.MONITOR))
    # when they open form 06 of the first quarter of 2025
    response = client.get(PAGE, Q1)
    # then every row and the total are the engine's figures, with the XLSX and PDF links
    assert response.status_code == 200
    html = response.content.decode()
    expected = report_compute(form="06", date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    rows = _rows(html)
    assert {k: v for k, v in rows.items() if k and k != "total"} == {
        code: [row[c] for c in COLUMNS] for code, row in expected["rows"].items()
    }
    assert rows["total"] == [expected["province"][c] for c in COLUMNS]
    assert "ỦY BAN NHÂN DÂN TỈNH" in html and "Đơn vị tính: hồ sơ" in html
    assert "01/01/2025 – 31/03/2025" in html
    assert (
        reverse("reports:download", args=["xlsx"]) in html
        and reverse("reports:download", args=["pdf"]) in html
    )


def test_unit_leader_sees_only_their_unit_and_its_sub_units(client, units):
    # given the leader of a district whose commune is its sub-unit
    client.force_login(_user("leader", Role.UNIT_LEADER, units[DISTRICT]))
    # when they open the page, the XLSX and the API
    html = client.get(PAGE, Q1).content.decode()
    xlsx = client.get(reverse("reports:download", args=["xlsx"]), Q1)
    api = client.get("/api/v1/reports/form06/", Q1_API).json()
    # then only the district's and its commune's rows are there, never a department's
    keys = {k for k in _rows(html) if k and k != "total"}
    assert keys == {DISTRICT, OLD_COMMUNE}
    assert set(api["rows"]) == {DISTRICT, OLD_COMMUNE}
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    names = {str(c.value) for row in sheet.iter_rows() for c in row if c.value}
    assert units[DISTRICT].name in names and units[DEPARTMENT].name not in names
    # and the total is theirs: the sum of their rows, not the province's
    province = report_compute(form="06", date_from=date(2025, 1, 1), date_to=date(2025, 3, 31))
    for column in COLUMNS:
        assert api["province"][column] == sum(row[column] for row in api["rows"].values())
    assert api["province"]["received_total"] < province["province"]["received_total"]
    # and the issuing body is their unit
    assert units[DISTRICT].name.upper() in html
    # form 07a counts their dossiers only
    by_field = client.get("/api/v1/reports/form07a/", Q1_API).json()
    assert by_field["province"] == api["province"]


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.ONE_STOP_OFFICER, Role.CITIZEN])
def test_other_roles_are_refused(client, units, role):
    client.force_login(_user("someone", role, units[DEPARTMENT] if role != Role.CITIZEN else None))
    page = client.get(PAGE, Q1)
    assert page.status_code == 403 and "không có quyền xem báo cáo" in page.content.decode()
    assert client.get(reverse("reports:download", args=["pdf"]), Q1).status_code == 403
    api = client.get("/api/v1/reports/form06/", Q1_API)
    assert api.status_code == 403
    assert api.json()["error"]["code"] == "permission_denied"


def test_anonymous_is_sent_to_the_login(client, db):
    response = client.get(PAGE)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))
    assert client.get("/api/v1/reports/form06/", Q1_API).status_code in (401, 403)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ky": "tuychon", "tu": "31/03/2025", "den": "01/01/2025"}, "Kỳ không hợp lệ"),
        ({"ky": "thang", "nam": "2025", "so": "13"}, "Tháng phải từ 1 đến 12."),
        ({**Q1, "bieu": "08"}, "Biểu mẫu “08” không có"),
        ({**Q1, "donvi": "hom-nay"}, "Cách tính đơn vị “hom-nay” không hợp lệ"),
    ],
)
def test_bad_choices_show_a_vietnamese_message_on_the_page(client, units, params, message):
    client.force_login(_user("monitor", Role.MONITOR))
    response = client.get(PAGE, params)
    assert response.status_code == 400
    assert message in response.content.decode()


def test_api_returns_the_spec_object_and_the_project_error_shape(client, units):
    client.force_login(_user("ppc", Role.PPC_LEADER))
    # when the PPC leader asks form 06 with today's units
    got = client.get("/api/v1/reports/form06/", {**Q1_API, "units": "current"})
    # then it is the engine's object, dates in ISO
    assert got.status_code == 200
    expected = report_compute(
        form="06", date_from=date(2025, 1, 1), date_to=date(2025, 3, 31), units_mode="current"
    )
    assert got.json() == expected
    assert got.json()["from"] == "2025-01-01"
    # and bad input is the project's error shape, in Vietnamese
    bad = client.get("/api/v1/reports/form07a/", {"from": "2025-03-31", "to": "2025-01-01"})
    assert bad.status_code == 400
    assert bad.json()["error"]["code"] == "invalid"
    assert bad.json()["error"]["fields"]["from"] == ["Ngày bắt đầu phải trước hoặc bằng ngày kết thúc."]
    missing = client.get("/api/v1/reports/form06/", {"from": "01/01/2025"})
    assert missing.status_code == 400 and set(missing.json()["error"]["fields"]) == {"from", "to"}


def test_api_is_documented(client, db):
    schema = client.get("/api/v1/schema/", {"format": "json"}).json()
    for form in ("form06", "form07a"):
        operation = schema["paths"][f"/api/v1/reports/{form}/"]["get"]
        assert {p["name"] for p in operation["parameters"]} >= {"from", "to", "units"}
        assert "200" in operation["responses"] and "400" in operation["responses"]
    assert set(schema["components"]["schemas"]["ReportColumns"]["properties"]) == set(COLUMNS)


def test_downloads_are_the_report_in_xlsx_and_pdf(client, units):
    client.force_login(_user("monitor", Role.MONITOR))
    xlsx = client.get(reverse("reports:download", args=["xlsx"]), {**Q1, "bieu": "07a"})
    assert xlsx.status_code == 200
    assert xlsx["Content-Disposition"] == 'attachment; filename="bieu-07a-20250101-20250331.xlsx"'
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert "Biểu số 07a" in {str(c.value) for row in sheet.iter_rows() for c in row}
    pdf = client.get(reverse("reports:download", args=["pdf"]), Q1)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert client.get("/theo-doi/bao-cao/tai-ve.csv", Q1).status_code == 404


def test_page_query_count_is_pinned(client, units, django_assert_num_queries):
    # the session with its user (1), the units (1), the dossiers (1), their supplement requests (1), the units' names
    # (1), the stored reports (1); a unit leader's scope adds its own
    client.force_login(_user("monitor", Role.MONITOR))
    client.get(PAGE, Q1)  # warm: the session's first read
    with django_assert_num_queries(6):
        assert client.get(PAGE, Q1).status_code == 200


def test_stored_report_path_over_http(client, units):
    leader, monitor = _user("leader", Role.UNIT_LEADER, units[DISTRICT]), _user("monitor", Role.MONITOR)
    other = _user("other", Role.UNIT_LEADER, units[DEPARTMENT])
    # given the district's leader stores the report the page shows and submits it
    client.force_login(leader)
    created = client.post(
        reverse("reports:stored_create") + "?" + "&".join(f"{k}={v}" for k, v in Q1.items())
    )
    assert created.status_code == 302
    detail_url = created["Location"]
    report_id = int(detail_url.rstrip("/").rsplit("/", 1)[-1])
    assert "Dự thảo" in client.get(detail_url).content.decode()
    assert client.post(reverse("reports:stored_move", args=[report_id, "submit"])).status_code == 302
    # another unit's leader cannot open it
    client.force_login(other)
    assert client.get(detail_url).status_code == 404
    # the monitor receives and approves it, with a note
    client.force_login(monitor)
    client.post(reverse("reports:stored_move", args=[report_id, "receive"]))
    client.post(reverse("reports:stored_move", args=[report_id, "approve"]), {"ghi_chu": "Đồng ý"})
    html = client.get(detail_url).content.decode()
    # then the page shows it approved, with its history of who did what
    assert 'data-state="approved"' in html
    for text in ("Lập dự thảo", "Gửi báo cáo", "Tiếp nhận", "Phê duyệt", "Đồng ý", "leader", "monitor"):
        assert text in html
    # and an illegal move is refused with a message, the state unchanged
    client.post(reverse("reports:stored_move", args=[report_id, "return"]), follow=True)
    assert 'data-state="approved"' in client.get(detail_url).content.decode()
