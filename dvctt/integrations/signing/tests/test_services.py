"""Through the services: a stored result gets its verdict, issuing follows the procedure's policy, the server
signs with the agency's PKCS#12 key, the trust list is read from administrators' uploads."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from dvctt.common.errors import AccessDenied, ConflictError, DomainError
from dvctt.dossiers import services
from dvctt.dossiers.models import DossierFile
from dvctt.dossiers.states import Status
from dvctt.dossiers.tests.conftest import PDF, vn
from dvctt.integrations.signing.models import ResultSignatureCheck, ServerSignature, SigningPolicy, Verdict
from dvctt.integrations.signing.services import ResultNotIssuable, result_sign
from dvctt.integrations.signing.tests import pki
from dvctt.integrations.signing.trust import trust_anchor_add, trust_list_active

pytestmark = pytest.mark.django_db


def approve(dossier, actor, data: bytes, name: str = "Giấy khai sinh"):
    upload = SimpleUploadedFile("giay-khai-sinh.pdf", data, content_type="application/pdf")
    return services.dossier_approve(
        dossier_id=dossier.pk,
        actor=actor,
        results=[services.ResultDocument(name, upload)],
        at=vn(2025, 3, 5, 10),
    )


def result_of(dossier) -> DossierFile:
    return dossier.files.get(kind=DossierFile.Kind.RESULT)


def hand_over(dossier, one_stop):
    return services.dossier_return_result(dossier_id=dossier.pk, actor=one_stop, method="online")


class TestVerdictOnUpload:
    def test_a_validly_signed_upload_is_checked_in_the_same_move(self, processing, specialist, trusted, ca):
        dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
        check = result_of(dossier).signature_check
        assert check.verdict == Verdict.VALID and check.signer_name == "Sở Tư pháp tỉnh Lạng Sơn"
        assert check.sha256 == result_of(dossier).sha256
        assert check.trust_revision == trust_list_active().revision and len(check.trust_revision) == 16
        assert check.chain[0]["subject"].startswith("CN=DVCTT Test Root CA,")

    def test_garbage_pdf_is_an_error_verdict_and_the_decision_still_stands(self, processing, specialist):
        dossier = approve(processing, specialist, PDF)
        assert dossier.status == Status.PROCESSED
        check = result_of(dossier).signature_check
        assert (check.verdict, check.problem) == (Verdict.ERROR, "unreadable")

    def test_a_rendered_refusal_is_checked_too(self, processing, leader):
        dossier = services.dossier_refuse(
            dossier_id=processing.pk, actor=leader, reasons="Không đủ điều kiện"
        )
        assert result_of(dossier).signature_check.verdict == Verdict.UNSIGNED

    def test_a_paper_result_without_a_file_has_no_verdict(self, processing, specialist):
        services.dossier_approve(
            dossier_id=processing.pk, actor=specialist, results=[services.ResultDocument("Bản giấy")]
        )
        assert not ResultSignatureCheck.objects.exists()


class TestIssuing:
    def test_unsigned_result_is_issued_when_no_policy_forbids_it(self, processing, specialist, one_stop):
        dossier = approve(processing, specialist, pki.result_pdf())
        assert hand_over(dossier, one_stop).status == Status.RETURNED

    def test_unsigned_result_is_refused_by_the_procedure_policy(self, processing, specialist, one_stop):
        SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
        dossier = approve(processing, specialist, pki.result_pdf())
        with pytest.raises(ResultNotIssuable) as refused:
            hand_over(dossier, one_stop)
        assert refused.value.http_status == 409 and refused.value.code == "result_not_signed"
        assert "Chưa thể trả kết quả hồ sơ" in refused.value.message and "chưa ký số" in refused.value.message
        dossier.refresh_from_db()
        assert dossier.status == Status.PROCESSED and dossier.returned_at is None
        assert not dossier.events.filter(action="return_result").exists()

    def test_the_settings_default_applies_without_a_policy(self, processing, specialist, one_stop, settings):
        settings.DVCTT_SIGNING_ALLOW_UNSIGNED = False
        dossier = approve(processing, specialist, pki.result_pdf())
        with pytest.raises(ResultNotIssuable):
            hand_over(dossier, one_stop)

    def test_policy_may_allow_unsigned_results(self, processing, specialist, one_stop, settings):
        settings.DVCTT_SIGNING_ALLOW_UNSIGNED = False
        SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=True)
        dossier = approve(processing, specialist, pki.result_pdf())
        assert hand_over(dossier, one_stop).status == Status.RETURNED
        assert result_of(dossier).signature_check.verdict == Verdict.UNSIGNED  # still marked as such

    def test_validly_signed_result_is_issued_under_the_strict_policy(
        self, processing, specialist, one_stop, trusted, ca
    ):
        SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
        dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
        assert hand_over(dossier, one_stop).status == Status.RETURNED

    @pytest.mark.parametrize("how", ["untrusted", "modified"])
    def test_untrusted_or_modified_signature_is_refused(
        self, processing, specialist, one_stop, ca, foreign_ca, how
    ):
        SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
        trust_anchor_add(data=ca.root.pem)
        signed = pki.sign(pki.result_pdf(), foreign_ca if how == "untrusted" else ca)
        if how == "modified":
            signed += b"\n% changed after signing\n"
        dossier = approve(processing, specialist, signed)
        with pytest.raises(ResultNotIssuable) as refused:
            hand_over(dossier, one_stop)
        expected = "chứng thư không được tin cậy" if how == "untrusted" else "không hợp lệ"
        assert expected in refused.value.message

    def test_a_trust_list_change_is_seen_at_issue_time(self, processing, specialist, one_stop, ca):
        SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False)
        dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
        assert result_of(dossier).signature_check.verdict == Verdict.SIGNED_UNTRUSTED
        with pytest.raises(ResultNotIssuable):
            hand_over(dossier, one_stop)
        trust_anchor_add(data=ca.root.pem)  # the administrator adds the root
        assert hand_over(dossier, one_stop).status == Status.RETURNED
        assert result_of(dossier).signature_check.verdict == Verdict.VALID


class TestServerSigning:
    def test_the_agency_key_signs_and_the_signed_file_replaces_the_result(
        self, processing, specialist, trusted, agency_key, settings
    ):
        dossier = approve(processing, specialist, pki.result_pdf())
        before = result_of(dossier)
        old_path, old_sha = before.file.name, before.sha256
        check = result_sign(file_id=before.pk, actor=specialist)
        assert check.verdict == Verdict.VALID and check.signer_name == "Sở Tư pháp tỉnh Lạng Sơn"
        after = result_of(dossier)
        assert after.pk == before.pk and after.sha256 != old_sha and after.file.name != old_path
        assert after.file.name.endswith("-ky-so.pdf") and after.size == after.file.size
        log = ServerSignature.objects.get(file=after)
        assert (log.key_code, log.actor, log.previous_path, log.previous_sha256) == (
            dossier.unit.code,
            specialist,
            old_path,
            old_sha,
        )
        assert before.file.storage.exists(old_path)  # the unsigned original is kept

    def test_signed_by_a_ca_outside_the_trust_list_is_untrusted(self, processing, specialist, agency_key):
        dossier = approve(processing, specialist, pki.result_pdf())
        check = result_sign(file_id=result_of(dossier).pk, actor=specialist)
        assert (check.verdict, check.problem) == (Verdict.SIGNED_UNTRUSTED, "untrusted_root")

    def test_policy_signs_unsigned_results_as_they_are_stored(
        self, processing, specialist, one_stop, trusted, agency_key
    ):
        SigningPolicy.objects.create(procedure=processing.procedure, allow_unsigned=False, server_sign=True)
        dossier = approve(processing, specialist, pki.result_pdf())
        assert result_of(dossier).signature_check.verdict == Verdict.VALID
        assert ServerSignature.objects.get().actor is None
        assert hand_over(dossier, one_stop).status == Status.RETURNED

    def test_a_failing_key_leaves_the_decision_and_the_unsigned_verdict(
        self, processing, specialist, agency_key, monkeypatch
    ):
        monkeypatch.setenv("DVCTT_TEST_P12_PASSWORD", "sai-mat-khau")
        SigningPolicy.objects.create(procedure=processing.procedure, server_sign=True)
        dossier = approve(processing, specialist, pki.result_pdf())
        assert dossier.status == Status.PROCESSED
        assert result_of(dossier).signature_check.verdict == Verdict.UNSIGNED
        assert not ServerSignature.objects.exists()

    def test_wrong_password_is_a_clear_refusal(self, processing, specialist, agency_key, monkeypatch):
        dossier = approve(processing, specialist, pki.result_pdf())
        before = result_of(dossier).sha256
        monkeypatch.setenv("DVCTT_TEST_P12_PASSWORD", "sai-mat-khau")
        with pytest.raises(DomainError) as refused:
            result_sign(file_id=result_of(dossier).pk, actor=specialist)
        assert refused.value.code == "signing_key_unavailable" and "sai mật khẩu" in refused.value.message
        assert result_of(dossier).sha256 == before and not ServerSignature.objects.exists()

    def test_no_key_for_the_unit(self, processing, specialist):
        dossier = approve(processing, specialist, pki.result_pdf())
        with pytest.raises(DomainError) as refused:
            result_sign(file_id=result_of(dossier).pk, actor=specialist)
        assert refused.value.code == "signing_key_missing"

    def test_only_officers_of_the_unit_before_the_result_is_returned(
        self, processing, specialist, one_stop, foreign_officer, citizen, agency_key
    ):
        dossier = approve(processing, specialist, pki.result_pdf())
        file_id = result_of(dossier).pk
        for outsider in (foreign_officer, citizen):
            with pytest.raises(AccessDenied):
                result_sign(file_id=file_id, actor=outsider)
        hand_over(dossier, one_stop)
        with pytest.raises(ConflictError):
            result_sign(file_id=file_id, actor=one_stop)
        assert not ServerSignature.objects.exists()

    def test_a_policy_may_name_another_key(self, processing, specialist, trusted, agency_key, settings, unit):
        settings.DVCTT_SIGNING_KEYS = {"SO-TU-PHAP": settings.DVCTT_SIGNING_KEYS[unit.code]}
        SigningPolicy.objects.create(procedure=processing.procedure, key_code="SO-TU-PHAP")
        dossier = approve(processing, specialist, pki.result_pdf())
        assert result_sign(file_id=result_of(dossier).pk, actor=specialist).verdict == Verdict.VALID
        assert ServerSignature.objects.get().key_code == "SO-TU-PHAP"

    def test_keys_may_come_as_json_from_the_environment(self, settings, agency_key, unit):
        import json

        from dvctt.integrations.signing.keys import signing_keys

        settings.DVCTT_SIGNING_KEYS = json.dumps(settings.DVCTT_SIGNING_KEYS)
        assert signing_keys()[unit.code].kind == "pkcs12"
        settings.DVCTT_SIGNING_KEYS = "{not json"
        assert signing_keys() == {}


class TestTrustList:
    def test_anchor_read_from_pem_and_der(self, ca, foreign_ca):
        pem = trust_anchor_add(data=ca.root.pem, note="Ban Cơ yếu Chính phủ root")
        der = trust_anchor_add(data=foreign_ca.root.der)
        assert pem.name == "DVCTT Test Root CA" and der.name == "Unknown Root CA"
        assert pem.subject.startswith("CN=DVCTT Test Root CA") and len(pem.fingerprint) == 64
        assert pem.valid_from < pem.valid_to

    @pytest.mark.parametrize("what", ["agency", "garbage", "duplicate"])
    def test_refused_uploads(self, ca, what):
        trust_anchor_add(data=ca.root.pem)
        data = {"agency": ca.agency.pem, "garbage": b"not a certificate", "duplicate": ca.root.der}[what]
        with pytest.raises(DomainError) as refused:
            trust_anchor_add(data=data)
        code = {
            "agency": "certificate_not_ca",
            "garbage": "certificate_invalid",
            "duplicate": "certificate_duplicate",
        }
        assert refused.value.code == code[what]

    def test_revision_follows_the_active_anchors(self, ca, foreign_ca):
        empty = trust_list_active().revision
        anchor = trust_anchor_add(data=ca.root.pem)
        one = trust_list_active().revision
        anchor.active = False
        anchor.save()
        assert len({empty, one}) == 2 and trust_list_active().revision == empty

    def test_recheck_command_updates_stale_verdicts(self, processing, specialist, ca, capsys):
        dossier = approve(processing, specialist, pki.sign(pki.result_pdf(), ca))
        assert result_of(dossier).signature_check.verdict == Verdict.SIGNED_UNTRUSTED
        trust_anchor_add(data=ca.root.pem)
        call_command("signing_recheck")
        assert result_of(dossier).signature_check.verdict == Verdict.VALID
        assert "valid: 1" in capsys.readouterr().out
        call_command("signing_recheck")  # nothing stale any more
        assert "signing_recheck: 0" in capsys.readouterr().out
