import io

import pytest

from dvctt.accounts import demo as accounts_demo
from dvctt.accounts.models import Role, User
from dvctt.accounts.services import user_create_official, user_register_citizen
from dvctt.agencies import demo as agencies_demo

PASSWORD = "DemoDVCTT@2025"


@pytest.fixture
def citizen(units):
    return user_register_citizen(
        username="an", password=PASSWORD, full_name="Nguyễn Văn An", national_id="020090001111"
    )


def login(client, username, password):
    return client.post("/accounts/dang-nhap/", {"username": username, "password": password})


def test_login_succeeds_and_failure_message_is_vietnamese(client, citizen):
    response = login(client, "an", "sai-mat-khau")
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()
    response = login(client, "an", PASSWORD)
    assert response.status_code == 302
    assert client.get("/api/v1/me").json()["username"] == "an"


def test_sixth_attempt_is_refused_even_with_the_right_password(client, citizen):
    # given five failures for one username from one address (the fifth already answers with the lockout)
    statuses = [login(client, "an", "sai-mat-khau").status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 200, 429]
    # when the right password comes sixth
    response = login(client, "an", PASSWORD)
    # then the pair is locked: refused, with the lockout page, and no session
    assert response.status_code == 429
    assert "Tạm khóa đăng nhập" in response.content.decode()
    assert client.get("/api/v1/me").status_code == 403


def test_lockout_is_per_username(client, citizen, units):
    user_register_citizen(
        username="binh", password=PASSWORD, full_name="Trần Bình", national_id="020090001112"
    )
    for _ in range(5):
        login(client, "an", "sai-mat-khau")
    assert login(client, "binh", PASSWORD).status_code == 302


def test_me_shows_role_unit_and_masked_id(client, units):
    user_create_official(
        username="cv",
        password=PASSWORD,
        full_name="Nông Văn Minh",
        role=Role.SPECIALIST,
        national_id="020086004444",
        unit_code="D",
    )
    client.force_login(User.objects.get(username="cv"))
    assert client.get("/api/v1/me").json() == {
        "username": "cv",
        "full_name": "Nông Văn Minh",
        "role": "specialist",
        "role_display": "Chuyên viên xử lý",
        "unit": {"code": "D", "name": "Sở Tư pháp"},
        "national_id_masked": "020******444",
        "is_official": True,
    }


def test_me_needs_login_and_answers_in_the_common_shape(client, db):
    response = client.get("/api/v1/me")
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_authenticated"


def test_demo_logins_exist_for_every_role_and_loader_is_idempotent(db):
    agencies_demo.load(stdout=io.StringIO(), scale=1.0)
    out = io.StringIO()
    accounts_demo.load(stdout=out, scale=1.0)
    count = User.objects.count()
    second = io.StringIO()
    summary = accounts_demo.load(stdout=second, scale=1.0)
    assert User.objects.count() == count and summary.startswith("0 tài khoản mới")
    assert {u.role for u in User.objects.all()} == set(Role.values)
    table = second.getvalue()
    for username, role, *_ in accounts_demo.DEMO_USERS:
        assert username in table and str(dict(Role.choices)[role]) in table
    assert accounts_demo.DEMO_PASSWORD in table and "Sở Tư pháp" in table
    assert User.objects.get(username="quantri").is_superuser
    assert User.objects.get(username="giamsat").unit.name == "Sở Khoa học và Công nghệ"
    assert User.objects.get(username="motcua.tp").check_password(accounts_demo.DEMO_PASSWORD)
