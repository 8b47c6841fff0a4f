"""Services: plans, targets (one, a grid, a sheet), index configuration, PAR rules; bad input refused whole."""

import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dvctt.common.errors import ConflictError, DomainError
from dvctt.plans.models import IndexConfig, ParCriterion, Plan, Target
from dvctt.plans.services import (
    ParRow,
    SheetRejected,
    index_config_create,
    index_config_seed_default,
    par_criteria_copy,
    par_criteria_save_year,
    plan_create,
    target_set,
    targets_import,
    targets_save_year,
)
from dvctt.plans.sheets import UnitInfo, parse_value, template_workbook
from dvctt.plans.tests.sheets import sheet_bytes

pytestmark = pytest.mark.django_db
HEADER = [
    "STT",
    "Mã đơn vị",
    "Tên đơn vị",
    "Tỷ lệ hồ sơ xử lý trực tuyến",
    "services_with_online_dossiers_rate",
]


def test_plan_create_refuses_reversed_years_and_duplicate_numbers(plan):
    with pytest.raises(DomainError, match="trước năm bắt đầu"):
        plan_create(
            name="X", decision_number="1/KH", decision_date=date(2023, 1, 1), start_year=2025, end_year=2023
        )
    with pytest.raises(ConflictError, match="165/KH-UBND"):
        plan_create(
            name="X",
            decision_number="165/KH-UBND",
            decision_date=date(2023, 1, 1),
            start_year=2023,
            end_year=2025,
        )
    assert Plan.objects.count() == 1


def test_target_set_upserts_province_and_unit_targets_with_history(plan, units):
    target_set(plan=plan, indicator="online_dossier_rate", year=2024, value="0.5")
    target_set(plan=plan, indicator="online_dossier_rate", year=2024, value=Decimal("0.55"))
    target_set(plan=plan, indicator="online_dossier_rate", year=2024, value="0.9", unit=units["D"])
    province = Target.objects.get(unit=None)
    assert province.value == Decimal("0.55") and province.kind == "at_least"
    assert Target.objects.count() == 2
    assert province.history.count() == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"indicator": "bogus_rate"}, "Không có chỉ tiêu mã “bogus_rate”"),
        ({"value": "1.2"}, "ngoài khoảng 0–100%"),
        ({"value": "-0.1"}, "ngoài khoảng 0–100%"),
        ({"value": "tám mươi"}, "không phải là số"),
        ({"year": 2022}, "ngoài kỳ của kế hoạch"),
        ({"year": 2027}, "ngoài kỳ của kế hoạch"),
        ({"kind": "about"}, "không hợp lệ"),
    ],
)
def test_target_set_refuses_bad_input(plan, kwargs, message):
    arguments = {"plan": plan, "indicator": "online_dossier_rate", "year": 2024, "value": "0.5", **kwargs}
    with pytest.raises(DomainError, match=message):
        target_set(**arguments)
    assert not Target.objects.exists()


def test_a_unit_target_needs_the_unit_active_that_year(plan, units):
    # the district ended on 30/06/2025: it has 2025 targets but no 2026 ones; the commune none in 2024
    target_set(plan=plan, indicator="online_processing_rate", year=2025, value="0.5", unit=units["H"])
    with pytest.raises(DomainError, match=r"Huyện Một .* không hoạt động trong năm 2026"):
        target_set(plan=plan, indicator="online_processing_rate", year=2026, value="0.5", unit=units["H"])
    with pytest.raises(DomainError, match="không hoạt động trong năm 2024"):
        target_set(plan=plan, indicator="online_processing_rate", year=2024, value="0.5", unit=units["X"])


def test_targets_save_year_sets_changes_and_removes_and_is_all_or_nothing(plan, units):
    targets_save_year(
        plan=plan,
        year=2025,
        values={
            (None, "online_dossier_rate"): Decimal("0.5"),
            ("D1", "online_processing_rate"): Decimal("0.9"),
        },
    )
    result = targets_save_year(
        plan=plan,
        year=2025,
        values={(None, "online_dossier_rate"): None, ("D1", "online_processing_rate"): Decimal("0.8")},
    )
    assert result == {"saved": 1, "removed": 1}
    assert list(Target.objects.values_list("unit__code", "value")) == [("D1", Decimal("0.8000"))]
    with pytest.raises(DomainError) as info:
        targets_save_year(
            plan=plan,
            year=2025,
            values={
                ("D1", "online_processing_rate"): Decimal("0.7"),
                ("NOPE", "online_processing_rate"): Decimal("0.5"),
            },
        )
    assert "NOPE" in info.value.message
    assert Target.objects.get().value == Decimal("0.8")


def test_import_a_sheet_in_the_decision_layout(plan, units):
    # given a sheet with two title rows, the province row, percentages, fractions and a %-formatted cell
    content = sheet_bytes(
        [
            HEADER,
            [None, "TINH", "Toàn tỉnh", None, None],
            [1, "D1", "Sở Tư pháp", 90, "80%"],
            [2, "H1", "Huyện Một", 0.5, None],
            [None, None, "Cấp xã", None, None],
            [3, "X1", "Xã Một", 0.6, 1],
        ],
        percent_cells={(6, 5)},
    )
    # when imported for 2025
    result = targets_import(plan=plan, year=2025, stream=content)
    # then every filled cell is a target, as a fraction (1 in a %-formatted cell is 100%)
    got = {
        (t.unit.code if t.unit else None, t.indicator): t.value for t in Target.objects.select_related("unit")
    }
    assert got == {
        ("D1", "online_processing_rate"): Decimal("0.9"),
        ("D1", "services_with_online_dossiers_rate"): Decimal("0.8"),
        ("H1", "online_processing_rate"): Decimal("0.5"),
        ("X1", "online_processing_rate"): Decimal("0.6"),
        ("X1", "services_with_online_dossiers_rate"): Decimal("1"),
    }
    assert result["targets"] == 5 and result["rows"] == 3


def test_a_sheet_with_errors_saves_nothing_and_reports_each_with_row_and_column(plan, units):
    target_set(plan=plan, indicator="online_processing_rate", year=2025, value="0.3", unit=units["D"])
    content = sheet_bytes(
        [
            [*HEADER, "Chỉ tiêu lạ"],
            [1, "D1", "Sở Tư pháp", 90, 80, None],
            [2, "ZZ9", "Sở không có", 50, 50, None],
            [3, "D1", "Sở Tư pháp lặp", 50, None, None],
            [4, None, "Thiếu mã", 50, None, None],
            [5, "X1", "Xã Một", 150, "abc", None],
        ]
    )
    with pytest.raises(SheetRejected) as info:
        targets_import(plan=plan, year=2025, stream=content)
    errors = [(e.row, e.column, e.message) for e in info.value.errors]
    assert errors == [
        (3, "F", "không có chỉ tiêu nào tên “Chỉ tiêu lạ”"),
        (5, "B", "không có đơn vị mã “ZZ9”"),
        (6, "B", "đơn vị “D1” đã có ở dòng 4"),
        (7, "B", "dòng có chỉ tiêu nhưng thiếu mã đơn vị"),
        (8, "D", "giá trị phải từ 0% đến 100%"),
        (8, "E", "“abc” không phải là số"),
    ]
    assert "6 lỗi" in info.value.message and info.value.fields["file"][0].startswith("dòng 3, cột F")
    # and nothing changed
    assert list(Target.objects.values_list("value", flat=True)) == [Decimal("0.3")]


def test_a_sheet_with_a_unit_not_active_that_year_is_rejected(plan, units):
    content = sheet_bytes([HEADER, [1, "H1", "Huyện Một", 50, 80]])
    with pytest.raises(SheetRejected, match="không hoạt động trong năm 2026"):
        targets_import(plan=plan, year=2026, stream=content)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"not a workbook", "không phải là bảng tính Excel"),
        (sheet_bytes([["a", "b"], [1, 2]]), "Không tìm thấy dòng tiêu đề"),
        (sheet_bytes([["Mã đơn vị", "Tên đơn vị"], ["D1", "Sở"]]), "không có cột chỉ tiêu nào"),
        (sheet_bytes([HEADER, [1, "D1", "Sở", None, None]]), "không có chỉ tiêu nào"),
    ],
)
def test_unreadable_or_empty_sheets_are_rejected(plan, units, content, message):
    with pytest.raises(SheetRejected, match=message):
        targets_import(plan=plan, year=2025, stream=content)
    assert not Target.objects.exists()


def test_the_template_lists_the_units_and_imports_back(plan, units):
    # given the template for 2025 with values filled in by the province's column headers
    infos = [UnitInfo("D1", "Sở Tư pháp", date(2000, 1, 1), None)]
    content = template_workbook(year=2025, units=infos)
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook.active
    assert [c.value for c in sheet[3]][:3] == ["STT", "Mã đơn vị", "Tên đơn vị"]
    assert sheet["B4"].value == "TINH" and sheet["B5"].value == "D1"
    sheet["D4"] = 0.5  # online_dossier_rate, a %-formatted cell
    sheet["I5"] = 0.9  # online_processing_rate
    buffer = io.BytesIO()
    workbook.save(buffer)
    # when imported
    targets_import(plan=plan, year=2025, stream=buffer.getvalue())
    # then
    assert {(t.unit_id is None, t.indicator, t.value) for t in Target.objects.all()} == {
        (True, "online_dossier_rate", Decimal("0.5")),
        (False, "online_processing_rate", Decimal("0.9")),
    }


@pytest.mark.parametrize(
    ("raw", "percent", "expected"),
    [
        (80, False, "0.8"),
        (0.8, False, "0.8"),
        ("80%", False, "0.8"),
        ("0,75", False, "0.75"),
        (1, True, "1"),
        (0.5, True, "0.5"),
    ],
)
def test_parse_value(raw, percent, expected):
    assert parse_value(raw, percent_format=percent) == Decimal(expected)


def test_index_config_seed_is_idempotent_and_versions_are_checked():
    first = index_config_seed_default()
    assert index_config_seed_default().pk == first.pk
    assert first.items.count() == 6 and first.group_points["progress"] == "20"
    with pytest.raises(ConflictError):
        index_config_create(version=first.version, valid_from=date(2026, 1, 1), items=[])
    with pytest.raises(DomainError, match="Không có chỉ tiêu"):
        index_config_create(
            version="2026.1",
            valid_from=date(2026, 1, 1),
            items=[{"group": "online", "indicator": "x", "points": 1}],
        )
    assert IndexConfig.objects.count() == 1  # the refused version left nothing behind


def test_par_rule_table_is_replaced_whole_and_checked_first():
    rows = [
        ParRow(
            "online_processing_rate",
            Decimal(2),
            Decimal("0.5"),
            "steps",
            steps=[("0.5", "2"), ("0.3", "0.5")],
        ),
        ParRow("sync_rate", Decimal(1), Decimal(1), "linear"),
    ]
    par_criteria_save_year(year=2025, rows=rows)
    steps = ParCriterion.objects.get(indicator="online_processing_rate").steps
    assert steps == [["0.3000", "0.5"], ["0.5000", "2"]]  # sorted by minimum
    # when the table is saved again without sync_rate and with a changed point
    par_criteria_save_year(
        year=2025, rows=[ParRow("online_processing_rate", Decimal(3), Decimal("0.5"), "linear")]
    )
    assert list(ParCriterion.objects.values_list("indicator", "points", "rule")) == [
        ("online_processing_rate", Decimal("3.00"), "linear")
    ]
    # bad rows refuse the whole table
    bad = [
        [ParRow("sync_rate", Decimal(1), Decimal("1.5"))],
        [ParRow("sync_rate", Decimal(1), Decimal(0))],
        [ParRow("sync_rate", Decimal(-1))],
        [ParRow("bogus", Decimal(1))],
        [ParRow("sync_rate", Decimal(1), rule="magic")],
        [ParRow("sync_rate", Decimal(1), rule="steps")],
        [ParRow("sync_rate", Decimal(1), rule="steps", steps=[("0.5", "2")])],
        [ParRow("sync_rate", Decimal(1)), ParRow("sync_rate", Decimal(2))],
    ]
    for table in bad:
        with pytest.raises(DomainError):
            par_criteria_save_year(year=2025, rows=table)
    assert ParCriterion.objects.get().points == Decimal(3)


def test_par_copy_to_a_new_year_only():
    par_criteria_save_year(year=2025, rows=[ParRow("sync_rate", Decimal(1))])
    assert par_criteria_copy(from_year=2025, to_year=2026) == 1
    with pytest.raises(ConflictError):
        par_criteria_copy(from_year=2025, to_year=2026)
    with pytest.raises(DomainError, match="chưa có tiêu chí"):
        par_criteria_copy(from_year=2020, to_year=2027)
