"""The PPC leader's brief: the plan's indicators against targets and the index as the dashboards give them, the
units furthest behind and most improved, overdue tasks and open difficulties, on one A4 page (read back from the
PDF in pure Python), over HTTP for the roles that read it and as `dvctt report brief`."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import transaction
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.tests.sample import sample_dir
from dvctt.dossiers.tests.test_slips import _objects as pdf_objects
from dvctt.dossiers.tests.test_slips import pdf_text
from dvctt.interchange import read_folder
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.plans.dashboards.periods import PeriodError
from dvctt.plans.dashboards.selectors import KpiSource, dashboard_overview, dashboard_ranking, pct
from dvctt.plans.services import plan_create
from dvctt.reports.brief import brief_compute, brief_pdf, brief_periods
from dvctt.steering import services as steering

TODAY = date(2025, 12, 15)


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_records(read_folder(sample_dir() / "interchange").data)
        rollups_rebuild()
        yield
        transaction.set_rollback(True)


@pytest.fixture
def steering_data(_sample_loaded, db):
    cache.clear()
    units = list(Unit.objects.filter(valid_to__isnull=True).order_by("code")[:3])
    monitor = User.objects.create_user(username="giamsat", password="x-Pass-12345", role=Role.MONITOR)
    officer = User.objects.create_user(
        username="motcua", password="x-Pass-12345", role=Role.ONE_STOP_OFFICER, unit=units[0]
    )
    plan = plan_create(
        name="Kế hoạch nâng cao chất lượng DVCTT",
        decision_number="165/KH-UBND",
        decision_date=date(2023, 8, 2),
        start_year=2023,
        end_year=2025,
    )
    # ten overdue tasks with long titles, one on time, and eight open difficulties: the page must still be one
    for n in range(10):
        steering.task_create(
            actor=monitor,
            plan=plan,
            code=f"NV-{n:02d}",
            title="Cung cấp dịch vụ công trực tuyến toàn trình cho các thủ tục hành chính đủ điều kiện " * 2,
            lead_unit=units[n % 3],
            deadline=TODAY - timedelta(days=n + 1),
        )
    steering.task_create(
        actor=monitor,
        plan=plan,
        code="NV-99",
        title="Đúng hạn",
        lead_unit=units[0],
        deadline=TODAY + timedelta(days=30),
    )
    for n in range(8):
        steering.difficulty_file(
            actor=officer,
            category="platform",
            subject=f"Vướng mắc số {n}: biểu mẫu điện tử chưa kết nối dữ liệu dân cư",
            content="...",
        )
    return {"monitor": monitor, "officer": officer, "units": units}


def test_periods_are_months_or_quarters_with_the_one_before():
    month, before = brief_periods("2025-01", today=TODAY)
    assert (month.date_from, month.date_to, before.date_from, before.date_to) == (
        date(2025, 1, 1),
        date(2025, 1, 31),
        date(2024, 12, 1),
        date(2024, 12, 31),
    )
    quarter, before = brief_periods("2025-Q3", today=TODAY)
    assert (quarter.date_from, quarter.date_to, before.date_from, before.date_to) == (
        date(2025, 7, 1),
        date(2025, 9, 30),
        date(2025, 4, 1),
        date(2025, 6, 30),
    )
    for bad in ("2025-13", "2025-Q5", "Q1-2025", "", "2026-01"):
        with pytest.raises(PeriodError):
            brief_periods(bad, today=TODAY)


def test_the_brief_holds_the_dashboards_figures_and_the_lists(steering_data):
    brief = brief_compute(period_text="2025-Q3", today=TODAY)
    period, previous = brief_periods("2025-Q3", today=TODAY)
    # the plan's indicators and the index are the dashboards' own
    source = KpiSource()
    overview = dashboard_overview(period=period, source=source)
    assert [(f.indicator.code, f.value, f.target_text, f.status) for f in brief.figures] == [
        (f.indicator.code, f.value, f.target_text, f.status) for f in overview.figures
    ]
    assert brief.index["total"] == overview.index["total"]
    # furthest behind: the lowest attainments of the ranking; most improved: the largest rises since Q2
    now = {
        r.unit.code: r.attainment
        for r in dashboard_ranking(period=period, source=source).rows
        if r.attainment is not None
    }
    before = {
        r.unit.code: r.attainment
        for r in dashboard_ranking(period=previous, source=source).rows
        if r.attainment is not None
    }
    assert [u.code for u in brief.behind] == sorted(now, key=lambda c: (now[c], c))[:5]
    rises = {c: now[c] - before[c] for c in now if c in before and now[c] > before[c]}
    assert [u.code for u in brief.improved] == sorted(rises, key=lambda c: (-rises[c], c))[:5]
    assert all(abs((u.change or 0) - rises[u.code]) < 1e-12 for u in brief.improved)
    assert brief.behind, "the sample has units with figures"
    # tasks and difficulties as they stand
    assert brief.overdue_count == 10 and [t.code for t in brief.overdue_tasks] == [
        "NV-09",
        "NV-08",
        "NV-07",
        "NV-06",
        "NV-05",
        "NV-04",
    ]
    assert brief.difficulties_count == 8 and len(brief.difficulties) == 5


def test_the_pdf_is_one_a4_page_with_the_figures(steering_data):
    brief = brief_compute(period_text="2025-Q3", today=TODAY)
    pdf = brief_pdf(brief)
    heads = b"".join(head for head, _stream in pdf_objects(pdf).values())
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", heads)) == 1
    boxes = {
        tuple(round(float(x)) for x in box.split()) for box in re.findall(rb"/MediaBox\s*\[([^\]]+)\]", heads)
    }
    assert boxes == {(0, 0, 595, 842)}
    text = pdf_text(pdf)
    assert "BẢN TÓM TẮT TÌNH HÌNH THỰC HIỆN KẾ HOẠCH" in text and "QUÝ 3/2025" in text
    for figure in brief.figures:
        assert figure.value_text in text and figure.target_text in text
    total = f"{brief.index['total']:.1f}".replace(".", ",")
    assert f"{total} / 100,0 điểm" in text
    for unit in brief.behind:
        assert pct(unit.attainment) in text
    assert "Nhiệm vụ quá hạn: 10" in text and "NV-09" in text and "và 4 nhiệm vụ khác" in text
    assert (
        "Khó khăn, đề xuất chưa trả lời: 8" in text and "Vướng mắc số 0" in text and "và 3 mục khác" in text
    )


def test_the_page_and_its_pdf_for_the_roles_that_read_it(client, steering_data):
    url = reverse("reports:brief")
    leader = User.objects.create_user(
        username="lanhdao", password="x-Pass-12345", role=Role.UNIT_LEADER, unit=steering_data["units"][0]
    )
    client.force_login(leader)
    assert client.get(url, {"period": "2025-Q3"}).status_code == 403
    for role in (Role.PPC_LEADER, Role.MONITOR):
        client.force_login(User.objects.create_user(username=f"u-{role}", password="x-Pass-12345", role=role))
        page = client.get(url, {"period": "2025-Q3"})
        assert page.status_code == 200 and "Nhiệm vụ quá hạn" in page.content.decode()
        pdf = client.get(url, {"period": "2025-Q3", "xuat": "pdf"})
        assert (
            pdf.status_code == 200
            and pdf["Content-Type"] == "application/pdf"
            and pdf.content.startswith(b"%PDF")
        )
    bad = client.get(url, {"period": "2025-Q9"})
    assert bad.status_code == 400 and "không hợp lệ" in bad.content.decode()


def test_the_command_writes_the_pdf(steering_data, tmp_path):
    out = tmp_path / "ban-tom-tat.pdf"
    call_command("report", "brief", "--period", "2025-09", "--output", str(out))
    assert "Tháng 9/2025".upper() in pdf_text(out.read_bytes())
    with pytest.raises(CommandError, match="Thiếu --period"):
        call_command("report", "brief", "--output", str(out))
    with pytest.raises(CommandError, match="không hợp lệ"):
        call_command("report", "brief", "--period", "2025/09", "--output", str(out))
