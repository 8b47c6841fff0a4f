"""Template filters of the outreach pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def thousands(value: int | None) -> str:
    """A count with the Vietnamese thousands separator: 15000 → "15.000"."""
    if value is None:
        return ""
    return f"{int(value):,}".replace(",", ".")
