import pytest
from django.test import override_settings

from dvctt.accounts.models import Role, User
from dvctt.accounts.services import user_create_official, user_register_citizen
from dvctt.common.errors import DomainError

PASSWORD = "DemoDVCTT@2025"
NID = "020090001111"


def official(**kwargs):
    args = dict(
        username="cv1",
        password=PASSWORD,
        full_name="Nông Văn Minh",
        role=Role.SPECIALIST,
        national_id=NID,
        unit_code="D",
    )
    args.update(kwargs)
    return user_create_official(**args)


def test_create_official_in_a_unit(units):
    user = official()
    assert user.unit == units["D"] and user.role == Role.SPECIALIST and user.check_password(PASSWORD)
    assert not user.is_staff and user.is_official


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"national_id": "12345678901"}, "national_id"),
        ({"national_id": "02009000111a"}, "national_id"),
        ({"national_id": ""}, "national_id"),
        ({"unit_code": None}, "unit"),
        ({"unit_code": "OLD"}, "unit"),  # ended: an official joins a unit that exists today
        ({"unit_code": "NOPE"}, "unit"),
        ({"role": Role.CITIZEN}, "role"),
        ({"password": "123"}, "password"),
        ({"username": "có dấu"}, "username"),
        ({"full_name": " "}, "full_name"),
    ],
)
def test_create_official_refuses_bad_input(units, kwargs, field):
    with pytest.raises(DomainError) as exc:
        official(**kwargs)
    assert field in exc.value.fields
    assert exc.value.message.startswith("Tài khoản ")
    assert not User.objects.exists()


def test_username_is_unique_whatever_the_case(units):
    official()
    with pytest.raises(DomainError, match="đã được sử dụng"):
        official(username="CV1")


def test_province_roles_need_no_unit_and_admin_gets_the_admin_site(units):
    assert official(username="gs", role=Role.MONITOR, unit_code=None).unit is None
    admin = official(username="qt", role=Role.ADMIN, unit_code=None)
    assert admin.is_staff and not admin.is_superuser


def test_register_citizen_and_business(units):
    citizen = user_register_citizen(
        username="an", password=PASSWORD, full_name="Nguyễn Văn An", national_id=NID
    )
    assert citizen.role == Role.CITIZEN and citizen.unit is None and not citizen.is_official
    business = user_register_citizen(
        username="dn",
        password=PASSWORD,
        full_name="Hoàng Thị Bích",
        national_id="020185002222",
        role=Role.BUSINESS,
        organisation_name="Công ty TNHH Hữu Nghị",
        tax_code="4900123456-001",
    )
    assert business.tax_code == "4900123456-001"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"role": Role.SPECIALIST}, "role"),
        ({"role": Role.BUSINESS, "organisation_name": "", "tax_code": "4900123456"}, "organisation_name"),
        ({"role": Role.BUSINESS, "organisation_name": "Cty", "tax_code": "49001"}, "tax_code"),
        ({"national_id": "0200900011112"}, "national_id"),
    ],
)
def test_register_refuses_bad_input(units, kwargs, field):
    args = dict(username="an", password=PASSWORD, full_name="Nguyễn Văn An", national_id=NID)
    args.update(kwargs)
    with pytest.raises(DomainError) as exc:
        user_register_citizen(**args)
    assert field in exc.value.fields
    assert not User.objects.exists()


@override_settings(
    PASSWORD_HASHERS=[
        "django.contrib.auth.hashers.Argon2PasswordHasher",
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    ]
)
def test_passwords_are_hashed_with_argon2_under_production_hashers(units):
    from django.conf import settings

    user = user_register_citizen(username="an", password=PASSWORD, full_name="Nguyễn Văn An", national_id=NID)
    assert settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")
    assert user.password.startswith("argon2$argon2id$")
    assert user.check_password(PASSWORD)


def test_production_settings_put_argon2_first():
    # The test settings prepend MD5 for speed; what follows it is production's list.
    from django.conf import settings

    assert settings.PASSWORD_HASHERS[1] == "django.contrib.auth.hashers.Argon2PasswordHasher"
