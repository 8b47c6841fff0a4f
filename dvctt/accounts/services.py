"""Writes of accounts: officials created by an administrator, citizens and businesses registering."""

from __future__ import annotations

import re

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import (
    OFFICIAL_ROLES,
    UNIT_ROLES,
    Role,
    User,
    national_id_validator,
    tax_code_validator,
)
from dvctt.agencies.models import Unit
from dvctt.agencies.selectors import units_in_force
from dvctt.common.errors import DomainError


def _refuse(username: str, message: str, field: str) -> DomainError:
    full = _("Tài khoản %(username)s: %(reason)s") % {"username": username or "?", "reason": message}
    return DomainError(full, fields={field: [message]})


def _check_common(*, username: str, password: str, full_name: str, national_id: str, user: User) -> None:
    if not username:
        raise _refuse(username, _("tên đăng nhập không được để trống."), "username")
    try:
        User.username_validator(username)
    except ValidationError:
        raise _refuse(
            username, _("tên đăng nhập chỉ gồm chữ, số và các ký tự @ . + - _."), "username"
        ) from None
    if User.objects.filter(username__iexact=username).exists():
        raise _refuse(username, _("tên đăng nhập đã được sử dụng."), "username")
    if not full_name.strip():
        raise _refuse(username, _("họ và tên không được để trống."), "full_name")
    try:
        national_id_validator(national_id)
    except ValidationError:
        raise _refuse(username, _("số định danh cá nhân phải gồm đúng 12 chữ số."), "national_id") from None
    try:
        validate_password(password, user=user)
    except ValidationError as exc:
        raise _refuse(username, " ".join(exc.messages), "password") from None


@transaction.atomic
def user_create_official(
    *,
    username: str,
    password: str,
    full_name: str,
    role: str,
    national_id: str,
    unit_code: str | None = None,
    email: str = "",
    phone: str = "",
    is_superuser: bool = False,
) -> User:
    """Create an official's account. Unit roles need a unit in force today; admins get the admin site."""
    username = (username or "").strip()
    national_id = (national_id or "").strip()
    if role not in OFFICIAL_ROLES:
        raise _refuse(username, _("vai trò %(role)s không phải vai trò của cán bộ.") % {"role": role}, "role")
    unit: Unit | None = None
    if unit_code:
        unit = Unit.objects.filter(code=unit_code).first()
        if unit is None:
            raise _refuse(username, _("không có đơn vị mã %(code)s.") % {"code": unit_code}, "unit")
        if not units_in_force(on=timezone.localdate()).filter(pk=unit.pk).exists():
            raise _refuse(
                username,
                _("đơn vị %(unit)s không còn (hoặc chưa) hoạt động hôm nay.") % {"unit": unit.name},
                "unit",
            )
    if role in UNIT_ROLES and unit is None:
        raise _refuse(username, _("vai trò này cần một đơn vị đang hoạt động."), "unit")
    user = User(
        username=username,
        full_name=(full_name or "").strip(),
        role=role,
        unit=unit,
        national_id=national_id,
        email=email,
        phone=phone,
        is_staff=role == Role.ADMIN or is_superuser,
        is_superuser=is_superuser,
    )
    _check_common(
        username=username, password=password, full_name=user.full_name, national_id=national_id, user=user
    )
    user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_register_citizen(
    *,
    username: str,
    password: str,
    full_name: str,
    national_id: str,
    email: str = "",
    phone: str = "",
    role: str = Role.CITIZEN,
    organisation_name: str = "",
    tax_code: str = "",
) -> User:
    """Register a citizen, or a business's representative (``role=business`` needs name and tax code)."""
    username = (username or "").strip()
    national_id = (national_id or "").strip()
    if role not in (Role.CITIZEN, Role.BUSINESS):
        raise _refuse(username, _("chỉ công dân hoặc doanh nghiệp được tự đăng ký."), "role")
    if role == Role.BUSINESS:
        if not organisation_name.strip():
            raise _refuse(username, _("tên tổ chức, doanh nghiệp không được để trống."), "organisation_name")
        try:
            tax_code_validator(tax_code)
        except ValidationError as exc:
            raise _refuse(username, " ".join(exc.messages), "tax_code") from None
    user = User(
        username=username,
        full_name=(full_name or "").strip(),
        role=role,
        national_id=national_id,
        email=email,
        phone=phone,
        organisation_name=organisation_name.strip() if role == Role.BUSINESS else "",
        tax_code=tax_code.strip() if role == Role.BUSINESS else "",
    )
    _check_common(
        username=username, password=password, full_name=user.full_name, national_id=national_id, user=user
    )
    user.set_password(password)
    user.save()
    return user


PHONE_PATTERN = re.compile(r"^(?:\+84|84|0)[1-9][0-9]{8,9}$")


def _phone_clean(phone: str) -> str:
    """A Vietnamese phone number as people write it (spaces, dots, dashes allowed), kept as digits."""
    digits = re.sub(r"[\s.\-()]", "", phone or "")
    if digits and not PHONE_PATTERN.match(digits):
        raise DomainError(
            _("Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678)."),
            fields={"phone": [_("Số điện thoại không hợp lệ (ví dụ 0912345678 hoặc +84912345678).")]},
        )
    return digits


@transaction.atomic
def user_update_profile(
    *, user: User, email: str, phone: str, full_name: str | None = None, national_id: str | None = None
) -> User:
    """A person edits their own account: contact details always; name and identification number only while
    no national identity vouches for them (once verified they come from the identity and are locked)."""
    from dvctt.accounts.national import national_identity_of

    locked = national_identity_of(user) is not None
    changes: dict[str, str] = {}
    for field, value in (("full_name", full_name), ("national_id", national_id)):
        if value is None or value.strip() == getattr(user, field):
            continue
        if locked:
            message = _("Thông tin này đã được xác thực qua tài khoản định danh quốc gia, không sửa được.")
            raise DomainError(message, fields={field: [message]})
        changes[field] = value.strip()
    if "full_name" in changes and not changes["full_name"]:
        raise DomainError(
            _("Họ và tên không được để trống."), fields={"full_name": [_("Không được để trống.")]}
        )
    if "national_id" in changes:
        try:
            national_id_validator(changes["national_id"])
        except ValidationError:
            message = _("Số định danh cá nhân phải gồm đúng 12 chữ số.")
            raise DomainError(message, fields={"national_id": [message]}) from None
    email = (email or "").strip()
    if email:
        try:
            validate_email(email)
        except ValidationError:
            message = _("Địa chỉ thư điện tử không hợp lệ.")
            raise DomainError(message, fields={"email": [message]}) from None
    changes.update(email=email, phone=_phone_clean(phone))
    for field, value in changes.items():
        setattr(user, field, value)
    user.save(update_fields=list(changes))
    return user
