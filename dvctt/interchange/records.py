"""Typed records of the four interchange files (spec/interchange.md).

Attribute names are English; ``KEYS`` maps each national key to its attribute, in the spec's order (the
writer's order). Flags stay the integers of the format (0/1/2) so a round trip is exact; ``None`` means "not
known" (absent or ``null``). ``null_keys`` remembers which keys were written as an explicit ``null`` so the
writer can give them back; ``extra`` keeps unknown keys verbatim. ``line`` is where the record was read
(0 when built in code); it is not part of the record's value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, ClassVar

Number = int | float


@dataclass(slots=True)
class Fee:
    name: str | None = None
    amount: Number | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("TenPhiLePhi", "name"), ("Gia", "amount"))


@dataclass(slots=True)
class ResultDocument:
    name: str | None = None
    link: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (("TenGiayTo", "name"), ("DuongDanTepTinKetQua", "link"))

    @property
    def is_electronic(self) -> bool:
        """A link counts only when it is non-empty after trimming spaces (indicators.md)."""
        return bool(self.link and self.link.strip())


@dataclass(slots=True)
class Supplement:
    requested_at: datetime | None = None
    completed_at: datetime | None = None  # None: still waiting
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("NgayYeuCau", "requested_at"),
        ("NgayBoSung", "completed_at"),
    )


@dataclass(slots=True)
class Agency:
    code: str
    name: str
    valid_from: date
    level: str | None = None
    parent_code: str | None = None
    valid_to: date | None = None
    successor_code: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()
    line: int = field(default=0, compare=False)

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("MaDonVi", "code"),
        ("TenDonVi", "name"),
        ("Cap", "level"),
        ("MaDonViCha", "parent_code"),
        ("HieuLucTu", "valid_from"),
        ("HieuLucDen", "valid_to"),
        ("MaDonViKeThua", "successor_code"),
    )

    def exists_on(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)

    @property
    def has_ended(self) -> bool:
        """Ended means ``HieuLucDen`` is set, whatever the date (indicators.md, ``--units current``)."""
        return self.valid_to is not None


@dataclass(slots=True)
class ProcedureVersion:
    code: str
    name: str
    units: tuple[str, ...]
    level: int  # MucDo 2, 3, 4
    full_process_eligible: int  # DuDieuKienToanTrinh 0/1
    national_portal: int  # TichHopDVCQG 0/1
    valid_from: date
    field_code: str | None = None
    field_name: str | None = None
    time_limit: Number | None = None
    time_unit: str | None = None
    has_fees: int | None = None
    result_is_document: int | None = None
    valid_to: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()
    line: int = field(default=0, compare=False)

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("MaTTHC", "code"),
        ("TenTTHC", "name"),
        ("MaLinhVuc", "field_code"),
        ("TenLinhVuc", "field_name"),
        ("CoQuanThucHien", "units"),
        ("MucDo", "level"),
        ("DuDieuKienToanTrinh", "full_process_eligible"),
        ("TichHopDVCQG", "national_portal"),
        ("ThoiHanGiaiQuyet", "time_limit"),
        ("DonViTinh", "time_unit"),
        ("CoPhiLePhi", "has_fees"),
        ("KetQuaLaGiayTo", "result_is_document"),
        ("HieuLucTu", "valid_from"),
        ("HieuLucDen", "valid_to"),
    )

    @property
    def offered_online(self) -> bool:
        return self.level in (3, 4)


@dataclass(slots=True)
class Official:
    national_id: str
    unit_code: str
    valid_from: date
    full_name: str | None = None
    valid_to: date | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()
    line: int = field(default=0, compare=False)

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("SoDinhDanh", "national_id"),
        ("HoTen", "full_name"),
        ("MaDonVi", "unit_code"),
        ("HieuLucTu", "valid_from"),
        ("HieuLucDen", "valid_to"),
    )

    def in_post_on(self, day: date) -> bool:
        """Both validity days included."""
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(slots=True)
class Dossier:
    code: str
    procedure_code: str
    unit_code: str
    channel: int  # KenhThucHien 1 in person, 2 online, 3 postal
    status: int  # TrangThaiHoSo 1..10
    applicant_type: int | None = None
    applicant_name: str | None = None
    applicant_id: str | None = None
    submitted_at: datetime | None = None
    received_at: datetime | None = None
    due_at: datetime | None = None
    processing_ended_at: datetime | None = None
    returned_at: datetime | None = None
    paid_online: int | None = None  # 0, 1 national portal, 2 provincial gateway
    fees: tuple[Fee, ...] | None = None
    digitised_components: int | None = None
    result_documents: tuple[ResultDocument, ...] | None = None
    supplements: tuple[Supplement, ...] | None = None
    synced_national: int | None = None
    complained: int | None = None
    parent_code: str | None = None
    is_test: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    null_keys: frozenset[str] = frozenset()
    line: int = field(default=0, compare=False)

    KEYS: ClassVar[tuple[tuple[str, str], ...]] = (
        ("MaHoSo", "code"),
        ("MaTTHC", "procedure_code"),
        ("DonViXuLy", "unit_code"),
        ("KenhThucHien", "channel"),
        ("LoaiDoiTuong", "applicant_type"),
        ("ChuHoSo", "applicant_name"),
        ("SoDinhDanhChuHoSo", "applicant_id"),
        ("NgayNopHoSo", "submitted_at"),
        ("NgayTiepNhan", "received_at"),
        ("NgayHenTra", "due_at"),
        ("NgayKetThucXuLy", "processing_ended_at"),
        ("NgayTra", "returned_at"),
        ("TrangThaiHoSo", "status"),
        ("DuocThanhToanTrucTuyen", "paid_online"),
        ("DanhSachLePhi", "fees"),
        ("HoSoCoThanhPhanSoHoa", "digitised_components"),
        ("DanhSachGiayToKetQua", "result_documents"),
        ("DanhSachHoSoBoSung", "supplements"),
        ("DongBoDVCQG", "synced_national"),
        ("CoPhanAnh", "complained"),
        ("HoSoCha", "parent_code"),
        ("HoSoThuNghiem", "is_test"),
    )

    @property
    def fee_total(self) -> Number:
        """A missing ``Gia`` counts as 0."""
        return sum((fee.amount or 0) for fee in self.fees) if self.fees else 0

    @property
    def has_electronic_result(self) -> bool:
        return bool(self.result_documents) and any(doc.is_electronic for doc in self.result_documents or ())


@dataclass(slots=True)
class Interchange:
    """The four files of a folder, as records (each list in file order)."""

    agencies: list[Agency] = field(default_factory=list)
    procedures: list[ProcedureVersion] = field(default_factory=list)
    officials: list[Official] = field(default_factory=list)
    dossiers: list[Dossier] = field(default_factory=list)
