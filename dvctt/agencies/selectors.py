"""Reads of units. Other apps reach units only through these functions."""

from __future__ import annotations

from datetime import date

from django.db.models import Q, QuerySet

from dvctt.agencies.models import Unit


def units_in_force(*, on: date, level: str | None = None) -> QuerySet[Unit]:
    """Units that exist on day ``on`` (both validity days included), optionally of one level."""
    qs = Unit.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), valid_from__lte=on)
    if level:
        qs = qs.filter(level=level)
    return qs


def unit_get_by_code(*, code: str) -> Unit | None:
    return Unit.objects.filter(code=code).first()
