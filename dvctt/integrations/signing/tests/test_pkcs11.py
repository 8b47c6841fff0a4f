"""Server signing through PKCS#11, with a SoftHSM2 token made in the test (Debian's softhsm2 package): an RSA key
(as USB tokens of the Government Cipher Committee hold) and an EC key (ECDSA as the raw mechanism) are imported
into the token; the certificates and chains come from files (tokens that hold only the key)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from dvctt.integrations.signing.models import ServerSignature, Verdict
from dvctt.integrations.signing.services import result_sign
from dvctt.integrations.signing.tests import pki
from dvctt.integrations.signing.tests.test_services import approve, result_of
from dvctt.integrations.signing.trust import trust_anchor_add

pytestmark = pytest.mark.django_db

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
UTIL = shutil.which("softhsm2-util")
PIN = "246810"


def _util(*args: str) -> None:
    subprocess.run([str(UTIL), *args], check=True, capture_output=True)  # noqa: S603


@pytest.fixture
def token(tmp_path, monkeypatch) -> Path:
    """An initialised SoftHSM2 token in ``tmp_path``, found through ``SOFTHSM2_CONF``."""
    if not MODULE.exists() or UTIL is None:
        if os.environ.get("DVCTT_REQUIRE_SOFTHSM") == "1":
            pytest.fail("SoftHSM2 is required (DVCTT_REQUIRE_SOFTHSM=1) but is not installed")
        pytest.skip("PKCS#11 TEST SKIPPED: SoftHSM2 is not installed (apt-get install softhsm2)")
    (tmp_path / "tokens").mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(
        f"directories.tokendir = {tmp_path / 'tokens'}\nobjectstore.backend = file\nlog.level = ERROR\n"
    )
    monkeypatch.setenv("SOFTHSM2_CONF", str(conf))
    monkeypatch.setenv("DVCTT_TEST_TOKEN_PIN", PIN)
    _util("--init-token", "--free", "--label", "dvctt-test", "--pin", PIN, "--so-pin", "135790")
    return tmp_path


def _import(token: Path, chain: pki.Chain, label: str, key_id: str, **extra: object) -> dict[str, object]:
    """Import the chain's agency key into the token; the key entry that DVCTT_SIGNING_KEYS gives for it."""
    key = token / f"{label}.pem"
    key.write_bytes(
        chain.agency.key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    _util("--import", str(key), "--token", "dvctt-test", "--label", label, "--id", key_id, "--pin", PIN)
    key.unlink()
    (token / f"{label}-cert.pem").write_bytes(chain.agency.pem)
    (token / f"{label}-chain.pem").write_bytes(chain.intermediate.pem)
    return {
        "pkcs11": {
            "module": str(MODULE),
            "token_label": "dvctt-test",
            "key_label": label,
            "cert_path": str(token / f"{label}-cert.pem"),
            "chain_path": str(token / f"{label}-chain.pem"),
            "pin_env": "DVCTT_TEST_TOKEN_PIN",
            **extra,
        }
    }


def test_signing_with_pkcs11_keys_rsa_then_ec(processing, specialist, token, ca, settings, unit):
    rsa_chain = pki.chain("Token RSA", rsa_key=True)
    settings.DVCTT_SIGNING_KEYS = {
        unit.code: _import(token, rsa_chain, "agency-rsa", "01"),
        "EC": _import(token, ca, "agency-ec", "02", raw_mechanism=True),
    }
    trust_anchor_add(data=rsa_chain.root.pem)
    trust_anchor_add(data=ca.root.pem)
    dossier = approve(processing, specialist, pki.result_pdf())
    file_id = result_of(dossier).pk
    check = result_sign(file_id=file_id, actor=specialist)
    assert check.verdict == Verdict.VALID and check.signer_name == "Sở Tư pháp tỉnh Lạng Sơn"
    assert check.chain[0]["subject"].startswith("CN=Token RSA Root CA")
    # a second signature, by the EC key, on top of the first: both stay valid
    check = result_sign(file_id=file_id, actor=specialist, key_code="EC")
    assert check.verdict == Verdict.VALID and check.signatures == 2
    assert check.chain[0]["subject"].startswith("CN=DVCTT Test Root CA")
    assert list(ServerSignature.objects.order_by("at", "id").values_list("key_code", flat=True)) == [
        unit.code,
        "EC",
    ]


def test_a_wrong_pin_is_a_clear_refusal(processing, specialist, token, ca, settings, unit, monkeypatch):
    from dvctt.common.errors import DomainError

    settings.DVCTT_SIGNING_KEYS = {unit.code: _import(token, ca, "agency-ec", "02", raw_mechanism=True)}
    monkeypatch.setenv("DVCTT_TEST_TOKEN_PIN", "000000")
    dossier = approve(processing, specialist, pki.result_pdf())
    with pytest.raises(DomainError) as refused:
        result_sign(file_id=result_of(dossier).pk, actor=specialist)
    assert refused.value.code == "signing_key_unavailable" and "PKCS#11" in refused.value.message
