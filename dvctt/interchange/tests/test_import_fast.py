"""The fast import path (COPY text straight from the JSON, a worker process, deferred indexes): it accepts only
what the general path accepts, with the same values, cell by cell; on PostgreSQL the worker and the first-load
mode give the same database as the general path and leave the schema as it was."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from dvctt.agencies.models import Unit
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from dvctt.interchange.importer import dossiers as dossiers_module
from dvctt.interchange.importer import interchange_import, pipeline
from dvctt.interchange.importer.dossiers import DossierImporter
from dvctt.interchange.importer.pipeline import BatchBuilder
from dvctt.interchange.importer.report import ImportReport
from dvctt.interchange.importer.sink import TableSink
from dvctt.interchange.reader import KINDS, check_object

from .test_import import SAMPLE, dossier, small, write

JSON_COLUMNS = {"fees", "extra", "payload", "form_data"}

EDGE_LINES: list[dict[str, Any]] = [
    dossier("E1"),
    dossier("E2", ChuHoSo=None, LoaiDoiTuong=None, DanhSachLePhi=None, HoSoCha="", DongBoDVCQG=...),
    dossier("E3", ChuHoSo="Tab\there\\back\nline", MaCu={"a": [1, None]}, Khac=None),
    dossier("E4", DanhSachLePhi=[{"Gia": 0.5}, {"TenPhiLePhi": None, "Gia": None, "Them": "x"}, {}]),
    dossier("E5", DanhSachHoSoBoSung=[{"NgayYeuCau": "20250102100000", "NgayBoSung": "20250103113005"}]),
    dossier(
        "E6", DanhSachHoSoBoSung=[{"NgayYeuCau": "20250102100000"}, {"NgayYeuCau": "20250102110000", "X": 1}]
    ),
    dossier(
        "E7", DanhSachGiayToKetQua=[{"TenGiayTo": "A"}, {"DuongDanTepTinKetQua": "  "}, {"TenGiayTo": None}]
    ),
    dossier(
        "E8", TrangThaiHoSo=5, HoSoThuNghiem=1, CoPhanAnh=1, HoSoCoThanhPhanSoHoa=0, DuocThanhToanTrucTuyen=1
    ),
    dossier("E9", NgayNopHoSo=None, NgayTiepNhan=None, NgayHenTra=None, NgayKetThucXuLy=..., NgayTra=...),
    dossier("E10", NgayNopHoSo="19600101080000", NgayTiepNhan="19600101090000"),  # +08:00 then
    dossier("E11", NgayNopHoSo="19750612080000", NgayTiepNhan="19750613090000"),  # +08:00, then +07:00
    dossier("E12", NgayTiepNhan=None, NgayNopHoSo="20241231230000"),  # version by the day of submission
    dossier("E13", MaTTHC="P1", NgayTiepNhan="20200101000000", NgayNopHoSo="20191231000000"),
    dossier("E14", DanhSachGiayToKetQua=[], DanhSachHoSoBoSung=[], DanhSachLePhi=[]),
    dossier(
        "E15", TrangThaiHoSo=7, KenhThucHien=3, LoaiDoiTuong=2, SoDinhDanhChuHoSo="", ChuHoSo="%s %d {0}"
    ),
    dossier(  # guidance before receipt (answered), then a request after it
        "E16",
        DanhSachHoSoBoSung=[
            {"NgayYeuCau": "20250101150000", "NgayBoSung": "20250102083000"},
            {"NgayYeuCau": "20250102100000", "NgayBoSung": "20250103100000"},
        ],
    ),
    # refused (both paths): the fast path must decline them
    dossier("B1", NgayTiepNhan="20250230090000"),
    dossier("B2", NgayTiepNhan="20250102240000"),
    dossier("B3", KenhThucHien=True),
    dossier("B4", DonViXuLy="NOPE"),
    dossier("B5", _interchange={}),
    dossier("B6", MaHoSo="X" * 65),
    dossier("B7", NgayHenTra="20250101000000"),
    dossier("B8", DanhSachHoSoBoSung=[{"NgayYeuCau": "20250102100000", "NgayBoSung": "20250102090000"}]),
    dossier("B9", DanhSachLePhi=[{"Gia": float("inf")}]),
    dossier("B10", DanhSachLePhi=[{"Gia": -1}]),
    dossier("B11", DanhSachGiayToKetQua=[{"TenGiayTo": "x" * 256}]),
    dossier("B12", HoSoThuNghiem=2),
    dossier("B13", MaTTHC=" "),
    dossier("B14", DanhSachHoSoBoSung=[{"NgayBoSung": "20250102100000"}]),
    dossier("B15", SoDinhDanhChuHoSo="1" * 21),
    dossier("B16", DanhSachLePhi=[{"Gia": 10**15}]),
    dossier("B17", NgayNopHoSo="2025010208000０"),
    dossier("B18", DanhSachGiayToKetQua="x"),
    dossier("E1"),  # a duplicate code
]


def pg_sinks(importer: DossierImporter) -> None:
    """The COPY text is PostgreSQL's whatever database the test runs on."""
    now = importer.now
    importer.dossiers = TableSink(Dossier, with_id=True, now=now, vendor="postgresql")
    importer.supplements = TableSink(SupplementRequest, with_id=False, now=now, vendor="postgresql")
    importer.files = TableSink(DossierFile, with_id=False, now=now, vendor="postgresql")
    importer.events = TableSink(DossierEvent, with_id=False, now=now, vendor="postgresql")


def cells(sink: TableSink, row: str) -> dict[str, Any]:
    values = row.rstrip("\n").split("\t")
    out: dict[str, Any] = {}
    for column, value in zip(sink.columns[1:], values, strict=True):
        out[column] = json.loads(value.replace("\\\\", "\\")) if column in JSON_COLUMNS else value
    return out


def both_paths(tmp_path: Path, lines: list[dict[str, Any]], *, folder: Path | None = None):
    """Every line through the fast path and through the general path: (fast, general, issues) per line."""
    if folder is None:
        folder = small(tmp_path / "in", dossiers=[])
    assert interchange_import(folder=folder).committed
    importer = DossierImporter(
        unit_ids=dict(Unit.objects.values_list("code", "id")),
        report=ImportReport(),
        skip_errors=True,
        now=timezone.now(),
    )
    pg_sinks(importer)
    builder = BatchBuilder(importer, take_ids=lambda n: list(range(n)))
    spec, seen_fast, seen_general = KINDS["dossiers"], set(), {}
    out = []
    for line_no, line in enumerate(lines, 1):
        obj = json.loads(json.dumps(line, ensure_ascii=False))
        fast = builder.text.convert(obj)
        if fast is not None and fast[1] in seen_fast:
            fast = None
        elif fast is not None:
            seen_fast.add(fast[1])
        issues: list = []
        record = check_object(obj, line_no, spec, issues, seen_general, "dossiers.jsonl")
        general = None
        if record is not None:
            issues.extend(importer.problems(record))
            if not issues:
                rows: list[str] = []
                children: list = []
                events: list[str] = []
                builder._general(record, rows, children, events)
                general = (rows[0], children[0][0], children[0][1], events[0])
        out.append((line, fast, general, issues, builder, line_no))
    return out


def assert_same(fast: Any, general: Any, builder: BatchBuilder, line_no: int) -> None:
    importer = builder.importer
    row, _code, supplements, results, event = fast
    assert cells(importer.dossiers, row) == cells(importer.dossiers, general[0])
    assert [cells(importer.supplements, r) for r in supplements] == [
        cells(importer.supplements, r) for r in general[1]
    ]
    assert [cells(importer.files, r) for r in results] == [cells(importer.files, r) for r in general[2]]
    assert cells(importer.events, builder.text.event_row(event, line_no)) == cells(
        importer.events, general[3]
    )


@pytest.mark.django_db
def test_fast_rows_equal_the_general_rows_and_refused_lines_are_declined(tmp_path: Path):
    # Given ordinary and unusual lines; when each goes through both paths
    for line, fast, general, issues, builder, line_no in both_paths(tmp_path, EDGE_LINES):
        if general is None:
            # then a line the general path refuses is declined by the fast path (which then reports it)
            assert issues, line
            assert fast is None or line["MaHoSo"] == "E1", line
        elif fast is not None:
            # and an accepted line gives the very same cells
            assert_same(fast, general, builder, line_no)
    accepted = [line["MaHoSo"] for line, fast, *_ in both_paths(tmp_path / "again", EDGE_LINES) if fast]
    # and every valid line here does take the fast path
    assert accepted == [f"E{i}" for i in range(1, 17)]


@pytest.mark.django_db
def test_every_sample_line_takes_the_fast_path_with_the_same_cells(tmp_path: Path):
    folder = tmp_path / "sample"
    folder.mkdir()
    for name in ("agencies", "procedures", "officials"):
        (folder / f"{name}.jsonl").write_bytes((SAMPLE / "interchange" / f"{name}.jsonl").read_bytes())
    lines = [
        json.loads(x)
        for x in (SAMPLE / "interchange" / "dossiers.jsonl").read_text().splitlines()
        if x.strip()
    ]
    results = both_paths(tmp_path, lines, folder=folder)
    assert all(fast is not None for _l, fast, *_ in results)
    for _line, fast, general, _issues, builder, line_no in results:
        assert_same(fast, general, builder, line_no)


# --- PostgreSQL: the worker process and the first-load mode ------------------------------------------------

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="COPY path: PostgreSQL only")


def snapshot() -> dict[str, Any]:
    """The dossier tables by dossier code (ids and write times apart)."""
    codes = dict(Dossier.objects.values_list("id", "code"))
    skip = {"id", "dossier_id", "created_at", "updated_at", "uploaded_at", "at", "parent_id"}

    def rows(model, key):
        return sorted(
            (codes[r[key]] if key else r["code"], repr(sorted((k, v) for k, v in r.items() if k not in skip)))
            for r in model.objects.values()
        )

    parents = sorted(
        (c, p) for c, p in Dossier.objects.filter(parent__isnull=False).values_list("code", "parent__code")
    )
    return {
        "dossiers": rows(Dossier, None),
        "supplements": rows(SupplementRequest, "dossier_id"),
        "files": rows(DossierFile, "dossier_id"),
        "events": rows(DossierEvent, "dossier_id"),
        "parents": parents,
    }


def schema() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid::regclass::text LIKE 'dossiers_%%' UNION ALL "
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename LIKE 'dossiers_%%' ORDER BY 1, 2, 3"
        )
        return cursor.fetchall()


@postgresql_only
@pytest.mark.django_db
def test_worker_and_first_load_give_the_general_paths_database(tmp_path: Path, monkeypatch):
    lines = [line for line in EDGE_LINES if line["MaHoSo"].startswith("E")][:-1]  # not the duplicate E1
    lines.append(dossier("E17", HoSoCha="E1"))
    folder = small(tmp_path / "in", lines)
    before = schema()
    # Given the general path's result (every line declined by the fast path)
    monkeypatch.setattr(pipeline.DossierText, "convert", lambda self, obj: None)
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 10**12)
    report = interchange_import(folder=folder, dry_run=True)
    assert report.issues == []
    interchange_import(folder=folder)
    expected = snapshot()
    Dossier.objects.all().update(parent=None)
    for model in (DossierEvent, SupplementRequest, DossierFile, Dossier):
        model.objects.all().delete()
    monkeypatch.undo()
    # when the same folder goes through the fast path in a worker process, in first-load mode
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(dossiers_module, "BULK_MIN_BYTES", 0)
    report = interchange_import(folder=folder)
    # then the database is the same, and so is its schema (every index and foreign key back)
    assert report.issues == [] and report.counts["dossiers"]["created"] == len(lines)
    assert snapshot() == expected
    assert schema() == before
    # and a second import, now of existing codes, changes nothing
    again = interchange_import(folder=folder)
    assert again.counts["dossiers"]["unchanged"] == len(lines)
    assert snapshot() == expected


@postgresql_only
@pytest.mark.django_db
def test_worker_reports_problems_and_writes_nothing(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(dossiers_module, "BULK_MIN_BYTES", 0)
    before = schema()
    folder = small(tmp_path / "in", [dossier("D1"), dossier("D2", KenhThucHien=9), "{oops", dossier("D1")])
    report = interchange_import(folder=folder)
    assert [(i.line, i.code) for i in report.issues] == [(2, "enum"), (3, "json"), (4, "duplicate")]
    assert not report.committed
    assert Dossier.objects.count() == 0
    assert schema() == before
    # with --skip-errors the good line goes in
    report = interchange_import(folder=folder, skip_errors=True)
    assert report.counts["dossiers"]["created"] == 1 and report.counts["dossiers"]["skipped"] == 3
    assert list(Dossier.objects.values_list("code", flat=True)) == ["D1"]


@postgresql_only
@pytest.mark.django_db
def test_worker_updates_a_changed_existing_dossier(tmp_path: Path, monkeypatch):
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    interchange_import(folder=small(tmp_path / "a"))
    write(
        tmp_path / "a",
        dossiers=[dossier("D1", ChuHoSo="Tên mới"), dossier("D2", HoSoCha="D1"), dossier("D3")],
    )
    report = interchange_import(folder=tmp_path / "a")
    assert report.issues == []
    assert dict(report.counts["dossiers"]) == {"created": 1, "updated": 1, "unchanged": 1, "skipped": 0}
    assert Dossier.objects.get(code="D1").applicant_name == "Tên mới"
    assert list(DossierEvent.objects.filter(dossier__code="D1").values_list("action", flat=True)) == [
        "import",
        "import_update",
    ]


def _several_workers(monkeypatch, workers: int = 3) -> None:
    """Every file in first-load mode, built by ``workers`` processes (more than this machine's cores: the
    split by blocks of lines is what is tested, not the speed)."""
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline, "MULTI_WORKER_MIN_BYTES", 0)
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: workers)
    monkeypatch.setattr(dossiers_module, "BULK_MIN_BYTES", 0)


@postgresql_only
@pytest.mark.django_db
def test_several_workers_give_the_one_workers_database_with_ids_in_file_order(tmp_path: Path, monkeypatch):
    lines = [line for line in EDGE_LINES if line["MaHoSo"].startswith("E")][:-1]  # not the duplicate E1
    lines.append(dossier("E17", HoSoCha="E1"))
    folder = small(tmp_path / "in", lines)
    # given the database one worker builds
    monkeypatch.setattr(pipeline, "WORKER_MIN_BYTES", 0)
    report = interchange_import(folder=folder, batch_size=2)
    assert report.issues == []
    expected = snapshot()
    Dossier.objects.all().update(parent=None)
    for model in (DossierEvent, SupplementRequest, DossierFile, Dossier):
        model.objects.all().delete()
    # when three workers build blocks of two lines each, in first-load mode
    _several_workers(monkeypatch)
    report = interchange_import(folder=folder, batch_size=2)
    # then the database is the same, and the dossiers' ids follow the lines of the file
    assert report.issues == [] and report.counts["dossiers"]["created"] == len(lines)
    assert snapshot() == expected
    codes = [line["MaHoSo"] for line in lines]
    assert list(Dossier.objects.order_by("pk").values_list("code", flat=True)) == codes


@postgresql_only
@pytest.mark.django_db
def test_a_code_repeated_in_two_workers_lines_is_reported_and_nothing_is_written(tmp_path: Path, monkeypatch):
    _several_workers(monkeypatch, workers=2)
    before = schema()
    # lines 1-2 go to the first worker, 3-4 to the second, 5-6 to the first: D1 comes again on line 4
    codes = ["D1", "D2", "D3", "D1", "D5", "D6"]
    folder = small(tmp_path / "in", [dossier(code) for code in codes])
    report = interchange_import(folder=folder, batch_size=2)
    assert [(i.line, i.code, i.record) for i in report.issues] == [(4, "duplicate", "D1")]
    assert "dòng 1" in report.issues[0].reason
    assert not report.committed
    assert Dossier.objects.count() == 0
    assert schema() == before


def test_worker_count_follows_size_cores_and_skip_errors(monkeypatch):
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 8)
    importer = DossierImporter.__new__(DossierImporter)
    importer.skip_errors = False
    assert pipeline.worker_count(importer, pipeline.WORKER_MIN_BYTES - 1) == 0
    assert pipeline.worker_count(importer, pipeline.WORKER_MIN_BYTES) == 1
    assert pipeline.worker_count(importer, pipeline.MULTI_WORKER_MIN_BYTES) == pipeline.MAX_WORKERS
    monkeypatch.setattr(pipeline.os, "cpu_count", lambda: 2)
    assert pipeline.worker_count(importer, pipeline.MULTI_WORKER_MIN_BYTES) == 2
    importer.skip_errors = True
    assert pipeline.worker_count(importer, pipeline.MULTI_WORKER_MIN_BYTES) == 1
