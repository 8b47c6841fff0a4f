"""Records of the interchange format ↔ the platform's models, both ways (import and export use the same table).

Each ``*_values`` turns a record into model field values (attnames); each ``*_record`` turns a row (a dict of
those values, as ``QuerySet.values()`` gives them) back into the record, so that
``*_record(*_values(r)) == r`` for every valid record r: the round trip is lossless by construction, and the
importer uses the same equality to see that a line changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from dvctt.interchange import (
    Agency,
    Dossier,
    Fee,
    Official,
    ProcedureVersion,
    ResultDocument,
    Supplement,
    to_aware,
    to_local_naive,
)

from .shape import shape_apply, shape_pack, shape_unpack

# National keys whose model field holds a default (not None) when the value is not known.
AGENCY_DEFAULTED = ("Cap",)
PROCEDURE_DEFAULTED = ("TenLinhVuc", "DonViTinh", "CoPhiLePhi", "KetQuaLaGiayTo")
OFFICIAL_DEFAULTED = ("HoTen",)
DOSSIER_DEFAULTED = (
    "ChuHoSo",
    "SoDinhDanhChuHoSo",
    "DuocThanhToanTrucTuyen",
    "DanhSachLePhi",
    "HoSoCoThanhPhanSoHoa",
    "DanhSachGiayToKetQua",
    "DanhSachHoSoBoSung",
    "DongBoDVCQG",
    "CoPhanAnh",
    "HoSoCha",
    "HoSoThuNghiem",
)
RESULT_DEFAULTED = ("TenGiayTo", "DuongDanTepTinKetQua")

#: A unit line without ``Cap``: the model needs a level; the line's absence is remembered for export.
DEFAULT_LEVEL = "so"


def _flag(value: Any) -> int | None:
    return None if value is None else int(bool(value))


# --- units -------------------------------------------------------------------------------------------------


def agency_values(record: Agency) -> dict[str, Any]:
    """Model values of a unit line, parent and successor apart (they are codes, resolved by the caller)."""
    raw = {}
    if record.parent_code == "":
        raw["MaDonViCha"] = ""
    if record.successor_code == "":
        raw["MaDonViKeThua"] = ""
    return {
        "name": record.name,
        "level": record.level or DEFAULT_LEVEL,
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "extra": shape_pack(record, defaulted=AGENCY_DEFAULTED, raw=raw),
    }


def agency_record(row: Mapping[str, Any], *, parent_code: str | None, successor_code: str | None) -> Agency:
    unknown, null, absent, raw = shape_unpack(row["extra"])
    values = {
        "MaDonVi": row["code"],
        "TenDonVi": row["name"],
        "Cap": row["level"],
        "MaDonViCha": raw.get("MaDonViCha", parent_code),
        "HieuLucTu": row["valid_from"],
        "HieuLucDen": row["valid_to"],
        "MaDonViKeThua": raw.get("MaDonViKeThua", successor_code),
    }
    null_keys = shape_apply(values, null, absent)
    return Agency(
        code=values["MaDonVi"],
        name=values["TenDonVi"],
        level=values["Cap"],
        parent_code=values["MaDonViCha"],
        valid_from=values["HieuLucTu"],
        valid_to=values["HieuLucDen"],
        successor_code=values["MaDonViKeThua"],
        extra=unknown,
        null_keys=null_keys,
    )


# --- procedure versions ------------------------------------------------------------------------------------


def procedure_line(record: ProcedureVersion, line: dict[str, Any]) -> dict[str, Any]:
    """The ``line`` for ``procedure_version_upsert_from_interchange``, with the shape entry among its unknown
    keys (which that service keeps in ``extra``). The field's name lives on the shared ``Field`` row, which
    another version may rename, so each version remembers its own; so is the order of its units."""
    raw: dict[str, Any] = {}
    if record.field_name is not None:
        raw["TenLinhVuc"] = record.field_name
    if record.field_code == "":
        raw["MaLinhVuc"] = ""
    if list(record.units) != sorted(set(record.units)):
        raw["CoQuanThucHien"] = list(record.units)
    extra = shape_pack(record, defaulted=PROCEDURE_DEFAULTED, raw=raw)
    return {**line, **extra}


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def procedure_record(
    row: Mapping[str, Any],
    *,
    code: str,
    field_code: str | None,
    field_name: str | None,
    unit_codes: Sequence[str],
) -> ProcedureVersion:
    unknown, null, absent, raw = shape_unpack(row["extra"])
    values = {
        "MaTTHC": code,
        "TenTTHC": row["name"],
        "MaLinhVuc": raw.get("MaLinhVuc", field_code),
        "TenLinhVuc": raw.get("TenLinhVuc", field_name),
        "CoQuanThucHien": tuple(raw.get("CoQuanThucHien", sorted(unit_codes))),
        "MucDo": row["online_level"],
        "DuDieuKienToanTrinh": int(row["eligible_full_process"]),
        "TichHopDVCQG": int(row["integrated_national"]),
        "ThoiHanGiaiQuyet": _number(row["time_limit"]),
        "DonViTinh": row["time_limit_unit"],
        "CoPhiLePhi": int(row["has_fees"]),
        "KetQuaLaGiayTo": int(row["result_is_document"]),
        "HieuLucTu": row["valid_from"],
        "HieuLucDen": row["abolished_after"],
    }
    null_keys = shape_apply(values, null, absent)
    return ProcedureVersion(
        code=values["MaTTHC"],
        name=values["TenTTHC"],
        field_code=values["MaLinhVuc"],
        field_name=values["TenLinhVuc"],
        units=values["CoQuanThucHien"],
        level=values["MucDo"],
        full_process_eligible=values["DuDieuKienToanTrinh"],
        national_portal=values["TichHopDVCQG"],
        time_limit=values["ThoiHanGiaiQuyet"],
        time_unit=values["DonViTinh"],
        has_fees=values["CoPhiLePhi"],
        result_is_document=values["KetQuaLaGiayTo"],
        valid_from=values["HieuLucTu"],
        valid_to=values["HieuLucDen"],
        extra=unknown,
        null_keys=null_keys,
    )


# --- officials ---------------------------------------------------------------------------------------------


def official_values(record: Official) -> dict[str, Any]:
    return {
        "national_id": record.national_id,
        "full_name": record.full_name or "",
        "valid_from": record.valid_from,
        "valid_to": record.valid_to,
        "extra": shape_pack(record, defaulted=OFFICIAL_DEFAULTED),
    }


def official_record(row: Mapping[str, Any], *, unit_code: str) -> Official:
    unknown, null, absent, _raw = shape_unpack(row["extra"])
    values = {
        "SoDinhDanh": row["national_id"],
        "HoTen": row["full_name"],
        "MaDonVi": unit_code,
        "HieuLucTu": row["valid_from"],
        "HieuLucDen": row["valid_to"],
    }
    null_keys = shape_apply(values, null, absent)
    return Official(
        national_id=values["SoDinhDanh"],
        full_name=values["HoTen"],
        unit_code=values["MaDonVi"],
        valid_from=values["HieuLucTu"],
        valid_to=values["HieuLucDen"],
        extra=unknown,
        null_keys=null_keys,
    )


# --- dossiers ----------------------------------------------------------------------------------------------

#: The dossier columns export reads (``QuerySet.values()`` names) and import compares.
DOSSIER_FIELDS = (
    "id",
    "code",
    "procedure_id",
    "unit_id",
    "channel",
    "applicant_type",
    "applicant_name",
    "applicant_id_number",
    "submitted_at",
    "received_at",
    "due_at",
    "ended_at",
    "returned_at",
    "status",
    "paid_online",
    "fees",
    "digitised",
    "sync_state",
    "has_complaint",
    "parent_code",
    "is_test",
    "extra",
)
SUPPLEMENT_FIELDS = ("dossier_id", "requested_at", "answered_at", "extra")
RESULT_FIELDS = ("dossier_id", "name", "url", "file", "extra")


def fee_dict(fee: Fee) -> dict[str, Any]:
    """A fee as stored in ``Dossier.fees``: the format's own object (unknown keys and nulls included)."""
    out: dict[str, Any] = {}
    if fee.name is not None or "TenPhiLePhi" in fee.null_keys:
        out["TenPhiLePhi"] = fee.name
    if fee.amount is not None or "Gia" in fee.null_keys:
        out["Gia"] = fee.amount
    for key, value in fee.extra.items():
        out.setdefault(key, value)
    return out


def fee_from_dict(item: Mapping[str, Any]) -> Fee:
    return Fee(
        name=item.get("TenPhiLePhi"),
        amount=item.get("Gia"),
        extra={k: v for k, v in item.items() if k not in ("TenPhiLePhi", "Gia")},
        null_keys=frozenset(k for k in ("TenPhiLePhi", "Gia") if k in item and item[k] is None),
    )


def fee_total(record: Dossier) -> int:
    """VND are whole numbers; a fractional ``Gia`` (which the format allows) is rounded for the total only."""
    return max(0, round(record.fee_total))


def supplement_values(item: Supplement) -> dict[str, Any]:
    return {
        "requested_at": to_aware(item.requested_at),
        "answered_at": to_aware(item.completed_at),
        "extra": shape_pack(item),
    }


def supplement_record(row: Mapping[str, Any]) -> Supplement:
    unknown, null, absent, _raw = shape_unpack(row["extra"])
    values = {
        "NgayYeuCau": to_local_naive(row["requested_at"]),
        "NgayBoSung": to_local_naive(row["answered_at"]),
    }
    null_keys = shape_apply(values, null, absent)
    return Supplement(
        requested_at=values["NgayYeuCau"],
        completed_at=values["NgayBoSung"],
        extra=unknown,
        null_keys=null_keys,
    )


def result_values(item: ResultDocument) -> dict[str, Any]:
    return {
        "name": item.name or "",
        "url": item.link or "",
        "electronic": item.is_electronic,
        "extra": shape_pack(item, defaulted=RESULT_DEFAULTED),
    }


def result_record(row: Mapping[str, Any], *, media_url: str = "") -> ResultDocument:
    unknown, null, absent, _raw = shape_unpack(row["extra"])
    link = row["url"]
    if not link and row.get("file"):
        # A result the platform issued itself: its file's address.
        link = f"{media_url}{row['file']}"
    values = {"TenGiayTo": row["name"], "DuongDanTepTinKetQua": link}
    null_keys = shape_apply(values, null, absent)
    return ResultDocument(
        name=values["TenGiayTo"], link=values["DuongDanTepTinKetQua"], extra=unknown, null_keys=null_keys
    )


def dossier_values(record: Dossier) -> dict[str, Any]:
    """Model values of a dossier line, apart from the foreign keys (resolved by the caller from codes)."""
    synced = record.synced_national
    return {
        "code": record.code,
        "channel": record.channel,
        "status": record.status,
        "applicant_type": record.applicant_type,
        "applicant_name": record.applicant_name or "",
        "applicant_id_number": record.applicant_id or "",
        "submitted_at": to_aware(record.submitted_at),
        "received_at": to_aware(record.received_at),
        "due_at": to_aware(record.due_at),
        "ended_at": to_aware(record.processing_ended_at),
        "returned_at": to_aware(record.returned_at),
        "paid_online": record.paid_online or 0,
        "fees": [fee_dict(fee) for fee in record.fees or ()],
        "fee_total": fee_total(record),
        "digitised": bool(record.digitised_components),
        "has_e_result": record.has_electronic_result,
        "sync_state": "synced" if synced == 1 else "pending",
        "has_complaint": bool(record.complained),
        "parent_code": record.parent_code or "",
        "is_test": bool(record.is_test),
        "imported": True,
        "extra": shape_pack(record, defaulted=DOSSIER_DEFAULTED),
    }


def dossier_record(
    row: Mapping[str, Any],
    *,
    unit_code: str,
    procedure_code: str,
    supplements: Sequence[Supplement],
    results: Sequence[ResultDocument],
) -> Dossier:
    unknown, null, absent, _raw = shape_unpack(row["extra"])
    values = {
        "MaHoSo": row["code"],
        "MaTTHC": procedure_code,
        "DonViXuLy": unit_code,
        "KenhThucHien": row["channel"],
        "LoaiDoiTuong": row["applicant_type"],
        "ChuHoSo": row["applicant_name"],
        "SoDinhDanhChuHoSo": row["applicant_id_number"],
        "NgayNopHoSo": to_local_naive(row["submitted_at"]),
        "NgayTiepNhan": to_local_naive(row["received_at"]),
        "NgayHenTra": to_local_naive(row["due_at"]),
        "NgayKetThucXuLy": to_local_naive(row["ended_at"]),
        "NgayTra": to_local_naive(row["returned_at"]),
        "TrangThaiHoSo": row["status"],
        "DuocThanhToanTrucTuyen": row["paid_online"],
        "DanhSachLePhi": tuple(fee_from_dict(item) for item in row["fees"] or ()),
        "HoSoCoThanhPhanSoHoa": _flag(row["digitised"]),
        "DanhSachGiayToKetQua": tuple(results),
        "DanhSachHoSoBoSung": tuple(supplements),
        "DongBoDVCQG": 1 if row["sync_state"] == "synced" else 0,
        "CoPhanAnh": _flag(row["has_complaint"]),
        "HoSoCha": row["parent_code"],
        "HoSoThuNghiem": _flag(row["is_test"]),
    }
    null_keys = shape_apply(values, null, absent)
    return Dossier(
        code=values["MaHoSo"],
        procedure_code=values["MaTTHC"],
        unit_code=values["DonViXuLy"],
        channel=values["KenhThucHien"],
        status=values["TrangThaiHoSo"],
        applicant_type=values["LoaiDoiTuong"],
        applicant_name=values["ChuHoSo"],
        applicant_id=values["SoDinhDanhChuHoSo"],
        submitted_at=values["NgayNopHoSo"],
        received_at=values["NgayTiepNhan"],
        due_at=values["NgayHenTra"],
        processing_ended_at=values["NgayKetThucXuLy"],
        returned_at=values["NgayTra"],
        paid_online=values["DuocThanhToanTrucTuyen"],
        fees=values["DanhSachLePhi"],
        digitised_components=values["HoSoCoThanhPhanSoHoa"],
        result_documents=values["DanhSachGiayToKetQua"],
        supplements=values["DanhSachHoSoBoSung"],
        synced_national=values["DongBoDVCQG"],
        complained=values["CoPhanAnh"],
        parent_code=values["HoSoCha"],
        is_test=values["HoSoThuNghiem"],
        extra=unknown,
        null_keys=null_keys,
    )
