"""Signing in with the national account (DVCQG / VNeID): matching, creating and linking local accounts.

The rules (spec/national-portal.md §3): match the local account by ``TechID``; then by ``SoDinhDanh`` (a
citizen) or the tax code (a business, ``LoaiTaiKhoan`` 2); create the account when there is none. Two accounts
are never merged silently: an existing local account that the national identity would match, but that is not
linked yet, is linked only after its holder proves its password too (:func:`national_identity_link`). What
the protocol is (OpenID Connect) is the adapter's business (``dvctt.integrations.identity``); this module only
sees the claims it returns.
"""

from __future__ import annotations

import logging
import secrets
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any, Literal

from django.contrib.auth.hashers import check_password
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import NationalAccountType, NationalIdentity, Role, User
from dvctt.common.errors import DomainError

logger = logging.getLogger(__name__)

#: The session key that holds a national identity waiting for its local account's password.
PENDING_LINK_SESSION_KEY = "dvctt.national.pending_link"
#: The session key set when the session was opened through the national sign-in (its ``tech_id``).
NATIONAL_SESSION_KEY = "dvctt.national.tech_id"
#: How long a pending link stays valid (seconds).
PENDING_LINK_SECONDS = 600


@dataclass(frozen=True)
class NationalClaims:
    """What the national identity service vouches for, by the names of its user-info claims."""

    tech_id: str  # TechID (the subject ``sub`` when the service sends no TechID)
    subject: str  # sub
    account_type: int = NationalAccountType.CITIZEN  # LoaiTaiKhoan
    id_number: str = ""  # SoDinhDanh
    full_name: str = ""  # HoVaTen
    date_of_birth: date | None = None  # NgayThangNamSinh
    gender: str = ""  # GioiTinh
    address: str = ""  # ThuongTru
    email: str = ""  # ThuDienTu
    phone: str = ""  # SoDienThoai
    tax_code: str = ""  # MaSoThue or MaSoDoanhNghiep
    organisation_name: str = ""  # TenDoanhNghiep
    level: str = ""  # loAs / IAL / acr
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    @property
    def is_business(self) -> bool:
        return self.account_type == NationalAccountType.BUSINESS

    def to_session(self) -> dict[str, Any]:
        data = asdict(self)
        data["date_of_birth"] = self.date_of_birth.isoformat() if self.date_of_birth else None
        data.pop("extra", None)
        return data

    @classmethod
    def from_session(cls, data: dict[str, Any]) -> NationalClaims:
        values = {k: v for k, v in data.items() if k in cls.__dataclass_fields__ and k != "extra"}
        if values.get("date_of_birth"):
            values["date_of_birth"] = date.fromisoformat(values["date_of_birth"])
        return cls(**values)


@dataclass(frozen=True)
class SignInOutcome:
    """``signed_in``: ``user`` may be logged in; ``link_required``: ``user`` exists and must prove its password
    first; ``refused``: ``message`` says why (nothing was written)."""

    kind: Literal["signed_in", "link_required", "refused"]
    user: User | None = None
    message: str = ""
    created: bool = False


def _candidates(claims: NationalClaims) -> list[User]:
    """Local citizen or business accounts the identity would match by its number (never officials')."""
    if claims.is_business:
        if not claims.tax_code:
            return []
        return list(User.objects.filter(role=Role.BUSINESS, tax_code=claims.tax_code).order_by("pk")[:3])
    if not claims.id_number:
        return []
    return list(User.objects.filter(role=Role.CITIZEN, national_id=claims.id_number).order_by("pk")[:3])


def _identity_values(claims: NationalClaims) -> dict[str, Any]:
    return {
        "subject": claims.subject,
        "account_type": claims.account_type,
        "full_name": claims.full_name[:255],
        "id_number": claims.id_number[:12],
        "date_of_birth": claims.date_of_birth,
        "gender": claims.gender[:20],
        "address": claims.address[:500],
        "tax_code": claims.tax_code[:14],
        "organisation_name": claims.organisation_name[:255],
        "level": claims.level[:20],
        "verified_at": timezone.now(),
    }


def _user_refresh(user: User, claims: NationalClaims) -> None:
    """Copy what the identity vouches for onto the account (name, number; contacts only where empty)."""
    changed: list[str] = []

    def put(name: str, value: str, *, only_if_empty: bool = False) -> None:
        if value and getattr(user, name) != value and not (only_if_empty and getattr(user, name)):
            setattr(user, name, value)
            changed.append(name)

    put("full_name", claims.full_name[:255])
    if len(claims.id_number) == 12 and claims.id_number.isdigit():
        put("national_id", claims.id_number)
    if claims.is_business:
        put("organisation_name", claims.organisation_name[:255])
        put("tax_code", claims.tax_code[:14])
    put("email", claims.email[:254], only_if_empty=True)
    put("phone", claims.phone[:15], only_if_empty=True)
    if changed:
        user.save(update_fields=changed)


def _refuse(message: str) -> SignInOutcome:
    return SignInOutcome(kind="refused", message=message)


def _new_username(claims: NationalClaims) -> str:
    for _attempt in range(5):
        candidate = f"vneid-{secrets.token_hex(5)}"
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise DomainError(_("Không tạo được tên đăng nhập, vui lòng thử lại."), code="conflict")


@transaction.atomic
def national_sign_in(*, claims: NationalClaims) -> SignInOutcome:
    """Find, link or create the local account of a national identity; never merges two accounts.

    1. An account already linked to ``TechID``: that one (its verified fields refreshed).
    2. Else one citizen account with the same ``SoDinhDanh`` (business: the same tax code), not linked yet:
       ``link_required`` — the holder must prove the local password (:func:`national_identity_link`).
       Linked to another national account, or several such accounts: refused.
    3. Else a new citizen (or business) account, linked, with no local password.
    """
    if not claims.tech_id:
        return _refuse(_("Tài khoản định danh không có mã định danh (TechID)."))
    if claims.is_business and not claims.tax_code:
        return _refuse(_("Tài khoản doanh nghiệp không có mã số thuế."))
    if not claims.is_business and not (len(claims.id_number) == 12 and claims.id_number.isdigit()):
        return _refuse(_("Tài khoản định danh không có số định danh cá nhân hợp lệ."))
    identity = (
        NationalIdentity.objects.select_for_update()
        .select_related("user")
        .filter(tech_id=claims.tech_id)
        .first()
    )
    if identity is not None:
        user = identity.user
        if not user.is_active:
            return _refuse(_("Tài khoản liên kết với định danh này đã bị khóa."))
        for name, value in _identity_values(claims).items():
            setattr(identity, name, value)
        identity.save()
        _user_refresh(user, claims)
        return SignInOutcome(kind="signed_in", user=user)
    candidates = _candidates(claims)
    if len(candidates) > 1:
        return _refuse(
            _(
                "Có nhiều tài khoản trên cổng cùng số giấy tờ này, nên hệ thống không tự liên kết. Vui lòng liên "
                "hệ bộ phận hỗ trợ để gộp tài khoản."
            )
        )
    if candidates:
        user = candidates[0]
        if NationalIdentity.objects.filter(user=user).exists():
            return _refuse(
                _(
                    "Tài khoản trên cổng có cùng số giấy tờ đã liên kết với một tài khoản định danh khác. Vui lòng "
                    "liên hệ bộ phận hỗ trợ."
                )
            )
        if not user.is_active:
            return _refuse(_("Tài khoản trên cổng có cùng số giấy tờ đã bị khóa."))
        return SignInOutcome(kind="link_required", user=user)
    user = User(
        username=_new_username(claims),
        role=Role.BUSINESS if claims.is_business else Role.CITIZEN,
    )
    user.set_unusable_password()
    user.save()
    _user_refresh(user, claims)
    try:
        with transaction.atomic():
            NationalIdentity.objects.create(user=user, tech_id=claims.tech_id, **_identity_values(claims))
    except IntegrityError:
        # The same identity signed in twice at once: the other request created the link.
        raise DomainError(_("Phiên đăng nhập đang được xử lý, vui lòng thử lại."), code="conflict") from None
    logger.info("national sign-in: new account %s", user.pk)
    return SignInOutcome(kind="signed_in", user=user, created=True)


@transaction.atomic
def national_identity_link(*, user: User, claims: NationalClaims, password: str) -> NationalIdentity:
    """Link ``user``'s existing local account to the national identity after it proved its password.

    Precondition: the caller has authenticated ``user`` with ``password`` (through the login backends, so
    that lockouts count); the password is checked again here. Refuses when the identity does not match the
    account by number, or when either side is already linked.
    """
    user = User.objects.select_for_update().get(pk=user.pk)
    if not password or not user.has_usable_password() or not check_password(password, user.password):
        raise DomainError(
            _("Mật khẩu không đúng."), code="invalid", fields={"password": [_("Mật khẩu không đúng.")]}
        )
    expected = _candidates(claims)
    if [u.pk for u in expected] != [user.pk]:
        raise DomainError(_("Tài khoản này không khớp với tài khoản định danh."), code="mismatch")
    if NationalIdentity.objects.filter(user=user).exists():
        raise DomainError(_("Tài khoản này đã liên kết với một tài khoản định danh."), code="conflict")
    if NationalIdentity.objects.filter(tech_id=claims.tech_id).exists():
        raise DomainError(_("Tài khoản định danh này đã liên kết với tài khoản khác."), code="conflict")
    identity = NationalIdentity.objects.create(
        user=user, tech_id=claims.tech_id, linked_by_password=True, **_identity_values(claims)
    )
    _user_refresh(user, claims)
    logger.info("national sign-in: account %s linked after its password was proved", user.pk)
    return identity


def national_identity_of(user: Any) -> NationalIdentity | None:
    """The national identity the account is linked to, or None (anonymous users and officials included)."""
    if not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.national_identity
    except NationalIdentity.DoesNotExist:
        return None
