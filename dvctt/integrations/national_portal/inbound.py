"""Messages the national portal pushes to the province (spec/national-portal.md §1, operation 4).

The envelope is the platform's choice, **unconfirmed** against the province's connection papers::

    {"MaThongDiep": "<key, unique per message>", "LoaiThongDiep": "<kind>",
     "ThoiGianGui": "yyyyMMddHHmmss", "DuLieu": {...}}

Kinds: ``BoSungHoSo`` (the citizen's supplement answered on the portal), ``ThongBaoThue`` (a tax notice),
``NopHoSo`` (a dossier submitted on the portal, for the procedures the province enables). Each is answered
``{"error_code": 0 | -1, "message": "..."}`` (docs/national-portal.md, "Inbound messages").

:func:`inbound_receive` is all or nothing: the effect goes through the dossier services in one transaction with
the :class:`InboundMessage` row that records it; a rejected message changes nothing but its own row. The row's
unique key makes a repeat harmless: the same key and body get the first answer again, with no second effect;
the same key with another body is refused; a key whose message was rejected may be sent again, corrected.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
import re
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.common.errors import DomainError
from dvctt.common.text import FREE_TEXT_MAX_CHARS
from dvctt.dossiers import services as dossier_services
from dvctt.dossiers.files import max_upload_bytes
from dvctt.dossiers.models import ApplicantType, Dossier
from dvctt.dossiers.states import Channel, Status
from dvctt.integrations.national_portal.inbound_auth import InboundConfig
from dvctt.integrations.national_portal.inbound_models import InboundKind, InboundMessage, InboundOutcome
from dvctt.integrations.national_portal.models import ProcedureCode, UnitCode

logger = logging.getLogger(__name__)
VN = ZoneInfo("Asia/Ho_Chi_Minh")

#: ``Dossier.extra`` keys of a dossier submitted on the portal (exported verbatim by the interchange writer).
SOURCE_KEY = "NguonHoSo"
SOURCE = "DVCQG"
PORTAL_CODE_KEY = "MaHoSoDVCQG"
SUBJECT_KEY = "MaDoiTuong"

_KEY = re.compile(r"^[A-Za-z0-9._:\-]{1,100}$")
#: Statuses after which a dossier takes no tax notice (it has ended or its result is issued).
_CLOSED = frozenset({Status.NOT_ACCEPTED, Status.STOPPED, Status.PROCESSED, Status.RETURNED})
#: The raw text kept of a message that could not be read as JSON.
RAW_SAMPLE_CHARS = 4000


@dataclass(frozen=True)
class Answer:
    error_code: int
    message: str
    http_status: int = 200
    data: dict[str, Any] | None = None

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"error_code": self.error_code, "message": self.message}
        if self.data:
            body["data"] = self.data
        return body


class Rejected(Exception):
    """A message refused: ``message`` is the reason the portal is told (Vietnamese)."""

    def __init__(self, message: str, *, http_status: int = 200, dossier: Dossier | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.http_status = http_status
        self.dossier = dossier


@dataclass
class Effect:
    """What a message did: the answer's text, the outcome, and the dossier it concerns."""

    message: str
    outcome: str = InboundOutcome.ACCEPTED
    dossier: Dossier | None = None
    dossier_code: str = ""
    reference: str = ""
    data: dict[str, Any] = field(default_factory=dict)


# --- reading the message ------------------------------------------------------------------------------------------


def _too_deep(data: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                return True
            stack.extend((item, depth + 1) for item in (value.values() if isinstance(value, dict) else value))
    return False


def _field_error(name: str, problem: str) -> Rejected:
    return Rejected(_("Trường %(name)s: %(problem)s") % {"name": name, "problem": problem}, http_status=400)


def _text(data: dict[str, Any], name: str, *, max_len: int, required: bool = True) -> str:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise _field_error(name, _("bắt buộc."))
        return ""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise _field_error(name, _("phải là chuỗi ký tự."))
    text = str(value).strip()
    if "\x00" in text:
        raise _field_error(name, _("chứa ký tự không hợp lệ."))
    if len(text) > max_len:
        raise _field_error(name, _("dài quá %(max)s ký tự.") % {"max": max_len})
    return text


def _int(data: dict[str, Any], name: str, *, low: int, high: int, required: bool = True) -> int | None:
    value = data.get(name)
    if value is None:
        if required:
            raise _field_error(name, _("bắt buộc."))
        return None
    if isinstance(value, str) and re.fullmatch(r"-?\d{1,18}", value.strip()):
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, int):
        raise _field_error(name, _("phải là số nguyên."))
    if not low <= value <= high:
        raise _field_error(name, _("phải từ %(low)s đến %(high)s.") % {"low": low, "high": high})
    return value


def _portal_time(value: Any, name: str) -> datetime:
    """``yyyyMMddHHmmss``, Vietnam time."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{14}", value):
        raise _field_error(name, _("phải có dạng yyyyMMddHHmmss."))
    try:
        return datetime.strptime(value, "%Y%m%d%H%M%S").replace(tzinfo=VN)
    except ValueError:
        raise _field_error(name, _("không phải thời điểm có thật.")) from None


def _portal_date(value: Any, name: str) -> date:
    """``yyyyMMdd`` (or a full ``yyyyMMddHHmmss``)."""
    if isinstance(value, str) and re.fullmatch(r"\d{14}", value):
        return _portal_time(value, name).date()
    if not isinstance(value, str) or not re.fullmatch(r"\d{8}", value):
        raise _field_error(name, _("phải có dạng yyyyMMdd."))
    try:
        return datetime.strptime(value, "%Y%m%d").date()
    except ValueError:
        raise _field_error(name, _("không phải ngày có thật.")) from None


def _object(data: dict[str, Any], name: str, *, required: bool = True) -> dict[str, Any]:
    value = data.get(name)
    if value is None and not required:
        return {}
    if not isinstance(value, dict):
        raise _field_error(name, _("phải là một đối tượng JSON."))
    return value


# --- files --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PendingFile:
    name: str
    url: str = ""
    content: bytes | None = None


def _files(data: dict[str, Any], name: str, config: InboundConfig) -> list[PendingFile]:
    """The files a message lists: each ``{"TenTepDinhKem": name, "DuongDanTaiTepTin": http(s) URL}`` (fetched by
    the platform) or ``{"TenTepDinhKem": name, "NoiDungTep": base64}`` (inline, within the message's size)."""
    items = data.get(name)
    if items is None:
        return []
    if not isinstance(items, list):
        raise _field_error(name, _("phải là một danh sách."))
    if len(items) > config.max_files:
        raise _field_error(name, _("nhiều hơn %(max)s tệp.") % {"max": config.max_files})
    files = []
    for index, item in enumerate(items, start=1):
        label = f"{name}[{index}]"
        if not isinstance(item, dict):
            raise _field_error(label, _("phải là một đối tượng JSON."))
        file_name = _text(item, "TenTepDinhKem", max_len=255)
        url = _text(item, "DuongDanTaiTepTin", max_len=2000, required=False)
        inline = item.get("NoiDungTep")
        if bool(url) == (inline is not None):
            raise _field_error(label, _("cần đúng một trong DuongDanTaiTepTin hoặc NoiDungTep."))
        if url:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise _field_error(label, _("đường dẫn tệp phải là http hoặc https."))
            if config.file_hosts and parts.hostname.lower() not in config.file_hosts:
                raise _field_error(label, _("máy chủ %(host)s không được phép.") % {"host": parts.hostname})
            files.append(PendingFile(name=file_name, url=url))
            continue
        if not isinstance(inline, str):
            raise _field_error(label, _("NoiDungTep phải là chuỗi base64."))
        try:
            content = base64.b64decode(inline, validate=True)
        except (binascii.Error, ValueError):
            raise _field_error(label, _("NoiDungTep không phải base64 hợp lệ.")) from None
        files.append(PendingFile(name=file_name, content=content))
    return files


class _SafeRedirect(urllib.request.HTTPRedirectHandler):
    def __init__(self, hosts: tuple[str, ...]) -> None:
        self.hosts = hosts

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        parts = urllib.parse.urlsplit(newurl)
        if parts.scheme not in ("http", "https") or (
            self.hosts and (parts.hostname or "").lower() not in self.hosts
        ):
            raise urllib.error.URLError(f"redirect to {parts.scheme}://{parts.hostname} refused")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _fetch(file: PendingFile, config: InboundConfig) -> bytes:
    """The bytes at ``file.url``: bounded in size (the upload limit) and time; Rejected otherwise."""
    limit = max_upload_bytes()
    opener = urllib.request.build_opener(_SafeRedirect(config.file_hosts))
    request = urllib.request.Request(file.url, headers={"User-Agent": "DVCTT-inbound/1"})  # noqa: S310 - checked
    try:
        with opener.open(request, timeout=config.file_timeout) as response:
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise Rejected(_too_big(file.name, limit))
            content = response.read(limit + 1)
    except Rejected:
        raise
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", None) or getattr(exc, "code", None) or exc
        logger.info("inbound: file %s not fetched from %s: %s", file.name, file.url, reason)
        raise Rejected(
            _("Không tải được tệp “%(name)s” từ đường dẫn đã gửi (%(reason)s).")
            % {"name": file.name, "reason": reason}
        ) from None
    if len(content) > limit:
        raise Rejected(_too_big(file.name, limit))
    return content


def _too_big(name: str, limit: int) -> str:
    return _("Tệp “%(name)s” vượt quá giới hạn %(mb).0f MB.") % {"name": name, "mb": limit / 1048576}


def _load(files: list[PendingFile], config: InboundConfig) -> list[tuple[str, bytes]]:
    loaded = []
    limit = max_upload_bytes()
    for file in files:
        content = file.content if file.content is not None else _fetch(file, config)
        if len(content) > limit:
            raise Rejected(_too_big(file.name, limit))
        loaded.append((file.name, content))
    return loaded


def _upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


# --- the kinds ----------------------------------------------------------------------------------------------------


@dataclass
class Prepared:
    """A message read and checked, its files fetched: ready to apply in the transaction."""

    kind: str
    data: dict[str, Any]
    files: list[tuple[str, bytes]] = field(default_factory=list)


def _dossier(code: str, *, lock: bool = False) -> Dossier:
    """The dossier ``code`` names; ``lock``: its row locked until the transaction ends (the dossier services
    lock it too), so two messages about one dossier are applied one after the other."""
    rows = Dossier.objects.select_for_update() if lock else Dossier.objects
    dossier = rows.filter(code=code).first()
    if dossier is None:
        raise Rejected(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
    return dossier


def _status_label(status: int) -> str:
    return str(Status(status).label) if status in Status.values else str(status)


def _prepare_supplement(data: dict[str, Any], config: InboundConfig) -> Prepared:
    fields = {
        "code": _text(data, "MaHoSo", max_len=64),
        "note": _text(data, "NoiDungBoSung", max_len=FREE_TEXT_MAX_CHARS, required=False),
    }
    pending = _files(data, "TaiLieuBoSung", config)
    if not fields["note"] and not pending:
        # As on the platform: an empty answer would resume the clock with nothing supplied.
        raise Rejected(_("Hãy ghi nội dung bổ sung hoặc đính kèm ít nhất một tệp."))
    return Prepared(InboundKind.SUPPLEMENT, fields, _load(pending, config))


def _apply_supplement(prepared: Prepared) -> Effect:
    code = prepared.data["code"]
    dossier = _dossier(code)
    if dossier.status != Status.SUPPLEMENT_REQUESTED:
        raise Rejected(
            _("Hồ sơ %(code)s không chờ bổ sung (trạng thái: %(status)s).")
            % {"code": code, "status": _status_label(dossier.status)},
            dossier=dossier,
        )
    # The citizen answered on the portal: recorded as their own answer when the dossier has their account,
    # otherwise as the system's (actor None: the system's moves are allowed by the state machine).
    actor = User.objects.filter(pk=dossier.applicant_id).first() if dossier.applicant_id else None
    changed = dossier_services.dossier_answer_supplement(
        dossier_id=dossier.pk,
        actor=actor,  # type: ignore[arg-type]  # None = the system (transition_apply allows it)
        note=prepared.data["note"],
        files=[dossier_services.FileUpload(name, _upload(name, content)) for name, content in prepared.files],
    )
    return Effect(
        _("Đã nhận bổ sung cho hồ sơ %(code)s; hồ sơ tiếp tục được xử lý.") % {"code": code},
        dossier=changed,
        dossier_code=code,
    )


def _prepare_tax_notice(data: dict[str, Any], config: InboundConfig) -> Prepared:
    due = _portal_date(data.get("HanNop"), "HanNop") if data.get("HanNop") is not None else None
    fields = {
        "code": _text(data, "MaHoSo", max_len=64),
        "number": _text(data, "SoThongBao", max_len=100),
        "amount": _int(data, "SoTien", low=1, high=10**13),
        "due": due,
        "authority": _text(data, "CoQuanThue", max_len=255, required=False),
        "content": _text(data, "NoiDung", max_len=2000, required=False),
    }
    return Prepared(InboundKind.TAX_NOTICE, fields)


def _apply_tax_notice(prepared: Prepared) -> Effect:
    data = prepared.data
    code, number, amount = data["code"], data["number"], int(data["amount"])
    dossier = _dossier(
        code, lock=True
    )  # a notice sent twice under two keys at once: the second sees the first
    effect = Effect("", dossier=dossier, dossier_code=code, reference=number)
    already = InboundMessage.objects.filter(
        kind=InboundKind.TAX_NOTICE,
        dossier_code=code,
        reference=number,
        outcome__in=[InboundOutcome.ACCEPTED, InboundOutcome.RECORDED],
    ).first()
    if already is not None:
        effect.message = _("Thông báo thuế số %(number)s của hồ sơ %(code)s đã được nhận trước đó.") % {
            "number": number,
            "code": code,
        }
        effect.outcome = already.outcome
        return effect
    if dossier.status in _CLOSED:
        raise Rejected(
            _("Hồ sơ %(code)s đã kết thúc xử lý (trạng thái: %(status)s), không nhận thông báo thuế.")
            % {"code": code, "status": _status_label(dossier.status)},
            dossier=dossier,
        )
    parts = [_("Thông báo thuế số %(number)s") % {"number": number}]
    if data["authority"]:
        parts.append(data["authority"])
    if data["due"] is not None:
        parts.append(_("hạn nộp %(day)s") % {"day": data["due"].strftime("%d/%m/%Y")})
    content = ", ".join(parts) + (f": {data['content']}" if data["content"] else ".")
    if dossier.status != Status.PROCESSING:
        # The state machine asks for the obligation only while the dossier is being processed: the notice is
        # kept (outcome "recorded") for the officer, who asks for it when processing resumes.
        effect.outcome = InboundOutcome.RECORDED
        effect.message = _(
            "Đã ghi nhận thông báo thuế số %(number)s; hồ sơ %(code)s đang ở trạng thái “%(status)s” nên cán bộ "
            "xử lý sẽ yêu cầu thực hiện nghĩa vụ tài chính khi tiếp tục xử lý."
        ) % {"number": number, "code": code, "status": _status_label(dossier.status)}
        return effect
    effect.dossier = dossier_services.dossier_request_financial_obligation(
        dossier_id=dossier.pk,
        actor=None,  # type: ignore[arg-type]  # the system, on the tax authority's notice
        amount=amount,
        content=content,
    )
    effect.message = _(
        "Đã yêu cầu thực hiện nghĩa vụ tài chính %(amount)s đồng cho hồ sơ %(code)s (thông báo thuế số %(number)s)."
    ) % {"amount": f"{amount:,}".replace(",", "."), "code": code, "number": number}
    return effect


def _prepare_submission(data: dict[str, Any], config: InboundConfig) -> Prepared:
    portal_code = _text(data, "MaHoSo", max_len=50)
    national = _text(data, "MaTTHC", max_len=64)
    unit_code = _text(data, "MaDonVi", max_len=64)
    applicant_type = _int(data, "LoaiDoiTuong", low=1, high=4, required=False) or 1
    email = _text(data, "Email", max_len=254, required=False)
    if email:
        try:
            validate_email(email)
        except ValidationError:
            raise _field_error("Email", _("không phải địa chỉ thư điện tử hợp lệ.")) from None
    form = _object(data, "DuLieuToKhai", required=False)
    fields = {
        "portal_code": portal_code,
        "national": national,
        "unit_code": unit_code,
        "name": _text(data, "ChuHoSo", max_len=255),
        "applicant_type": ApplicantType.CITIZEN if applicant_type == 1 else ApplicantType.ORGANISATION,
        "id_number": _text(data, "SoGiayToChuHoSo", max_len=20, required=False),
        "phone": _text(data, "SoDienThoai", max_len=15, required=False),
        "email": email,
        "address": _text(data, "DiaChi", max_len=255, required=False),
        "subject": _text(data, "MaDoiTuong", max_len=255, required=False),
        "form": form,
    }
    if "*" not in config.submit_procedures and national not in config.submit_procedures:
        raise Rejected(
            _("Tỉnh chưa nhận hồ sơ nộp trên Cổng DVCQG cho thủ tục %(code)s.") % {"code": national}
        )
    return Prepared(InboundKind.SUBMISSION, fields, _load(_files(data, "TaiLieuNop", config), config))


def _local_procedure(national: str) -> str:
    mapped = ProcedureCode.objects.filter(code=national).values_list("procedure__code", flat=True).first()
    return mapped or national


def _local_unit(code: str) -> str:
    mapped = UnitCode.objects.filter(code=code).values_list("unit__code", flat=True).first()
    return mapped or code


def _submitter(subject: str, config: InboundConfig) -> User:
    """The applicant's own account when it is linked to the national identity the portal names; otherwise the
    province's configured account for dossiers submitted on the portal."""
    applicant_roles = (Role.CITIZEN, Role.BUSINESS)
    if subject:
        linked = User.objects.filter(
            national_identity__tech_id=subject, role__in=applicant_roles, is_active=True
        ).first()
        if linked is not None:
            return linked
    account = (
        User.objects.filter(username=config.account, role__in=applicant_roles, is_active=True).first()
        if config.account
        else None
    )
    if account is None:
        raise Rejected(
            _("Chưa cấu hình tài khoản nhận hồ sơ nộp trên Cổng DVCQG (DVCTT_NATIONAL_INBOUND_ACCOUNT).")
        )
    return account


def _apply_submission(prepared: Prepared, config: InboundConfig) -> Effect:
    data = prepared.data
    portal_code = data["portal_code"]
    existing = Dossier.objects.filter(**{f"extra__{PORTAL_CODE_KEY}": portal_code}).first()
    if existing is not None:
        return Effect(
            _("Hồ sơ %(portal)s đã được tiếp nhận trước đó, mã hồ sơ %(code)s.")
            % {"portal": portal_code, "code": existing.code},
            dossier=existing,
            dossier_code=existing.code,
            reference=portal_code,
            data={"MaHoSo": existing.code},
        )
    actor = _submitter(data["subject"], config)
    submission = dossier_services.Submission(
        procedure_code=_local_procedure(data["national"]),
        unit_code=_local_unit(data["unit_code"]),
        channel=Channel.ONLINE,
        applicant=dossier_services.Applicant(
            name=data["name"],
            id_number=data["id_number"],
            applicant_type=data["applicant_type"],
            phone=data["phone"],
            email=data["email"],
            address=data["address"],
        ),
        form_data=data["form"],
        components=[
            dossier_services.ComponentUpload(name, _upload(name, content)) for name, content in prepared.files
        ],
        client_key=f"{SOURCE}:{portal_code}",
    )
    dossier = dossier_services.dossier_submit(actor=actor, submission=submission)
    # The dossier service has no parameter for interchange keys: they go into ``extra`` in the same transaction,
    # as the national sign-in does for its keys (integrations/identity/dossiers.py).
    dossier.refresh_from_db(fields=["extra"])
    keys: dict[str, Any] = {SOURCE_KEY: SOURCE, PORTAL_CODE_KEY: portal_code}
    if data["subject"] and not (dossier.extra or {}).get(SUBJECT_KEY):
        keys[SUBJECT_KEY] = data["subject"]
    dossier.extra = {**(dossier.extra or {}), **keys}
    Dossier.objects.filter(pk=dossier.pk).update(extra=dossier.extra)
    return Effect(
        _("Đã tiếp nhận hồ sơ %(portal)s, mã hồ sơ tại tỉnh %(code)s.")
        % {"portal": portal_code, "code": dossier.code},
        dossier=dossier,
        dossier_code=dossier.code,
        reference=portal_code,
        data={"MaHoSo": dossier.code},
    )


PREPARE: dict[str, Callable[[dict[str, Any], InboundConfig], Prepared]] = {
    InboundKind.SUPPLEMENT: _prepare_supplement,
    InboundKind.TAX_NOTICE: _prepare_tax_notice,
    InboundKind.SUBMISSION: _prepare_submission,
}


def _apply(prepared: Prepared, config: InboundConfig) -> Effect:
    if prepared.kind == InboundKind.SUPPLEMENT:
        return _apply_supplement(prepared)
    if prepared.kind == InboundKind.TAX_NOTICE:
        return _apply_tax_notice(prepared)
    return _apply_submission(prepared, config)


# --- the record ---------------------------------------------------------------------------------------------------


def _canonical(envelope: dict[str, Any]) -> str:
    """The digest that tells a repeat from another message under the same key: the content in canonical JSON,
    without the send time (a sender retrying a message may stamp it anew)."""
    content = {name: value for name, value in envelope.items() if name != "ThoiGianGui"}
    return hashlib.sha256(
        json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ).hexdigest()


def _for_audit(envelope: dict[str, Any]) -> str:
    """The message as kept: inline file contents replaced by their size and digest."""

    def strip(value: Any) -> Any:
        if isinstance(value, dict):
            out = {}
            for key, item in value.items():
                if key == "NoiDungTep" and isinstance(item, str):
                    digest = hashlib.sha256(item.encode("utf-8", "replace")).hexdigest()
                    out[key] = f"<base64: {len(item)} ký tự, sha256 {digest}>"
                else:
                    out[key] = strip(item)
            return out
        if isinstance(value, list):
            return [strip(item) for item in value]
        return value

    return json.dumps(strip(envelope), ensure_ascii=False, indent=1)


def _replay(row: InboundMessage, digest: str) -> Answer:
    if row.body_sha256 != digest:
        return Answer(-1, _("Trùng mã thông điệp với nội dung khác."), http_status=409)
    answer = row.answer or {"error_code": row.error_code, "message": row.message}
    return Answer(
        int(answer.get("error_code", row.error_code)),
        str(answer.get("message", row.message)),
        http_status=row.http_status,
        data=answer.get("data"),
    )


def _record_unkeyed(*, raw: str, sender: str, auth: str, kind: str, answer: Answer) -> Answer:
    InboundMessage.objects.create(
        key=None,
        kind=kind[:40],
        sender=sender[:64],
        auth_method=auth,
        raw=raw,
        outcome=InboundOutcome.REJECTED,
        error_code=-1,
        message=answer.message,
        http_status=answer.http_status,
        answer=answer.body(),
    )
    logger.info("inbound: unkeyed message from %s rejected: %s", sender, answer.message)
    return answer


def _raw_sample(raw: bytes) -> str:
    return raw[:RAW_SAMPLE_CHARS].decode("utf-8", "replace").replace("\x00", "\\u0000")


def _settle(
    *,
    key: str,
    digest: str,
    envelope: dict[str, Any],
    sent_at: datetime | None,
    sender: str,
    auth: str,
    kind: str,
    work: Callable[[], Effect] | None,
    rejection: Rejected | None = None,
) -> Answer:
    """Claim ``key`` and record the outcome of ``work`` (or the ``rejection``), all in one transaction.

    The row is inserted (or, for a key whose earlier message was rejected, locked) before the work runs, so two
    deliveries of one key at once are serialised by the unique index: the second waits for the first and gets
    its answer. ``work`` runs in a savepoint: when it fails, its writes are undone and only the row remains.
    """
    with transaction.atomic():
        row = InboundMessage.objects.select_for_update().filter(key=key).first()
        if row is None:
            try:
                with transaction.atomic():
                    row = InboundMessage.objects.create(
                        key=key, kind=kind[:40], outcome=InboundOutcome.REJECTED
                    )
                    fresh = True
            except IntegrityError:
                # Another delivery of this key committed meanwhile: lock its row and answer as it did.
                row = InboundMessage.objects.select_for_update().get(key=key)
                fresh = False
        else:
            fresh = False
        if not fresh and row.outcome != InboundOutcome.REJECTED:
            return _replay(row, digest)
        if not fresh:
            row.attempts += 1
        effect: Effect | None = None
        if rejection is None and work is not None:
            try:
                with transaction.atomic():
                    effect = work()
            except Rejected as refused:
                rejection = refused
            except DomainError as refused:
                rejection = Rejected(refused.message)
        if effect is not None:
            answer = Answer(0, effect.message, data=effect.data or None)
            row.outcome = effect.outcome
            row.dossier = effect.dossier
            row.dossier_code = effect.dossier_code or (effect.dossier.code if effect.dossier else "")
            row.reference = effect.reference
        else:
            assert rejection is not None
            answer = Answer(-1, rejection.message, http_status=rejection.http_status)
            row.outcome = InboundOutcome.REJECTED
            row.dossier = rejection.dossier
            row.dossier_code = rejection.dossier.code if rejection.dossier else _code_of(envelope)
            row.reference = ""
        row.kind = kind[:40]
        row.sent_at = sent_at
        row.sender = sender[:64]
        row.auth_method = auth
        row.body_sha256 = digest
        row.raw = _for_audit(envelope)
        row.error_code = answer.error_code
        row.message = answer.message
        row.http_status = answer.http_status
        row.answer = answer.body()
        row.received_at = timezone.now()
        row.save()
    logger.info("inbound: %s %s → %s (%s)", kind, key, row.outcome, row.dossier_code or "-")
    return answer


def _code_of(envelope: dict[str, Any]) -> str:
    data = envelope.get("DuLieu")
    code = data.get("MaHoSo") if isinstance(data, dict) else None
    return (
        code[:64] if isinstance(code, str) and envelope.get("LoaiThongDiep") != InboundKind.SUBMISSION else ""
    )


def inbound_receive(*, raw: bytes, config: InboundConfig, sender: str = "", auth: str = "") -> Answer:
    """Read, check and apply one pushed message (the caller authenticated it); never raises for bad input.

    Preconditions: none held; opens its own transaction. Files named by URL are fetched before the transaction.
    """
    if len(raw) > config.max_bytes:
        return _record_unkeyed(
            raw=_raw_sample(raw),
            sender=sender,
            auth=auth,
            kind="",
            answer=Answer(
                -1,
                _("Thông điệp dung lượng %(size)s byte, vượt quá giới hạn %(max)s byte.")
                % {"size": len(raw), "max": config.max_bytes},
                http_status=413,
            ),
        )
    try:
        envelope = json.loads(raw.decode("utf-8"))
    except RecursionError:
        envelope = None
        problem = _("Dữ liệu JSON lồng nhau quá %(max)s cấp.") % {"max": config.max_depth}
    except (UnicodeDecodeError, ValueError):
        envelope = None
        problem = _("Nội dung không phải JSON hợp lệ (UTF-8).")
    else:
        problem = ""
    if envelope is not None and not isinstance(envelope, dict):
        envelope, problem = None, _("Thông điệp phải là một đối tượng JSON.")
    if envelope is not None and _too_deep(envelope, config.max_depth):
        envelope, problem = None, _("Dữ liệu JSON lồng nhau quá %(max)s cấp.") % {"max": config.max_depth}
    if envelope is None:
        return _record_unkeyed(
            raw=_raw_sample(raw),
            sender=sender,
            auth=auth,
            kind="",
            answer=Answer(-1, problem, http_status=400),
        )
    kind = envelope.get("LoaiThongDiep")
    kind = kind if isinstance(kind, str) else ""
    key = envelope.get("MaThongDiep")
    if not isinstance(key, str) or not _KEY.match(key):
        reason = (
            _("Thiếu mã thông điệp (MaThongDiep).")
            if key in (None, "")
            else _("Mã thông điệp (MaThongDiep) chỉ gồm chữ, số và . _ : -, tối đa 100 ký tự.")
        )
        return _record_unkeyed(
            raw=_for_audit(envelope),
            sender=sender,
            auth=auth,
            kind=kind,
            answer=Answer(-1, reason, http_status=400),
        )
    digest = _canonical(envelope)
    done = InboundMessage.objects.filter(key=key).exclude(outcome=InboundOutcome.REJECTED).first()
    if done is not None:  # a repeat: no work, not even fetching its files again
        return _replay(done, digest)
    common = {
        "key": key,
        "digest": digest,
        "envelope": envelope,
        "sender": sender,
        "auth": auth,
        "kind": kind,
    }
    sent_at = None
    try:
        sent_at = _portal_time(envelope.get("ThoiGianGui"), "ThoiGianGui")
        if not kind:
            raise _field_error("LoaiThongDiep", _("bắt buộc."))
        prepare = PREPARE.get(kind)
        if prepare is None:
            raise Rejected(_("Loại thông điệp không hỗ trợ: %(kind)s.") % {"kind": kind[:40]})
        prepared = prepare(_object(envelope, "DuLieu"), config)
    except Rejected as refused:
        return _settle(**common, sent_at=sent_at, work=None, rejection=refused)
    return _settle(**common, sent_at=sent_at, work=lambda: _apply(prepared, config))
