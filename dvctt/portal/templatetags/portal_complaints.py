"""``{% dossier_complaints dossier as complaints %}``: the reader's own complaints about a dossier (the owner's
dossier page shows their answers and the rating form without its view having to know about complaints)."""

from __future__ import annotations

from typing import Any

from django import template

from dvctt.portal.complaints import complaints_of_dossier

register = template.Library()


@register.simple_tag(takes_context=True)
def dossier_complaints(context: dict[str, Any], dossier: Any) -> list[Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if dossier is None or user is None or not user.is_authenticated or dossier.applicant_id != user.pk:
        return []
    return list(complaints_of_dossier(user=user, dossier=dossier).filter(author=user))
