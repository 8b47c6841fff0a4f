from datetime import date

import pytest

from dvctt.catalog import services
from dvctt.catalog.models import DossierComponent, FeeLine, Procedure, ProcedureVersion
from dvctt.catalog.selectors import catalogue_on, procedure_get_for_display, procedure_version_at
from dvctt.catalog.tests.factories import FieldFactory, UnitFactory, VersionFactory
from dvctt.common.errors import DomainError, NotFoundError

pytestmark = pytest.mark.django_db


def _create(code="1.000948", valid_from=date(2023, 1, 1), **kwargs):
    kwargs.setdefault("name", "Đăng ký khai sinh")
    return services.procedure_version_create(code=code, valid_from=valid_from, **kwargs)


def test_version_in_force_until_the_day_before_the_next_one():
    # given two versions, the second from 1 Jul 2024
    _create(online_level=3)
    _create(valid_from=date(2024, 7, 1), online_level=4)
    # then 30 Jun is the first version's last day and 1 Jul the second's first
    assert procedure_version_at(code="1.000948", on=date(2024, 6, 30)).online_level == 3
    assert procedure_version_at(code="1.000948", on=date(2024, 7, 1)).online_level == 4
    assert procedure_version_at(code="1.000948", on=date(2022, 12, 31)) is None


def test_abolished_after_hieu_luc_den_on_any_version():
    # given an abolition day on the FIRST version and a later version
    _create(abolished_after=date(2025, 3, 31))
    _create(valid_from=date(2024, 1, 1), online_level=4)
    # then the procedure is in force on the abolition day and gone the day after, whatever version is current
    assert procedure_version_at(code="1.000948", on=date(2025, 3, 31)).valid_from == date(2024, 1, 1)
    assert procedure_version_at(code="1.000948", on=date(2025, 4, 1)) is None
    assert not catalogue_on(on=date(2025, 4, 1)).exists()


def test_catalogue_on_is_one_query_and_one_version_per_procedure(django_assert_num_queries):
    for n in range(5):
        _create(code=f"1.00000{n}")
        _create(code=f"1.00000{n}", valid_from=date(2024, 1, 1), online_level=4)
    with django_assert_num_queries(1):
        versions = list(catalogue_on(on=date(2024, 6, 1)))
    assert len(versions) == 5
    assert {v.online_level for v in versions} == {4}


def test_create_with_units_components_and_fees():
    unit = UnitFactory(code="000.00.15.H38")
    FieldFactory(code="HT", name="Hộ tịch")
    version = _create(
        unit_codes=["000.00.15.H38"],
        field_code="HT",
        components=[
            {"name": "Tờ khai đăng ký khai sinh", "copies": 1},
            {"name": "Giấy chứng sinh", "required": False},
        ],
        fees=[{"name": "Lệ phí", "amount": 8000}],
        time_limit_by_channel={"2": "0.5"},
    )
    assert list(version.units.all()) == [unit]
    assert version.field.name == "Hộ tịch"
    assert version.has_fees is True
    assert [c.name for c in version.components.all()] == ["Tờ khai đăng ký khai sinh", "Giấy chứng sinh"]
    assert version.time_limit_by_channel == {"2": "0.5"}


def test_unknown_unit_is_refused_and_nothing_is_saved():
    with pytest.raises(DomainError) as exc:
        _create(unit_codes=["KHONG.CO"], components=[{"name": "Tờ khai"}])
    assert "KHONG.CO" in exc.value.message
    assert "1.000948" in exc.value.message
    assert not Procedure.objects.exists()
    assert not DossierComponent.objects.exists()


def test_duplicate_start_day_is_refused():
    _create()
    with pytest.raises(DomainError) as exc:
        _create(online_level=4)
    assert exc.value.code == "duplicate_version"
    assert "01/01/2023" in exc.value.message
    assert ProcedureVersion.objects.count() == 1


def test_version_after_abolition_is_refused_both_ways():
    _create(abolished_after=date(2024, 12, 31))
    with pytest.raises(DomainError) as exc:
        _create(valid_from=date(2025, 1, 1))
    assert exc.value.code == "after_abolition"
    assert "31/12/2024" in exc.value.message
    # and an abolition day before an existing later version
    _create(code="1.000001")
    _create(code="1.000001", valid_from=date(2025, 1, 1))
    first = ProcedureVersion.objects.get(procedure__code="1.000001", valid_from=date(2023, 1, 1))
    with pytest.raises(DomainError):
        services.procedure_version_update(version=first, abolished_after=date(2024, 6, 30))
    first.refresh_from_db()
    assert first.abolished_after is None


def test_bad_eform_is_refused_with_field_named():
    with pytest.raises(DomainError) as exc:
        _create(eform=[{"name": "ho_ten", "label": "Họ tên", "type": "hologram"}])
    assert "hologram" in exc.value.message
    assert "ho_ten" in exc.value.fields


def test_bad_fee_rolls_back_the_whole_update():
    version = _create(fees=[{"name": "Lệ phí", "amount": 8000}])
    with pytest.raises(DomainError):
        services.procedure_version_update(
            version=version, name="Tên mới", fees=[{"name": "A", "amount": 1}, {"name": "B", "amount": -5}]
        )
    version.refresh_from_db()
    assert version.name == "Đăng ký khai sinh"
    assert list(FeeLine.objects.values_list("name", "amount")) == [("Lệ phí", 8000)]


def test_update_keeps_history_and_folded_name():
    version = _create()
    services.procedure_version_update(version=version, name="Đăng ký khai sinh lưu động")
    version.refresh_from_db()
    assert version.name_folded == "dang ky khai sinh luu dong"
    assert version.history.count() == 2


def test_database_refuses_abolition_before_start():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        VersionFactory(valid_from=date(2024, 1, 1), abolished_after=date(2023, 1, 1))


def test_interchange_line_upsert_keeps_unknown_keys():
    UnitFactory(code="000.00.15.H38")
    line = {
        "MaTTHC": "1.000948.H38",
        "TenTTHC": "Cấp giấy phép xây dựng",
        "MaLinhVuc": "XD",
        "TenLinhVuc": "Xây dựng",
        "CoQuanThucHien": ["000.00.15.H38"],
        "MucDo": 4,
        "DuDieuKienToanTrinh": 1,
        "TichHopDVCQG": 0,
        "ThoiHanGiaiQuyet": 15,
        "DonViTinh": "ngay_lam_viec",
        "HieuLucTu": "20230101",
        "MaCu": "X-1",
    }
    first = services.procedure_version_upsert_from_interchange(line=line)
    again = services.procedure_version_upsert_from_interchange(line={**line, "TichHopDVCQG": 1})
    assert first.pk == again.pk
    assert again.integrated_national is True
    assert again.extra == {"MaCu": "X-1"}
    assert again.field.name == "Xây dựng"
    with pytest.raises(DomainError):
        services.procedure_version_upsert_from_interchange(line={**line, "HieuLucTu": "2023-01-01"})


def test_display_shows_last_version_of_abolished_procedure():
    _create(abolished_after=date(2020, 6, 30), valid_from=date(2020, 1, 1))
    display = procedure_get_for_display(code="1.000948", on=date(2024, 1, 1))
    assert display.in_force is False
    assert display.valid_until(display.version) == date(2020, 6, 30)
    with pytest.raises(NotFoundError):
        procedure_get_for_display(code="9.999999")
