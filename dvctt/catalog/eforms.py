"""Electronic forms (tờ khai điện tử) of a procedure version: a definition and the validation of filled data.

Pure functions, no database: the catalogue checks a definition when a version is saved, the citizen portal
renders a form from it, and the dossier service calls ``eform_data_validate`` on submit.

A definition is a list of fields::

    [{"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": true, "max_length": 100},
     {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "choices": [["nam", "Nam"], ["nu", "Nữ"]]}]

``choices`` items are ``[value, label]`` pairs or plain strings (value and label alike).

``prefill`` (optional) names what the applicant's account holds for the field: one of ``PREFILL_ROLES``
(``full_name``, ``national_id``, ``phone``, ``email``, ``address``, ``birth_date``), or ``none`` for a field that
must not be filled from the account. Without the key, a few well-known names are recognised
(:data:`PREFILL_BY_NAME`: ``ho_ten``, ``so_dinh_danh``, ``dien_thoai``, ``email``…); the portal fills these fields
and locks those the national identity vouches for (docs/portal.md, "Prefill").

``eform_data_display`` is the one way filled data is shown to officials (the back-office page, slips, exports):
labels, formatted values, and personal fields (identification and phone numbers) masked unless the reader may
see them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.common.masking import mask_id
from dvctt.common.text import FREE_TEXT_MAX_CHARS

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "integer",
    "money",
    "date",
    "select",
    "multiselect",
    "checkbox",
    "email",
    "phone",
    "id_number",
)
_CHOICE_TYPES = {"select", "multiselect"}
_KNOWN_KEYS = {"name", "label", "type", "required", "choices", "help", "max_length", "prefill"}
#: What an account can hold for a field, and the field types each may fill.
PREFILL_ROLES: dict[str, tuple[str, ...]] = {
    "full_name": ("text",),
    "national_id": ("id_number", "text"),
    "phone": ("phone", "text"),
    "email": ("email", "text"),
    "address": ("text", "textarea"),
    "birth_date": ("date",),
}
PREFILL_NONE = "none"
#: Field names taken to be the applicant's own without a ``prefill`` key. Only names that, in the forms in use,
#: always mean the applicant (a child's or the other party's fields carry a suffix: ``ho_ten_tre``); a birth date
#: or an address is filled only when declared, since ``ngay_sinh`` or ``dia_chi`` is often someone else's.
PREFILL_BY_NAME: dict[str, str] = {
    "ho_ten": "full_name",
    "ho_va_ten": "full_name",
    "ho_ten_nguoi_yeu_cau": "full_name",
    "ho_ten_nguoi_nop": "full_name",
    "so_dinh_danh": "national_id",
    "so_dinh_danh_ca_nhan": "national_id",
    "so_cccd": "national_id",
    "dien_thoai": "phone",
    "so_dien_thoai": "phone",
    "email": "email",
    "thu_dien_tu": "email",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Vietnamese numbers: mobiles 0[35789] + 8 digits, landlines 02 + 9 digits; +84 for 0; separators ignored.
_PHONE = re.compile(r"^(?:\+84|84|0)(?:[35789]\d{8}|2\d{9})$")
_ID_NUMBER = re.compile(r"^\d{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Bounds on what a form accepts (odd input used to be stored, or to end in a 500 in exports and reports).
MAX_NUMBER = 10**15
FIRST_DAY, LAST_DAY = date(1900, 1, 1), date(2100, 12, 31)


class EFormError(DomainError):
    """A bad definition or bad data; ``fields`` maps a field name to its messages."""


def _choice_values(choices: list[Any]) -> list[str]:
    return [str(item[0]) if isinstance(item, list | tuple) else str(item) for item in choices]


def eform_definition_validate(definition: Any) -> list[dict[str, Any]]:
    """Check a definition; return it unchanged, or raise ``EFormError`` listing every problem."""
    if definition in (None, ""):
        return []
    if not isinstance(definition, list):
        raise EFormError(_("Biểu mẫu điện tử phải là một danh sách trường."))
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for index, field in enumerate(definition, start=1):
        if not isinstance(field, dict):
            problems.setdefault(f"#{index}", []).append(_("Trường thứ %(n)d không hợp lệ.") % {"n": index})
            continue
        name = field.get("name")
        key = str(name) if name else f"#{index}"
        errors = problems.setdefault(key, [])
        if not isinstance(name, str) or not _NAME.match(name):
            errors.append(
                _("Trường thứ %(n)d: tên “%(name)s” không hợp lệ (chữ thường không dấu, số, dấu gạch dưới).")
                % {"n": index, "name": name or ""}
            )
        elif name in seen:
            errors.append(_("Tên trường “%(name)s” bị trùng.") % {"name": name})
        else:
            seen.add(name)
        if not str(field.get("label") or "").strip():
            errors.append(_("Trường “%(name)s” thiếu nhãn.") % {"name": key})
        field_type = field.get("type")
        if field_type not in FIELD_TYPES:
            errors.append(
                _("Trường “%(name)s” có kiểu không hỗ trợ: “%(type)s”.") % {"name": key, "type": field_type}
            )
        choices = field.get("choices")
        if field_type in _CHOICE_TYPES:
            if not isinstance(choices, list) or not choices:
                errors.append(_("Trường “%(name)s” kiểu lựa chọn cần danh sách lựa chọn.") % {"name": key})
            else:
                values = _choice_values(choices)
                if len(set(values)) != len(values):
                    errors.append(_("Trường “%(name)s” có lựa chọn bị trùng.") % {"name": key})
        elif choices:
            errors.append(_("Trường “%(name)s” không phải kiểu lựa chọn nhưng có lựa chọn.") % {"name": key})
        max_length = field.get("max_length")
        if max_length is not None and (
            isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 1
        ):
            errors.append(_("Trường “%(name)s”: độ dài tối đa phải là số nguyên dương.") % {"name": key})
        prefill = field.get("prefill")
        if prefill is not None and prefill != PREFILL_NONE:
            if prefill not in PREFILL_ROLES:
                errors.append(
                    _("Trường “%(name)s”: giá trị điền sẵn “%(prefill)s” không hỗ trợ.")
                    % {"name": key, "prefill": prefill}
                )
            elif field_type in FIELD_TYPES and field_type not in PREFILL_ROLES[prefill]:
                errors.append(
                    _("Trường “%(name)s”: kiểu “%(type)s” không điền sẵn được “%(prefill)s”.")
                    % {"name": key, "type": field_type, "prefill": prefill}
                )
        unknown = set(field) - _KNOWN_KEYS
        if unknown:
            errors.append(
                _("Trường “%(name)s” có thuộc tính không hỗ trợ: %(keys)s.")
                % {"name": key, "keys": ", ".join(sorted(unknown))}
            )
        if not errors:
            del problems[key]
    if problems:
        first = next(iter(problems.values()))[0]
        raise EFormError(_("Biểu mẫu điện tử không hợp lệ: %(first)s") % {"first": first}, fields=problems)
    return definition


def eform_field_prefill(field: dict[str, Any]) -> str | None:
    """The account value that fills ``field`` (a key of PREFILL_ROLES), or None.

    The declared ``prefill`` wins (``none``: never); else a well-known name of a fitting type (PREFILL_BY_NAME).
    """
    declared = field.get("prefill")
    if declared is not None:
        return declared if declared in PREFILL_ROLES else None
    role = PREFILL_BY_NAME.get(str(field.get("name") or ""))
    if role is None or field.get("type", "text") not in PREFILL_ROLES[role]:
        return None
    return role


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _is_birth_date(field: dict[str, Any]) -> bool:
    return "ngay_sinh" in str(field.get("name") or "") or "ngày sinh" in str(field.get("label") or "").lower()


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _clean_value(field: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """Return (cleaned value, error message or None) for a non-blank value."""
    label = field.get("label") or field["name"]
    field_type = field["type"]
    if field_type in ("text", "textarea"):
        text = str(value).strip()
        max_length = field.get("max_length") or FREE_TEXT_MAX_CHARS
        if max_length and len(text) > max_length:
            return None, _("%(label)s: tối đa %(max)d ký tự (đang có %(n)d).") % {
                "label": label,
                "max": max_length,
                "n": len(text),
            }
        return text, None
    if field_type == "integer":
        if isinstance(value, bool):
            return None, _("%(label)s: phải là số nguyên.") % {"label": label}
        try:
            integer = int(str(value).strip())
        except ValueError:
            return None, _("%(label)s: phải là số nguyên.") % {"label": label}
        if abs(integer) > MAX_NUMBER:
            return None, _("%(label)s: số quá lớn.") % {"label": label}
        return integer, None
    if field_type == "money":
        if isinstance(value, bool):
            return None, _("%(label)s: phải là số tiền (đồng).") % {"label": label}
        try:
            amount = int(re.sub(r"[\s.,đ]", "", str(value)))
        except ValueError:
            return None, _("%(label)s: phải là số tiền (đồng).") % {"label": label}
        if amount < 0:
            return None, _("%(label)s: phải là số tiền (đồng).") % {"label": label}
        return amount, None
    if field_type == "number":
        if isinstance(value, bool):
            return None, _("%(label)s: phải là số.") % {"label": label}
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            return None, _("%(label)s: phải là số.") % {"label": label}
        if not number.is_finite():
            return None, _("%(label)s: phải là số.") % {"label": label}
        if abs(number) > MAX_NUMBER:
            return None, _("%(label)s: số quá lớn.") % {"label": label}
        return number, None
    if field_type == "date":
        parsed = _parse_date(value)
        if parsed is None:
            return None, _("%(label)s: ngày không hợp lệ (dd/mm/yyyy).") % {"label": label}
        if not FIRST_DAY <= parsed <= LAST_DAY:
            return None, _("%(label)s: ngày phải từ %(first)s đến %(last)s.") % {
                "label": label,
                "first": f"{FIRST_DAY:%d/%m/%Y}",
                "last": f"{LAST_DAY:%d/%m/%Y}",
            }
        if _is_birth_date(field) and parsed > timezone.localdate():
            return None, _("%(label)s: ngày sinh không được sau ngày hôm nay.") % {"label": label}
        return parsed, None
    if field_type == "select":
        values = _choice_values(field.get("choices") or [])
        if str(value) not in values:
            return None, _("%(label)s: lựa chọn “%(value)s” không có trong danh sách.") % {
                "label": label,
                "value": value,
            }
        return str(value), None
    if field_type == "multiselect":
        items = value if isinstance(value, list | tuple) else [value]
        values = _choice_values(field.get("choices") or [])
        wrong = [str(item) for item in items if str(item) not in values]
        if wrong:
            return None, _("%(label)s: lựa chọn “%(value)s” không có trong danh sách.") % {
                "label": label,
                "value": ", ".join(wrong),
            }
        return [str(item) for item in items], None
    if field_type == "checkbox":
        if isinstance(value, bool):
            return value, None
        text = str(value).strip().lower()
        if text in ("1", "true", "on", "yes", "co", "có"):
            return True, None
        if text in ("0", "false", "off", "no", "khong", "không"):
            return False, None
        return None, _("%(label)s: giá trị không hợp lệ.") % {"label": label}
    if field_type == "email":
        text = str(value).strip()
        if not _EMAIL.match(text) or len(text) > 254:
            return None, _("%(label)s: địa chỉ thư điện tử không hợp lệ.") % {"label": label}
        return text.lower(), None
    if field_type == "phone":
        text = re.sub(r"[\s.\-()]", "", str(value))
        if not _PHONE.match(text):
            return None, _("%(label)s: số điện thoại không hợp lệ.") % {"label": label}
        if text.startswith("+84"):
            text = "0" + text[3:]
        elif text.startswith("84") and len(text) > 10:
            text = "0" + text[2:]
        return text, None
    if field_type == "id_number":
        text = str(value).strip()
        if not _ID_NUMBER.match(text):
            return None, _("%(label)s: số định danh cá nhân phải gồm đúng 12 chữ số.") % {"label": label}
        return text, None
    return None, _("%(label)s: kiểu trường không hỗ trợ.") % {"label": label}


def eform_data_validate(definition: list[dict[str, Any]], data: dict[str, Any]) -> dict[str, Any]:
    """Validate data filled in a form; return cleaned values by field name.

    Raises ``EFormError`` with every field's Vietnamese messages in ``fields``. Keys not in the definition are
    dropped. A blank optional field is ``None`` (``False`` for a checkbox, ``[]`` for a multiselect).
    """
    if not isinstance(data, dict):
        raise EFormError(_("Dữ liệu tờ khai phải là một đối tượng."))
    cleaned: dict[str, Any] = {}
    problems: dict[str, list[str]] = {}
    for field in definition:
        name = field["name"]
        value = data.get(name)
        label = field.get("label") or name
        if field["type"] == "checkbox" and value is None:
            value = False
        if _is_blank(value) or (field["type"] == "checkbox" and value is False and field.get("required")):
            if field.get("required"):
                problems[name] = [_("%(label)s: bắt buộc nhập.") % {"label": label}]
                continue
            cleaned[name] = (
                [] if field["type"] == "multiselect" else (False if field["type"] == "checkbox" else None)
            )
            continue
        result, error = _clean_value(field, value)
        if error:
            problems[name] = [error]
        else:
            cleaned[name] = result
    if problems:
        first = next(iter(problems.values()))[0]
        raise EFormError(_("Tờ khai chưa hợp lệ: %(first)s") % {"first": first}, fields=problems)
    return cleaned


# --- display ----------------------------------------------------------------------------------------------------

#: Field types whose values identify a person (masked for readers who may not see identification numbers).
PERSONAL_TYPES = frozenset({"id_number", "phone"})
#: Name parts that mark a personal field whatever its type (forms built before the typed fields existed).
_PERSONAL_NAME_PARTS = frozenset(
    {"cccd", "cmnd", "cmt", "dinh_danh", "ho_chieu", "dien_thoai", "sdt", "so_dt", "can_cuoc", "mst"}
)
_MONEY_NAME_PARTS = frozenset({"tien", "le_phi", "phi"})
EMPTY = "—"


def eform_field_is_personal(field: dict[str, Any]) -> bool:
    """An identification or phone number: by its type, or by a common name (``so_cccd``, ``dien_thoai``...)."""
    if field.get("type") in PERSONAL_TYPES:
        return True
    name = f"_{field.get('name') or ''}_"
    return any(f"_{part}_" in name for part in _PERSONAL_NAME_PARTS)


def _is_money(field: dict[str, Any]) -> bool:
    if field.get("type") == "money":
        return True
    if field.get("type") not in ("number", "integer"):
        return False
    name = f"_{field.get('name') or ''}_"
    return any(f"_{part}_" in name for part in _MONEY_NAME_PARTS)


def format_number(value: Any, *, group: bool = True) -> str:
    """Vietnamese number: 1.234.567,5 (dot between thousands, decimal comma)."""
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        return str(value)
    if not number.is_finite():
        return str(value)
    text = format(number.normalize(), ",f" if group else "f")
    whole, _sep, fraction = text.partition(".")
    whole = whole.replace(",", ".")
    return f"{whole},{fraction}" if fraction else whole


def format_money(value: Any) -> str:
    """200000 → ``200.000 đ``."""
    return f"{format_number(value)} đ"


@dataclass(frozen=True)
class EFormItem:
    """One line of a filled form as shown: the field's label and its formatted value."""

    name: str
    label: str
    value: str
    personal: bool = False
    masked: bool = False


def _format_value(field: dict[str, Any], value: Any) -> str:
    kind = field.get("type")
    if kind == "checkbox":
        truthy = value is True or str(value).strip().lower() in ("1", "true", "on", "yes", "co", "có")
        return _("Có") if truthy else _("Không")
    if _is_blank(value):
        return EMPTY
    if _is_money(field):
        return format_money(value)
    if kind == "date":
        parsed = _parse_date(value)
        return parsed.strftime("%d/%m/%Y") if parsed else str(value)
    if kind == "number":
        return format_number(value)
    if kind in _CHOICE_TYPES:
        labels = dict(
            (str(c[0]), str(c[1])) if isinstance(c, list | tuple) else (str(c), str(c))
            for c in field.get("choices") or []
        )
        items = value if isinstance(value, list | tuple) else [value]
        return ", ".join(labels.get(str(item), str(item)) for item in items) or EMPTY
    if isinstance(value, bool):
        return _("Có") if value else _("Không")
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def eform_data_display(
    definition: list[dict[str, Any]] | None, data: dict[str, Any] | None, *, show_personal: bool
) -> list[EFormItem]:
    """The filled form as the applicant saw it, in the definition's order: label, formatted value.

    Dates dd/mm/yyyy, money ``200.000 đ``, choices by their label, booleans Có/Không, blanks ``—``. Personal
    fields (identification and phone numbers) are masked unless ``show_personal`` (the caller decides with
    ``accounts.scopes.user_can_see_personal_ids``, the rule of the applicant's own id number). Keys the
    definition does not hold are not shown (the validator drops them on submit).
    """
    data = data or {}
    items: list[EFormItem] = []
    for field in definition or []:
        if not isinstance(field, dict) or not field.get("name"):
            continue
        name = str(field["name"])
        value = data.get(name)
        personal = eform_field_is_personal(field)
        shown = _format_value(field, value)
        masked = personal and not show_personal and shown != EMPTY
        if masked:
            shown = mask_id(shown)
        items.append(
            EFormItem(
                name=name,
                label=str(field.get("label") or name),
                value=shown,
                personal=personal,
                masked=masked,
            )
        )
    return items


def eform_data_masked(
    definition: list[dict[str, Any]] | None, data: dict[str, Any] | None, *, show_personal: bool
) -> dict[str, Any]:
    """The raw data (keys and values as stored, for machine readers such as the API) with the personal fields
    masked unless ``show_personal``: the same rule as :func:`eform_data_display`."""
    data = dict(data or {})
    if show_personal:
        return data
    personal = {
        str(f["name"]) for f in definition or [] if isinstance(f, dict) and eform_field_is_personal(f)
    }
    for name in personal & set(data):
        if not _is_blank(data[name]):
            data[name] = mask_id(str(data[name]))
    return data
