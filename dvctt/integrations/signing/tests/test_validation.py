"""The verdicts of the pyHanko validation on real PDFs signed by a CA chain made in the test (no database)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

import pytest

from dvctt.dossiers.tests.conftest import PDF
from dvctt.integrations.signing.models import Verdict
from dvctt.integrations.signing.tests import pki
from dvctt.integrations.signing.trust import TrustList
from dvctt.integrations.signing.validation import pdf_inspect


def trust(*chains: pki.Chain) -> TrustList:
    return TrustList(anchors=[c.root.der for c in chains], revision="test")


def test_signed_by_a_trusted_chain_is_valid(ca: pki.Chain) -> None:
    before = datetime.now(UTC) - timedelta(seconds=5)
    result = pdf_inspect(data=pki.sign(pki.result_pdf(), ca), trust=trust(ca))
    assert result.verdict == Verdict.VALID and result.problem == ""
    assert result.signer_name == "Sở Tư pháp tỉnh Lạng Sơn"
    assert "Sở Tư pháp tỉnh Lạng Sơn" in result.signer_subject
    assert result.signer_serial == format(ca.agency.cert.serial_number, "X")
    assert result.signed_at is not None and before <= result.signed_at <= datetime.now(UTC) + timedelta(
        seconds=5
    )
    assert result.whole_file and result.signatures == 1 and not result.timestamped
    # the chain runs from the trust anchor down to the signer
    assert [c["subject"] for c in result.chain] == [
        "CN=DVCTT Test Root CA, O=Ban Cơ yếu Chính phủ, C=VN",
        "CN=DVCTT Test Signing CA, C=VN",
        "CN=Sở Tư pháp tỉnh Lạng Sơn, C=VN",
    ]
    assert result.revocation == "soft-fail (offline)"


def test_a_root_outside_the_trust_list_is_untrusted(ca: pki.Chain, foreign_ca: pki.Chain) -> None:
    signed = pki.sign(pki.result_pdf(), foreign_ca)
    for anchors in (trust(ca), trust()):
        result = pdf_inspect(data=signed, trust=anchors)
        assert result.verdict == Verdict.SIGNED_UNTRUSTED
        assert result.problem == "untrusted_root"
        assert "danh sách tin cậy" in result.detail
        assert result.signer_name == "Sở Tư pháp tỉnh Lạng Sơn"  # who signed is still told


def _flip_inside_signed_content(signed: bytes) -> bytes:
    """Change one byte of the first content stream (same length: the PDF still parses)."""
    start = signed.index(b"stream", signed.index(b"/Length")) + len(b"stream\n") + 8
    tampered = bytearray(signed)
    tampered[start] ^= 0x01
    return bytes(tampered)


def test_bytes_modified_after_signing_are_invalid(ca: pki.Chain) -> None:
    result = pdf_inspect(data=_flip_inside_signed_content(pki.sign(pki.result_pdf(), ca)), trust=trust(ca))
    assert result.verdict == Verdict.SIGNED_INVALID and result.problem == "modified"
    assert "thay đổi sau khi ký" in result.detail


def test_content_added_after_signing_is_not_covered(ca: pki.Chain) -> None:
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = pki.sign(pki.result_pdf(), ca)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    page = writer.root["/Pages"]["/Kids"][0].get_object()
    page["/Rotate"] = generic.NumberObject(90)  # a real change of the page, in a revision after the signature
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    result = pdf_inspect(data=out.getvalue(), trust=trust(ca))
    assert result.verdict == Verdict.SIGNED_INVALID and result.problem == "not_whole_file"
    assert not result.whole_file


def test_bytes_appended_after_the_signature_are_not_covered(ca: pki.Chain) -> None:
    result = pdf_inspect(data=pki.sign(pki.result_pdf(), ca) + b"\n% appended\n", trust=trust(ca))
    assert result.verdict == Verdict.SIGNED_INVALID and result.problem == "not_whole_file"


def test_two_signatures_of_trusted_signers_are_valid(ca: pki.Chain) -> None:
    twice = pki.sign(pki.sign(pki.result_pdf(), ca), ca, field="Signature2")
    result = pdf_inspect(data=twice, trust=trust(ca))
    assert result.verdict == Verdict.VALID and result.signatures == 2 and result.whole_file


def test_a_second_signature_by_an_unknown_signer_makes_it_untrusted(
    ca: pki.Chain, foreign_ca: pki.Chain
) -> None:
    twice = pki.sign(pki.sign(pki.result_pdf(), ca), foreign_ca, field="Signature2")
    result = pdf_inspect(data=twice, trust=trust(ca))
    assert result.verdict == Verdict.SIGNED_UNTRUSTED and result.signatures == 2


def test_an_expired_signer_certificate_is_untrusted() -> None:
    now = datetime.now(UTC)
    expired = pki.chain("Expired", not_before=now - timedelta(days=60), not_after=now - timedelta(days=1))
    result = pdf_inspect(data=pki.sign(pki.result_pdf(), expired), trust=trust(expired))
    assert result.verdict == Verdict.SIGNED_UNTRUSTED and result.problem == "expired"
    assert "hết hạn" in result.detail


def test_an_unsigned_pdf_is_unsigned() -> None:
    result = pdf_inspect(data=pki.result_pdf(), trust=trust())
    assert result.verdict == Verdict.UNSIGNED and result.problem == "unsigned" and result.signatures == 0


@pytest.mark.parametrize(
    ("data", "verdict", "problem"),
    [
        (PDF, Verdict.ERROR, "unreadable"),  # a PDF header and nothing a reader can use
        (b"%PDF-1.7\n" + b"\x00garbage" * 50, Verdict.ERROR, "unreadable"),
        (b"\xff\xd8\xff\xe0 a JPEG scan", Verdict.UNSIGNED, "not_pdf"),
        (b"", Verdict.UNSIGNED, "not_pdf"),
    ],
)
def test_garbage_gives_a_verdict_never_an_exception(data: bytes, verdict: str, problem: str) -> None:
    result = pdf_inspect(data=data, trust=trust())
    assert (result.verdict, result.problem) == (verdict, problem)
    assert result.detail


def test_a_truncated_signed_pdf_is_not_valid(ca: pki.Chain) -> None:
    signed = pki.sign(pki.result_pdf(), ca)
    result = pdf_inspect(data=signed[: len(signed) - 400], trust=trust(ca))
    assert result.verdict in (Verdict.ERROR, Verdict.SIGNED_INVALID)
