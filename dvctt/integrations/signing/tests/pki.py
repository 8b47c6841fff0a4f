"""A CA chain made in the test (root → intermediate → agency), PKCS#12 files, small PDFs, and signing with pyHanko."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from dvctt.integrations.signing.validation import outside_event_loop


def _name(common_name: str, organisation: str = "") -> x509.Name:
    attrs = [x509.NameAttribute(NameOID.COUNTRY_NAME, "VN")]
    if organisation:
        attrs.append(x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation))
    attrs.append(x509.NameAttribute(NameOID.COMMON_NAME, common_name))
    return x509.Name(attrs)


@dataclass(frozen=True)
class Issued:
    cert: x509.Certificate
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey

    @property
    def pem(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.PEM)

    @property
    def der(self) -> bytes:
        return self.cert.public_bytes(serialization.Encoding.DER)


def issue(
    common_name: str,
    *,
    issuer: Issued | None = None,
    ca: bool,
    not_before: datetime | None = None,
    not_after: datetime | None = None,
    organisation: str = "",
    rsa_key: bool = False,
) -> Issued:
    """A certificate for a new EC (or RSA, as most USB tokens hold) key; self-signed when ``issuer`` is None."""
    now = datetime.now(UTC)
    key: ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey = (
        rsa.generate_private_key(public_exponent=65537, key_size=2048)
        if rsa_key
        else ec.generate_private_key(ec.SECP256R1())
    )
    subject = _name(common_name, organisation)
    signer_key = issuer.key if issuer else key
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer.cert.subject if issuer else subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before or now - timedelta(days=30))
        .not_valid_after(not_after or now + timedelta(days=3650))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=not ca,
                content_commitment=not ca,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=ca,
                crl_sign=ca,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(signer_key.public_key()), critical=False
        )
    )
    return Issued(cert=builder.sign(signer_key, hashes.SHA256()), key=key)


@dataclass(frozen=True)
class Chain:
    root: Issued
    intermediate: Issued
    agency: Issued

    def pkcs12(self, password: bytes) -> bytes:
        return pkcs12.serialize_key_and_certificates(
            b"agency",
            self.agency.key,
            self.agency.cert,
            [self.intermediate.cert],
            serialization.BestAvailableEncryption(password),
        )


def chain(prefix: str = "Test", **agency: Any) -> Chain:
    root = issue(f"{prefix} Root CA", ca=True, organisation="Ban Cơ yếu Chính phủ")
    intermediate = issue(f"{prefix} Signing CA", issuer=root, ca=True)
    return Chain(
        root, intermediate, issue("Sở Tư pháp tỉnh Lạng Sơn", issuer=intermediate, ca=False, **agency)
    )


@cache
def result_pdf(text: str = "Giấy khai sinh") -> bytes:
    """A small real PDF made with the project's PDF tooling (WeasyPrint, as the slips are)."""
    from weasyprint import HTML

    return HTML(string=f"<h1>{text}</h1><p>Kết quả giải quyết thủ tục hành chính.</p>").write_pdf()


def sign(data: bytes, signer_chain: Chain, *, field: str = "Signature1") -> bytes:
    """``data`` signed (PAdES) by the chain's agency certificate, with the intermediate embedded."""
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter
    from pyhanko_certvalidator.registry import SimpleCertificateStore

    def load(issued: Issued) -> asn1_x509.Certificate:
        return asn1_x509.Certificate.load(issued.der)

    key = asn1_keys.PrivateKeyInfo.load(
        signer_chain.agency.key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    signer = signers.SimpleSigner(
        signing_cert=load(signer_chain.agency),
        signing_key=key,
        cert_registry=SimpleCertificateStore.from_certs([load(signer_chain.intermediate)]),
    )
    writer = IncrementalPdfFileWriter(io.BytesIO(data))
    meta = signers.PdfSignatureMetadata(field_name=field, subfilter=SigSeedSubFilter.PADES)
    # pyHanko's sync API runs its own event loop: not in the thread Playwright's loop runs in (browser tests).
    return outside_event_loop(lambda: signers.sign_pdf(writer, meta, signer=signer).getvalue())
