"""Reading verdicts for the pages that show them (officers' dossier page, the applicant's tracking page)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.dossiers.models import DossierFile
from dvctt.integrations.signing.models import ResultSignatureCheck, Verdict

BADGES: dict[str, str] = {
    Verdict.VALID: "success",
    Verdict.SIGNED_UNTRUSTED: "warning",
    Verdict.SIGNED_INVALID: "danger",
    Verdict.UNSIGNED: "neutral",
    Verdict.ERROR: "warning",
}

SIGNED_VERDICTS = {Verdict.VALID, Verdict.SIGNED_UNTRUSTED, Verdict.SIGNED_INVALID}


@dataclass
class ResultVerdict:
    file: DossierFile
    check: ResultSignatureCheck | None
    badge: str
    label: str
    plain: str
    may_sign: bool = False


def _plain(check: ResultSignatureCheck | None) -> str:
    """The verdict in the applicant's words."""
    if check is None:
        return _("Chữ ký số của kết quả này chưa được kiểm tra.")
    if check.verdict == Verdict.VALID:
        signed = timezone.localtime(check.signed_at).strftime("%d/%m/%Y %H:%M") if check.signed_at else ""
        if signed:
            return _(
                "Kết quả có chữ ký số hợp lệ của %(signer)s, ký lúc %(at)s; nội dung không bị thay đổi sau khi ký."
            ) % {
                "signer": check.signer_name,
                "at": signed,
            }
        return _("Kết quả có chữ ký số hợp lệ của %(signer)s; nội dung không bị thay đổi sau khi ký.") % {
            "signer": check.signer_name
        }
    if check.verdict == Verdict.SIGNED_UNTRUSTED:
        return _("Kết quả có chữ ký số nhưng chưa xác thực được người ký: %(detail)s") % {
            "detail": check.detail
        }
    if check.verdict == Verdict.SIGNED_INVALID:
        return _(
            "Chữ ký số trên kết quả không hợp lệ: %(detail)s Đề nghị liên hệ cơ quan giải quyết trước khi sử dụng."
        ) % {"detail": check.detail}
    if check.verdict == Verdict.UNSIGNED:
        return _("Kết quả điện tử này chưa được ký số.")
    return _("Chưa kiểm tra được chữ ký số của kết quả này.")


def result_verdicts(*, files: list[Any], user: Any = None, dossier: Any = None) -> list[ResultVerdict]:
    """One row per stored electronic result of ``files``, in two queries at most (the verdicts; for an officer
    who may sign, the procedure's policy)."""
    stored = [f for f in files if f.kind == DossierFile.Kind.RESULT and f.file]
    if not stored:
        return []
    checks = {c.file_id: c for c in ResultSignatureCheck.objects.filter(file__in=[f.pk for f in stored])}
    may_sign = False
    if user is not None and dossier is not None:
        from dvctt.integrations.signing.keys import signing_key
        from dvctt.integrations.signing.services import result_key_code, result_sign_allowed

        may_sign = result_sign_allowed(actor=user, dossier=dossier) and (
            signing_key(result_key_code(dossier=dossier)) is not None
        )
    rows = []
    for f in stored:
        check = checks.get(f.pk)
        stale = check is not None and check.sha256 != f.sha256
        rows.append(
            ResultVerdict(
                file=f,
                check=None if stale else check,
                badge=BADGES.get(check.verdict, "neutral") if check and not stale else "neutral",
                label=str(check.get_verdict_display())
                if check and not stale
                else _("Chưa kiểm tra chữ ký số"),
                plain=_plain(None if stale else check),
                may_sign=may_sign and (check is None or check.verdict != Verdict.VALID),
            )
        )
    return rows


def result_signature_facts(files: list[Any]) -> dict[int, dict[str, Any]]:
    """The verdicts of ``files`` for the dossier API (the ``DVCTT_RESULT_SIGNATURES`` hook), in one query: file id →
    facts. A file never checked, without stored bytes, or changed since its check is left out (``null`` there)."""
    stored = {f.pk: f for f in files if f.kind == DossierFile.Kind.RESULT and f.file}
    if not stored:
        return {}
    facts: dict[int, dict[str, Any]] = {}
    for check in ResultSignatureCheck.objects.filter(file__in=list(stored)):
        if check.sha256 != stored[check.file_id].sha256:
            continue  # stale: the file was replaced after the check
        signed: bool | None = check.verdict in SIGNED_VERDICTS
        if check.verdict == Verdict.ERROR:
            signed = None
        facts[check.file_id] = {
            "signed": signed,
            "verdict": check.verdict,
            "verdict_label": str(check.get_verdict_display()),
            "problem": check.problem,
            "detail": check.detail,
            "signer": check.signer_name,
            "signer_serial": check.signer_serial,
            "signed_at": check.signed_at,
            "timestamped": check.timestamped,
            "signatures": check.signatures,
            "checked_at": check.checked_at,
            "trust_revision": check.trust_revision,
        }
    return facts
