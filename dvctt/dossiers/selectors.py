"""Reads of dossiers, always through the reader's scope: a bare ``.get()`` on a dossier in a view is a bug."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from dvctt.accounts.models import Role, User
from dvctt.common.errors import NotFoundError
from dvctt.dossiers.models import Dossier, DossierEvent, Extension
from dvctt.dossiers.numbering import dossier_code_normalise


def dossiers_visible_to(user: User) -> QuerySet[Dossier]:
    """Applicants see their own dossiers; officials those of the units in their scope; the province sees all."""
    qs = Dossier.objects.all()
    if not user.is_authenticated:
        return qs.none()
    if user.role in (Role.CITIZEN, Role.BUSINESS) and not user.is_superuser:
        return qs.filter(applicant=user)
    from dvctt.accounts.scopes import unit_ids_in_scope

    scope = unit_ids_in_scope(user)
    if scope is None:
        return qs
    # By the competent unit only: an OR with the receiving unit would keep the database from using the
    # (unit, …) indexes. The two differ for inter-agency children, which the receiving unit reaches through their
    # parent, and for boundary-free receptions, which count for the competent unit and which the receiving unit
    # opens by code (dossier_get_for_user).
    return qs.filter(unit_id__in=scope)


def _openable_by(user: User) -> QuerySet[Dossier]:
    """What ``user`` may open one at a time: what they see, plus, for officials, the dossiers their units received
    for a competent unit outside their scope (boundary-free reception, Decree 118/2025). Only for lookups by the
    unique code: there the OR costs nothing, while lists and figures stay by the competent unit."""
    qs = dossiers_visible_to(user)
    if not user.is_authenticated or (user.role in (Role.CITIZEN, Role.BUSINESS) and not user.is_superuser):
        return qs
    from dvctt.accounts.scopes import unit_ids_in_scope

    scope = unit_ids_in_scope(user)
    if not scope:  # the whole province (None) already sees everything; an empty scope sees nothing
        return qs
    return Dossier.objects.filter(Q(unit_id__in=scope) | Q(receiving_unit_id__in=scope))


def dossier_get_for_user(*, user: User, code: str) -> Dossier:
    """One dossier by its exact code, if ``user`` may open it (NotFoundError otherwise, never a 403 that would
    confirm the code exists)."""
    dossier = (
        _openable_by(user)
        .select_related(
            "procedure", "procedure_version", "unit", "receiving_unit", "applicant", "assignee", "parent"
        )
        .filter(code=code)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("Không tìm thấy hồ sơ %(code)s.") % {"code": code})
    return dossier


def dossier_get_public(*, code: str) -> Dossier:
    """Exact lookup by code for the public tracking page: what it shows must carry no personal data."""
    code = dossier_code_normalise(code)
    dossier = (
        Dossier.objects.select_related("procedure_version", "unit", "procedure")
        .filter(code=code, is_test=False)
        .first()
    )
    if dossier is None:
        raise NotFoundError(_("Không tìm thấy hồ sơ có mã %(code)s.") % {"code": code})
    return dossier


def dossier_obligation_request(*, dossier: Dossier) -> DossierEvent | None:
    """The latest request of a financial obligation (its event: when it was asked, and for how much)."""
    return dossier.events.filter(action="request_financial_obligation").order_by("-seq").first()


def dossier_obligation_amount(*, dossier: Dossier) -> int:
    """The amount of the financial obligation the dossier waits for: that of the latest request (0: none)."""
    event = dossier_obligation_request(dossier=dossier)
    return int(event.payload.get("amount") or 0) if event else 0


def apology_drafts_for_leader(*, user: User) -> QuerySet[Extension]:
    """Apology drafts waiting for the leader to issue them, in the dossiers the leader sees; repeated apologies
    (a second or later one for the same dossier) first."""
    return (
        Extension.objects.filter(state=Extension.State.DRAFT, dossier__in=dossiers_visible_to(user))
        .select_related("dossier", "drafted_by")
        .order_by("-sequence", "drafted_at", "id")
    )
