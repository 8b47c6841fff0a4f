"""The trust list: reading an administrator's certificate upload, and the anchors a validation starts from."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError
from dvctt.integrations.signing.models import TrustAnchor

MAX_CERTIFICATE_BYTES = 64 * 1024


@dataclass(frozen=True)
class CertificateInfo:
    pem: str
    der: bytes
    fingerprint: str
    subject: str
    common_name: str
    serial: str
    valid_from: datetime
    valid_to: datetime
    is_ca: bool


def certificate_read(data: bytes) -> CertificateInfo:
    """One X.509 certificate from PEM or DER bytes; a DomainError with a Vietnamese message otherwise."""
    if not data or len(data) > MAX_CERTIFICATE_BYTES:
        raise DomainError(_("Tệp chứng thư số rỗng hoặc quá lớn."), code="certificate_invalid")
    try:
        cert = (
            x509.load_pem_x509_certificate(data)
            if data.lstrip().startswith(b"-----BEGIN")
            else x509.load_der_x509_certificate(data)
        )
    except ValueError:
        raise DomainError(
            _(
                "Không đọc được chứng thư số: tệp phải là một chứng thư X.509 dạng PEM (.pem, .crt) hoặc DER (.cer)."
            ),
            code="certificate_invalid",
        ) from None
    der = cert.public_bytes(Encoding.DER)
    try:
        is_ca = bool(cert.extensions.get_extension_for_class(x509.BasicConstraints).value.ca)
    except x509.ExtensionNotFound:
        is_ca = False
    names = cert.subject.get_attributes_for_oid(x509.NameOID.COMMON_NAME)
    return CertificateInfo(
        pem=cert.public_bytes(Encoding.PEM).decode("ascii"),
        der=der,
        fingerprint=hashlib.sha256(der).hexdigest(),
        subject=cert.subject.rfc4514_string(),
        common_name=str(names[0].value) if names else "",
        serial=format(cert.serial_number, "X"),
        valid_from=cert.not_valid_before_utc,
        valid_to=cert.not_valid_after_utc,
        is_ca=is_ca,
    )


def trust_anchor_add(*, data: bytes, name: str = "", note: str = "", active: bool = True) -> TrustAnchor:
    """Add a CA certificate to the trust list (refused: not a certificate, not a CA, already listed)."""
    info = certificate_read(data)
    if not info.is_ca:
        raise DomainError(
            _("Chứng thư “%(subject)s” không phải chứng thư của tổ chức cung cấp dịch vụ chứng thực (CA).")
            % {"subject": info.subject},
            code="certificate_not_ca",
        )
    if TrustAnchor.objects.filter(fingerprint=info.fingerprint).exists():
        raise DomainError(_("Chứng thư này đã có trong danh sách tin cậy."), code="certificate_duplicate")
    return TrustAnchor.objects.create(
        name=(name or info.common_name or info.subject)[:255],
        note=note,
        active=active,
        **trust_anchor_fields(info),
    )


def trust_anchor_fields(info: CertificateInfo) -> dict[str, object]:
    """The columns of a trust anchor that come from its certificate (the admin form fills them the same way)."""
    return {
        "certificate": info.pem,
        "fingerprint": info.fingerprint,
        "subject": info.subject[:1000],
        "serial": info.serial[:80],
        "valid_from": info.valid_from,
        "valid_to": info.valid_to,
    }


@dataclass(frozen=True)
class TrustList:
    anchors: list[bytes]  # DER
    revision: str


def trust_list_active() -> TrustList:
    """The active anchors and the revision naming that set (a hash of their fingerprints: any change shows)."""
    rows = list(
        TrustAnchor.objects.filter(active=True)
        .order_by("fingerprint")
        .values_list("fingerprint", "certificate")
    )
    digest = hashlib.sha256(",".join(fp for fp, _pem in rows).encode()).hexdigest()[:16]
    anchors = [
        x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(Encoding.DER) for _fp, pem in rows
    ]
    return TrustList(anchors=anchors, revision=digest)
