from __future__ import annotations

from datetime import date

import factory

from dvctt.agencies.models import Unit
from dvctt.catalog.models import Field, Procedure, ProcedureVersion


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"000.00.{n:02d}.H38")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")
    level = "so"
    valid_from = date(2020, 1, 1)


class FieldFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Field
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"LV{n:03d}")
    name = factory.Sequence(lambda n: f"Lĩnh vực {n}")


class ProcedureFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Procedure
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"2.{n:06d}")


class VersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProcedureVersion

    procedure = factory.SubFactory(ProcedureFactory)
    valid_from = date(2023, 1, 1)
    name = factory.Sequence(lambda n: f"Thủ tục thử nghiệm {n}")
    field = factory.SubFactory(FieldFactory)
    online_level = 3
    level_province = True
