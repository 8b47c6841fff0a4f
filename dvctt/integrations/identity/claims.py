"""The national identity service's user-info claims (spec/national-portal.md §3) → :class:`NationalClaims`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from dvctt.accounts.models import NationalAccountType
from dvctt.accounts.national import NationalClaims

DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%Y%m%d", "%d-%m-%Y")


def _text(info: dict[str, Any], *names: str) -> str:
    for name in names:
        value = info.get(name)
        if value not in (None, ""):
            return str(value).strip()
    return ""


def parse_date(value: Any) -> date | None:
    text = str(value or "").strip()[:10]
    for pattern in DATE_FORMATS:
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _level(info: dict[str, Any]) -> str:
    value = info.get("loAs", info.get("IAL", info.get("acr")))
    if isinstance(value, list):
        return ",".join(str(v) for v in value)
    return str(value or "")


def national_claims(info: dict[str, Any]) -> NationalClaims:
    """Claims as the service names them; ``TechID`` falls back to ``sub`` (both identify the account)."""
    try:
        account_type = int(info.get("LoaiTaiKhoan") or NationalAccountType.CITIZEN)
    except (TypeError, ValueError):
        account_type = NationalAccountType.CITIZEN
    if account_type not in NationalAccountType.values:
        account_type = NationalAccountType.CITIZEN
    subject = _text(info, "sub")
    return NationalClaims(
        tech_id=_text(info, "TechID") or subject,
        subject=subject,
        account_type=account_type,
        id_number=_text(info, "SoDinhDanh"),
        full_name=_text(info, "HoVaTen"),
        date_of_birth=parse_date(info.get("NgayThangNamSinh")),
        gender=_text(info, "GioiTinh"),
        address=_text(info, "ThuongTru"),
        email=_text(info, "ThuDienTu"),
        phone=_text(info, "SoDienThoai"),
        tax_code=_text(info, "MaSoThue", "MaSoDoanhNghiep"),
        organisation_name=_text(info, "TenDoanhNghiep"),
        level=_level(info),
    )
