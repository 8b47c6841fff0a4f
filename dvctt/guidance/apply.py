"""The optional "Cán bộ hướng dẫn" field group of an online application, for the faces that submit (the portal's
review step): what the form shows (prefilled from the official's link the citizen followed, or chosen by a search
of officials by name or unit) and the one call that records it after ``dossier_submit``, in the same transaction.

The link the citizen opened is kept in a signed cookie for LINK_DAYS days (:func:`remember_link`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from dvctt.accounts.models import User
from dvctt.common.errors import DomainError
from dvctt.dossiers.models import Dossier

from .models import Guidance, GuidanceLink, GuidanceSource
from .selectors import (
    OfficialChoice,
    choice_of,
    guidance_link_resolve,
    guidance_official_get,
    guidance_officials_search,
)
from .services import guidance_record

COOKIE = "dvctt_guide"
SALT = "dvctt.guidance.link"
LINK_DAYS = 30
#: The posted value that means "the official of the link I followed".
FROM_LINK = "link"


def remember_link(response: HttpResponse, link: GuidanceLink) -> None:
    response.set_signed_cookie(
        COOKIE,
        link.token,
        salt=SALT,
        max_age=LINK_DAYS * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
    )


def forget_link(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, samesite="Lax")


def link_from_request(request: HttpRequest) -> GuidanceLink | None:
    """The still-valid link whose page this browser opened in the last LINK_DAYS days, else None."""
    try:
        token = request.get_signed_cookie(COOKIE, default="", salt=SALT, max_age=LINK_DAYS * 24 * 3600)
    except signing.BadSignature:
        return None
    return guidance_link_resolve(token=token) if token else None


@dataclass
class GuideChoice:
    """The field group's state: the link's official (if any), the search's results, what was posted."""

    link: GuidanceLink | None = None
    link_choice: OfficialChoice | None = None
    query: str = ""
    results: list[OfficialChoice] = field(default_factory=list)
    chosen: str = ""  # "", FROM_LINK, or an official's id
    official: User | None = None
    consent: bool = False
    error: DomainError | None = None

    @property
    def source(self) -> str:
        return GuidanceSource.LINK if self.chosen == FROM_LINK else GuidanceSource.NAMED


def guide_choice(request: HttpRequest) -> GuideChoice:
    """Read the field group from the request (never raises: a bad value becomes ``error``)."""
    choice = GuideChoice(link=link_from_request(request))
    if choice.link is not None:
        choice.link_choice = choice_of(choice.link.official)
    choice.query = (request.GET.get("tim_can_bo") or "").strip()[:100]
    if choice.query:
        choice.results = guidance_officials_search(query=choice.query)
    if request.method != "POST":
        choice.chosen = FROM_LINK if choice.link is not None else ""
        return choice
    choice.chosen = (request.POST.get("guide_official") or "").strip()
    choice.consent = request.POST.get("guide_consent") == "1"
    if choice.chosen == FROM_LINK:
        if choice.link is None:
            choice.error = DomainError(
                _("Liên kết của cán bộ hướng dẫn không còn hiệu lực; hãy tìm và chọn lại cán bộ."),
                code="link_expired",
                fields={"guide_official": [_("Liên kết không còn hiệu lực.")]},
            )
        else:
            choice.official = choice.link.official
    elif choice.chosen:
        official = guidance_official_get(official_id=int(choice.chosen)) if choice.chosen.isdigit() else None
        if official is None:
            choice.error = DomainError(
                _("Cán bộ hướng dẫn đã chọn không hợp lệ; hãy tìm và chọn lại."),
                code="not_official",
                fields={"guide_official": [_("Không hợp lệ.")]},
            )
        else:
            choice.official = official
            choice.results = [choice_of(official)] + [r for r in choice.results if r.pk != official.pk]
    return choice


def guide_record(choice: GuideChoice, *, dossier: Dossier) -> Guidance | None:
    """Record the chosen official for the just-submitted ``dossier`` when the applicant consented; nothing
    without an official or without consent. Raises DomainError for a bad choice (the caller's transaction then
    rolls the submission back: never half a write)."""
    if choice.error is not None:
        raise choice.error
    if choice.official is None or not choice.consent:
        return None
    return guidance_record(
        dossier=dossier,
        official=choice.official,
        source=choice.source,
        consent=True,
        link=choice.link if choice.chosen == FROM_LINK else None,
    )


def context(choice: GuideChoice) -> dict[str, Any]:
    return {"guide": choice}
