"""The sandbox refuses what the spec does not allow, and lists what it received."""

from __future__ import annotations

import json
import urllib.request

import pytest

from dvctt.integrations.national_portal.sandbox import PROGRESS_FIELDS, RECORD_FIELDS, _check

GOOD = {
    "MaHoSo": "G22-250303-0001",
    "MaTTHC": "1.001193",
    "TenTTHC": "Đăng ký khai sinh",
    "KenhThucHien": 2,
    "ChuHoSo": "Nguyễn Văn An",
    "LoaiDoiTuong": 1,
    "TrichYeuHoSo": "Đăng ký khai sinh - Nguyễn Văn An",
    "NgayNopHoSo": "20250303083000",
    "TrangThaiHoSo": 2,
    "DonViXuLy": "G22",
    "TaiLieuNop": [{"TenTepDinhKem": "Tờ khai", "DuongDanTaiTepTin": "https://dvc.example/tep/abc/"}],
}


def test_a_good_record_passes():
    assert _check(GOOD, RECORD_FIELDS) is None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"TrangThaiHoSo": 11}, "TrangThaiHoSo: 11 is not an allowed code"),
        ({"TrangThaiHoSo": "2"}, "TrangThaiHoSo: must be an integer"),
        ({"KenhThucHien": 4}, "KenhThucHien: 4 is not an allowed code"),
        ({"LoaiDoiTuong": True}, "LoaiDoiTuong: must be an integer"),
        ({"MaTTHC": ""}, "MaTTHC: required"),
        ({"TrichYeuHoSo": "x" * 1001}, "TrichYeuHoSo: longer than 1000 characters (1001)"),
        ({"GhiChu": "x" * 2001}, "GhiChu: longer than 2000 characters (2001)"),
        ({"NgayNopHoSo": "2025-03-03"}, "NgayNopHoSo: must be yyyyMMddHHmmss"),
        ({"NgayNopHoSo": "20250230083000"}, "NgayNopHoSo: not a real time"),
        ({"DanhSachLePhi": {}}, "DanhSachLePhi: must be a list"),
        (
            {"TaiLieuNop": [{"DuongDanTaiTepTin": "C:/to-khai.pdf"}]},
            "TaiLieuNop.DuongDanTaiTepTin: must be a download URL",
        ),
    ],
)
def test_a_bad_record_is_refused_with_its_reason(change, reason):
    assert _check({**GOOD, **change}, RECORD_FIELDS) == reason


def test_a_progress_item_names_its_processor_in_50_characters():
    item = {
        "MaHoSo": "G22-250303-0001",
        "NguoiXuLy": "x" * 51,
        "ThoiDiemXuLy": "20250303090000",
        "NoiDungXuLy": "Tiếp nhận",
        "TrangThai": 2,
    }
    assert _check(item, PROGRESS_FIELDS) == "NguoiXuLy: longer than 50 characters (51)"


def test_its_page_lists_what_it_received_and_its_file_keeps_it(sandbox):
    login = urllib.request.Request(  # noqa: S310 - loopback
        sandbox.url + "/adapter/login", data=json.dumps({"username": "dvctt", "password": "sandbox"}).encode()
    )
    with urllib.request.urlopen(login, timeout=5) as response:  # noqa: S310 - loopback
        session = json.loads(response.read())["session"]
    body = {
        "service": "DongBoHoSoMC",
        "session": session,
        "madonvi": "G22",
        "isUpdating": False,
        "data": [GOOD],
    }
    send = urllib.request.Request(  # noqa: S310 - loopback
        sandbox.url + "/adapter", data=json.dumps(body).encode(), headers={"dstcode": "DVCQG"}
    )
    with urllib.request.urlopen(send, timeout=5) as response:  # noqa: S310 - loopback
        assert json.loads(response.read())["error_code"] == 0
    with urllib.request.urlopen(sandbox.url + "/", timeout=5) as response:  # noqa: S310 - loopback
        page = response.read().decode()
    assert "G22-250303-0001" in page and "Nguyễn Văn An" in page
    # the same create again is refused: the portal already has it
    with urllib.request.urlopen(send, timeout=5) as response:  # noqa: S310 - loopback
        answer = json.loads(response.read())
    assert answer["error_code"] == -1 and "đã tồn tại" in answer["message"]
    # without the dstcode header the call is refused
    bare = urllib.request.Request(sandbox.url + "/adapter", data=json.dumps(body).encode())  # noqa: S310
    with urllib.request.urlopen(bare, timeout=5) as response:  # noqa: S310 - loopback
        assert json.loads(response.read())["message"] == "dstcode: header required"
    # and the file is written within a second
    import time

    deadline = time.monotonic() + 5
    while not (sandbox.data.exists() and "G22-250303-0001" in sandbox.data.read_text(encoding="utf-8")):
        assert time.monotonic() < deadline
        time.sleep(0.1)
