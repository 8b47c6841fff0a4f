"""Problems found in an interchange folder, each naming its file, line, key and the reason in Vietnamese."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import AppRegistryNotReady, ImproperlyConfigured
from django.utils.translation import gettext


def gettext_noop(message: str) -> str:
    """Marks a message for makemessages (which looks for this name) without touching Django's settings, so the
    reader also runs in a bare script; the message is translated when an issue is built."""
    return message


MESSAGES = {
    "json": gettext_noop("Dòng không phải JSON hợp lệ: %(detail)s"),
    "not_object": gettext_noop("Dòng phải là một đối tượng JSON {…}"),
    "missing": gettext_noop("Thiếu trường bắt buộc %(key)s"),
    "empty": gettext_noop("Trường bắt buộc %(key)s không được để trống"),
    "type_str": gettext_noop("%(key)s phải là chuỗi ký tự"),
    "type_int": gettext_noop("%(key)s phải là số nguyên"),
    "type_number": gettext_noop("%(key)s phải là số"),
    "negative": gettext_noop("%(key)s không được âm"),
    "type_list": gettext_noop("%(key)s phải là danh sách"),
    "type_object": gettext_noop("%(key)s phải là đối tượng JSON {…}"),
    "enum": gettext_noop("%(key)s có giá trị %(value)s không hợp lệ; cho phép: %(allowed)s"),
    "range": gettext_noop("%(key)s có giá trị %(value)s ngoài khoảng %(allowed)s"),
    "date": gettext_noop("%(key)s phải là ngày dạng yyyyMMdd hợp lệ, nhận được %(value)s"),
    "time": gettext_noop("%(key)s phải là thời điểm dạng yyyyMMddHHmmss hợp lệ, nhận được %(value)s"),
    "date_order": gettext_noop("%(key)s (%(value)s) trước HieuLucTu"),
    "duplicate": gettext_noop("%(key)s %(value)s trùng với dòng %(first)s"),
    "unknown_unit": gettext_noop("%(key)s %(value)s không có trong agencies.jsonl"),
    "unknown_procedure": gettext_noop("%(key)s %(value)s không có trong procedures.jsonl"),
    "unknown_dossier": gettext_noop("%(key)s %(value)s không có trong dossiers.jsonl"),
    "successor_cycle": gettext_noop("Chuỗi đơn vị kế thừa lặp vòng: %(value)s"),
}


def _translate(message: str) -> str:
    try:
        return gettext(message)
    except (ImproperlyConfigured, AppRegistryNotReady):
        return message


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem: ``code`` is stable for programs, ``reason`` is for people."""

    file: str
    line: int
    key: str | None
    code: str
    reason: str
    record: str | None = None  # the line's own code (MaHoSo, MaDonVi, …) when it could be read

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        if self.record:
            where += f" ({self.record})"
        return f"{where}: {self.reason}"


def make_issue(
    file: str, line: int, key: str | None, code: str, record: str | None = None, **params: object
) -> Issue:
    values = {"key": key, **params}
    reason = _translate(MESSAGES[code]) % values
    return Issue(file=file, line=line, key=key, code=code, reason=reason, record=record)
