from datetime import date
from io import StringIO

import pytest

from dvctt.catalog import demo
from dvctt.catalog.models import Procedure, ProcedureVersion
from dvctt.catalog.selectors import catalogue_on
from dvctt.catalog.tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


def test_demo_loader_is_idempotent_and_uses_the_units():
    # given a tiny set of units: one department that merged in 2025, its successor, a district, a commune
    successor = UnitFactory(code="000.00.05.H38", name="Sở Tài chính", level="so")
    UnitFactory(
        code="000.00.04.H38",
        name="Sở Kế hoạch và Đầu tư",
        level="so",
        valid_to=date(2025, 2, 28),
        successor=successor,
    )
    UnitFactory(code="000.00.31.H38", name="UBND huyện Bắc Sơn", level="huyen", valid_to=date(2025, 6, 30))
    UnitFactory(code="000.05.00.H38", name="UBND xã Bắc Sơn", level="xa", valid_from=date(2025, 7, 1))

    first = demo.load(stdout=StringIO(), scale=0.05)
    procedures, versions = Procedure.objects.count(), ProcedureVersion.objects.count()
    second = demo.load(stdout=StringIO(), scale=0.05)

    assert "thủ tục" in first and "không thêm gì" in second
    assert (Procedure.objects.count(), ProcedureVersion.objects.count()) == (procedures, versions)
    # local procedures: the district before 1/07/2025, the commune from that day
    khai_sinh = Procedure.objects.filter(versions__name="Đăng ký khai sinh").distinct().get()
    before = catalogue_on(on=date(2025, 6, 30)).get(procedure=khai_sinh)
    after = catalogue_on(on=date(2025, 7, 1)).get(procedure=khai_sinh)
    assert [u.code for u in before.units.all()] == ["000.00.31.H38"]
    assert [u.code for u in after.units.all()] == ["000.05.00.H38"]
    assert after.eform and after.eform[0]["name"] == "ho_ten"
    # a planning procedure moves to the successor department after the merge
    business = Procedure.objects.filter(versions__name="Đăng ký thành lập công ty cổ phần").distinct().get()
    assert [u.code for u in catalogue_on(on=date(2025, 2, 28)).get(procedure=business).units.all()] == [
        "000.00.04.H38"
    ]
    assert [u.code for u in catalogue_on(on=date(2025, 3, 1)).get(procedure=business).units.all()] == [
        "000.00.05.H38"
    ]


def test_demo_loader_works_without_units():
    summary = demo.load(stdout=StringIO(), scale=0.02)
    assert "thủ tục" in summary
    assert catalogue_on(on=date(2025, 12, 31)).count() > 40
