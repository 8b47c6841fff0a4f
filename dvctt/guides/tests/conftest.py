"""Writers (two monitors, an administrator), a citizen and an official of a unit, a procedure, and pictures."""

from __future__ import annotations

import io
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit, UnitLevel
from dvctt.agencies.services import unit_create
from dvctt.catalog.models import ProcedureVersion
from dvctt.catalog.tests.factories import VersionFactory

PASSWORD = "x-Pass-12345"


@pytest.fixture(autouse=True)
def _media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fresh_throttle() -> Iterator[None]:
    """The feedback limit counts in the cache: each test starts and leaves with no posts counted."""
    cache.clear()
    yield
    cache.clear()


def make_user(username: str, role: str, unit: Unit | None = None, **extra: Any) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, unit=unit, **extra)


@pytest.fixture
def unit(db: Any) -> Unit:
    return unit_create(code="S03", name="Sở Tư pháp", level=UnitLevel.DEPARTMENT, valid_from=date(2000, 1, 1))


@pytest.fixture
def people(unit: Unit) -> dict[str, User]:
    return {
        "monitor": make_user("giamsat", Role.MONITOR, full_name="Lăng Thị Thu"),
        "monitor2": make_user("giamsat2", Role.MONITOR, full_name="Hoàng Văn Nam"),
        "admin": make_user("quantri", Role.ADMIN, full_name="Quản trị"),
        "citizen": make_user("congdan", Role.CITIZEN, full_name="Nguyễn Văn An"),
        "officer": make_user("motcua", Role.ONE_STOP_OFFICER, unit, full_name="Lương Thị Hoa"),
        "ppc": make_user("ubnd", Role.PPC_LEADER, full_name="Đinh Văn Hùng"),
    }


@pytest.fixture
def procedure(db: Any) -> ProcedureVersion:
    return VersionFactory(procedure__code="1.001193", name="Đăng ký khai sinh", online_level=4)


def picture(
    fmt: str = "PNG", *, name: str | None = None, size: tuple[int, int] = (40, 30)
) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (11, 46, 89)).save(buffer, format=fmt)
    ext = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp", "GIF": "gif", "BMP": "bmp"}[fmt]
    return SimpleUploadedFile(name or f"buoc-1.{ext}", buffer.getvalue(), content_type=f"image/{ext}")


GUIDE = {
    "slug": "nop-ho-so-truc-tuyen",
    "kind": "apply",
    "title_vi": "Nộp hồ sơ trực tuyến từng bước",
    "body_vi": "# Bước 1\nĐăng nhập bằng tài khoản **VNeID**.\n\n1. Chọn thủ tục\n2. Điền tờ khai",
}
