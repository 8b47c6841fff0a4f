"""Portal fixtures: the dossier fixtures (calendar, unit, staff, procedure, citizen) plus what applying needs."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from dvctt.accounts.models import Role, User
from dvctt.dossiers.tests.conftest import *  # noqa: F403 - the dossier fixtures


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def online_procedure(procedure, unit):
    """The dossier fixtures' procedure with two components (one required) and a unit with contacts."""
    from dvctt.catalog.models import DossierComponent

    version = procedure
    DossierComponent.objects.create(
        version=version, position=1, name="Tờ khai đăng ký khai sinh", required=True
    )
    DossierComponent.objects.create(version=version, position=2, name="Giấy chứng sinh", required=False)
    unit.address = "Số 1 Đường Lê Lợi, TP Lạng Sơn"
    unit.phone = "02053812345"
    unit.email = "stp@langson.gov.vn"
    unit.save()
    return version


@pytest.fixture
def other_citizen(db) -> User:
    return User.objects.create_user(
        username="congdan2",
        password="x-Pass-1234",
        role=Role.CITIZEN,
        full_name="Trần Thị Bình",
        national_id="020199009999",
    )
