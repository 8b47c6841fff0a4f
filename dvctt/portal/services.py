"""Writes of the citizen portal: application drafts (open, save, files, submit) and complaints (PAKN).

Views call these and nothing else; every function checks that the draft or dossier is the actor's own.
"""

from __future__ import annotations

import logging
from functools import partial
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.common.errors import AccessDenied, DomainError
from dvctt.common.text import FREE_TEXT_MAX_CHARS
from dvctt.complaints.models import Complaint, ComplaintKind
from dvctt.dossiers.files import upload_check
from dvctt.dossiers.models import ApplicantType, Dossier
from dvctt.dossiers.states import Channel
from dvctt.portal.models import ApplicationDraft, DraftFile
from dvctt.portal.prefill import account_facts, eform_enforced, eform_prefilled
from dvctt.portal.selectors import draft_get_for_user, draft_version

logger = logging.getLogger(__name__)

APPLICANT_FIELDS = ("full_name", "national_id", "phone", "email", "address")


def _require_applicant(actor: User) -> None:
    if not actor.is_authenticated or actor.role not in (Role.CITIZEN, Role.BUSINESS):
        raise AccessDenied(_("Chỉ tài khoản công dân, doanh nghiệp được nộp hồ sơ trực tuyến."))


def applicant_data_from_account(user: User) -> dict[str, str]:
    """What the portal can fill in for the applicant: the account's own identity and contacts."""
    name = user.organisation_name if user.role == Role.BUSINESS and user.organisation_name else user.full_name
    return {
        "full_name": name or "",
        "national_id": user.national_id or "",
        "phone": user.phone or "",
        "email": user.email or "",
        "address": "",
    }


def draft_open(*, actor: User, procedure_code: str) -> ApplicationDraft:
    """The applicant's open draft for the procedure, or a new one prefilled from the account."""
    _require_applicant(actor)
    version = draft_version(procedure_code=procedure_code)
    existing = ApplicationDraft.objects.filter(
        applicant=actor, procedure_code=version.procedure.code, submitted_at__isnull=True
    ).first()
    if existing is not None:
        return existing
    units = list(version.units.all()[:2])
    with transaction.atomic():
        draft, _created = ApplicationDraft.objects.get_or_create(
            applicant=actor,
            procedure_code=version.procedure.code,
            submitted_at=None,
            defaults={
                "procedure_name": version.name,
                "unit_code": units[0].code if len(units) == 1 else "",
                "applicant_data": applicant_data_from_account(actor),
                "form_data": eform_prefilled(version.eform, {}, account_facts(actor)),
            },
        )
    return draft


def draft_save_details(
    *, actor: User, draft_id: int, applicant_data: dict[str, str], form_data: dict[str, Any], unit_code: str
) -> ApplicationDraft:
    """Keep what the applicant typed, valid or not (validation is :func:`draft_details_errors`); the e-form's
    verified fields are overwritten with the national identity's values (``prefill.eform_enforced``)."""
    draft = draft_get_for_user(user=actor, draft_id=draft_id, open_only=True)
    version = draft_version(procedure_code=draft.procedure_code)
    draft.applicant_data = {name: str(applicant_data.get(name, "")).strip() for name in APPLICANT_FIELDS}
    draft.form_data = eform_enforced(version.eform, form_data, account_facts(actor))
    draft.unit_code = unit_code.strip()
    draft.save(update_fields=["applicant_data", "form_data", "unit_code", "updated_at"])
    return draft


def draft_details_errors(*, draft: ApplicationDraft) -> dict[str, list[str]]:
    """Every problem with the draft's details, by field (applicant fields, ``unit``, e-form field names)."""
    from django.core.exceptions import ValidationError
    from django.core.validators import validate_email

    from dvctt.catalog.eforms import EFormError, eform_data_validate

    errors: dict[str, list[str]] = {}
    data = draft.applicant_data or {}
    if not data.get("full_name", "").strip():
        errors["full_name"] = [_("Họ và tên người nộp: bắt buộc nhập.")]
    national_id = data.get("national_id", "").strip()
    if not national_id:
        errors["national_id"] = [_("Số định danh cá nhân: bắt buộc nhập.")]
    elif not (len(national_id) == 12 and national_id.isdigit()):
        errors["national_id"] = [_("Số định danh cá nhân phải gồm đúng 12 chữ số.")]
    phone = data.get("phone", "").replace(" ", "").replace(".", "")
    if not phone:
        errors["phone"] = [_("Số điện thoại: bắt buộc nhập để cơ quan liên hệ.")]
    elif not (phone.isdigit() and len(phone) in (10, 11) and phone.startswith("0")):
        errors["phone"] = [_("Số điện thoại không hợp lệ (10 chữ số, bắt đầu bằng 0).")]
    if data.get("email"):
        try:
            validate_email(data["email"])
        except ValidationError:
            errors["email"] = [_("Địa chỉ thư điện tử không hợp lệ.")]
    version = draft_version(procedure_code=draft.procedure_code)
    if not draft.unit_code:
        errors["unit"] = [_("Hãy chọn cơ quan tiếp nhận hồ sơ.")]
    elif not version.units.filter(code=draft.unit_code).exists():
        errors["unit"] = [_("Cơ quan này không tiếp nhận thủ tục này.")]
    try:
        eform_data_validate(version.eform or [], draft.form_data or {})
    except EFormError as exc:
        errors.update(exc.fields)
    return errors


def draft_files_missing(*, draft: ApplicationDraft) -> dict[str, list[str]]:
    """Required components that have no file yet, keyed ``component-<position>``."""
    version = draft_version(procedure_code=draft.procedure_code)
    present = set(draft.files.values_list("component_position", flat=True))
    return {
        f"component-{c.position}": [_("“%(name)s”: bắt buộc đính kèm.") % {"name": c.name}]
        for c in version.components.all()
        if c.required and c.position not in present
    }


def draft_add_file(*, actor: User, draft_id: int, component_position: int, upload: UploadedFile) -> DraftFile:
    """Check the file (type by name and content, size) and keep it with the draft. Nothing kept if refused."""
    draft = draft_get_for_user(user=actor, draft_id=draft_id, open_only=True)
    version = draft_version(procedure_code=draft.procedure_code)
    component = next((c for c in version.components.all() if c.position == component_position), None)
    if component is None:
        raise DomainError(_("Thành phần hồ sơ không hợp lệ."), code="invalid", fields={"component": []})
    info = upload_check(upload=upload, label=component.name)
    stored = DraftFile(
        draft=draft,
        component_position=component.position,
        component_name=component.name,
        name=info.name,
        content_type=info.content_type,
        size=info.size,
        sha256=info.sha256,
    )
    with transaction.atomic():
        stored.file.save(info.name, upload, save=False)
        stored.save()
        ApplicationDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return stored


def draft_add_paper(*, actor: User, draft_id: int, component_position: int, paper_id: int) -> DraftFile:
    """Attach one of the actor's stored papers ("Giấy tờ của tôi") to a component instead of an upload.

    The draft keeps a reference, not bytes; the dossier will share the paper's stored bytes. Another person's
    paper, a hidden one or an unknown id is refused (NotFoundError) and nothing is written. Choosing the same
    paper twice for a component keeps one.
    """
    from dvctt.dossiers.selectors_papers import paper_get_for_user

    draft = draft_get_for_user(user=actor, draft_id=draft_id, open_only=True)
    version = draft_version(procedure_code=draft.procedure_code)
    component = next((c for c in version.components.all() if c.position == component_position), None)
    if component is None:
        raise DomainError(_("Thành phần hồ sơ không hợp lệ."), code="invalid", fields={"component": []})
    paper = paper_get_for_user(user=actor, paper_id=paper_id)
    existing = draft.files.filter(component_position=component.position, source=paper).first()
    if existing is not None:
        return existing
    with transaction.atomic():
        stored = DraftFile.objects.create(
            draft=draft,
            component_position=component.position,
            component_name=component.name,
            source=paper,
            name=paper.file_name,
            content_type=paper.content_type,
            size=paper.size,
            sha256=paper.sha256,
        )
        ApplicationDraft.objects.filter(pk=draft.pk).update(updated_at=timezone.now())
    return stored


def _delete_stored_after_commit(files: list[DraftFile]) -> None:
    """Remove the files from storage once the rows are gone for good (never for a rolled-back delete)."""
    for stored in files:
        storage, name = stored.file.storage, stored.file.name
        if name:
            transaction.on_commit(partial(storage.delete, name))


def draft_remove_file(*, actor: User, draft_id: int, file_id: int) -> None:
    draft = draft_get_for_user(user=actor, draft_id=draft_id, open_only=True)
    stored = draft.files.filter(pk=file_id).first()
    if stored is None:
        raise DomainError(_("Không tìm thấy tệp."), code="not_found")
    stored.delete()
    _delete_stored_after_commit([stored])


def draft_delete(*, actor: User, draft_id: int) -> None:
    draft = draft_get_for_user(user=actor, draft_id=draft_id, open_only=True)
    files = list(draft.files.all())
    draft.delete()
    _delete_stored_after_commit(files)


def draft_submit(*, actor: User, draft_id: int) -> Dossier:
    """Submit the draft as an online dossier. Idempotent: a retry or a double click returns the same dossier.

    Refuses (``DomainError`` with every problem in ``fields``) while details or required files are missing.
    """
    from dvctt.dossiers import services as dossier_services
    from dvctt.dossiers.selectors import dossier_get_for_user

    draft = draft_get_for_user(user=actor, draft_id=draft_id)
    if draft.dossier_code:
        return dossier_get_for_user(user=actor, code=draft.dossier_code)
    errors = {**draft_details_errors(draft=draft), **draft_files_missing(draft=draft)}
    if errors:
        first = next(iter(errors.values()))[0]
        raise DomainError(
            _("Hồ sơ chưa đủ để nộp: %(first)s") % {"first": first}, code="incomplete", fields=errors
        )
    data = draft.applicant_data
    files = list(draft.files.all())
    version = draft_version(procedure_code=draft.procedure_code)
    form_data = eform_enforced(version.eform, draft.form_data, account_facts(actor))
    reused = [
        dossier_services.ComponentReuse(name=stored.component_name, paper_id=stored.source_id)
        for stored in files
        if stored.source_id is not None
    ]
    uploads = []
    for stored in files:
        if stored.source_id is not None:
            continue
        handle = stored.file.open("rb")
        uploads.append(
            dossier_services.ComponentUpload(
                name=stored.component_name,
                upload=UploadedFile(
                    handle, name=stored.name, content_type=stored.content_type, size=stored.size
                ),
            )
        )
    try:
        with transaction.atomic():
            locked = ApplicationDraft.objects.select_for_update().get(pk=draft.pk)
            if locked.dossier_code:
                return dossier_get_for_user(user=actor, code=locked.dossier_code)
            dossier = dossier_services.dossier_submit(
                actor=actor,
                submission=dossier_services.Submission(
                    procedure_code=draft.procedure_code,
                    unit_code=draft.unit_code,
                    channel=Channel.ONLINE,
                    applicant=dossier_services.Applicant(
                        name=data.get("full_name", ""),
                        id_number=data.get("national_id", ""),
                        applicant_type=(
                            ApplicantType.ORGANISATION
                            if actor.role == Role.BUSINESS
                            else ApplicantType.CITIZEN
                        ),
                        phone=data.get("phone", ""),
                        email=data.get("email", ""),
                        address=data.get("address", ""),
                    ),
                    form_data=form_data,
                    components=uploads,
                    reused=reused,
                    client_key=draft.client_key,
                ),
            )
            locked.dossier_code = dossier.code
            locked.submitted_at = timezone.now()
            locked.save(update_fields=["dossier_code", "submitted_at", "updated_at"])
            # The dossier holds its own copies now; the draft's copies go once the submission is committed.
            DraftFile.objects.filter(draft=locked).delete()
            _delete_stored_after_commit(files)
    finally:
        for upload in uploads:
            upload.upload.close()
    return dossier


def complaint_file(*, actor: User, dossier_code: str, kind: str, subject: str, content: str) -> Complaint:
    """File a complaint or petition about one of the actor's dossiers; the dossier is flagged (CoPhanAnh)."""
    from dvctt.dossiers.selectors import dossier_get_for_user
    from dvctt.dossiers.services import dossier_complain
    from dvctt.portal.complaints import complaint_create

    errors: dict[str, list[str]] = {}
    if kind not in ComplaintKind.values:
        errors["kind"] = [_("Hãy chọn phản ánh hoặc kiến nghị.")]
    if not subject.strip():
        errors["subject"] = [_("Tiêu đề: bắt buộc nhập.")]
    elif len(subject.strip()) > 255:
        errors["subject"] = [_("Tiêu đề: tối đa 255 ký tự.")]
    if len(content.strip()) < 10:
        errors["content"] = [_("Nội dung: hãy mô tả rõ, ít nhất 10 ký tự.")]
    elif len(content.strip()) > FREE_TEXT_MAX_CHARS:
        errors["content"] = [
            _("Nội dung: tối đa %(max)s ký tự (đang có %(n)s).")
            % {
                "max": f"{FREE_TEXT_MAX_CHARS:,}".replace(",", "."),
                "n": f"{len(content.strip()):,}".replace(",", "."),
            }
        ]
    if errors:
        raise DomainError(next(iter(errors.values()))[0], code="invalid", fields=errors)
    dossier = dossier_get_for_user(user=actor, code=dossier_code)
    with transaction.atomic():
        dossier_complain(
            dossier_id=dossier.pk, actor=actor, kind=kind, content=f"{subject.strip()}\n{content.strip()}"
        )
        return complaint_create(
            dossier=dossier, author=actor, kind=kind, subject=subject.strip(), content=content.strip()
        )
