"""Electronic forms (tờ khai điện tử) of a procedure version: a definition and the validation of filled data.

Pure functions, no database: the catalogue checks a definition when a version is saved, the citizen portal
renders a form from it, and the dossier service calls ``eform_data_validate`` on submit.

A definition is a list of fields::

    [{"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": true, "max_length": 100},
     {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "choices": [["nam", "Nam"], ["nu", "Nữ"]]}]

``choices`` items are ``[value, label]`` pairs or plain strings (value and label alike).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError

FIELD_TYPES = (
    "text",
    "textarea",
    "number",
    "integer",
    "date",
    "select",
    "multiselect",
    "checkbox",
    "email",
    "phone",
    "id_number",
)
_CHOICE_TYPES = {"select", "multiselect"}
_KNOWN_KEYS = {"name", "label", "type", "required", "choices", "help", "max_length"}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
# Vietnamese numbers: mobiles 0[35789] + 8 digits, landlines 02 + 9 digits; +84 for 0; separators ignored.
_PHONE = re.compile(r"^(?:\+84|84|0)(?:[35789]\d{8}|2\d{9})$")
_ID_NUMBER = re.compile(r"^\d{12}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


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


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def _clean_value(field: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """Return (cleaned value, error message or None) for a non-blank value."""
    label = field.get("label") or field["name"]
    field_type = field["type"]
    if field_type in ("text", "textarea"):
        text = str(value).strip()
        max_length = field.get("max_length")
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
            return int(str(value).strip()), None
        except ValueError:
            return None, _("%(label)s: phải là số nguyên.") % {"label": label}
    if field_type == "number":
        if isinstance(value, bool):
            return None, _("%(label)s: phải là số.") % {"label": label}
        try:
            number = Decimal(str(value).strip().replace(",", "."))
        except InvalidOperation:
            return None, _("%(label)s: phải là số.") % {"label": label}
        if not number.is_finite():
            return None, _("%(label)s: phải là số.") % {"label": label}
        return number, None
    if field_type == "date":
        parsed = _parse_date(value)
        if parsed is None:
            return None, _("%(label)s: ngày không hợp lệ (dd/mm/yyyy).") % {"label": label}
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
