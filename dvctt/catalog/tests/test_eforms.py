from datetime import date
from decimal import Decimal

import pytest

from dvctt.catalog.eforms import EFormError, eform_data_validate, eform_definition_validate

FORM = [
    {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True, "max_length": 10},
    {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
    {"name": "gioi_tinh", "label": "Giới tính", "type": "select", "choices": [["nam", "Nam"], ["nu", "Nữ"]]},
    {"name": "so_dinh_danh", "label": "Số định danh", "type": "id_number"},
    {"name": "dien_thoai", "label": "Điện thoại", "type": "phone"},
    {"name": "email", "label": "Thư điện tử", "type": "email"},
    {"name": "so_ban", "label": "Số bản", "type": "integer"},
    {"name": "dien_tich", "label": "Diện tích", "type": "number"},
    {"name": "dong_y", "label": "Đồng ý", "type": "checkbox"},
    {"name": "giay_to", "label": "Giấy tờ", "type": "multiselect", "choices": ["a", "b"]},
]


def test_valid_definition_passes():
    assert eform_definition_validate(FORM) == FORM
    assert eform_definition_validate(None) == []


@pytest.mark.parametrize(
    ("definition", "needle"),
    [
        ([{"name": "x", "label": "X", "type": "hologram"}], "hologram"),
        ([{"name": "x", "label": "X", "type": "text"}, {"name": "x", "label": "Y", "type": "text"}], "trùng"),
        ([{"name": "x", "label": "X", "type": "select"}], "lựa chọn"),
        ([{"name": "Họ tên", "label": "X", "type": "text"}], "không hợp lệ"),
        ([{"name": "x", "label": "X", "type": "text", "max_length": 0}], "độ dài"),
        ([{"name": "x", "label": "", "type": "text"}], "nhãn"),
        ({"name": "x"}, "danh sách"),
    ],
)
def test_bad_definitions_are_named(definition, needle):
    with pytest.raises(EFormError) as exc:
        eform_definition_validate(definition)
    assert needle in exc.value.message or any(needle in m for ms in exc.value.fields.values() for m in ms)


def test_unknown_type_error_names_field_and_type():
    with pytest.raises(EFormError) as exc:
        eform_definition_validate([{"name": "anh", "label": "Ảnh", "type": "photo"}])
    assert exc.value.fields == {"anh": ["Trường “anh” có kiểu không hỗ trợ: “photo”."]}


def test_clean_data_is_typed():
    cleaned = eform_data_validate(
        FORM,
        {
            "ho_ten": " Lan ",
            "ngay_sinh": "02/09/1990",
            "gioi_tinh": "nu",
            "so_dinh_danh": "001190012345",
            "dien_thoai": "+84 912 345 678",
            "email": "Lan@Example.VN",
            "so_ban": "2",
            "dien_tich": "12,5",
            "dong_y": "on",
            "giay_to": ["a"],
            "khong_biet": "bị bỏ",
        },
    )
    assert cleaned == {
        "ho_ten": "Lan",
        "ngay_sinh": date(1990, 9, 2),
        "gioi_tinh": "nu",
        "so_dinh_danh": "001190012345",
        "dien_thoai": "0912345678",
        "email": "lan@example.vn",
        "so_ban": 2,
        "dien_tich": Decimal("12.5"),
        "dong_y": True,
        "giay_to": ["a"],
    }


def test_iso_date_and_blank_optionals():
    cleaned = eform_data_validate(FORM, {"ho_ten": "An", "ngay_sinh": "1990-09-02"})
    assert cleaned["ngay_sinh"] == date(1990, 9, 2)
    assert cleaned["gioi_tinh"] is None
    assert cleaned["dong_y"] is False
    assert cleaned["giay_to"] == []


def test_every_bad_field_gets_a_vietnamese_message():
    with pytest.raises(EFormError) as exc:
        eform_data_validate(
            FORM,
            {
                "ho_ten": "Nguyễn Văn Anh Tuấn",
                "ngay_sinh": "31/02/1990",
                "gioi_tinh": "khac",
                "so_dinh_danh": "12345",
                "dien_thoai": "0123",
                "email": "khong-phai-email",
                "so_ban": "hai",
                "dien_tich": "abc",
                "giay_to": ["c"],
            },
        )
    fields = exc.value.fields
    assert fields["ho_ten"] == ["Họ và tên: tối đa 10 ký tự (đang có 19)."]
    assert "ngày không hợp lệ" in fields["ngay_sinh"][0]
    assert "khac" in fields["gioi_tinh"][0]
    assert "12 chữ số" in fields["so_dinh_danh"][0]
    assert "số điện thoại" in fields["dien_thoai"][0]
    assert "thư điện tử" in fields["email"][0]
    assert "số nguyên" in fields["so_ban"][0]
    assert "phải là số" in fields["dien_tich"][0]
    assert "“c”" in fields["giay_to"][0]


def test_required_missing():
    with pytest.raises(EFormError) as exc:
        eform_data_validate(FORM, {"ho_ten": "  "})
    assert exc.value.fields["ho_ten"] == ["Họ và tên: bắt buộc nhập."]
    assert exc.value.fields["ngay_sinh"] == ["Ngày sinh: bắt buộc nhập."]


@pytest.mark.parametrize("phone", ["0912345678", "0205 3871 234", "+84 369 123 456", "0979.123.456"])
def test_vietnamese_phone_numbers_accepted(phone):
    definition = [{"name": "p", "label": "P", "type": "phone", "required": True}]
    assert eform_data_validate(definition, {"p": phone})["p"].startswith("0")


@pytest.mark.parametrize("phone", ["0112345678", "091234567", "+1 202 555 0100", "091234567890"])
def test_bad_phone_numbers_refused(phone):
    definition = [{"name": "p", "label": "P", "type": "phone", "required": True}]
    with pytest.raises(EFormError):
        eform_data_validate(definition, {"p": phone})


# --- display ---------------------------------------------------------------------------------------------------


def test_display_formats_each_value_by_its_field():
    from dvctt.catalog.eforms import eform_data_display

    definition = [
        *FORM,
        {"name": "le_phi", "label": "Lệ phí", "type": "money"},
        {"name": "ghi_chu", "label": "Ghi chú", "type": "textarea"},
    ]
    data = {
        "ho_ten": "An",
        "ngay_sinh": "1990-04-15",
        "gioi_tinh": "nu",
        "so_dinh_danh": "020199001234",
        "dien_thoai": "0912345678",
        "email": None,
        "so_ban": 2,
        "dien_tich": "1234.5",
        "dong_y": False,
        "giay_to": ["a", "b"],
        "le_phi": 200000,
        "ghi_chu": None,
        "khong_co": "dropped",
    }
    shown = {i.label: i.value for i in eform_data_display(definition, data, show_personal=True)}
    assert shown == {
        "Họ và tên": "An",
        "Ngày sinh": "15/04/1990",
        "Giới tính": "Nữ",
        "Số định danh": "020199001234",
        "Điện thoại": "0912345678",
        "Thư điện tử": "—",
        "Số bản": "2",
        "Diện tích": "1.234,5",
        "Đồng ý": "Không",
        "Giấy tờ": "a, b",
        "Lệ phí": "200.000 đ",
        "Ghi chú": "—",
    }


def test_display_masks_personal_fields_by_type_and_by_common_name():
    from dvctt.catalog.eforms import eform_data_display

    definition = [
        {"name": "so_dinh_danh", "label": "Số định danh", "type": "id_number"},
        {"name": "lien_he", "label": "Liên hệ", "type": "phone"},
        {"name": "so_cccd", "label": "CCCD (nhập tự do)", "type": "text"},
        {"name": "ho_ten", "label": "Họ tên", "type": "text"},
    ]
    data = {
        "so_dinh_danh": "020199001234",
        "lien_he": "0912345678",
        "so_cccd": "020177005555",
        "ho_ten": "An",
    }
    shown = {i.name: i.value for i in eform_data_display(definition, data, show_personal=False)}
    assert shown == {
        "so_dinh_danh": "020******234",
        "lien_he": "091****678",
        "so_cccd": "020******555",
        "ho_ten": "An",
    }


def test_money_fields_take_whole_dong():
    data = eform_data_validate([{"name": "tien", "label": "Tiền", "type": "money"}], {"tien": "200.000"})
    assert data == {"tien": 200000}
    with pytest.raises(EFormError):
        eform_data_validate([{"name": "tien", "label": "Tiền", "type": "money"}], {"tien": "-5"})


def test_masked_raw_data_for_machine_readers():
    from dvctt.catalog.eforms import eform_data_masked

    definition = [
        {"name": "so_dinh_danh", "label": "Số định danh", "type": "id_number"},
        {"name": "ho_ten", "label": "Họ tên", "type": "text"},
    ]
    data = {"so_dinh_danh": "020199001234", "ho_ten": "An"}
    assert eform_data_masked(definition, data, show_personal=False) == {
        "so_dinh_danh": "020******234",
        "ho_ten": "An",
    }
    assert eform_data_masked(definition, data, show_personal=True) == data


# --- prefill: what the applicant's account fills in ------------------------------------------------------------


def test_prefill_roles_are_checked_against_the_field_type() -> None:
    from dvctt.catalog.eforms import eform_field_prefill

    good = [
        {"name": "ngay_sinh_nyc", "label": "Ngày sinh", "type": "date", "prefill": "birth_date"},
        {"name": "dia_chi", "label": "Địa chỉ", "type": "textarea", "prefill": "address"},
        {"name": "ho_ten", "label": "Họ tên cha", "type": "text", "prefill": "none"},
    ]
    assert eform_definition_validate(good) == good
    assert [eform_field_prefill(f) for f in good] == ["birth_date", "address", None]
    with pytest.raises(EFormError) as unknown:
        eform_definition_validate([{"name": "a", "label": "A", "type": "text", "prefill": "mother"}])
    assert unknown.value.fields == {"a": ["Trường “a”: giá trị điền sẵn “mother” không hỗ trợ."]}
    with pytest.raises(EFormError) as wrong_type:
        eform_definition_validate([{"name": "b", "label": "B", "type": "integer", "prefill": "birth_date"}])
    assert wrong_type.value.fields == {"b": ["Trường “b”: kiểu “integer” không điền sẵn được “birth_date”."]}


def test_well_known_names_fill_only_fields_of_a_fitting_type() -> None:
    from dvctt.catalog.eforms import eform_field_prefill

    assert eform_field_prefill({"name": "ho_ten", "type": "text"}) == "full_name"
    assert eform_field_prefill({"name": "so_dinh_danh", "type": "id_number"}) == "national_id"
    assert eform_field_prefill({"name": "dien_thoai", "type": "phone"}) == "phone"
    assert eform_field_prefill({"name": "email", "type": "email"}) == "email"
    # someone else's fields, a birth date without a declared role, a name of another type: never
    assert eform_field_prefill({"name": "ho_ten_tre", "type": "text"}) is None
    assert eform_field_prefill({"name": "ngay_sinh", "type": "date"}) is None
    assert eform_field_prefill({"name": "dien_thoai", "type": "integer"}) is None
