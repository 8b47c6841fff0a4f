"""dvctt import / export: validation, --skip-errors, idempotency, updates, references, the lossless round trip."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from dvctt.accounts.models import Official
from dvctt.agencies.models import Unit
from dvctt.catalog.models import ProcedureVersion
from dvctt.common.tests.sample import SAMPLE_DIR
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, SupplementRequest
from dvctt.interchange import read_folder
from dvctt.interchange.exporter import interchange_export
from dvctt.interchange.importer import interchange_import

SAMPLE = SAMPLE_DIR
VN = ZoneInfo("Asia/Ho_Chi_Minh")

AGENCIES = [
    {"MaDonVi": "T", "TenDonVi": "UBND tỉnh", "Cap": "tinh", "HieuLucTu": "20000101"},
    {"MaDonVi": "S1", "TenDonVi": "Sở 1", "Cap": "so", "MaDonViCha": "T", "HieuLucTu": "20000101"},
    {
        "MaDonVi": "H1",
        "TenDonVi": "Huyện 1",
        "Cap": "huyen",
        "MaDonViCha": "T",
        "HieuLucTu": "20000101",
        "HieuLucDen": "20250630",
        "MaDonViKeThua": "S1",
        "GhiChu": "sáp nhập",
    },
]
PROCEDURES = [
    {
        "MaTTHC": "P1",
        "TenTTHC": "Thủ tục 1",
        "CoQuanThucHien": ["S1", "H1"],
        "MucDo": 2,
        "DuDieuKienToanTrinh": 0,
        "TichHopDVCQG": 0,
        "ThoiHanGiaiQuyet": 5,
        "HieuLucTu": "20200101",
    },
    {
        "MaTTHC": "P1",
        "TenTTHC": "Thủ tục 1",
        "CoQuanThucHien": ["S1", "H1"],
        "MucDo": 4,
        "DuDieuKienToanTrinh": 1,
        "TichHopDVCQG": 1,
        "ThoiHanGiaiQuyet": 2.5,
        "DonViTinh": "ngay_lam_viec",
        "KetQuaLaGiayTo": 1,
        "HieuLucTu": "20250101",
    },
]
OFFICIALS = [
    {"SoDinhDanh": "001234567890", "HoTen": "Nguyễn Văn A", "MaDonVi": "S1", "HieuLucTu": "20200101"}
]


def dossier(code: str, **changes) -> dict:
    line = {
        "MaHoSo": code,
        "MaTTHC": "P1",
        "DonViXuLy": "S1",
        "KenhThucHien": 2,
        "ChuHoSo": "Lê Thị B",
        "SoDinhDanhChuHoSo": "001234567890",
        "NgayNopHoSo": "20250102080000",
        "NgayTiepNhan": "20250102090000",
        "NgayHenTra": "20250106090000",
        "NgayKetThucXuLy": "20250103100000",
        "TrangThaiHoSo": 9,
        "DanhSachLePhi": [{"TenPhiLePhi": "Lệ phí", "Gia": 15000}, {"TenPhiLePhi": "Phí", "Gia": 500.5}],
        "DanhSachGiayToKetQua": [{"TenGiayTo": "Giấy phép", "DuongDanTepTinKetQua": " /kq/1.pdf "}],
        "DanhSachHoSoBoSung": [{"NgayYeuCau": "20250102100000", "NgayBoSung": None}],
        "DongBoDVCQG": 1,
        "MaCu": 42,
    }
    line.update(changes)
    return {k: v for k, v in line.items() if v is not ...}


def write(folder: Path, **files: list) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for kind, lines in files.items():
        text = "".join((x if isinstance(x, str) else json.dumps(x, ensure_ascii=False)) + "\n" for x in lines)
        (folder / f"{kind}.jsonl").write_text(text, encoding="utf-8")
    return folder


def small(folder: Path, dossiers: list | None = None) -> Path:
    return write(
        folder,
        agencies=AGENCIES,
        procedures=PROCEDURES,
        officials=OFFICIALS,
        dossiers=dossiers if dossiers is not None else [dossier("D1"), dossier("D2", HoSoCha="D1")],
    )


def counts() -> dict[str, int]:
    return {
        "units": Unit.objects.count(),
        "unit_history": Unit.history.count(),
        "versions": ProcedureVersion.objects.count(),
        "version_history": ProcedureVersion.history.count(),
        "officials": Official.objects.count(),
        "dossiers": Dossier.objects.count(),
        "events": DossierEvent.objects.count(),
        "supplements": SupplementRequest.objects.count(),
        "files": DossierFile.objects.count(),
    }


def checksum() -> str:
    """Every value the import writes, in a stable order."""
    digest = hashlib.sha256()
    for model in (Unit, ProcedureVersion, Official, Dossier, SupplementRequest, DossierFile, DossierEvent):
        for row in model.objects.order_by("pk").values():
            digest.update(repr(sorted(row.items())).encode())
    return digest.hexdigest()


def records(folder: Path) -> dict[str, list]:
    result = read_folder(folder)
    assert result.issues == []

    def key(r):
        return (
            getattr(r, "code", None) or r.national_id,
            str(getattr(r, "valid_from", "")),
            getattr(r, "unit_code", ""),
        )

    return {
        kind: sorted(getattr(result.data, kind), key=key)
        for kind in ("agencies", "procedures", "officials", "dossiers")
    }


def objects(folder: Path) -> dict[str, list]:
    """Each file's lines as JSON objects, sorted: key order and spacing aside, the very lines."""
    out = {}
    for name in ("agencies", "procedures", "officials", "dossiers"):
        lines = (folder / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
        out[name] = sorted(
            (json.loads(x) for x in lines if x.strip()), key=lambda o: json.dumps(o, sort_keys=True)
        )
    return out


# --- the sample ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_export(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[Path]:
    """The sample imported then exported, once for the module (the import is rolled back afterwards)."""
    folder = tmp_path_factory.mktemp("sample_export")
    with django_db_blocker.unblock(), transaction.atomic():
        report = interchange_import(folder=SAMPLE / "interchange")
        assert report.issues == [] and report.committed
        interchange_export(folder=folder)
        transaction.set_rollback(True)
    yield folder


@pytest.mark.django_db
def test_sample_imports_cleanly_with_derived_fields():
    # Given the shared sample; when it is imported
    report = interchange_import(folder=SAMPLE / "interchange")
    # then every line is in, nothing refused
    assert report.issues == []
    assert report.committed
    assert report.counts["dossiers"]["created"] == 3126
    assert Dossier.objects.count() == 3126
    assert Dossier.objects.filter(imported=False).count() == 0
    # one import event per dossier, no transition replayed
    assert DossierEvent.objects.count() == 3126
    assert set(DossierEvent.objects.values_list("action", flat=True)) == {"import"}
    # children point at their parent once all are in
    children = Dossier.objects.exclude(parent_code="")
    assert children.count() == 126
    assert (
        children.filter(parent__isnull=False).count()
        == children.filter(parent_code__in=Dossier.objects.values("code")).count()
    )
    first = Dossier.objects.get(code="003.01.13.H38-250115-0002")
    assert first.received_at == datetime(2025, 1, 15, 3, 30, 58, tzinfo=VN)
    assert first.sync_state == "synced" and first.paid_online == 2 and first.fee_total == 20000
    assert first.receiving_unit_id == first.unit_id
    assert first.supplements.get().answered_at is None
    assert first.procedure_version is not None
    assert first.procedure_version.valid_from <= first.received_at.astimezone(VN).date()


@pytest.mark.django_db
def test_sample_round_trip_is_lossless(sample_export: Path):
    # Given the sample imported and exported (fixture); then every line comes back as the same record
    assert records(sample_export) == records(SAMPLE / "interchange")
    # and as the same JSON object (null kept as null, absent keys absent, unknown keys kept)
    assert objects(sample_export) == objects(SAMPLE / "interchange")


@pytest.mark.django_db
def test_export_imported_into_a_fresh_database_gives_it_back(sample_export: Path, tmp_path: Path):
    # Given the export of the sample; when it is imported into an empty database and exported again
    report = interchange_import(folder=sample_export)
    assert report.issues == []
    interchange_export(folder=tmp_path)
    # then nothing changed on the way
    assert objects(tmp_path) == objects(sample_export)


# --- small folders ---------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_small_folder_round_trip_keeps_nulls_absence_and_unknown_keys(tmp_path: Path):
    lines = [
        dossier("D1"),
        dossier("D2", HoSoCha="D1", ChuHoSo=None, DongBoDVCQG=..., DanhSachLePhi=[], LoaiDoiTuong=None),
        dossier("D3", DanhSachGiayToKetQua=[{"TenGiayTo": None, "Khac": [1]}], HoSoCha="", HoSoThuNghiem=0),
    ]
    small(tmp_path / "in", lines)
    assert interchange_import(folder=tmp_path / "in").issues == []
    interchange_export(folder=tmp_path / "out")
    assert objects(tmp_path / "out") == objects(tmp_path / "in")
    d2 = Dossier.objects.get(code="D2")
    assert d2.parent == Dossier.objects.get(code="D1")
    assert d2.sync_state == "pending" and d2.fees == [] and d2.applicant_name == ""


@pytest.mark.django_db
def test_derived_fields_of_a_dossier(tmp_path: Path):
    interchange_import(folder=small(tmp_path))
    d1 = Dossier.objects.get(code="D1")
    # the version in force on the day of receipt (2 Jan 2025: the version from 1 Jan 2025)
    assert d1.procedure_version.valid_from.isoformat() == "2025-01-01"
    assert d1.has_e_result  # the link is non-empty after trimming
    assert d1.fee_total == 15500  # 15000 + 500.5, rounded for the total only
    assert d1.fees[1] == {"TenPhiLePhi": "Phí", "Gia": 500.5}
    assert d1.extra["MaCu"] == 42
    assert d1.files.get().url == " /kq/1.pdf "
    assert Unit.objects.get(code="H1").successor == Unit.objects.get(code="S1")
    assert Official.objects.get().unit.code == "S1"


@pytest.mark.django_db
def test_guidance_before_receipt_moves_no_appointment_and_is_kept(tmp_path: Path):
    # given a dossier guided before its receipt (02/01 09:00) and asked once after it, both answered
    entries = [
        {"NgayYeuCau": "20250101150000", "NgayBoSung": "20250102083000"},
        {"NgayYeuCau": "20250102100000", "NgayBoSung": "20250103100000"},
    ]
    interchange_import(folder=small(tmp_path / "in", [dossier("D1", DanhSachHoSoBoSung=entries)]))
    d1 = Dossier.objects.get(code="D1")
    # then only the request after receipt moves the effective appointment (one day), and both entries are kept
    assert d1.effective_due_at - d1.due_at == timedelta(days=1)
    kept = list(d1.supplements.order_by("requested_at"))
    assert [s.is_guidance for s in kept] == [True, False]
    call_command("export", str(tmp_path / "out"))
    line = json.loads((tmp_path / "out" / "dossiers.jsonl").read_text().splitlines()[0])
    assert line["DanhSachHoSoBoSung"] == entries


@pytest.mark.django_db
def test_second_import_changes_nothing(tmp_path: Path):
    # Given a folder imported once
    folder = small(tmp_path)
    interchange_import(folder=folder)
    before, digest = counts(), checksum()
    # when it is imported again
    report = interchange_import(folder=folder)
    # then no row is added (history included) and no value changes
    assert report.issues == []
    assert counts() == before
    assert checksum() == digest
    assert +report.counts["dossiers"] == {"unchanged": 2}
    assert report.counts["agencies"]["unchanged"] == 3 and report.counts["procedures"]["unchanged"] == 2


@pytest.mark.django_db
def test_a_line_whose_code_exists_updates_the_dossier(tmp_path: Path):
    interchange_import(folder=small(tmp_path / "a"))
    old = Dossier.objects.get(code="D1")
    # Given the same dossier later: returned, supplement answered, another result
    changed = dossier(
        "D1",
        TrangThaiHoSo=10,
        NgayTra="20250104080000",
        DanhSachHoSoBoSung=[{"NgayYeuCau": "20250102100000", "NgayBoSung": "20250102150000"}],
        DanhSachGiayToKetQua=[{"TenGiayTo": "Bản giấy", "DuongDanTepTinKetQua": "  "}],
    )
    report = interchange_import(folder=small(tmp_path / "b", [changed, dossier("D2", HoSoCha="D1")]))
    assert report.counts["dossiers"]["updated"] == 1 and report.counts["dossiers"]["unchanged"] == 1
    d1 = Dossier.objects.get(code="D1")
    assert d1.pk == old.pk and d1.status == 10 and d1.version == old.version + 1
    assert d1.returned_at == datetime(2025, 1, 4, 8, tzinfo=VN)
    assert list(d1.supplements.values_list("answered_at", flat=True)) == [datetime(2025, 1, 2, 15, tzinfo=VN)]
    assert list(d1.files.values_list("name", flat=True)) == ["Bản giấy"]
    assert not d1.has_e_result
    assert list(d1.events.values_list("seq", "action")) == [(1, "import"), (2, "import_update")]


@pytest.mark.django_db
def test_errors_are_reported_with_file_line_key_and_nothing_is_written(tmp_path: Path):
    # Given a folder with bad lines in several files
    folder = write(
        tmp_path,
        agencies=[*AGENCIES, {"MaDonVi": "X", "TenDonVi": "X", "Cap": "thon", "HieuLucTu": "20000101"}],
        procedures=PROCEDURES,
        officials=[*OFFICIALS, {"SoDinhDanh": "0012345678901", "MaDonVi": "S1", "HieuLucTu": "20200101"}],
        dossiers=[
            dossier("D1"),
            "{not json",
            dossier("D3", DonViXuLy="NOWHERE", MaTTHC="P9"),
            dossier("D4", NgayNopHoSo="20250103080000"),
            dossier("D5", DanhSachHoSoBoSung=[{"NgayYeuCau": None}]),
        ],
    )
    # when it is imported without --skip-errors
    report = interchange_import(folder=folder)
    # then each problem names file, line and key
    found = {(i.file, i.line, i.key) for i in report.issues}
    assert found == {
        ("agencies.jsonl", 4, "Cap"),
        ("officials.jsonl", 2, "SoDinhDanh"),
        ("dossiers.jsonl", 2, None),
        ("dossiers.jsonl", 3, "DonViXuLy"),
        ("dossiers.jsonl", 3, "MaTTHC"),
        ("dossiers.jsonl", 4, "NgayTiepNhan"),
        ("dossiers.jsonl", 5, "DanhSachHoSoBoSung[0].NgayYeuCau"),
    }
    assert all(i.reason for i in report.issues)
    # and nothing at all was written, not even the good files
    assert not report.committed
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_skip_errors_imports_the_rest(tmp_path: Path):
    folder = write(
        tmp_path,
        agencies=[*AGENCIES, {"MaDonVi": "X", "TenDonVi": "X", "Cap": "thon", "HieuLucTu": "20000101"}],
        procedures=PROCEDURES,
        officials=OFFICIALS,
        dossiers=[dossier("D1"), dossier("D2", DonViXuLy="X"), dossier("D3", KenhThucHien=7)],
    )
    report = interchange_import(folder=folder, skip_errors=True)
    assert report.committed
    # the bad unit line is skipped, so is the dossier that names it (an error of that dossier's line)
    assert {(i.file, i.line, i.key) for i in report.issues} == {
        ("agencies.jsonl", 4, "Cap"),
        ("dossiers.jsonl", 2, "DonViXuLy"),
        ("dossiers.jsonl", 3, "KenhThucHien"),
    }
    assert list(Dossier.objects.values_list("code", flat=True)) == ["D1"]
    assert not Unit.objects.filter(code="X").exists()


@pytest.mark.django_db
def test_a_unit_successor_cycle_is_refused(tmp_path: Path):
    cycle = [
        {**AGENCIES[0]},
        {
            "MaDonVi": "A",
            "TenDonVi": "A",
            "Cap": "so",
            "HieuLucTu": "20000101",
            "HieuLucDen": "20200101",
            "MaDonViKeThua": "B",
        },
        {
            "MaDonVi": "B",
            "TenDonVi": "B",
            "Cap": "so",
            "HieuLucTu": "20000101",
            "HieuLucDen": "20200101",
            "MaDonViKeThua": "A",
        },
    ]
    report = interchange_import(folder=write(tmp_path, agencies=cycle))
    # the cycle is reported once, on its first line; the other line then names a refused unit
    assert [(i.line, i.key, i.code) for i in report.issues] == [
        (2, "MaDonViKeThua", "successor_cycle"),
        (3, "MaDonViKeThua", "unknown_unit"),
    ]
    assert "A → B → A" in report.issues[0].reason
    assert Unit.objects.count() == 0


@pytest.mark.django_db
def test_dossier_naming_a_unit_already_in_the_database_is_accepted(tmp_path: Path):
    interchange_import(folder=small(tmp_path / "a"))
    # a later folder with dossiers only: units and procedures come from the database
    report = interchange_import(folder=write(tmp_path / "b", dossiers=[dossier("D9", DonViXuLy="H1")]))
    assert report.issues == [] and Dossier.objects.filter(code="D9", unit__code="H1").exists()


@pytest.mark.django_db
def test_dry_run_writes_nothing(tmp_path: Path):
    report = interchange_import(folder=small(tmp_path), dry_run=True)
    assert report.issues == [] and not report.committed
    assert report.counts["dossiers"]["created"] == 2
    assert set(counts().values()) == {0}


@pytest.mark.django_db
def test_commands(tmp_path: Path, capsys):
    folder = small(tmp_path / "in", [dossier("D1"), dossier("D2", TrangThaiHoSo=11)])
    with pytest.raises(CommandError):
        call_command("import", str(folder))
    assert "dossiers.jsonl:2 [TrangThaiHoSo]" in capsys.readouterr().err
    assert Dossier.objects.count() == 0
    call_command("import", str(folder), "--skip-errors")
    assert Dossier.objects.count() == 1
    call_command("export", str(tmp_path / "out"))
    assert len((tmp_path / "out" / "dossiers.jsonl").read_text().splitlines()) == 1
    shutil.rmtree(tmp_path / "out")
