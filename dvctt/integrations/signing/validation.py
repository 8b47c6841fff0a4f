"""Verifying the PAdES signatures of a PDF with pyHanko: integrity, coverage, signer, time, chain to the trust list.

Pure with respect to the database: bytes and a trust list in, an :class:`Inspection` out. Never raises for a bad
file: an unreadable PDF is the ``error`` verdict, a broken signature the ``signed_invalid`` one.

Revocation: by default nothing is fetched from the network (provincial networks are closed) and the check is
``soft-fail``: a certificate whose CRL/OCSP cannot be obtained is accepted, so revocation is in effect not checked
offline. ``DVCTT_SIGNING_FETCH_REVOCATION`` and ``DVCTT_SIGNING_REVOCATION_MODE`` change that.
"""

from __future__ import annotations

import asyncio
import io
import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dvctt.integrations.signing.models import Verdict
from dvctt.integrations.signing.trust import TrustList

logger = logging.getLogger(__name__)

#: The worse verdict wins when a file carries several signatures.
SEVERITY: dict[str, int] = {Verdict.VALID: 0, Verdict.SIGNED_UNTRUSTED: 1, Verdict.SIGNED_INVALID: 2}


@dataclass
class Inspection:
    verdict: str
    problem: str = ""
    detail: str = ""
    signer_name: str = ""
    signer_subject: str = ""
    signer_serial: str = ""
    signed_at: datetime | None = None
    timestamped: bool = False
    chain: list[dict[str, str]] = field(default_factory=list)
    signatures: int = 0
    whole_file: bool = False
    revocation: str = ""


def revocation_settings() -> tuple[bool, str]:
    fetch = bool(getattr(settings, "DVCTT_SIGNING_FETCH_REVOCATION", False))
    mode = str(getattr(settings, "DVCTT_SIGNING_REVOCATION_MODE", "soft-fail"))
    return fetch, mode


def revocation_label() -> str:
    fetch, mode = revocation_settings()
    return f"{mode}{'' if fetch else ' (offline)'}"


def _problems() -> dict[str, str]:
    return {
        "not_pdf": _("Tệp kết quả không phải PDF nên không mang chữ ký số (PAdES)."),
        "unsigned": _("Tệp kết quả không có chữ ký số."),
        "unreadable": _("Không đọc được cấu trúc tệp PDF để kiểm tra chữ ký số."),
        "malformed_signature": _("Chữ ký số trong tệp bị hỏng, không kiểm tra được."),
        "modified": _("Nội dung tệp đã bị thay đổi sau khi ký (giá trị băm không khớp)."),
        "bad_signature": _("Giá trị chữ ký không khớp với chứng thư số của người ký."),
        "not_whole_file": _("Chữ ký không bao trùm toàn bộ tệp: có dữ liệu được thêm vào sau khi ký."),
        "modified_after": _("Tệp đã bị sửa đổi sau khi ký (không chỉ thêm chữ ký khác)."),
        "untrusted_root": _(
            "Chứng thư số của người ký không dẫn tới chứng thư gốc nào trong danh sách tin cậy."
        ),
        "expired": _(
            "Chứng thư số của người ký đã hết hạn tại thời điểm kiểm tra (không có dấu thời gian tin cậy)."
        ),
        "not_yet_valid": _("Chứng thư số của người ký chưa có hiệu lực."),
        "revoked": _("Chứng thư số của người ký đã bị thu hồi."),
        "revocation_unknown": _("Không xác định được tình trạng thu hồi của chứng thư số."),
        "timestamp_untrusted": _("Dấu thời gian gắn với chữ ký không được xác thực."),
        "key_usage": _("Chứng thư số của người ký không được cấp cho mục đích ký số."),
        "untrusted": _("Chứng thư số của người ký không được xác thực."),
        "error": _("Lỗi khi kiểm tra chữ ký số; hãy thử kiểm tra lại."),
    }


def problem_text(code: str) -> str:
    return _problems().get(code, code)


def _outcome(verdict: str, problem: str, **values: Any) -> Inspection:
    return Inspection(
        verdict=verdict, problem=problem, detail=problem_text(problem) if problem else "", **values
    )


def _trust_problem(status: Any) -> str:
    from pyhanko.sign.ades.report import AdESFailure, AdESIndeterminate

    indic = status.trust_problem_indic
    if status.revoked or indic in (AdESFailure.REVOKED, AdESIndeterminate.REVOKED_NO_POE):
        return "revoked"
    if indic in (
        AdESIndeterminate.NO_CERTIFICATE_CHAIN_FOUND,
        AdESIndeterminate.CERTIFICATE_CHAIN_GENERAL_FAILURE,
    ):
        return "untrusted_root" if status.validation_path is None else "untrusted"
    if indic in (AdESIndeterminate.EXPIRED, AdESIndeterminate.OUT_OF_BOUNDS_NO_POE):
        return "expired"
    if indic in (AdESIndeterminate.NOT_YET_VALID, AdESFailure.NOT_YET_VALID):
        return "not_yet_valid"
    if indic in (AdESIndeterminate.TRY_LATER, AdESIndeterminate.REVOCATION_OUT_OF_BOUNDS_NO_POE):
        return "revocation_unknown"
    if indic in (AdESIndeterminate.CHAIN_CONSTRAINTS_FAILURE, AdESIndeterminate.SIG_CONSTRAINTS_FAILURE):
        return "key_usage"
    if status.validation_path is None:
        return "untrusted_root"
    return "untrusted"


def _judge(status: Any, *, last: bool) -> tuple[str, str]:
    """One signature's verdict and problem. ``last``: the newest signature, which must cover the whole file."""
    from pyhanko.sign.diff_analysis import ModificationLevel
    from pyhanko.sign.validation import SignatureCoverageLevel

    if not status.intact:
        return Verdict.SIGNED_INVALID, "modified"
    if not status.valid:
        return Verdict.SIGNED_INVALID, "bad_signature"
    if last and status.coverage != SignatureCoverageLevel.ENTIRE_FILE:
        return Verdict.SIGNED_INVALID, "not_whole_file"
    if not last:
        # An earlier signature is followed by the later ones' revisions: only signature fields and validation
        # data may have been added (pyHanko's difference analysis), nothing of the content.
        level = status.modification_level
        if status.coverage is None or status.coverage < SignatureCoverageLevel.ENTIRE_REVISION:
            return Verdict.SIGNED_INVALID, "not_whole_file"
        if level is None or level > ModificationLevel.FORM_FILLING or status.docmdp_ok is False:
            return Verdict.SIGNED_INVALID, "modified_after"
    if not status.trusted:
        return Verdict.SIGNED_UNTRUSTED, _trust_problem(status)
    ts = status.timestamp_validity
    if ts is not None and not (ts.intact and ts.valid and ts.trusted):
        return Verdict.SIGNED_UNTRUSTED, "timestamp_untrusted"
    if not status.bottom_line:
        return Verdict.SIGNED_UNTRUSTED, "untrusted"
    return Verdict.VALID, ""


_DN_KEYS = {
    "common_name": "CN",
    "organizational_unit_name": "OU",
    "organization_name": "O",
    "locality_name": "L",
    "state_or_province_name": "ST",
    "country_name": "C",
    "email_address": "E",
    "serial_number": "SERIALNUMBER",
    "user_id": "UID",
}


def distinguished_name(name: Any) -> str:
    """``CN=…, O=…, C=VN`` (most specific first) from an asn1crypto name; other attributes by their own names."""
    parts: list[str] = []
    for key, value in reversed(list(name.native.items())):
        values = value if isinstance(value, list) else [value]
        parts.extend(f"{_DN_KEYS.get(key, key)}={v}" for v in values)
    return ", ".join(parts)


def _chain(status: Any) -> list[dict[str, str]]:
    def row(cert: Any) -> dict[str, str]:
        return {
            "subject": distinguished_name(cert.subject),
            "serial": format(cert.serial_number, "X"),
            "valid_to": cert["tbs_certificate"]["validity"]["not_after"].native.isoformat(),
        }

    if status.validation_path is not None:
        return [row(cert) for cert in status.validation_path]  # anchor first, signer last
    cert = status.signing_cert
    return [{"subject": distinguished_name(cert.issuer), "serial": "", "valid_to": ""}, row(cert)]


def _common_name(cert: Any) -> str:
    native = cert.subject.native
    return str(native.get("common_name") or distinguished_name(cert.subject))


def _validate_all(data: bytes, trust: TrustList) -> Inspection:
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import KeyUsageConstraints, validate_pdf_signature
    from pyhanko_certvalidator import ValidationContext

    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception:  # any parse failure of an uploaded file is a verdict, not a crash
        logger.info("signing: unreadable PDF", exc_info=True)
        return _outcome(Verdict.ERROR, "unreadable")
    if not embedded:
        return _outcome(Verdict.UNSIGNED, "unsigned")
    fetch, mode = revocation_settings()
    roots = [asn1_x509.Certificate.load(der) for der in trust.anchors]
    usage = KeyUsageConstraints(
        key_usage={"non_repudiation", "digital_signature"}, match_all_key_usages=False
    )
    # The newest signature is the one whose signed range ends last.
    embedded.sort(key=lambda sig: sig.byte_range[-2] + sig.byte_range[-1])
    worst: str = Verdict.VALID
    worst_problem = ""
    status: Any = None
    for index, sig in enumerate(embedded):
        context = ValidationContext(trust_roots=list(roots), allow_fetching=fetch, revocation_mode=mode)
        try:
            status = validate_pdf_signature(sig, context, key_usage_settings=usage)
        except Exception:
            logger.info("signing: signature %s could not be validated", index, exc_info=True)
            return _outcome(Verdict.SIGNED_INVALID, "malformed_signature", signatures=len(embedded))
        verdict, problem = _judge(status, last=index == len(embedded) - 1)
        if SEVERITY[verdict] > SEVERITY[worst]:
            worst, worst_problem = verdict, problem
    from pyhanko.sign.validation import SignatureCoverageLevel

    cert = status.signing_cert
    ts = status.timestamp_validity
    timestamped = ts is not None and ts.intact and ts.valid and ts.trusted
    return _outcome(
        worst,
        worst_problem,
        signer_name=_common_name(cert)[:255],
        signer_subject=distinguished_name(cert.subject)[:1000],
        signer_serial=format(cert.serial_number, "X")[:80],
        signed_at=ts.timestamp if timestamped else status.signer_reported_dt,
        timestamped=timestamped,
        chain=_chain(status),
        signatures=len(embedded),
        whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        revocation=revocation_label(),
    )


def outside_event_loop(function: Any, *args: Any) -> Any:
    """pyHanko's synchronous API starts its own event loop: run it in a worker thread when this thread already
    has one running (an async caller)."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args).result()


def pdf_inspect(*, data: bytes, trust: TrustList) -> Inspection:
    """The verdict on the signatures of ``data`` (a whole file) against ``trust``."""
    if not data.startswith(b"%PDF-"):
        return _outcome(Verdict.UNSIGNED, "not_pdf")
    try:
        return outside_event_loop(_validate_all, data, trust)
    except Exception:
        logger.exception("signing: validation failed")
        return _outcome(Verdict.ERROR, "error")
