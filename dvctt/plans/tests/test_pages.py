"""Monitors' pages over HTTP: access, grid editing with per-field errors, Excel upload, PAR rules, scores."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dvctt.accounts.models import Role, User
from dvctt.plans import selectors
from dvctt.plans.models import ParCriterion, Plan, Target
from dvctt.plans.services import ParRow, par_criteria_save_year, target_set
from dvctt.plans.tests.conftest import kpis_dict
from dvctt.plans.tests.sheets import sheet_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_kpis(monkeypatch):
    def fake(*, date_from, date_to, units_mode):
        data = kpis_dict(D1={"on_time_rate": (9, 10), "online_dossier_rate": (3, 4), "sync_rate": (1, 2)})
        data["from"], data["to"] = date_from.isoformat(), date_to.isoformat()
        return data

    monkeypatch.setattr(selectors, "_kpi_engine", lambda: fake)


PAGES = [
    "/ke-hoach/",
    "/ke-hoach/{plan}/",
    "/ke-hoach/{plan}/nhap-excel/",
    "/ke-hoach/mau-chi-tieu.xlsx",
    "/ke-hoach/tieu-chi-cchc/",
    "/ke-hoach/diem/chi-so-766/",
    "/ke-hoach/diem/cchc/",
]


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.PPC_LEADER, Role.CITIZEN, Role.UNIT_LEADER])
def test_only_monitors_and_admins_may_open_the_pages(client, plan, units, role):
    unit = units["D"] if role in (Role.SPECIALIST, Role.UNIT_LEADER) else None
    client.force_login(
        User.objects.create_user(username=f"u-{role}", password="x-Pass-1234", role=role, unit=unit)
    )
    for url in PAGES:
        assert client.get(url.format(plan=plan.pk)).status_code == 403, url


def test_anonymous_users_are_sent_to_the_login(client, plan):
    response = client.get(f"/ke-hoach/{plan.pk}/")
    assert response.status_code == 302 and "/accounts/dang-nhap/" in response["Location"]


def test_admins_may_open_the_pages(client, plan, units, fake_kpis):
    client.force_login(User.objects.create_user(username="qt", password="x-Pass-1234", role=Role.ADMIN))
    for url in PAGES:
        assert client.get(url.format(plan=plan.pk)).status_code == 200, url


def test_plan_list_query_count_does_not_grow_with_plans(monitor_client, plan, django_assert_num_queries):
    # 1 query for the session with its user, 1 for the plans with their target counts
    with django_assert_num_queries(2):
        response = monitor_client.get("/ke-hoach/")
    assert "165/KH-UBND" in response.content.decode()
    for n in range(5):
        Plan.objects.create(
            name=f"KH {n}",
            decision_number=f"{n}/KH",
            decision_date="2024-01-01",
            start_year=2024,
            end_year=2025,
        )
    with django_assert_num_queries(2):
        monitor_client.get("/ke-hoach/")


def test_create_plan_from_the_list_page_with_errors_kept(monitor_client, plan):
    response = monitor_client.post(
        "/ke-hoach/",
        {
            "name": "KH mới",
            "decision_number": "165/KH-UBND",
            "decision_date": "31/02/2024",
            "start_year": 2026,
            "end_year": 2024,
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Năm kết thúc phải từ năm bắt đầu trở đi." in html and 'value="KH mới"' in html
    response = monitor_client.post(
        "/ke-hoach/",
        {
            "name": "KH mới",
            "decision_number": "165/KH-UBND",
            "decision_date": "01/02/2024",
            "start_year": 2024,
            "end_year": 2025,
        },
    )
    assert response.status_code == 400 and "Đã có kế hoạch số 165/KH-UBND." in response.content.decode()
    response = monitor_client.post(
        "/ke-hoach/",
        {
            "name": "KH mới",
            "decision_number": "7/KH-UBND",
            "decision_date": "01/02/2024",
            "start_year": 2024,
            "end_year": 2025,
        },
    )
    new = Plan.objects.get(decision_number="7/KH-UBND")
    assert response.status_code == 302 and response["Location"] == f"/ke-hoach/{new.pk}/"


def test_grid_saves_changed_cells_as_fractions(monitor_client, plan, units):
    target_set(plan=plan, indicator="online_processing_rate", year=2025, value="0.9", unit=units["D"])
    page = monitor_client.get(f"/ke-hoach/{plan.pk}/?nam=2025")
    html = page.content.decode()
    assert page.status_code == 200 and 'name="t__D1__online_processing_rate"' in html and 'value="90"' in html
    assert 'aria-label="Toàn tỉnh – Tỷ lệ hồ sơ trực tuyến (%)"' in html
    response = monitor_client.post(
        f"/ke-hoach/{plan.pk}/?nam=2025",
        {
            "t__TINH__online_dossier_rate": "50",
            "t__D1__online_processing_rate": "",
            "t__H1__services_with_online_dossiers_rate": "80,5%",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?nam=2025")
    got = {
        (t.unit.code if t.unit else None, t.indicator): t.value for t in Target.objects.select_related("unit")
    }
    assert got == {
        (None, "online_dossier_rate"): Decimal("0.5"),
        ("H1", "services_with_online_dossiers_rate"): Decimal("0.805"),
    }


def test_grid_with_bad_cells_keeps_every_value_and_marks_each_error(monitor_client, plan, units):
    response = monitor_client.post(
        f"/ke-hoach/{plan.pk}/?nam=2025",
        {
            "t__TINH__online_dossier_rate": "150",
            "t__D1__online_processing_rate": "abc",
            "t__H1__online_processing_rate": "60",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Có 2 ô không hợp lệ, chưa lưu gì." in html
    assert "Giá trị phải từ 0 đến 100 (%)." in html and "“abc” không phải là số." in html
    assert 'value="150"' in html and 'value="abc"' in html and 'value="60"' in html
    assert html.count('aria-invalid="true"') == 2
    assert not Target.objects.exists()


def test_year_outside_the_plan_is_a_bad_request(monitor_client, plan):
    assert monitor_client.get(f"/ke-hoach/{plan.pk}/?nam=2030").status_code == 400
    assert monitor_client.get("/ke-hoach/999/").status_code == 404


def test_upload_saves_a_good_sheet_and_lists_errors_of_a_bad_one(monitor_client, plan, units):
    header = ["Mã đơn vị", "Tên đơn vị", "online_processing_rate"]
    bad = io.BytesIO(sheet_bytes([header, ["D1", "Sở", 90], ["QQ", "Không có", 50], ["X1", "Xã", 120]]))
    bad.name = "chi-tieu.xlsx"
    response = monitor_client.post(f"/ke-hoach/{plan.pk}/nhap-excel/", {"year": 2025, "file": bad})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Bảng tính có 2 lỗi, không lưu chỉ tiêu nào:" in html
    assert "không có đơn vị mã “QQ”" in html and "giá trị phải từ 0% đến 100%" in html
    assert not Target.objects.exists()
    good = io.BytesIO(sheet_bytes([header, ["D1", "Sở", 90]]))
    good.name = "chi-tieu.xlsx"
    response = monitor_client.post(f"/ke-hoach/{plan.pk}/nhap-excel/", {"year": 2025, "file": good})
    assert response.status_code == 302
    assert Target.objects.get().value == Decimal("0.9")


def test_upload_refuses_a_file_that_is_not_xlsx(monitor_client, plan):
    upload = io.BytesIO(b"a,b")
    upload.name = "chi-tieu.csv"
    response = monitor_client.post(f"/ke-hoach/{plan.pk}/nhap-excel/", {"year": 2025, "file": upload})
    assert response.status_code == 400 and "Chỉ nhận tệp .xlsx." in response.content.decode()


def test_template_download_lists_units_active_in_the_year(monitor_client, units):
    response = monitor_client.get("/ke-hoach/mau-chi-tieu.xlsx?nam=2024")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content)).active
    codes = [sheet.cell(row=r, column=2).value for r in range(4, sheet.max_row + 1)]
    assert codes == ["TINH", "D1", "H1", "ROOT"]  # no commune before 1/07/2025


def test_par_rule_table_edit_with_steps_and_errors(monitor_client):
    url = "/ke-hoach/tieu-chi-cchc/?nam=2025"
    form = {
        "tc-TOTAL_FORMS": "2",
        "tc-INITIAL_FORMS": "0",
        "tc-0-indicator": "online_processing_rate",
        "tc-0-label": "Xử lý trực tuyến",
        "tc-0-threshold": "50",
        "tc-0-points": "2",
        "tc-0-rule": "steps",
        "tc-0-steps": "30: 0.5; 50: 2",
        "tc-1-indicator": "sync_rate",
        "tc-1-threshold": "",
        "tc-1-points": "",
        "tc-1-rule": "linear",
    }
    response = monitor_client.post(url, form)
    html = response.content.decode()
    assert response.status_code == 400 and "Nhập điểm tối đa." in html and "Ngưỡng phải lớn hơn 0." in html
    assert not ParCriterion.objects.exists()
    form.update({"tc-1-indicator": ""})
    response = monitor_client.post(url, form)
    assert response.status_code == 302
    criterion = ParCriterion.objects.get()
    assert criterion.steps == [["0.3000", "0.5"], ["0.5000", "2"]] and criterion.threshold == Decimal("0.5")
    page = monitor_client.get(url).content.decode()
    assert 'value="30: 0.5; 50: 2"' in page
    # duplicate indicators refused
    form.update({"tc-1-indicator": "online_processing_rate", "tc-1-points": "1", "tc-1-threshold": "80"})
    response = monitor_client.post(url, form)
    assert (
        response.status_code == 400
        and "Mỗi chỉ tiêu chỉ có một tiêu chí trong năm." in response.content.decode()
    )


def test_par_rules_copy_from_another_year(monitor_client):
    par_criteria_save_year(year=2024, rows=[ParRow("sync_rate", Decimal(1))])
    response = monitor_client.post("/ke-hoach/tieu-chi-cchc/?nam=2025", {"copy_from": "2024"})
    assert response.status_code == 302 and ParCriterion.objects.filter(year=2025).count() == 1


def test_index_score_page_and_export(monitor_client, units, fake_kpis):
    response = monitor_client.get("/ke-hoach/diem/chi-so-766/?tu=01/01/2025&den=30/06/2025")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sở Tư pháp" in html and "Kỳ 01/01/2025 – 30/06/2025" in html
    assert '<td class="num">18,00</td>' in html  # progress: 20 × 0.9, Vietnamese decimal comma
    export = monitor_client.get("/ke-hoach/diem/chi-so-766/?tu=01/01/2025&den=30/06/2025&format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert sheet["A3"].value == "Mã đơn vị"
    rows = {sheet.cell(row=r, column=1).value or "": r for r in range(4, sheet.max_row + 1)}
    d1 = [c.value for c in sheet[rows["D1"]]]
    # groups: transparency 6×0.5 = 3, progress 20×0.9 = 18, ... total 21
    assert d1[2] == 3.0 and d1[3] == 18.0 and d1[7] == 21.0


def test_index_score_page_refuses_a_reversed_period(monitor_client, fake_kpis):
    response = monitor_client.get("/ke-hoach/diem/chi-so-766/?tu=02/01/2025&den=01/01/2025")
    assert response.status_code == 400
    assert "Ngày kết thúc phải từ ngày bắt đầu trở đi." in response.content.decode()


def test_par_score_page_and_export(monitor_client, units, fake_kpis):
    par_criteria_save_year(
        year=2025, rows=[ParRow("online_dossier_rate", Decimal(2), Decimal("0.5"), "all_or_nothing")]
    )
    response = monitor_client.get("/ke-hoach/diem/cchc/?nam=2025")
    assert response.status_code == 200 and "Tỷ lệ hồ sơ trực tuyến (2)" in response.content.decode()
    export = monitor_client.get("/ke-hoach/diem/cchc/?nam=2025&format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[5]][:4] == ["D1", "Sở Tư pháp", 2.0, 2.0]
