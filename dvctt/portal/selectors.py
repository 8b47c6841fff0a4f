"""Reads of the citizen portal, always scoped to the reader: nobody reaches another person's draft or dossier."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.catalog.models import ProcedureVersion
from dvctt.common.errors import DomainError, NotFoundError
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.states import ENDING_STATUSES, PaymentChannel, Status
from dvctt.portal.models import ApplicationDraft


def draft_version(*, procedure_code: str) -> ProcedureVersion:
    """The procedure version in force today, if it can be done online; else a DomainError."""
    from dvctt.catalog.selectors import procedure_version_at

    version = procedure_version_at(code=procedure_code, on=timezone.localdate())
    if version is None:
        raise NotFoundError(
            _("Thủ tục %(code)s không tồn tại hoặc không còn hiệu lực.") % {"code": procedure_code}
        )
    if not version.is_online:
        raise DomainError(
            _("Thủ tục %(code)s chưa được cung cấp trực tuyến: hãy nộp tại bộ phận một cửa.")
            % {"code": procedure_code},
            code="not_online",
        )
    return version


def drafts_of(user: User) -> QuerySet[ApplicationDraft]:
    if not user.is_authenticated:
        return ApplicationDraft.objects.none()
    return ApplicationDraft.objects.filter(applicant=user)


def draft_get_for_user(*, user: User, draft_id: int, open_only: bool = False) -> ApplicationDraft:
    qs = drafts_of(user)
    if open_only:
        qs = qs.filter(submitted_at__isnull=True)
    draft = qs.filter(pk=draft_id).first()
    if draft is None:
        raise NotFoundError(_("Không tìm thấy hồ sơ nháp."))
    return draft


@dataclass(frozen=True)
class Expected:
    """What the applicant is expected to do next on a dossier (shown on "my dossiers")."""

    label: str
    urgent: bool


def dossier_expected_of_applicant(dossier: Dossier) -> Expected | None:
    if dossier.status == Status.SUPPLEMENT_REQUESTED:
        return Expected(_("Cần bổ sung hồ sơ"), True)
    if dossier.status == Status.FINANCIAL_OBLIGATION:
        return Expected(_("Cần thực hiện nghĩa vụ tài chính"), True)
    if dossier.status in (Status.PROCESSED, Status.RETURNED) and dossier.has_e_result:
        if dossier.rating is None:
            return Expected(_("Tải kết quả và đánh giá"), False)
        return Expected(_("Tải kết quả"), False)
    if dossier.status in ENDING_STATUSES and dossier.rating is None and dossier.ended_at is not None:
        return Expected(_("Đánh giá mức độ hài lòng"), False)
    if (
        dossier.fee_total
        and dossier.paid_online == PaymentChannel.NONE
        and dossier.status not in ENDING_STATUSES
    ):
        return Expected(_("Thanh toán phí, lệ phí"), False)
    return None


def my_dossiers(user: User) -> QuerySet[Dossier]:
    """The applicant's own dossiers, newest first (two queries with the page's needs)."""
    from dvctt.dossiers.selectors import dossiers_visible_to

    return (
        dossiers_visible_to(user)
        .filter(applicant=user)
        .select_related("procedure_version", "procedure", "unit")
        .order_by("-created_at", "-id")
    )
