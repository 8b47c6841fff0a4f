"""Odd input over HTTP (issue 18, defect 7): a 400 with a clear message, never a 500.

Each case used to answer 500 on PostgreSQL (NUL bytes, a long Basic-auth user name) or on both engines (deep
JSON, far dates). The test client re-raises server errors, so a 500 fails the test loudly.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest
from django.test import Client

from dvctt.accounts.models import Role, User

pytestmark = pytest.mark.django_db


@pytest.fixture
def monitor(db) -> User:
    return User.objects.create_user(
        username="giamsat", password="x-Pass-1234", role=Role.MONITOR, full_name="Giám sát"
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def basic(username: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:x-Pass-1234".encode()).decode()


def api_error(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    return error


def page_error(response: Any, status: int = 400) -> str:
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("text/html")
    return response.content.decode()


class TestNulBytes:
    def test_in_basic_auth_credentials(self, one_stop):
        response = Client().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=basic("motcua\x00"))
        assert "không hợp lệ" in api_error(response)["message"]

    @pytest.mark.parametrize(
        "token",
        [
            base64.b64encode(b"\xff\x00:x").decode(),  # not UTF-8: DRF reads it as Latin-1
            "!" + base64.b64encode(b"a\x00:x").decode(),  # a character outside base64: DRF skips it
        ],
    )
    def test_in_basic_auth_credentials_however_encoded(self, one_stop, token):
        """Found by schemathesis (docs/api.md): such tokens reached django-axes, a 500 on PostgreSQL."""
        response = Client().get("/api/v1/registers/", HTTP_AUTHORIZATION=f"Basic {token}")
        assert api_error(response)["code"] == "invalid_credentials"

    @pytest.mark.parametrize(
        "url",
        ["/api/v1/dossiers/ab%00cd/", "/api/v1/dossiers/?code=ab%00", "/api/v1/track/ab%00cd/"],
    )
    def test_in_an_api_code_or_search_value(self, one_stop, url):
        error = api_error(signed_in(one_stop).get(url))
        assert error["code"] == "invalid_characters"
        assert "NUL" in error["message"]

    @pytest.mark.parametrize(
        "url",
        [
            "/tra-cuu/?ma=ab%00cd",
            "/thu-tuc/1.00%001/",
            "/thu-tuc/?q=ab%00",
            "/don-vi/ab%00/",
            "/mot-cua/ho-so/ab%00/",
            "/mot-cua/tim-kiem/?q=ab%00",
        ],
    )
    def test_in_a_page_path_segment_or_search_value(self, one_stop, url):
        body = page_error(signed_in(one_stop).get(url))
        assert "Yêu cầu chứa ký tự không hợp lệ" in body

    def test_in_a_session_cookie(self):
        client = Client()
        client.cookies["sessionid"] = "abcdefgh\x00ijkl"
        assert "ký tự không hợp lệ" in page_error(client.get("/"))

    def test_in_a_json_body(self, procedure, unit, one_stop):
        response = signed_in(one_stop).post(
            "/api/v1/dossiers/",
            {
                "procedure_code": "1.001193",
                "unit_code": unit.code,
                "applicant_name": "Nguyễn Văn An",
                "form_data": {"ho_ten_tre": "A\x00B", "ngay_sinh": "01/02/2025"},
            },
            content_type="application/json",
        )
        assert api_error(response)["code"] == "invalid_characters"

    def test_in_a_form_field(self, citizen):
        client = signed_in(citizen)
        response = client.post("/ho-so/ab/bo-sung/", {"note": "a\x00b"})
        assert "ký tự không hợp lệ" in page_error(response)


class TestCredentialsAndBodies:
    def test_a_user_name_over_255_characters_in_basic_auth(self, one_stop):
        error = api_error(Client().get("/api/v1/dossiers/", HTTP_AUTHORIZATION=basic("a" * 300)))
        assert error["code"] == "invalid_credentials"
        assert "Tên đăng nhập dài quá 150 ký tự" in error["message"]

    def test_a_user_name_over_255_characters_on_the_login_page(self, one_stop):
        from axes.models import AccessAttempt

        response = Client().post("/accounts/dang-nhap/", {"username": "a" * 300, "password": "x"})
        assert "Tên đăng nhập dài quá 150 ký tự" in page_error(response)
        assert not AccessAttempt.objects.exists()

    def test_json_nested_50000_deep(self, one_stop):
        body = "[" * 50_000 + "]" * 50_000
        response = signed_in(one_stop).post("/api/v1/dossiers/", body, content_type="application/json")
        error = api_error(response)
        assert error["code"] == "too_deep"
        assert "lồng nhau quá 32 cấp" in error["message"]

    def test_json_just_past_the_limit_is_refused_and_within_it_is_not(self, one_stop):
        client = signed_in(one_stop)
        nested = '{"form_data": {"a": ' + "[" * 40 + "]" * 40 + "}}"
        too_deep = client.post("/api/v1/dossiers/", nested, content_type="application/json")
        assert api_error(too_deep)["code"] == "too_deep"
        shallow = client.post("/api/v1/dossiers/", {"form_data": [[[]]]}, content_type="application/json")
        assert shallow.status_code == 400 and shallow.json()["error"]["code"] == "invalid"


class TestFarDates:
    @pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01"])
    @pytest.mark.parametrize("path", ["/api/v1/kpi/", "/api/v1/scores/index/"])
    def test_the_kpi_and_index_api(self, monitor, path, day):
        error = api_error(signed_in(monitor).get(f"{path}?from={day}&to={day}"))
        assert error["code"] == "date_out_of_range"
        assert "từ năm 1900 đến năm 2100" in error["message"]
        assert set(error["fields"]) == {"from"}

    @pytest.mark.parametrize("day", ["31/12/9999", "01/01/0001"])
    def test_the_exports(self, one_stop, day):
        response = signed_in(one_stop).get(
            f"/mot-cua/so-danh-sach/tiep-nhan.xlsx?tu_ngay={day}&den_ngay={day}"
        )
        body = page_error(response)
        assert f"Ngày “{day}” nằm ngoài khoảng cho phép" in body

    def test_the_register_api(self, one_stop, unit):
        response = signed_in(one_stop).get(
            f"/api/v1/registers/?unit={unit.code}&from=2025-01-01&to=9999-12-31"
        )
        assert api_error(response)["code"] == "date_out_of_range"

    def test_a_date_computed_out_of_range_is_a_400_not_a_500(self, monitor, monkeypatch):
        # given a view whose date arithmetic overflows on input the guard does not know
        from dvctt.monitoring import api

        def overflowing(**kwargs: Any) -> None:
            raise OverflowError("date value out of range")

        monkeypatch.setattr(api, "kpi_compute", overflowing)
        error = api_error(signed_in(monitor).get("/api/v1/kpi/?from=2025-01-01&to=2025-01-31"))
        assert error["code"] == "out_of_range"


class TestFreeTextBounds:
    def test_an_api_note_over_10000_characters(self, one_stop):
        response = signed_in(one_stop).post(
            "/api/v1/dossiers/X/actions/refuse/", {"reasons": "x" * 10_001}, content_type="application/json"
        )
        error = api_error(response)
        assert "reasons" in error["fields"]

    def test_a_complaint_of_2_4_mb_is_refused_with_a_message(self, submitted, citizen):
        from dvctt.complaints.models import Complaint

        response = signed_in(citizen).post(
            f"/ho-so/{submitted.code}/phan-anh/",
            {"kind": "phan_anh", "subject": "Chậm trả kết quả", "content": "x" * 2_400_000},
        )
        assert "Nội dung: tối đa 10.000 ký tự (đang có 2.400.000)" in page_error(response)
        assert not Complaint.objects.exists()

    def test_a_supplement_note_over_10000_characters(self, submitted, citizen):
        response = signed_in(citizen).post(
            f"/api/v1/dossiers/{submitted.code}/actions/answer_supplement/",
            {"note": "x" * 10_001},
            content_type="application/json",
        )
        assert api_error(response)["fields"]["note"] == ["Tối đa 10000 ký tự."]


class TestEFormBounds:
    def _submit(self, client: Client, unit, form: dict[str, Any]) -> Any:
        return client.post(
            "/api/v1/dossiers/",
            {"procedure_code": "1.001193", "unit_code": unit.code, "applicant_name": "An", "form_data": form},
            content_type="application/json",
        )

    @pytest.mark.parametrize(
        ("birth", "message"),
        [
            ("01/01/2099", "ngày sinh không được sau ngày hôm nay"),
            ("31/12/9999", "ngày phải từ 01/01/1900 đến 31/12/2100"),
            ("01/01/0001", "ngày phải từ 01/01/1900 đến 31/12/2100"),
        ],
    )
    def test_a_birth_date_in_the_future_or_far_away(self, procedure, unit, citizen, birth, message):
        from dvctt.dossiers.models import Dossier

        response = self._submit(signed_in(citizen), unit, {"ho_ten_tre": "Bình", "ngay_sinh": birth})
        error = api_error(response)
        assert message in error["fields"]["ngay_sinh"][0]
        assert not Dossier.objects.exists()

    def test_a_text_of_more_than_10000_characters(self, procedure, unit, citizen):
        response = self._submit(
            signed_in(citizen), unit, {"ho_ten_tre": "B" * 10_001, "ngay_sinh": "01/02/2025"}
        )
        assert "tối đa 10000 ký tự" in api_error(response)["fields"]["ho_ten_tre"][0]

    @pytest.mark.parametrize("kind", ["integer", "number"])
    def test_numbers_are_bounded(self, kind):
        from dvctt.catalog.eforms import EFormError, eform_data_validate

        definition = [{"name": "so", "label": "Số", "type": kind}]
        assert eform_data_validate(definition, {"so": "123"})["so"] == 123
        for huge in ("1" + "0" * 16, "-1" + "0" * 16) + (("1e999999",) if kind == "number" else ()):
            with pytest.raises(EFormError) as raised:
                eform_data_validate(definition, {"so": huge})
            assert raised.value.fields["so"] == ["Số: số quá lớn."]
