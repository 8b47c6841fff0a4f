"""Guidance fixtures: the portal's (calendar, unit, staff, an online procedure, a citizen) plus officials on the
roster, a monitor, and a helper that submits an online dossier at a given moment."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from dvctt.accounts.models import Official, Role, User
from dvctt.agencies.models import Unit
from dvctt.dossiers import services as dossier_services
from dvctt.dossiers.models import Dossier
from dvctt.dossiers.tests.conftest import GOOD_FORM
from dvctt.portal.tests.conftest import *  # noqa: F403 - the portal's and the dossiers' fixtures

PASSWORD = "x-Pass-1234"


@pytest.fixture(autouse=True)
def _fresh_cache_and_media(settings: Any, tmp_path: Any) -> Any:
    """As the portal's own autouse fixtures (``import *`` leaves out their underscored names): an empty cache
    (the dashboards keep figures there under a data version that a rolled-back test does not move) and uploads in
    a temporary folder."""
    from django.core.cache import cache

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


def make_official(
    username: str,
    unit: Unit | None,
    national_id: str,
    *,
    role: str = Role.SPECIALIST,
    roster: bool = True,
    valid_from: date = date(2020, 1, 1),
    valid_to: date | None = None,
    name: str = "",
) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        unit=unit,
        national_id=national_id,
        full_name=name or username.title(),
    )
    if roster and unit is not None:
        Official.objects.create(
            national_id=national_id,
            full_name=user.full_name,
            unit=unit,
            valid_from=valid_from,
            valid_to=valid_to,
        )
    return user


def make_citizen(username: str, national_id: str, name: str = "") -> User:
    return User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=Role.CITIZEN,
        national_id=national_id,
        full_name=name or username.title(),
    )


def submit_online(citizen: User, unit: Unit, at: datetime, *, id_number: str | None = None) -> Dossier:
    """An online dossier of the procedure fixture, filed by ``citizen`` on the portal at ``at``."""
    return dossier_services.dossier_submit(
        actor=citizen,
        submission=dossier_services.Submission(
            procedure_code="1.001193",
            unit_code=unit.code,
            channel=2,
            applicant=dossier_services.Applicant(
                name=citizen.full_name, id_number=citizen.national_id if id_number is None else id_number
            ),
            form_data=dict(GOOD_FORM),
        ),
        at=at,
    )


@pytest.fixture
def cadre(unit: Unit) -> User:
    return make_official("le.van.can", unit, "001080000001", name="Lê Văn Cán")


@pytest.fixture
def monitor(db: Any) -> User:
    return User.objects.create_user(
        username="theodoi", password=PASSWORD, role=Role.MONITOR, full_name="Theo Dõi"
    )
