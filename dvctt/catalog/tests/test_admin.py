import json
from datetime import date

import pytest

from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.tests.factories import ProcedureFactory, UnitFactory, VersionFactory

pytestmark = pytest.mark.django_db


def _form(version, **changes):
    data = {
        "procedure": version.procedure_id,
        "valid_from": version.valid_from.isoformat(),
        "abolished_after": "",
        "name": version.name,
        "field": version.field_id,
        "level_province": "on",
        "units": [u.pk for u in version.units.all()],
        "online_level": version.online_level,
        "time_limit": "5",
        "time_limit_unit": "ngay_lam_viec",
        "time_limit_by_channel": "{}",
        "offers_postal": "on",
        "eform": "[]",
        "extra": "{}",
        "components-TOTAL_FORMS": "0",
        "components-INITIAL_FORMS": "0",
        "fees-TOTAL_FORMS": "0",
        "fees-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


def test_admin_change_creates_history(admin_client):
    version = VersionFactory(name="Đăng ký khai sinh")
    url = f"/admin/catalog/procedureversion/{version.pk}/change/"
    response = admin_client.post(url, _form(version, name="Đăng ký khai sinh (sửa)", online_level="4"))
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.online_level == 4
    assert version.name_folded == "dang ky khai sinh (sua)"
    assert [h.history_type for h in version.history.order_by("history_date")] == ["+", "~"]
    assert admin_client.get(f"/admin/catalog/procedureversion/{version.pk}/history/").status_code == 200


def test_admin_refuses_a_duplicate_start_day_with_the_service_message(admin_client):
    procedure = ProcedureFactory(code="1.000001")
    VersionFactory(procedure=procedure, valid_from=date(2023, 1, 1))
    other = VersionFactory(procedure=procedure, valid_from=date(2024, 1, 1))
    response = admin_client.post(
        f"/admin/catalog/procedureversion/{other.pk}/change/", _form(other, valid_from="2023-01-01")
    )
    assert response.status_code == 200
    assert "đã có phiên bản bắt đầu từ ngày 01/01/2023" in response.content.decode()
    other.refresh_from_db()
    assert other.valid_from == date(2024, 1, 1)


def test_admin_refuses_a_bad_eform(admin_client):
    version = VersionFactory()
    response = admin_client.post(
        f"/admin/catalog/procedureversion/{version.pk}/change/",
        _form(version, eform='[{"name": "x", "label": "X", "type": "hologram"}]'),
    )
    assert response.status_code == 200
    assert "hologram" in response.content.decode()


def test_admin_edit_derives_the_integrated_flag_instead_of_a_tick_box(admin_client):
    # the tick action is gone: the flag is derived (test_integrated_derived.py) and shown with its reason
    version = VersionFactory(online_level=4)
    response = admin_client.post(
        "/admin/catalog/procedureversion/",
        {"action": "mark_integrated", "_selected_action": [version.pk]},
    )
    version.refresh_from_db()
    assert version.integrated_national is False
    url = f"/admin/catalog/procedureversion/{version.pk}/change/"
    response = admin_client.post(url, _form(version, online_level="4"))
    assert response.status_code == 302
    version.refresh_from_db()
    assert version.integrated_derived is True and version.integrated_national is False


def test_admin_pages_render(admin_client):
    version = VersionFactory()
    version.units.add(UnitFactory())
    assert admin_client.get("/admin/catalog/procedure/").status_code == 200
    assert admin_client.get(f"/admin/catalog/procedure/{version.procedure_id}/change/").status_code == 200
    assert admin_client.get("/admin/catalog/procedureversion/?q=thu").status_code == 200
    assert ProcedureVersion.objects.count() == 1


def test_admin_page_offers_the_form_editor_and_the_sign_off_setting(admin_client):
    version = VersionFactory()
    html = admin_client.get(f"/admin/catalog/procedureversion/{version.pk}/change/").content.decode()
    # the e-form is edited with the editor (static script and styles, no inline script), not raw JSON
    assert "data-eform-editor" in html and "catalog/js/eform_editor.js" in html
    assert "Số tiền (đồng)" in html  # the field types by name, for the editor
    assert 'name="sign_off_required"' in html


def test_admin_saves_the_form_built_in_the_editor(admin_client):
    # given the definition the editor writes: fields with types, required, choices, help, order
    version = VersionFactory()
    built = [
        {"name": "ho_ten", "label": "Họ và tên", "type": "text", "required": True, "max_length": 100},
        {
            "name": "gioi_tinh",
            "label": "Giới tính",
            "type": "select",
            "choices": [["nam", "Nam"], ["nu", "Nữ"]],
        },
        {"name": "so_tien", "label": "Số tiền nộp", "type": "money", "help": "Theo biên lai"},
    ]
    # when the administrator saves, with sign-off on
    response = admin_client.post(
        f"/admin/catalog/procedureversion/{version.pk}/change/",
        _form(version, eform=json.dumps(built, ensure_ascii=False), sign_off_required="on"),
    )
    # then the version holds it, in that order
    assert response.status_code == 302, response.content.decode()[:2000]
    version.refresh_from_db()
    assert version.eform == built
    assert version.sign_off_required is True


def test_admin_names_every_problem_of_the_form_and_saves_nothing(admin_client):
    version = VersionFactory()
    bad = [
        {"name": "ho_ten", "label": "Họ tên", "type": "text"},
        {"name": "ho_ten", "label": "Trùng", "type": "text"},
        {"name": "gioi_tinh", "label": "Giới tính", "type": "select"},
    ]
    response = admin_client.post(
        f"/admin/catalog/procedureversion/{version.pk}/change/", _form(version, eform=json.dumps(bad))
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tên trường “ho_ten” bị trùng." in html
    assert "Trường “gioi_tinh” kiểu lựa chọn cần danh sách lựa chọn." in html
    version.refresh_from_db()
    assert version.eform != bad
