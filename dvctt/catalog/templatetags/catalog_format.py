"""Template filters for the catalogue pages."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def vnd(amount: int | None) -> str:
    """An amount in đồng with the Vietnamese thousands separator: 1500000 → "1.500.000"."""
    if amount is None:
        return ""
    return f"{int(amount):,}".replace(",", ".")
