"""Checking the signatures of electronic results, signing them on the server, and the rule for issuing them.

A result's verdict is written when the file is stored (a receiver on ``DossierFile``), again after server signing,
and again at issue time when the file or the trust list changed since.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import asdict
from datetime import datetime
from pathlib import PurePath

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import AccessDenied, ConflictError, DomainError, NotFoundError
from dvctt.dossiers.models import Dossier, DossierFile
from dvctt.integrations.signing.keys import pdf_sign, signing_key
from dvctt.integrations.signing.models import ResultSignatureCheck, ServerSignature, SigningPolicy, Verdict
from dvctt.integrations.signing.trust import trust_list_active
from dvctt.integrations.signing.validation import Inspection, pdf_inspect

logger = logging.getLogger(__name__)


class ResultNotIssuable(DomainError):
    """The dossier's electronic result is not validly signed and its procedure does not allow issuing it so."""

    code = "result_not_signed"
    http_status = 409


def _is_checked(file: DossierFile) -> bool:
    return file.kind == DossierFile.Kind.RESULT and bool(file.file)


def signing_policy(*, procedure_id: int | None) -> SigningPolicy:
    """The procedure's policy, or an unsaved one carrying the settings' default."""
    policy = SigningPolicy.objects.filter(procedure_id=procedure_id).first() if procedure_id else None
    if policy is None:
        policy = SigningPolicy(allow_unsigned=bool(getattr(settings, "DVCTT_SIGNING_ALLOW_UNSIGNED", True)))
    return policy


def result_key_code(*, dossier: Dossier, policy: SigningPolicy | None = None) -> str:
    """The server key that signs this dossier's results: the policy's, else the processing unit's code."""
    policy = policy or signing_policy(procedure_id=dossier.procedure_id)
    return policy.key_code or (dossier.unit.code if dossier.unit_id else "")


def _read(file: DossierFile) -> bytes:
    with file.file.open("rb") as handle:
        return handle.read()


def result_check(*, file: DossierFile, at: datetime | None = None) -> ResultSignatureCheck | None:
    """Verify the signatures of an electronic result file and store the verdict (replacing the previous one).

    Files that are not stored results (components, a paper result without a file) are not checked: ``None``.
    """
    if not _is_checked(file):
        return None
    trust = trust_list_active()
    try:
        data = _read(file)
    except OSError:
        logger.exception("signing: result file %s unreadable", file.pk)
        inspection = Inspection(
            verdict=Verdict.ERROR, problem="error", detail=_("Không đọc được tệp kết quả.")
        )
        data = b""
    else:
        inspection = pdf_inspect(data=data, trust=trust)
    values = asdict(inspection)
    values.update(
        sha256=hashlib.sha256(data).hexdigest() if data else "",
        trust_revision=trust.revision,
        checked_at=at or timezone.now(),
    )
    check, _created = ResultSignatureCheck.objects.update_or_create(file=file, defaults=values)
    return check


def result_check_current(*, file: DossierFile) -> ResultSignatureCheck | None:
    """The file's verdict, checked again if the file changed or the trust list moved since the last check."""
    if not _is_checked(file):
        return None
    check = ResultSignatureCheck.objects.filter(file=file).first()
    if check is None or check.sha256 != file.sha256 or check.trust_revision != trust_list_active().revision:
        check = result_check(file=file)
    return check


def result_issue_check(*, dossier: Dossier) -> None:
    """Refuse to issue the dossier's result while an electronic result is not validly signed, unless the
    procedure's policy allows it. Precondition: the dossier row is locked (called inside ``return_result``)."""
    policy = signing_policy(procedure_id=dossier.procedure_id)
    if policy.allow_unsigned:
        return
    for file in dossier.files.filter(kind=DossierFile.Kind.RESULT).exclude(file="").order_by("id"):
        check = result_check_current(file=file)
        if check is not None and not check.is_valid:
            raise ResultNotIssuable(
                _(
                    "Chưa thể trả kết quả hồ sơ %(code)s: kết quả điện tử “%(name)s” %(verdict)s. Thủ tục này "
                    "chỉ cho phép trả kết quả có chữ ký số hợp lệ; hãy ký số kết quả (hoặc tải lên bản đã ký "
                    "số) trước khi trả."
                )
                % {
                    "code": dossier.code,
                    "name": file.name,
                    "verdict": str(check.get_verdict_display()).lower(),
                }
            )


def result_sign_allowed(*, actor: User, dossier: Dossier) -> bool:
    """Officers who may approve or hand over the result of the dossier (role and unit), on a processed dossier
    whose result has not been returned yet."""
    from dvctt.dossiers.services.core import actor_may
    from dvctt.dossiers.states import MOVES, Status

    if dossier.status != Status.PROCESSED:
        return False
    return any(actor_may(actor=actor, move=MOVES[m], dossier=dossier) for m in ("approve", "return_result"))


def result_sign(
    *, file_id: int, actor: User | None, key_code: str | None = None, at: datetime | None = None
) -> ResultSignatureCheck:
    """Sign a stored electronic result with an agency key on the server; the signed file replaces the result
    (the previous file stays in storage, named in the ``ServerSignature`` row) and is checked again.

    ``actor`` None: the system (automatic signing by the procedure's policy, inside the upload's transaction).
    """
    from dvctt.dossiers.services.core import dossier_lock
    from dvctt.dossiers.states import Status

    moment = at or timezone.now()
    with transaction.atomic():
        stored = DossierFile.objects.filter(pk=file_id).only("dossier_id").first()
        if stored is None:
            raise NotFoundError(_("Không tìm thấy tệp kết quả."))
        dossier = dossier_lock(dossier_id=stored.dossier_id)
        file = DossierFile.objects.select_for_update().get(pk=file_id)
        if not _is_checked(file):
            raise DomainError(_("Chỉ ký số được tệp kết quả điện tử."), code="not_a_result")
        if actor is not None and not result_sign_allowed(actor=actor, dossier=dossier):
            if dossier.status != Status.PROCESSED:
                raise ConflictError(
                    _("Chỉ ký số kết quả khi hồ sơ đã xử lý xong và chưa trả kết quả."),
                    code="illegal_transition",
                )
            raise AccessDenied(
                _("Bạn không có quyền ký số kết quả của hồ sơ %(code)s.") % {"code": dossier.code}
            )
        code = key_code or result_key_code(dossier=dossier)
        key = signing_key(code)
        if key is None:
            raise DomainError(
                _("Đơn vị chưa được cấu hình khóa ký số trên máy chủ (mã khóa “%(code)s”).") % {"code": code},
                code="signing_key_missing",
            )
        before = _read(file)
        if not before.startswith(b"%PDF-"):
            raise DomainError(_("Chỉ ký số được tệp kết quả định dạng PDF."), code="not_pdf")
        signing = pdf_sign(
            data=before,
            key=key,
            reason=_("Kết quả giải quyết hồ sơ %(code)s") % {"code": dossier.code},
            location=str(getattr(settings, "PROVINCE_NAME", "")),
        )
        signed = signing.data
        previous = file.file.name
        stem = PurePath(previous).stem
        file.file.save(f"{stem}-ky-so.pdf", ContentFile(signed), save=False)
        file.size = len(signed)
        file.sha256 = hashlib.sha256(signed).hexdigest()
        file.content_type = "application/pdf"
        file.save(update_fields=["file", "size", "sha256", "content_type"])
        ServerSignature.objects.create(
            file=file,
            key_code=code,
            actor=actor,
            at=moment,
            signer_subject=signing.signer_subject[:1000],
            previous_path=previous[:255],
            previous_sha256=hashlib.sha256(before).hexdigest(),
            sha256=file.sha256,
        )
        check = result_check(file=file, at=moment)
        assert check is not None
    return check


def result_auto_sign(*, file: DossierFile) -> None:
    """The procedure's policy signs unsigned results on the server as they are stored. A key that fails leaves the
    result unsigned (its verdict says so) rather than refusing the officer's decision."""
    check = ResultSignatureCheck.objects.filter(file=file).first()
    if check is None or check.verdict != Verdict.UNSIGNED or check.problem != "unsigned":
        return
    dossier = Dossier.objects.select_related("unit").get(pk=file.dossier_id)
    policy = signing_policy(procedure_id=dossier.procedure_id)
    if not policy.server_sign:
        return
    try:
        with transaction.atomic():
            result_sign(file_id=file.pk, actor=None, key_code=result_key_code(dossier=dossier, policy=policy))
    except DomainError as error:
        logger.warning("signing: automatic signing of result %s failed: %s", file.pk, error.message)
