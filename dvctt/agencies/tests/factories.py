"""Factories for units, usable by other apps' tests."""

from __future__ import annotations

from datetime import date

import factory

from dvctt.agencies.models import Unit, UnitLevel


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n % 100:02d}.T{n // 100:02d}")
    name = factory.Sequence(lambda n: f"Đơn vị thử {n}")
    level = UnitLevel.DEPARTMENT
    valid_from = date(2000, 1, 1)
    valid_to = None
