"""The whole Decision 766 index (configuration 2026.12): each indicator the KPI engine has no figure for, on data
built here, with the expected values worked out by hand below; the not-computable ones listed with reasons; the
configuration of 2025.1 unchanged.

The data (period 01/01/2026 – 30/06/2026; period end 01/07/2026 00:00, Asia/Ho_Chi_Minh):

Units: A 000.00.12.H38, B 000.00.20.H38, C 000.00.30.H38 (ended 31/03/2026, successor A).

Catalogue on 30/06/2026: P1 (units A; level 4; fee 8.000 đ; result is a document), P2 (A and B; level 2; fee
50.000 đ), P3 (B; level 3; no fee).

Dossiers (R = received in the period; facts exclude test dossiers):
  D1 A P1 online, 02/02, no electronic result       → in R; paper-type result without e-result: not counted in 3.3
  D2 A P1 online, 03/03, electronic result           → in R; counted in 3.3
  D3 A P2 at the counter, 01/04, a reused component  → in R; counted in 4.3
  D4 B P3 online, 05/05, one reused + one new file   → in R; counted in 3.3 and 4.3
  D5 B P3 online, 31/12/2025 23:00                   → before the period
  D6 B P2 online, 30/06 23:59                        → in R (last minute of the period); counted in 3.3
  D7 A P2 online, 10/03, test dossier                → excluded
  D8 C P2 at the counter, 01/11/2025                 → before the period (carries complaint K8)

Complaints (to answer = received before the end, not answered before the start; late = answered in the period
after the due time, or open at the end with a due time before it):
  K1 A recv 10/12/2025 due 31/12/2025 answered 20/12/2025            → answered before the start: not counted
  K2 A recv 20/12/2025 due 12/01 answered 10/01 (rated 3 on 11/01)   → counted, on time
  K3 A recv 02/03 due 23/03 09:00 answered 25/03 (rated 1 on 26/03)  → counted, late
  K4 A recv 20/06 due 10/07, open                                     → counted, on time (due after the end)
  K5 B recv 05/05 due 26/05, open                                     → counted, late
  K6 B recv 01/06 due 22/06 answered 02/07 (rated 2 on 03/07)         → counted, late (open at the end)
  K7 B recv 01/02 without due time, open                              → counted, not late
  K8 C recv 01/02 due 20/02 answered 15/02                            → counted, on time
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.services import procedure_version_create
from dvctt.complaints.models import Complaint, ComplaintState
from dvctt.dossiers.models import Dossier, DossierFile, SyncState
from dvctt.monitoring.rollups import rollups_rebuild
from dvctt.plans import selectors
from dvctt.plans.index_config import (
    FULL_VERSION,
    NOT_COMPUTABLE,
    default_index_config,
    full_index_config,
)
from dvctt.plans.index_figures import index_only_figures, kpis_with_index_figures
from dvctt.plans.scores import index_scores
from dvctt.plans.services import index_config_seed_default
from dvctt.plans.tests.conftest import kpis_dict

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FROM, TO = date(2026, 1, 1), date(2026, 6, 30)
INDEX_ONLY_CODES = [
    "online_offered_rate",
    "online_submission_rate",
    "fee_procedures_online_rate",
    "data_reuse_rate",
    "complaint_on_time_rate",
    "complaint_satisfaction_rate",
]


def vn(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=VN)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    a = Unit.objects.create(
        code="000.00.12.H38", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )
    b = Unit.objects.create(
        code="000.00.20.H38", name="Sở Tài chính", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )
    c = Unit.objects.create(
        code="000.00.30.H38",
        name="Sở Kế hoạch và Đầu tư",
        level=UnitLevel.DEPARTMENT,
        valid_from=date(2015, 1, 1),
        valid_to=date(2026, 3, 31),
        successor=a,
    )
    common = {"valid_from": date(2020, 1, 1), "time_limit": 5, "time_limit_unit": "ngay_lam_viec"}
    p1 = procedure_version_create(
        code="1.000001",
        name="Thủ tục một",
        unit_codes=[a.code],
        online_level=4,
        result_is_document=True,
        fees=[{"name": "Lệ phí", "amount": 8000}],
        **common,
    )
    p2 = procedure_version_create(
        code="1.000002",
        name="Thủ tục hai",
        unit_codes=[a.code, b.code],
        online_level=2,
        fees=[{"name": "Phí", "amount": 50000}],
        **common,
    )
    p3 = procedure_version_create(
        code="1.000003", name="Thủ tục ba", unit_codes=[b.code], online_level=3, **common
    )
    citizen = User.objects.create_user(username="congdan", password="x-Pass-1234", role=Role.CITIZEN)

    def dossier(
        code: str, unit: Unit, version: ProcedureVersion, channel: int, received: datetime, **kw: Any
    ):
        return Dossier.objects.create(
            code=code,
            procedure=version.procedure,
            procedure_version=version,
            unit=unit,
            receiving_unit=unit,
            channel=channel,
            status=4,
            applicant=citizen,
            applicant_name="Nguyễn Văn An",
            submitted_at=received,
            received_at=received,
            due_at=vn(2026, 12, 31, 17),
            sync_state=SyncState.PENDING,
            imported=True,
            **kw,
        )

    d1 = dossier("D1", a, p1, 2, vn(2026, 2, 2, 10))
    dossier("D2", a, p1, 2, vn(2026, 3, 3), has_e_result=True)
    d3 = dossier("D3", a, p2, 1, vn(2026, 4, 1))
    d4 = dossier("D4", b, p3, 2, vn(2026, 5, 5))
    dossier("D5", b, p3, 2, vn(2025, 12, 31, 23))
    dossier("D6", b, p2, 2, vn(2026, 6, 30, 23, 59))
    dossier("D7", a, p2, 2, vn(2026, 3, 10), is_test=True)
    d8 = dossier("D8", c, p2, 1, vn(2025, 11, 1))
    DossierFile.objects.create(dossier=d3, kind="component", name="CCCD", reused_from_repository=True)
    DossierFile.objects.create(dossier=d4, kind="component", name="CCCD", reused_from_repository=True)
    DossierFile.objects.create(dossier=d4, kind="component", name="Tờ khai")
    rollups_rebuild()

    def complaint(n: int, unit: Unit, on: Dossier, received: datetime, due: datetime | None, **kw: Any):
        return Complaint.objects.create(
            dossier=on,
            author=citizen,
            kind="phan_anh",
            subject=f"K{n}",
            content="Nội dung phản ánh.",
            unit=unit,
            received_at=received,
            due_at=due,
            state=ComplaintState.ANSWERED if kw.get("answered_at") else ComplaintState.RECEIVED,
            **kw,
        )

    complaint(1, a, d1, vn(2025, 12, 10), vn(2025, 12, 31, 17), answered_at=vn(2025, 12, 20), rating=2,
              rated_at=vn(2025, 12, 21))  # fmt: skip
    complaint(2, a, d1, vn(2025, 12, 20), vn(2026, 1, 12), answered_at=vn(2026, 1, 10), rating=3,
              rated_at=vn(2026, 1, 11))  # fmt: skip
    complaint(3, a, d1, vn(2026, 3, 2), vn(2026, 3, 23), answered_at=vn(2026, 3, 25), rating=1,
              rated_at=vn(2026, 3, 26))  # fmt: skip
    complaint(4, a, d1, vn(2026, 6, 20), vn(2026, 7, 10))
    complaint(5, b, d4, vn(2026, 5, 5), vn(2026, 5, 26))
    complaint(6, b, d4, vn(2026, 6, 1), vn(2026, 6, 22), answered_at=vn(2026, 7, 2), rating=2,
              rated_at=vn(2026, 7, 3))  # fmt: skip
    complaint(7, b, d4, vn(2026, 2, 1), None)
    complaint(8, c, d8, vn(2026, 2, 1), vn(2026, 2, 20), answered_at=vn(2026, 2, 15))
    return {"a": a, "b": b, "c": c}


def _pairs(figures: dict[str, Any]) -> dict[str, tuple[int, int, float | None]]:
    return {code: (f["numerator"], f["denominator"], f["value"]) for code, f in figures.items()}


def test_each_index_only_figure_per_unit_and_province(world: dict[str, Any]) -> None:
    got = index_only_figures(codes=INDEX_ONLY_CODES, date_from=FROM, date_to=TO)
    # 3.1 offered online: province P1 and P3 of P1–P3 (each procedure once) = 2/3; A lists P1, P2 → 1/2; B lists
    #     P2, P3 → 1/2. 3.4 fee procedures online: fees P1, P2, online P1 → province 1/2, A 1/2, B 0/1.
    # 3.3 online submissions: A R = D1, D2, D3 → D2 only = 1/3; B R = D4, D6 → 2/2; province 3/5.
    # 4.3 reuse: A D3 = 1/3; B D4 = 1/2; province 2/5.
    # 5.2 on time: A K2, K3, K4 with K3 late → 2/3; B K5, K6, K7 with K5, K6 late → 1/3; C K8 → 1/1; province 4/7.
    # 5.3 satisfaction: rated in the period K2 (3), K3 (1) → A 1/2; B none → null; province 1/2.
    assert _pairs(got["province"]) == {
        "online_offered_rate": (2, 3, 0.6667),
        "online_submission_rate": (3, 5, 0.6),
        "fee_procedures_online_rate": (1, 2, 0.5),
        "data_reuse_rate": (2, 5, 0.4),
        "complaint_on_time_rate": (4, 7, 0.5714),
        "complaint_satisfaction_rate": (1, 2, 0.5),
    }
    assert _pairs(got["units"]["000.00.12.H38"]) == {
        "online_offered_rate": (1, 2, 0.5),
        "online_submission_rate": (1, 3, 0.3333),
        "fee_procedures_online_rate": (1, 2, 0.5),
        "data_reuse_rate": (1, 3, 0.3333),
        "complaint_on_time_rate": (2, 3, 0.6667),
        "complaint_satisfaction_rate": (1, 2, 0.5),
    }
    assert _pairs(got["units"]["000.00.20.H38"]) == {
        "online_offered_rate": (1, 2, 0.5),
        "online_submission_rate": (2, 2, 1.0),
        "fee_procedures_online_rate": (0, 1, 0.0),
        "data_reuse_rate": (1, 2, 0.5),
        "complaint_on_time_rate": (1, 3, 0.3333),
        "complaint_satisfaction_rate": (0, 0, None),
    }
    assert got["units"]["000.00.30.H38"]["complaint_on_time_rate"]["numerator"] == 1


def test_a_paper_reused_from_the_applicants_store_counts_as_reuse(world: dict[str, Any]) -> None:
    # D6 (unit B, in the period) gets a component attached again from the applicant's stored papers (D4's CCCD)
    original = DossierFile.objects.get(dossier__code="D4", name="CCCD")
    DossierFile.objects.create(
        dossier=Dossier.objects.get(code="D6"), kind="component", name="CCCD", reused_from=original
    )
    got = index_only_figures(codes=["data_reuse_rate"], date_from=FROM, date_to=TO)
    # B: D4 (repository) and D6 (stored paper) of D4, D6 → 2/2; the province 3/5
    assert _pairs(got["units"]["000.00.20.H38"]) == {"data_reuse_rate": (2, 2, 1.0)}
    assert _pairs(got["province"]) == {"data_reuse_rate": (3, 5, 0.6)}


def test_units_mode_current_folds_the_ended_unit_into_its_heir(world: dict[str, Any]) -> None:
    got = index_only_figures(
        codes=["complaint_on_time_rate"], date_from=FROM, date_to=TO, units_mode="current"
    )
    # C ended with heir A: A's 2/3 and C's 1/1 add up to 3/4; C is no row of its own; the province is unchanged.
    assert _pairs(got["units"]["000.00.12.H38"]) == {"complaint_on_time_rate": (3, 4, 0.75)}
    assert "000.00.30.H38" not in got["units"]
    assert _pairs(got["province"]) == {"complaint_on_time_rate": (4, 7, 0.5714)}


def test_full_index_scores_lists_what_is_not_computable(world: dict[str, Any]) -> None:
    scores = selectors.index_scores_for(date_from=FROM, date_to=TO)
    assert scores["version"] == FULL_VERSION
    province = scores["province"]
    items = province["indicators"]
    # 3.1 T 0.8: 4 × (2/3)/0.8 = 10/3 = 3.3333; 3.3 T 0.5: 0.6 ≥ 0.5 → 4; 3.4: 4 × 1/2 = 2; 4.3 T 0.8, P 2:
    # 2 × 0.4/0.8 = 1; 5.2: 4 × 4/7 = 16/7 = 2.2857; 5.3: 4 × 1/2 = 2.
    assert {code: items[code]["score"] for code in INDEX_ONLY_CODES} == {
        "online_offered_rate": 3.3333,
        "online_submission_rate": 4.0,
        "fee_procedures_online_rate": 2.0,
        "data_reuse_rate": 1.0,
        "complaint_on_time_rate": 2.2857,
        "complaint_satisfaction_rate": 2.0,
    }
    assert province["counts"]["complaint_on_time_rate"] == {"numerator": 4, "denominator": 7}
    # 1.1, 1.2, 1.3, 2.2, 4.4, 4.5, 5.1 are listed, with their reasons, scored None and outside the maximum:
    # 100 − (4 + 4 + 4 + 0 + 5 + 5 + 4) = 74 points computable.
    assert sorted(items[code]["ref"] for code in province["not_computable"]) == [
        "1.1", "1.2", "1.3", "2.2", "4.4", "4.5", "5.1"
    ]  # fmt: skip
    for code in province["not_computable"]:
        assert items[code]["score"] is None and items[code]["reason"] == str(NOT_COMPUTABLE[code].reason)
        assert items[code]["computable"] is False
    assert province["max"] == 100.0 and province["computable_max"] == 74.0
    # (the scaled total comes from the exact total; the rounded one gives it to within 0.001)
    assert abs(province["total_of_computable_100"] - province["total"] * 100 / 74) < 0.001
    assert province["group_computable_max"] == {
        "transparency": 6.0,
        "progress": 20.0,
        "online": 22.0,
        "digitisation": 12.0,
        "satisfaction": 14.0,
    }
    # the unit B has no rating: the figure is null, scored 0 and flagged as missing (not as not computable)
    unit_b = scores["units"]["000.00.20.H38"]
    assert "complaint_satisfaction_rate" in unit_b["missing"]
    assert unit_b["indicators"]["complaint_satisfaction_rate"]["score"] == 0.0


def test_full_config_has_every_indicator_of_the_five_groups_and_100_points() -> None:
    config = full_index_config()
    assert sum(item.points for item in config.items) == 100
    by_group: dict[str, Decimal] = {}
    for item in config.items:
        by_group[item.group] = by_group.get(item.group, Decimal(0)) + item.points
    assert by_group == {g: p for g, p in config.group_points.items()}
    refs = [item.ref for item in config.items]
    assert refs == sorted(refs) and len(refs) == 20


def test_old_version_results_are_unchanged(world: dict[str, Any]) -> None:
    # 2025.1: the six registry indicators, 48 points; a hand-made KPI object scores as it always did:
    # 2.1 20 × 9/10 = 18; 4.2 4 × (6/10)/0.8 = 3; 4.1 6 × 1/4 = 1.5; 1.4 6 × 1/2 = 3; 3.6 6 × 0/2 = 0; 5.4 no
    # figure → 0 and missing. Total 25.5 of 48 computable, 100 in the index.
    config = default_index_config()
    kpis = kpis_dict(
        A={
            "on_time_rate": (9, 10),
            "digitisation_rate": (6, 10),
            "e_result_rate": (1, 4),
            "sync_rate": (1, 2),
            "online_payment_rate": (0, 2),
        }
    )
    assert kpis_with_index_figures(kpis, config, date_from=FROM, date_to=TO, units_mode="period") is kpis
    unit = index_scores(kpis, config)["units"]["A"]
    assert (unit["total"], unit["computable_max"], unit["max"]) == (25.5, 48.0, 100.0)
    assert unit["missing"] == ["satisfaction_rate"] and unit["not_computable"] == []
    assert unit["progress"] == 18.0 and unit["digitisation"] == 4.5 and unit["transparency"] == 3.0
    # and the version in force: 2025.1 up to 31/12/2025, 2026.12 from 1/1/2026, even over a stored 2025.1
    index_config_seed_default()
    assert selectors.index_config_in_force(on=date(2025, 12, 31)).version == "2025.1"
    assert selectors.index_config_in_force(on=date(2026, 6, 30)).version == FULL_VERSION
    assert (
        selectors.index_scores_for(date_from=date(2025, 1, 1), date_to=date(2025, 12, 31))["version"]
        == "2025.1"
    )


def test_pages_show_the_not_computable_rows_and_explain_complaints(
    world: dict[str, Any], client: Any
) -> None:
    monitor = User.objects.create_user(username="theodoi", password="x-Pass-1234", role=Role.MONITOR)
    client.force_login(monitor)
    query = "ky=tuychon&tu=01/01/2026&den=30/06/2026"
    html = client.get(reverse("dashboards:overview") + "?" + query).content.decode()
    assert "không tính được: " + str(NOT_COMPUTABLE["average_processing_time"].reason) in html
    # at most two decimals, none when the figure is whole
    assert "/ 74 điểm tính được" in html and 'data-indicator="complaint_on_time_rate"' in html
    # the explain list of 5.2's numerator: the four complaints answered or open on time (K2, K4, K7, K8)
    url = reverse("dashboards:explain", args=["complaint_on_time_rate", "tu"]) + "?" + query
    page = client.get(url)
    assert page.status_code == 200
    assert "Danh sách có 4 mục." in page.content.decode()
    # the denominator of 3.1 for unit A: P1 and P2
    url = reverse("dashboards:explain", args=["online_offered_rate", "mau"]) + f"?{query}&dv=000.00.12.H38"
    body = client.get(url).content.decode()
    assert "Danh sách có 2 mục." in body and "1.000001" in body and "1.000002" in body
    # the index page of the plans lists the reasons too
    html = client.get(reverse("plans:index_scores") + "?tu=01/01/2026&den=30/06/2026").content.decode()
    assert "không tính được: " + str(NOT_COMPUTABLE["population_db_usage"].reason) in html
