"""The record sent to the national portal (spec/national-portal.md §1, "Record fields"), built from a dossier.

Text fields have the portal's limits; a longer value is cut and the cut is logged with the dossier code and the
field, never silently. Times are ``yyyyMMddHHmmss`` in Vietnam time. Files travel as signed, expiring links the
portal fetches (:func:`file_link`), never as bytes.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core import signing
from django.urls import reverse

from dvctt.accounts.models import Role
from dvctt.common.public_url import public_url
from dvctt.dossiers.models import Dossier, DossierEvent, DossierFile, ReturnMethod
from dvctt.dossiers.states import MOVES, Status
from dvctt.integrations.national_portal.config import portal_config
from dvctt.integrations.national_portal.models import ProcedureCode, UnitCode

logger = logging.getLogger(__name__)
VN = ZoneInfo("Asia/Ho_Chi_Minh")
LINK_SALT = "dvctt.national_portal.file"

#: The portal's limits (characters).
LIMITS = {"TrichYeuHoSo": 1000, "GhiChu": 2000, "NguoiXuLy": 50, "ChuHoSo": 255, "NoiDungXuLy": 2000}


def portal_time(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(VN).strftime("%Y%m%d%H%M%S")


def limited(value: str, *, name: str, code: str) -> str:
    """``value`` cut to the portal's limit for ``name``; a cut is logged (warning) with the dossier code."""
    limit = LIMITS.get(name)
    if limit is None or len(value) <= limit:
        return value
    logger.warning("national portal: %s of %s cut from %d to %d characters", name, code, len(value), limit)
    return value[:limit]


def file_link(file: DossierFile) -> str:
    """A link the portal can fetch the file from: signed, expiring after the configured age."""
    if not file.file and file.url:
        return file.url
    token = signing.dumps({"f": file.pk}, salt=LINK_SALT, compress=True)
    return public_url(reverse("national_portal:file", args=[token]))


def file_from_link_token(token: str) -> int | None:
    """The file id a link names, or None when the signature is wrong or the link has expired."""
    try:
        data = signing.loads(token, salt=LINK_SALT, max_age=portal_config().link_max_age)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    value = data.get("f") if isinstance(data, dict) else None
    return value if isinstance(value, int) else None


def national_unit_code(unit_id: int, local: str) -> str:
    mapped = UnitCode.objects.filter(unit_id=unit_id).values_list("code", flat=True).first()
    return mapped or local


def national_procedure_code(procedure_id: int, local: str) -> str:
    mapped = ProcedureCode.objects.filter(procedure_id=procedure_id).values_list("code", flat=True).first()
    return mapped or local


@dataclass
class RecordContext:
    """What the records and progress items of several dossiers need, read in a few queries (a batch of the
    sender): national codes, and each dossier's events in ``seq`` order (notes, steps, their start times).
    The dossiers themselves come with ``procedure``, ``procedure_version__field`` and ``unit`` selected and
    ``files`` and ``supplements`` prefetched (:func:`dossiers_for_records`)."""

    unit_codes: dict[int, str] = field(default_factory=dict)
    procedure_codes: dict[int, str] = field(default_factory=dict)
    events: dict[int, list[DossierEvent]] = field(default_factory=dict)

    def event(self, dossier_id: int, event_id: int) -> tuple[DossierEvent | None, datetime | None]:
        """The event and the time of the one before it (the step's start)."""
        previous = None
        for event in self.events.get(dossier_id, []):
            if event.pk == event_id:
                return event, previous
            previous = event.at
        return None, None


def dossiers_for_records(codes: list[str]) -> dict[str, Dossier]:
    """The dossiers of ``codes`` (by code), with what :func:`dossier_record` reads loaded in a few queries."""
    dossiers = (
        Dossier.objects.select_related("procedure", "procedure_version__field", "unit")
        .prefetch_related("files", "supplements")
        .filter(code__in=codes)
    )
    return {d.code: d for d in dossiers}


def record_context(dossiers: list[Dossier]) -> RecordContext:
    """Read in three queries what the records and steps of ``dossiers`` need besides the dossiers."""
    unit_ids = {d.unit_id for d in dossiers}
    procedure_ids = {d.procedure_id for d in dossiers}
    events: dict[int, list[DossierEvent]] = defaultdict(list)
    for event in (
        DossierEvent.objects.select_related("unit")
        .filter(dossier_id__in=[d.pk for d in dossiers])
        .order_by("dossier_id", "seq")
    ):
        events[event.dossier_id].append(event)
    return RecordContext(
        unit_codes=dict(UnitCode.objects.filter(unit_id__in=unit_ids).values_list("unit_id", "code")),
        procedure_codes=dict(
            ProcedureCode.objects.filter(procedure_id__in=procedure_ids).values_list("procedure_id", "code")
        ),
        events=dict(events),
    )


def _last_note(dossier: Dossier, context: RecordContext | None = None) -> str:
    if context is not None:
        payloads = [e.payload for e in reversed(context.events.get(dossier.pk, []))][:5]
    else:
        payloads = list(dossier.events.order_by("-seq").values_list("payload", flat=True)[:5])
    for payload in payloads:
        note = (payload or {}).get("note") or (payload or {}).get("reason") or ""
        if note:
            return str(note)
    return ""


def dossier_record(dossier: Dossier, *, context: RecordContext | None = None) -> dict[str, Any]:
    """The full record of ``dossier`` as DongBoHoSoMC carries it. With ``context`` (and the dossier from
    :func:`dossiers_for_records`) it runs no query; without, it reads what it needs."""
    code = dossier.code
    version = dossier.procedure_version
    procedure_name = version.name if version is not None else ""
    domain = version.field if version is not None else None
    files = list(dossier.files.all())
    since = dossier.received_at or dossier.submitted_at
    if context is not None:
        supplements = [s for s in dossier.supplements.all() if since is not None and s.requested_at >= since]
        unit_code = context.unit_codes.get(dossier.unit_id) or dossier.unit.code
        procedure_code = context.procedure_codes.get(dossier.procedure_id) or dossier.procedure.code
    else:
        supplements = list(dossier.supplements.filter(requested_at__gte=since))
        unit_code = national_unit_code(dossier.unit_id, dossier.unit.code)
        procedure_code = national_procedure_code(dossier.procedure_id, dossier.procedure.code)
    refused = dossier.status == Status.NOT_ACCEPTED or dossier.outcome == "refused"
    summary = f"{procedure_name} - {dossier.applicant_name}".strip(" -")
    return {
        "MaHoSo": code,
        "MaTTHC": procedure_code,
        "TenTTHC": procedure_name,
        "MaLinhVuc": domain.code if domain else "",
        "TenLinhVuc": domain.name if domain else "",
        "KenhThucHien": int(dossier.channel),
        "ChuHoSo": limited(dossier.applicant_name, name="ChuHoSo", code=code),
        "LoaiDoiTuong": int(dossier.applicant_type or 1),
        # Set on a dossier submitted by an account signed in with the national identity (integrations/identity).
        "MaDoiTuong": str((dossier.extra or {}).get("MaDoiTuong") or ""),
        "SoGiayToChuHoSo": dossier.applicant_id_number,
        "DinhDanhCHS": (
            [{"LoaiDinhDanh": 1, "SoDinhDanh": dossier.applicant_id_number}]
            if dossier.applicant_id_number
            else []
        ),
        "Email": dossier.applicant_email,
        "SoDienThoai": dossier.applicant_phone,
        "TrichYeuHoSo": limited(summary, name="TrichYeuHoSo", code=code),
        "NgayNopHoSo": portal_time(dossier.submitted_at),
        "NgayTiepNhan": portal_time(dossier.received_at),
        "NgayHenTra": portal_time(dossier.due_at),
        "TrangThaiHoSo": int(dossier.status),
        "NgayTuChoi": portal_time(dossier.ended_at) if refused else None,
        "NgayKetThucXuLy": portal_time(dossier.ended_at),
        "NgayTra": portal_time(dossier.returned_at),
        "HinhThuc": 1 if dossier.return_method == ReturnMethod.POST else 0,
        "DonViXuLy": unit_code,
        "GhiChu": limited(_last_note(dossier, context), name="GhiChu", code=code),
        "HoSoCoThanhPhanSoHoa": 1 if dossier.digitised else 0,
        "TaiKhoanDuocXacThucVoiVNeID": 1
        if (dossier.extra or {}).get("TaiKhoanDuocXacThucVoiVNeID") == 1
        else 0,
        "DuocThanhToanTrucTuyen": int(dossier.paid_online),
        "DSKetNoiCSDL": [],
        "TaiLieuNop": [
            {
                "TepDinhKemId": str(f.pk),
                "TenTepDinhKem": f.name,
                "MaThanhPhanHoSo": str(f.extra.get("component_code", "")) if f.extra else "",
                "DuongDanTaiTepTin": file_link(f),
                "DuocSoHoa": 1 if f.digitised else 0,
                "DuocTaiSuDung": 1 if f.reused_from_id else 0,
                "DuocLayTuKhoDMQG": 1 if f.reused_from_repository else 0,
                "MaKetQuaThayThe": "",
            }
            for f in files
            if f.kind != DossierFile.Kind.RESULT
        ],
        "DanhSachGiayToKetQua": [
            {
                "GiayToId": str(f.pk),
                "TenGiayTo": f.name,
                "MaGiayToKetQua": "",
                "DuongDanTepTinKetQua": file_link(f) if (f.file or f.url) else "",
            }
            for f in files
            if f.kind == DossierFile.Kind.RESULT
        ],
        "DanhSachLePhi": [
            {
                "TenPhiLePhi": str(fee.get("TenPhiLePhi", "")),
                "MaPhiLePhi": str(fee.get("MaPhiLePhi", "")),
                "HinhThucThu": 1 if dossier.paid_online else 0,
                "Gia": int(fee.get("Gia") or 0),
                "LoaiPhiLePhi": int(fee.get("LoaiPhiLePhi") or 1),
            }
            for fee in (dossier.fees or [])
            if isinstance(fee, dict)
        ],
        "DanhSachHoSoBoSung": [
            {
                "NgayYeuCau": portal_time(s.requested_at),
                "NgayBoSung": portal_time(s.answered_at),
                "NgayHenTraTruoc": portal_time(s.due_before),
                "NgayHenTraMoi": portal_time(s.due_after),
                "NoiDung": limited(s.content, name="GhiChu", code=code),
            }
            for s in supplements
        ],
    }


def progress_item(event: DossierEvent, dossier: Dossier, *, started: datetime | None) -> dict[str, Any]:
    """One CapNhatTienDoHoSoMC item: the processing step an event records."""
    move = MOVES.get(event.action)
    label = str(move.label) if move else event.action
    note = str((event.payload or {}).get("note") or "")
    content = f"{label}: {note}" if note else label
    role = str(Role(event.actor_role).label) if event.actor_role in Role.values else ""
    return {
        "MaHoSo": dossier.code,
        "NguoiXuLy": limited(event.actor_name or "", name="NguoiXuLy", code=dossier.code),
        "ChucDanh": role,
        "ThoiDiemXuLy": portal_time(event.at),
        "PhongBanXuLy": event.unit.name if event.unit_id and event.unit else dossier.unit.name,
        "NoiDungXuLy": limited(content, name="NoiDungXuLy", code=dossier.code),
        "TrangThai": int(event.to_status),
        "NgayBatDau": portal_time(started or event.at),
        "NgayKetThucTheoQuyDinh": portal_time(dossier.due_at),
    }


def is_processing_step(action: str) -> bool:
    """A move of the state table (not a payment or a rating): reported as progress."""
    return action in MOVES and action != "submit"
