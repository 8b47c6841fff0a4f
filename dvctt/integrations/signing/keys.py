"""The agencies' signing keys configured on the server (``DVCTT_SIGNING_KEYS``), and signing a PDF with one.

``DVCTT_SIGNING_KEYS`` maps a key code (by default the unit code of the dossier's processing unit) to either

* a PKCS#12 file: ``{"pkcs12": "/etc/dvctt/keys/so-tu-phap.p12", "password_env": "DVCTT_KEY_STP_PASSWORD"}``;
* a PKCS#11 token (an HSM, or a USB token on the server): ``{"pkcs11": {"module": "/usr/lib/.../libxyz.so",
  "token_label": "...", "key_label": "...", "cert_label": "...", "pin_env": "DVCTT_KEY_STP_PIN"}}``
  (``cert_path``: the signer's certificate as a file when the token holds only the key; ``chain_path``: the
  CA certificates to embed; ``slot``: a slot number instead of the token label; ``raw_mechanism``: true for
  tokens that offer ECDSA only as the raw mechanism).

Secrets never sit in the mapping itself: passwords and PINs are read from the environment variables it names.
"""

from __future__ import annotations

import io
import json
import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from dvctt.common.errors import DomainError

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class KeyConfig:
    code: str
    kind: str  # "pkcs12" | "pkcs11"
    options: dict[str, Any]


def signing_keys() -> dict[str, KeyConfig]:
    """The configured keys by code; the setting is a dict, or JSON text (from the environment)."""
    configured: Any = getattr(settings, "DVCTT_SIGNING_KEYS", {}) or {}
    if isinstance(configured, str):
        try:
            configured = json.loads(configured)
        except ValueError:
            logger.error("DVCTT_SIGNING_KEYS is not valid JSON: no server signing key is available")
            return {}
    keys = {}
    for code, entry in configured.items():
        if "pkcs12" in entry:
            keys[code] = KeyConfig(code=code, kind="pkcs12", options=dict(entry))
        elif "pkcs11" in entry:
            keys[code] = KeyConfig(code=code, kind="pkcs11", options=dict(entry["pkcs11"]))
    return keys


def signing_key(code: str) -> KeyConfig | None:
    return signing_keys().get(code) if code else None


def _secret(options: dict[str, Any], name: str) -> str | None:
    variable = options.get(f"{name}_env")
    if not variable:
        return None
    value = os.environ.get(str(variable))
    if value is None:
        raise DomainError(
            _("Khóa ký số chưa được cấu hình đầy đủ: thiếu biến môi trường %(var)s.") % {"var": variable},
            code="signing_key_unavailable",
        )
    return value


def _certificates(path: str | None) -> list[Any]:
    from pyhanko.keys import load_certs_from_pemder

    return list(load_certs_from_pemder([path])) if path else []


def _describe(error: Exception) -> str:
    return str(error) or type(error).__name__


def _unavailable(key: KeyConfig, reason: str) -> DomainError:
    return DomainError(
        _("Không dùng được khóa ký số “%(code)s” trên máy chủ: %(reason)s")
        % {"code": key.code, "reason": reason},
        code="signing_key_unavailable",
    )


@contextmanager
def key_signer(key: KeyConfig) -> Iterator[Any]:
    """A pyHanko signer for ``key`` (a PKCS#11 session stays open while the context lasts)."""
    if key.kind == "pkcs12":
        from pyhanko.sign.signers import SimpleSigner

        path = Path(str(key.options["pkcs12"]))
        password = _secret(key.options, "password")
        try:
            data = path.read_bytes()
        except OSError:
            raise _unavailable(key, _("không đọc được tệp PKCS#12.")) from None
        try:
            signer = SimpleSigner.load_pkcs12_data(
                data,
                other_certs=_certificates(key.options.get("chain_path")),
                passphrase=password.encode() if password is not None else None,
            )
        except (ValueError, TypeError):
            raise _unavailable(key, _("sai mật khẩu hoặc tệp PKCS#12 hỏng.")) from None
        yield signer
        return
    from pyhanko.sign.pkcs11 import PKCS11Signer, open_pkcs11_session

    options = key.options
    criteria = None
    if options.get("token_label"):
        from pyhanko.config.pkcs11 import TokenCriteria

        criteria = TokenCriteria(label=str(options["token_label"]))
    try:
        session = open_pkcs11_session(
            str(options["module"]),
            slot_no=options.get("slot"),
            token_criteria=criteria,
            user_pin=_secret(options, "pin"),
        )
    except DomainError:
        raise
    except Exception as error:
        raise _unavailable(
            key, _("không mở được thiết bị ký (PKCS#11): %(error)s") % {"error": _describe(error)}
        ) from None
    try:
        certs = _certificates(options.get("cert_path"))
        signer = PKCS11Signer(
            session,
            cert_label=options.get("cert_label"),
            key_label=options.get("key_label"),
            signing_cert=certs[0] if certs else None,
            ca_chain=_certificates(options.get("chain_path")),
            # SoftHSM and some tokens offer ECDSA only as the raw mechanism (the digest computed here).
            use_raw_mechanism=bool(options.get("raw_mechanism", False)),
        )
        yield signer
    finally:
        session.close()


@dataclass(frozen=True)
class SignedPdf:
    data: bytes
    signer_subject: str


def pdf_sign(*, data: bytes, key: KeyConfig, reason: str = "", location: str = "") -> SignedPdf:
    """``data`` with one more PAdES signature (an incremental update, earlier signatures kept) by ``key``."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import signers
    from pyhanko.sign.fields import SigSeedSubFilter

    from dvctt.integrations.signing.validation import distinguished_name, outside_event_loop

    def sign() -> SignedPdf:
        with key_signer(key) as signer:
            try:
                writer = IncrementalPdfFileWriter(io.BytesIO(data), strict=False)
            except Exception:
                raise DomainError(
                    _("Không đọc được tệp PDF kết quả để ký số."), code="signing_unreadable"
                ) from None
            existing = len(writer.prev.embedded_signatures)
            meta = signers.PdfSignatureMetadata(
                field_name=f"DVCTT_Signature{existing + 1}",
                reason=reason or None,
                location=location or None,
                subfilter=SigSeedSubFilter.PADES,
            )
            try:
                output = signers.sign_pdf(writer, meta, signer=signer)
            except DomainError:
                raise
            except Exception as error:
                raise _unavailable(
                    key, _("ký số không thành công: %(error)s") % {"error": _describe(error)}
                ) from None
            return SignedPdf(
                data=output.getvalue(), signer_subject=distinguished_name(signer.signing_cert.subject)
            )

    return outside_event_loop(sign)
