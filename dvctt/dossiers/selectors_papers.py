"""Reads of an applicant's stored papers ("Giấy tờ của tôi"): the files they uploaded in their own dossiers and
the electronic results handed over to them. Always scoped to the reader: nobody reaches another person's paper.

A paper is a ``DossierFile`` with stored bytes. Only originals are listed: a paper attached again to a later
dossier (``reused_from``) is the same paper, shown once. Results count once the dossier is handed over (status 10,
``return_result``): before that a result may still be unsigned or withdrawn.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.common.errors import NotFoundError
from dvctt.dossiers.models import DossierFile, HiddenPaper
from dvctt.dossiers.states import Status

#: The kinds of files the applicant uploaded themselves.
UPLOADED_KINDS = (DossierFile.Kind.COMPONENT, DossierFile.Kind.SUPPLEMENT)


def papers_of(user: User, *, hidden: bool = False) -> QuerySet[DossierFile]:
    """The applicant's papers, newest first (with their dossier): shown ones, or with ``hidden`` the hidden ones.

    Empty for anonymous visitors and officials (an official's dossiers are never "their" papers).
    """
    if not user.is_authenticated or user.role not in (Role.CITIZEN, Role.BUSINESS):
        return DossierFile.objects.none()
    hidden_ids = HiddenPaper.objects.filter(user=user).values("file_id")
    qs = (
        DossierFile.objects.filter(dossier__applicant=user, reused_from__isnull=True)
        .exclude(file="")
        .filter(
            Q(kind__in=UPLOADED_KINDS)
            | Q(kind=DossierFile.Kind.RESULT, dossier__status=Status.RETURNED, electronic=True)
        )
    )
    qs = qs.filter(pk__in=hidden_ids) if hidden else qs.exclude(pk__in=hidden_ids)
    return qs.select_related("dossier", "dossier__procedure_version").order_by("-uploaded_at", "-id")


def paper_get_for_user(*, user: User, paper_id: int, include_hidden: bool = False) -> DossierFile:
    """One of ``user``'s papers by id (NotFoundError for any other id: another person's, a hidden one unless
    ``include_hidden``, a reused copy, a result not handed over yet)."""
    qs = papers_of(user)
    if include_hidden:
        qs = qs | papers_of(user, hidden=True)
    paper = qs.filter(pk=paper_id).first()
    if paper is None:
        raise NotFoundError(
            _("Không tìm thấy giấy tờ này trong “Giấy tờ của tôi”."),
            code="paper_not_found",
            fields={"paper": [_("Giấy tờ không thuộc tài khoản của bạn hoặc đã bị ẩn.")]},
        )
    return paper
