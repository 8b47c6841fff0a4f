"""``{% procedure_guides code as guides %}``: the live guides attached to a procedure (its page lists them)."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.translation import get_language

from dvctt.guides import selectors

register = template.Library()


@register.simple_tag
def procedure_guides(code: str) -> list[dict[str, Any]]:
    language = "en" if (get_language() or "vi").startswith("en") else "vi"
    return [
        {"guide": guide, "shown": selectors.live_shown(guide, language=language)}
        for guide in selectors.guides_for_procedure(code=code)
    ]
