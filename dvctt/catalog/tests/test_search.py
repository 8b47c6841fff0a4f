from datetime import date

import pytest

from dvctt.catalog.selectors import procedure_search, procedure_search_page_rows
from dvctt.catalog.tests.factories import FieldFactory, UnitFactory, VersionFactory

pytestmark = pytest.mark.django_db
ON = date(2024, 6, 1)


@pytest.fixture
def catalogue():
    hotich = FieldFactory(code="HT", name="Hộ tịch")
    xaydung = FieldFactory(code="XD", name="Xây dựng")
    tuphap = UnitFactory(code="000.00.03.H38", name="Sở Tư pháp")
    rows = {
        "khai_sinh": VersionFactory(
            procedure__code="1.000001", name="Đăng ký khai sinh", field=hotich, online_level=4
        ),
        "khai_sinh_luu_dong": VersionFactory(
            procedure__code="1.000002", name="Đăng ký khai sinh lưu động", field=hotich, online_level=3
        ),
        "lai_khai_sinh": VersionFactory(
            procedure__code="1.000003", name="Đăng ký lại khai sinh", field=hotich
        ),
        "field_only": VersionFactory(procedure__code="1.000004", name="Cấp bản sao trích lục", field=hotich),
        "xay_dung": VersionFactory(procedure__code="1.001001", name="Cấp giấy phép xây dựng", field=xaydung),
        "code_match": VersionFactory(
            procedure__code="1.000948", name="Thủ tục có mã tìm theo", field=xaydung
        ),
    }
    rows["khai_sinh"].units.add(tuphap)
    return rows


def codes(qs):
    return [v.procedure.code for v in qs]


def test_diacritics_and_case_are_ignored(catalogue):
    assert codes(procedure_search(query="DANG KY KHAI SINH", on=ON)) == ["1.000001", "1.000002", "1.000003"]


def test_ranking_name_start_before_all_words_before_field(catalogue):
    # "khai sinh": starts-with none; all words in name: three; "ho tich khai" would need field
    result = codes(procedure_search(query="đăng ký khai sinh", on=ON))
    assert result[:2] == ["1.000001", "1.000002"]  # name starts with the query
    assert result[2] == "1.000003"  # all words, not at the start
    # words found partly in the field name come last
    result = codes(procedure_search(query="ho tich cap", on=ON))
    assert result == ["1.000004"]


def test_business_registration_comes_first_for_dang_ky_kinh_doanh(catalogue):
    dkkd = FieldFactory(code="DKKD", name="Đăng ký kinh doanh")
    thue = FieldFactory(code="THUE", name="Thuế")
    VersionFactory(procedure__code="2.000001", name="Đăng ký thuế lần đầu đối với hộ kinh doanh", field=thue)
    VersionFactory(procedure__code="2.000002", name="Đăng ký thành lập hộ kinh doanh", field=dkkd)
    VersionFactory(procedure__code="2.000003", name="Tạm ngừng kinh doanh", field=dkkd)
    VersionFactory(
        procedure__code="2.000004", name="Đăng ký thay đổi nội dung đăng ký kinh doanh", field=dkkd
    )
    VersionFactory(
        procedure__code="2.000005", name="Cấp giấy phép kinh doanh karaoke, đăng ký mới", field=thue
    )
    result = codes(procedure_search(query="dang ky kinh doanh", on=ON))
    # the exact phrase in the name, then the field's procedures (all words, then not), then the words scattered
    # in the names of other fields (by name among themselves)
    assert result == ["2.000004", "2.000002", "2.000003", "2.000005", "2.000001"]


def test_code_match_comes_first(catalogue):
    VersionFactory(
        procedure__code="1.000948.H38", name="Thủ tục 1.000948 của tỉnh", field=catalogue["xay_dung"].field
    )
    result = list(procedure_search(query="1.000948", on=ON))
    assert [v.procedure.code for v in result][:2] == ["1.000948", "1.000948.H38"]
    assert [v.rank for v in result][:2] == [0, 1]


def test_filters(catalogue):
    assert codes(procedure_search(field="XD", on=ON)) == ["1.000948", "1.001001"]
    assert codes(procedure_search(online_level=4, on=ON)) == ["1.000001"]
    assert codes(procedure_search(unit="000.00.03.H38", on=ON)) == ["1.000001"]
    assert codes(procedure_search(query="khai sinh", online_level=3, on=ON)) == ["1.000002", "1.000003"]
    assert list(procedure_search(query="không có gì như thế", on=ON)) == []


def test_search_uses_the_version_in_force(catalogue):
    VersionFactory(
        procedure=catalogue["xay_dung"].procedure, valid_from=date(2025, 1, 1), name="Cấp phép xây dựng mới"
    )
    assert codes(procedure_search(query="giay phep xay dung", on=ON)) == ["1.001001"]
    assert codes(procedure_search(query="giay phep xay dung", on=date(2025, 1, 1))) == []


def test_search_is_two_queries_with_units(catalogue, django_assert_num_queries):
    for n in range(30):
        VersionFactory(name=f"Đăng ký hoạt động số {n}")
    with django_assert_num_queries(2):
        rows = list(procedure_search_page_rows(procedure_search(query="dang ky", on=ON)))
        _ = [(v.procedure.code, v.field.name, [u.code for u in v.units.all()]) for v in rows]
    assert len(rows) == 33
