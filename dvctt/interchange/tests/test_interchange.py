"""The interchange reader, cross-file checks and writer."""

from __future__ import annotations

import io
import json
from datetime import date, datetime

import pytest

from dvctt.common.tests.sample import SAMPLE_DIR
from dvctt.interchange import (
    Agency,
    Dossier,
    Interchange,
    check_references,
    parse_lines,
    parse_time,
    read_folder,
    record_to_dict,
    to_aware,
    to_local_naive,
    write_folder,
    write_records,
)

SAMPLE = SAMPLE_DIR

DOSSIER = {
    "MaHoSo": "U1-250101-0001",
    "MaTTHC": "T1",
    "DonViXuLy": "U1",
    "KenhThucHien": 2,
    "TrangThaiHoSo": 4,
    "NgayTiepNhan": "20250101080000",
}
AGENCY = {"MaDonVi": "U1", "TenDonVi": "Sở 1", "Cap": "so", "HieuLucTu": "20000101"}
PROCEDURE = {
    "MaTTHC": "T1",
    "TenTTHC": "Thủ tục 1",
    "CoQuanThucHien": ["U1"],
    "MucDo": 4,
    "DuDieuKienToanTrinh": 1,
    "TichHopDVCQG": 0,
    "HieuLucTu": "20200101",
}


def parse(kind, *objects_or_lines):
    lines = [
        item if isinstance(item, str) else json.dumps(item, ensure_ascii=False) for item in objects_or_lines
    ]
    issues = []
    records = list(parse_lines(lines, kind, issues))
    return records, issues


def only_issue(issues):
    assert len(issues) == 1, issues
    return issues[0]


def test_valid_dossier_line_becomes_a_typed_record_with_naive_local_times():
    records, issues = parse("dossiers", {**DOSSIER, "DanhSachHoSoBoSung": [{"NgayYeuCau": "20250102080000"}]})
    assert issues == []
    (record,) = records
    assert isinstance(record, Dossier)
    assert record.received_at == datetime(2025, 1, 1, 8, 0, 0)
    assert record.received_at.tzinfo is None
    assert record.supplements[0].completed_at is None
    assert record.line == 1


@pytest.mark.parametrize(
    ("change", "key", "code", "reason_part"),
    [
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo", "range", "ngoài khoảng 1..10"),
        ({"TrangThaiHoSo": 0}, "TrangThaiHoSo", "range", "1..10"),
        ({"TrangThaiHoSo": "4"}, "TrangThaiHoSo", "type_int", "số nguyên"),
        ({"TrangThaiHoSo": True}, "TrangThaiHoSo", "type_int", "số nguyên"),
        ({"KenhThucHien": 4}, "KenhThucHien", "enum", "1, 2, 3"),
        ({"MaHoSo": None}, "MaHoSo", "missing", "Thiếu trường bắt buộc MaHoSo"),
        ({"MaHoSo": "  "}, "MaHoSo", "empty", "không được để trống"),
        ({"DonViXuLy": 12}, "DonViXuLy", "type_str", "chuỗi"),
        ({"NgayTiepNhan": "2025-01-01 08:00"}, "NgayTiepNhan", "time", "yyyyMMddHHmmss"),
        ({"NgayTiepNhan": "20250230080000"}, "NgayTiepNhan", "time", "20250230080000"),
        ({"NgayTiepNhan": "20250101250000"}, "NgayTiepNhan", "time", "yyyyMMddHHmmss"),
        ({"NgayHenTra": 20250101080000}, "NgayHenTra", "time", "yyyyMMddHHmmss"),
        ({"DuocThanhToanTrucTuyen": 3}, "DuocThanhToanTrucTuyen", "enum", "0, 1, 2"),
        ({"HoSoThuNghiem": 2}, "HoSoThuNghiem", "enum", "0, 1"),
        ({"DanhSachLePhi": {"Gia": 1}}, "DanhSachLePhi", "type_list", "danh sách"),
        ({"DanhSachLePhi": [{"Gia": -5}]}, "DanhSachLePhi[0].Gia", "negative", "không được âm"),
        ({"DanhSachLePhi": [{"Gia": "1000"}]}, "DanhSachLePhi[0].Gia", "type_number", "phải là số"),
        (
            {"DanhSachHoSoBoSung": [{"NgayYeuCau": "x"}]},
            "DanhSachHoSoBoSung[0].NgayYeuCau",
            "time",
            "yyyyMMddHHmmss",
        ),
        ({"DanhSachGiayToKetQua": ["a"]}, "DanhSachGiayToKetQua[0]", "type_object", "đối tượng"),
    ],
)
def test_each_kind_of_bad_dossier_value_is_reported_with_file_line_key_and_reason(
    change, key, code, reason_part
):
    # given a valid line first and a bad one second
    _records, issues = parse("dossiers", DOSSIER, {**DOSSIER, "MaHoSo": "U1-2", **change})
    issue = only_issue(issues)
    assert (issue.file, issue.line, issue.key, issue.code) == ("dossiers.jsonl", 2, key, code)
    assert reason_part in issue.reason


def test_missing_required_key_json_syntax_and_non_object_lines():
    without = {k: v for k, v in DOSSIER.items() if k != "MaTTHC"}
    records, issues = parse("dossiers", without, "{not json", "[1, 2]", "", "   ", DOSSIER)
    assert [(i.line, i.key, i.code) for i in issues] == [
        (1, "MaTTHC", "missing"),
        (2, None, "json"),
        (3, None, "not_object"),
    ]
    assert issues[0].record == "U1-250101-0001"  # the line's own code names it
    assert [r.line for r in records] == [6]  # blank lines skipped, but counted


def test_all_errors_of_a_line_and_of_a_file_are_reported_and_bad_lines_yield_nothing():
    bad = {**DOSSIER, "KenhThucHien": 9, "TrangThaiHoSo": 0, "NgayTra": "x"}
    records, issues = parse("dossiers", bad, DOSSIER | {"MaHoSo": "B"}, bad | {"MaHoSo": "C"})
    assert [(i.line, i.key) for i in issues] == [
        (1, "KenhThucHien"),
        (1, "NgayTra"),
        (1, "TrangThaiHoSo"),
        (3, "KenhThucHien"),
        (3, "NgayTra"),
        (3, "TrangThaiHoSo"),
    ]
    assert [r.code for r in records] == ["B"]


def test_duplicates_of_unique_keys_are_reported_on_the_later_line():
    _r, issues = parse("dossiers", DOSSIER, DOSSIER)
    issue = only_issue(issues)
    assert (issue.line, issue.key, issue.code) == (2, "MaHoSo", "duplicate")
    assert "dòng 1" in issue.reason
    _r, issues = parse("agencies", AGENCY, AGENCY)
    assert only_issue(issues).key == "MaDonVi"
    later = {**PROCEDURE, "HieuLucTu": "20250101"}
    records, issues = parse("procedures", PROCEDURE, later, PROCEDURE)
    assert len(records) == 2  # two versions of one code are fine
    issue = only_issue(issues)
    assert (issue.line, issue.key, issue.code) == (3, "(MaTTHC, HieuLucTu)", "duplicate")


def test_agency_procedure_and_official_rules():
    _r, issues = parse(
        "agencies",
        {**AGENCY, "Cap": "phuong"},
        {**AGENCY, "MaDonVi": "U2", "HieuLucTu": "2000011"},
        {**AGENCY, "MaDonVi": "U3", "HieuLucDen": "19991231"},
    )
    assert [(i.line, i.key, i.code) for i in issues] == [
        (1, "Cap", "enum"),
        (2, "HieuLucTu", "date"),
        (3, "HieuLucDen", "date_order"),
    ]
    _r, issues = parse(
        "procedures",
        {**PROCEDURE, "MucDo": 1},
        {**PROCEDURE, "HieuLucTu": "20200102", "CoQuanThucHien": "U1"},
        {**PROCEDURE, "HieuLucTu": "20200103", "DonViTinh": "thang", "CoQuanThucHien": ["U1", ""]},
        {k: v for k, v in PROCEDURE.items() if k != "DuDieuKienToanTrinh"} | {"HieuLucTu": "20200104"},
    )
    assert [(i.line, i.key, i.code) for i in issues] == [
        (1, "MucDo", "enum"),
        (2, "CoQuanThucHien", "type_list"),
        (3, "CoQuanThucHien[1]", "empty"),
        (3, "DonViTinh", "enum"),
        (4, "DuDieuKienToanTrinh", "missing"),
    ]
    _r, issues = parse("officials", {"SoDinhDanh": "001", "MaDonVi": "U1"})
    assert [(i.key, i.code) for i in issues] == [("HieuLucTu", "missing")]


def test_unknown_keys_are_kept_and_null_is_distinguished_from_absent():
    line = {**DOSSIER, "NgayTra": None, "TruongLa": {"a": [1]}, "DanhSachLePhi": [{"Gia": 5, "Ghi": "x"}]}
    (record,), issues = parse("dossiers", line)
    assert issues == []
    assert record.extra == {"TruongLa": {"a": [1]}}
    assert record.fees[0].extra == {"Ghi": "x"}
    assert record.returned_at is None and "NgayTra" in record.null_keys
    assert "NgayHenTra" not in record.null_keys
    written = record_to_dict(record)
    assert written["NgayTra"] is None and "NgayHenTra" not in written
    assert written == line  # every key back, same values


def test_sample_round_trip_is_lossless(tmp_path):
    assert SAMPLE.is_dir(), f"shared sample not found at {SAMPLE}"
    first = read_folder(SAMPLE / "interchange")
    assert first.issues == [] and len(first.data.dossiers) == 3126
    write_folder(first.data, tmp_path)
    second = read_folder(tmp_path)
    assert second.issues == []
    assert second.data == first.data
    # and object by object, every key of every line, in the sample's own JSON
    for name in ("agencies", "procedures", "officials", "dossiers"):
        original = [
            json.loads(x) for x in (SAMPLE / "interchange" / f"{name}.jsonl").read_text().splitlines() if x
        ]
        again = [json.loads(x) for x in (tmp_path / f"{name}.jsonl").read_text().splitlines() if x]
        assert again == original, name


def test_writer_omits_unknown_values_of_records_built_in_code():
    stream = io.StringIO()
    write_records([Agency(code="U1", name="Sở 1", valid_from=date(2000, 1, 1))], stream)
    assert json.loads(stream.getvalue()) == {"MaDonVi": "U1", "TenDonVi": "Sở 1", "HieuLucTu": "20000101"}


def test_cross_file_checks():
    data = Interchange()
    agencies, _ = parse(
        "agencies",
        AGENCY,
        {**AGENCY, "MaDonVi": "U2", "MaDonViCha": "NOPE"},
        {**AGENCY, "MaDonVi": "A", "HieuLucDen": "20240101", "MaDonViKeThua": "B"},
        {**AGENCY, "MaDonVi": "B", "HieuLucDen": "20240101", "MaDonViKeThua": "A"},
        {**AGENCY, "MaDonVi": "C", "HieuLucDen": "20240101", "MaDonViKeThua": "GONE"},
    )
    data.agencies = agencies
    data.procedures, _ = parse("procedures", PROCEDURE)
    data.dossiers, _ = parse(
        "dossiers",
        DOSSIER,
        {**DOSSIER, "MaHoSo": "D2", "DonViXuLy": "U9", "MaTTHC": "T9", "HoSoCha": "D-NONE"},
        {**DOSSIER, "MaHoSo": "D3", "HoSoCha": DOSSIER["MaHoSo"]},
    )
    issues = check_references(data)
    found = sorted((i.file, i.line, i.key, i.code) for i in issues)
    assert found == [
        ("agencies.jsonl", 2, "MaDonViCha", "unknown_unit"),
        ("agencies.jsonl", 3, "MaDonViKeThua", "successor_cycle"),
        ("agencies.jsonl", 5, "MaDonViKeThua", "unknown_unit"),
        ("dossiers.jsonl", 2, "DonViXuLy", "unknown_unit"),
        ("dossiers.jsonl", 2, "HoSoCha", "unknown_dossier"),
        ("dossiers.jsonl", 2, "MaTTHC", "unknown_procedure"),
    ]
    cycle = next(i for i in issues if i.code == "successor_cycle")
    assert "A → B → A" in cycle.reason


def test_times_convert_to_aware_and_back():
    naive = parse_time("20250701083000")
    aware = to_aware(naive)
    assert aware.utcoffset().total_seconds() == 7 * 3600
    assert to_local_naive(aware) == naive
    assert to_aware(None) is None
    with pytest.raises(ValueError):
        parse_time("２０２５0701083000")  # full-width digits are digits to str.isdigit, not to the format
