"""Submission and receipt: a dossier enters the system, gets its code, is received with an appointment.

Reception regardless of administrative boundaries (Decree 118/2025/ND-CP): for a procedure version with
``any_commune_reception``, a one-stop officer may receive at the counter (or by post) a dossier whose competent
unit is outside their scope. The dossier's ``unit`` is the competent unit (it is counted and processed there);
``receiving_unit`` is the officer's unit, whose code numbers the dossier (domain.md §4). On receipt the dossier is
handed over to the competent unit by a ``forward`` move that says so in its payload. Without the flag such a
submission is refused before anything is written.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.catalog.terms import ProcedureTerms, procedure_terms_at
from dvctt.common.errors import AccessDenied, DomainError
from dvctt.dossiers.deadlines import appointment_for
from dvctt.dossiers.files import upload_check
from dvctt.dossiers.models import ApplicantType, Dossier, DossierFile, SyncState
from dvctt.dossiers.numbering import dossier_code_next
from dvctt.dossiers.services.core import (
    Change,
    announce_on_commit,
    event_append,
    now_or,
    relations_known,
    transition_apply,
)
from dvctt.dossiers.services.papers import ComponentReuse, paper_attach, papers_for_reuse
from dvctt.dossiers.states import Channel, Status

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Applicant:
    """Who the dossier is for: an account's holder, or a walk-in identity recorded by the officer."""

    name: str
    id_number: str = ""
    applicant_type: int = ApplicantType.CITIZEN
    phone: str = ""
    email: str = ""
    address: str = ""


@dataclass(frozen=True)
class ComponentUpload:
    name: str
    upload: UploadedFile
    reused_from_repository: bool = False


@dataclass
class Submission:
    procedure_code: str
    unit_code: str
    channel: int
    applicant: Applicant
    form_data: dict[str, Any] = field(default_factory=dict)
    components: list[ComponentUpload] = field(default_factory=list)
    # Components given by the applicant's stored papers ("Giấy tờ của tôi", services/papers.py): no upload.
    reused: list[ComponentReuse] = field(default_factory=list)
    client_key: str = ""
    is_test: bool = False


def _procedure_terms(code: str, on) -> ProcedureTerms:
    """The version in force, its units and fees, from the process's copy of the catalogue (catalog/terms.py)."""
    terms = procedure_terms_at(code=code, on=on)
    if terms is None:
        raise DomainError(
            _("Thủ tục %(code)s không tồn tại hoặc không còn hiệu lực ngày %(day)s.")
            % {"code": code, "day": on.strftime("%d/%m/%Y")},
            code="unknown_procedure",
            fields={"procedure": [_("Thủ tục không hợp lệ.")]},
        )
    return terms


def _validate_form(version: Any, data: dict[str, Any]) -> dict[str, Any]:
    """The e-form's own validation; its EFormError (a DomainError) names every bad field."""
    from dvctt.catalog.eforms import eform_data_validate

    return eform_data_validate(version.eform or [], data)


def _receiving_unit(*, actor: User, unit: Unit, version: Any, channel: int) -> Unit:
    """The unit that receives the dossier: the competent ``unit`` itself, or, for an officer receiving for a
    unit outside their scope (boundary-free reception), the officer's own unit. Raises AccessDenied when the
    procedure or the channel does not allow it."""
    if actor.role not in (Role.ONE_STOP_OFFICER, Role.UNIT_LEADER):
        return unit
    from dvctt.accounts.scopes import unit_ids_in_scope

    scope = unit_ids_in_scope(actor)
    if scope is None or unit.pk in scope:
        return unit
    own = actor.unit
    if own is None:
        raise AccessDenied(
            _("Tài khoản của bạn không thuộc đơn vị nào nên không tiếp nhận được hồ sơ."),
            code="no_unit",
        )
    if not version.any_commune_reception:
        raise AccessDenied(
            _(
                "Thủ tục %(code)s không thuộc danh mục tiếp nhận không phụ thuộc địa giới hành chính: "
                "%(own)s không tiếp nhận được hồ sơ thuộc thẩm quyền của %(unit)s. Đề nghị tổ chức, cá nhân "
                "nộp hồ sơ tại %(unit)s hoặc nộp trực tuyến."
            )
            % {"code": version.procedure.code, "own": own.name, "unit": unit.name},
            code="outside_boundaries",
            fields={"unit": [_("Không thuộc phạm vi tiếp nhận của đơn vị bạn.")]},
        )
    if channel == Channel.ONLINE:
        raise AccessDenied(
            _(
                "Nộp trực tuyến thay chỉ áp dụng cho hồ sơ của đơn vị mình. Hồ sơ thuộc thẩm quyền của %(unit)s "
                "được tiếp nhận trực tiếp tại quầy hoặc qua bưu chính."
            )
            % {"unit": unit.name},
            code="outside_boundaries",
            fields={"channel": [_("Chọn tiếp nhận trực tiếp hoặc qua bưu chính.")]},
        )
    return own


def _check_submitter(actor: User, channel: int) -> bool:
    """Returns whether the submission is assisted (an officer files for the applicant)."""
    if actor.role in (Role.CITIZEN, Role.BUSINESS):
        if channel != Channel.ONLINE:
            raise DomainError(
                _("Công dân, doanh nghiệp chỉ nộp hồ sơ trực tuyến trên cổng."), code="invalid_channel"
            )
        return False
    if actor.role in (Role.ONE_STOP_OFFICER, Role.UNIT_LEADER):
        return channel == Channel.ONLINE
    raise AccessDenied(_("Vai trò của bạn không được nộp hồ sơ."))


@contextmanager
def _stored_files_removed_on_failure(saved: list[DossierFile]) -> Iterator[None]:
    """Storage is not transactional: when the submission's transaction fails after some uploads were written
    (an error, a lost race on the client key), delete those files so no orphan stays behind."""
    try:
        yield
    except BaseException:
        for stored in saved:
            try:
                stored.file.storage.delete(stored.file.name)
            except OSError:
                logger.warning("could not remove the upload %s of a failed submission", stored.file.name)
        raise


def dossier_submit(*, actor: User, submission: Submission, at: datetime | None = None) -> Dossier:
    """Register a new dossier (status 1) with its code. Idempotent on ``client_key`` per actor.

    All or nothing: a form, file or procedure error leaves no dossier and no used code.
    """
    moment = now_or(at)
    if submission.client_key:
        existing = Dossier.objects.filter(applicant=actor, client_key=submission.client_key).first()
        if existing is not None:
            return existing
    local_day = timezone.localdate(moment)
    terms = _procedure_terms(submission.procedure_code, local_day)
    version = terms.version
    if submission.channel not in Channel.values:
        raise DomainError(
            _("Kênh nộp hồ sơ không hợp lệ."), code="invalid_channel", fields={"channel": ["1, 2, 3"]}
        )
    if submission.channel == Channel.ONLINE and version.online_level < 3:
        raise DomainError(
            _("Thủ tục %(code)s chưa được cung cấp trực tuyến.") % {"code": submission.procedure_code},
            code="not_online",
        )
    unit = terms.units.get(submission.unit_code)
    if unit is None:
        raise DomainError(
            _("Đơn vị %(unit)s không thực hiện thủ tục %(code)s.")
            % {"unit": submission.unit_code, "code": submission.procedure_code},
            code="unknown_unit",
            fields={"unit": [_("Đơn vị không hợp lệ.")]},
        )
    if not submission.applicant.name.strip():
        raise DomainError(
            _("Chưa nhập tên chủ hồ sơ."), code="invalid", fields={"applicant_name": [_("Bắt buộc.")]}
        )
    assisted = _check_submitter(actor, submission.channel)
    receiving_unit = _receiving_unit(actor=actor, unit=unit, version=version, channel=submission.channel)
    # As the database stores and returns it (dates as ISO strings): the dossier handed back is what a re-read gives.
    cleaned = json.loads(json.dumps(_validate_form(version, submission.form_data), cls=DjangoJSONEncoder))
    checked = [(c, upload_check(upload=c.upload, label=c.name)) for c in submission.components]
    papers = papers_for_reuse(actor=actor, reuses=submission.reused) if submission.reused else []
    fees = [{"TenPhiLePhi": name, "Gia": amount} for name, amount in terms.fees]
    applicant_account = actor if actor.role in (Role.CITIZEN, Role.BUSINESS) else None
    saved: list[DossierFile] = []  # uploads already in storage: removed again if the transaction rolls back
    try:
        with _stored_files_removed_on_failure(saved), transaction.atomic():
            dossier = Dossier.objects.create(
                code=dossier_code_next(unit_code=receiving_unit.code, day=local_day),
                procedure=version.procedure,
                procedure_version=version,
                unit=unit,
                receiving_unit=receiving_unit,
                channel=submission.channel,
                assisted=assisted,
                status=Status.NEW,
                applicant=applicant_account,
                applicant_type=submission.applicant.applicant_type,
                applicant_name=submission.applicant.name.strip(),
                applicant_id_number=submission.applicant.id_number.strip(),
                applicant_phone=submission.applicant.phone.strip(),
                applicant_email=submission.applicant.email.strip(),
                applicant_address=submission.applicant.address.strip(),
                submitted_at=moment,
                fees=fees,
                fee_total=sum(f["Gia"] for f in fees),
                digitised=bool(checked or papers),
                form_data=cleaned,
                client_key=submission.client_key if applicant_account else "",
                is_test=submission.is_test,
                sync_state=SyncState.PENDING,
            )
            files = []
            for component, info in checked:
                stored = DossierFile(
                    dossier=dossier,
                    kind=DossierFile.Kind.COMPONENT,
                    name=component.name,
                    content_type=info.content_type,
                    size=info.size,
                    sha256=info.sha256,
                    digitised=True,
                    reused_from_repository=component.reused_from_repository,
                    electronic=True,
                )
                stored.file.save(info.name, component.upload, save=False)
                saved.append(stored)
                stored.save()
                files.append(stored)
            payload: dict[str, Any] = {
                "channel": submission.channel,
                "assisted": assisted,
                "components": len(checked) + len(papers),
            }
            for reuse, paper in papers:
                files.append(paper_attach(dossier=dossier, paper=paper, name=reuse.name))
            if papers:
                payload["reused_papers"] = len(papers)
            if receiving_unit.pk != unit.pk:
                payload.update(
                    boundary_free=True, receiving_unit=receiving_unit.code, competent_unit=unit.code
                )
            event = event_append(
                dossier=dossier,
                action="submit",
                from_status=None,
                actor=actor,
                at=moment,
                payload=payload,
                first=True,
            )
            announce_on_commit(event)
            relations_known(dossier, events=[event], files=files)
    except IntegrityError:
        # Two submissions with one client key raced: the first one won, return it.
        if submission.client_key and applicant_account:
            existing = Dossier.objects.filter(applicant=actor, client_key=submission.client_key).first()
            if existing is not None:
                return existing
        raise
    return dossier


def dossier_receive(
    *, dossier_id: int, actor: User | None, at: datetime | None = None, expected_version: int | None = None
) -> Dossier:
    """The one-stop unit accepts a valid dossier: the clock starts, the appointment is computed and stored.

    A dossier received for another competent unit (boundary-free reception) is then handed over to that unit
    in the same transaction (:func:`_hand_over_to_competent_unit`).
    """

    def body(dossier: Dossier, change: Change) -> None:
        appointment = appointment_for(dossier=dossier, received_at=change.at)
        change.set(
            dossier,
            received_at=change.at,
            due_at=appointment.due,
            first_due_at=appointment.due,
            effective_due_at=appointment.due,
            due_calendar_revision=appointment.calendar_revision,
        )
        change.payload.update(
            due_at=appointment.due.isoformat() if appointment.due else None,
            start=appointment.start.isoformat(),
        )

    with transaction.atomic():
        dossier = transition_apply(
            dossier_id=dossier_id,
            move="receive",
            actor=actor,
            body=body,
            at=at,
            expected_version=expected_version,
        )
        if dossier.receiving_unit_id != dossier.unit_id and dossier.parent_id is None:
            dossier = _hand_over_to_competent_unit(dossier_id=dossier.pk, actor=actor, at=dossier.received_at)
    return dossier


def _hand_over_to_competent_unit(*, dossier_id: int, actor: User | None, at: datetime | None) -> Dossier:
    """Forward a dossier received by another unit to its competent unit (status 4, no assignee yet): the
    competent unit's one-stop officers and specialists find it in their inbox and assign it."""

    def body(dossier: Dossier, change: Change) -> None:
        competent = Unit.objects.only("code", "name").get(pk=dossier.unit_id)
        receiving = Unit.objects.only("code", "name").get(pk=dossier.receiving_unit_id)
        change.payload.update(
            boundary_free=True,
            receiving_unit=receiving.code,
            competent_unit=competent.code,
            note=_(
                "Tiếp nhận không phụ thuộc địa giới hành chính: %(receiving)s chuyển hồ sơ đến %(competent)s "
                "(đơn vị có thẩm quyền giải quyết)."
            )
            % {"receiving": receiving.name, "competent": competent.name},
        )

    return transition_apply(dossier_id=dossier_id, move="forward", actor=actor, body=body, at=at)


def dossier_intake(*, actor: User, submission: Submission, at: datetime | None = None) -> Dossier:
    """Counter or postal intake: the officer records the dossier and receives it at once (two events)."""
    with transaction.atomic():
        dossier = dossier_submit(actor=actor, submission=submission, at=at)
        if dossier.status == Status.NEW:
            dossier = dossier_receive(dossier_id=dossier.pk, actor=actor, at=at)
    return dossier
