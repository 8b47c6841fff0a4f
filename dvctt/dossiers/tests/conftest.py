"""Fixtures for dossier tests: a seeded calendar, a unit with its staff, a procedure, a citizen."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.dossiers import services

VN = ZoneInfo("Asia/Ho_Chi_Minh")
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def vn(y: int, m: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, m, d, h, mi, tzinfo=VN)


def pdf_upload(name: str = "to-khai.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def calendar_seeded(db):
    from dvctt.calendar.selectors import working_calendar_cache_clear
    from dvctt.calendar.services import calendar_year_seed

    for year in (2023, 2024, 2025, 2026):
        calendar_year_seed(year=year)
    working_calendar_cache_clear()


@pytest.fixture
def unit(db) -> Unit:
    return Unit.objects.create(
        code="000.00.12.H38", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )


@pytest.fixture
def other_unit(db) -> Unit:
    return Unit.objects.create(
        code="000.00.20.H38", name="Sở Tài chính", level=UnitLevel.DEPARTMENT, valid_from=date(2015, 1, 1)
    )


def _official(username: str, role: str, unit: Unit) -> User:
    return User.objects.create_user(
        username=username, password="x-Pass-1234", role=role, unit=unit, full_name=username.title()
    )


@pytest.fixture
def one_stop(unit) -> User:
    return _official("motcua", Role.ONE_STOP_OFFICER, unit)


@pytest.fixture
def specialist(unit) -> User:
    return _official("chuyenvien", Role.SPECIALIST, unit)


@pytest.fixture
def leader(unit) -> User:
    return _official("lanhdao", Role.UNIT_LEADER, unit)


@pytest.fixture
def foreign_officer(other_unit) -> User:
    return _official("motcua.stc", Role.ONE_STOP_OFFICER, other_unit)


@pytest.fixture
def citizen(db) -> User:
    return User.objects.create_user(
        username="congdan",
        password="x-Pass-1234",
        role=Role.CITIZEN,
        full_name="Nguyễn Văn An",
        national_id="020199001234",
    )


@pytest.fixture
def procedure(unit, calendar_seeded):
    from dvctt.catalog.services import procedure_version_create

    return procedure_version_create(
        code="1.001193",
        valid_from=date(2020, 1, 1),
        name="Đăng ký khai sinh",
        unit_codes=[unit.code],
        online_level=4,
        eligible_full_process=True,
        integrated_national=True,
        time_limit=3,
        time_limit_unit="ngay_lam_viec",
        result_is_document=True,
        eform=[
            {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
            {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
        ],
        fees=[{"name": "Lệ phí đăng ký khai sinh", "amount": 8000}],
    )


GOOD_FORM = {"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "01/02/2025"}


def submission(unit: Unit, *, channel: int = 2, client_key: str = "", components=None, form=None):
    return services.Submission(
        procedure_code="1.001193",
        unit_code=unit.code,
        channel=channel,
        applicant=services.Applicant(name="Nguyễn Văn An", id_number="020199001234", email="an@example.vn"),
        form_data=dict(GOOD_FORM if form is None else form),
        components=components or [],
        client_key=client_key,
    )


@pytest.fixture
def submitted(procedure, unit, citizen):
    """An online dossier submitted by the citizen on Monday 03/03/2025 08:30."""
    return services.dossier_submit(
        actor=citizen,
        submission=submission(unit, components=[services.ComponentUpload("Tờ khai", pdf_upload())]),
        at=vn(2025, 3, 3, 8, 30),
    )


@pytest.fixture
def received(submitted, one_stop):
    """Received on Monday 03/03/2025 09:00: due Thursday 06/03/2025 09:00 (3 working days)."""
    return services.dossier_receive(dossier_id=submitted.pk, actor=one_stop, at=vn(2025, 3, 3, 9))


@pytest.fixture
def processing(received, one_stop, specialist):
    return services.dossier_forward(
        dossier_id=received.pk, actor=one_stop, assignee=specialist, at=vn(2025, 3, 3, 10)
    )
