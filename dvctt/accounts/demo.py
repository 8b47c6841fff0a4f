"""Demo logins: one for every role, all with the same documented password (docs/units-and-roles.md)."""

from __future__ import annotations

from typing import Any

from dvctt.accounts.models import Role, User
from dvctt.accounts.services import user_create_official, user_register_citizen
from dvctt.agencies.demo import ROOT, commune, dept
from dvctt.agencies.models import Unit
from dvctt.common.demo import demo_loader

DEMO_PASSWORD = "DemoDVCTT@2025"  # noqa: S105 - the public demo's documented password

JUSTICE = dept(3)  # Sở Tư pháp
SCIENCE = dept(
    14
)  # Sở Khoa học và Công nghệ: leads the plan since it took over Information and Communications
DONG_KINH = commune(1)  # UBND phường Đông Kinh

# (username, role, full name, national id, unit code or None, extra arguments)
DEMO_USERS: list[tuple[str, str, str, str, str | None, dict[str, Any]]] = [
    ("congdan", Role.CITIZEN, "Nguyễn Văn An", "020090001111", None, {"phone": "0912000111"}),
    (
        "doanhnghiep",
        Role.BUSINESS,
        "Hoàng Thị Bích",
        "020185002222",
        None,
        {"organisation_name": "Công ty TNHH Thương mại Hữu Nghị Lạng Sơn", "tax_code": "4900123456"},
    ),
    ("motcua.tp", Role.ONE_STOP_OFFICER, "Lương Thị Hoa", "020188003333", JUSTICE, {}),
    ("motcua.dongkinh", Role.ONE_STOP_OFFICER, "Vi Văn Thắng", "020087003434", DONG_KINH, {}),
    ("chuyenvien.stp", Role.SPECIALIST, "Nông Văn Minh", "020086004444", JUSTICE, {}),
    ("lanhdao.stp", Role.UNIT_LEADER, "Hoàng Văn Tuấn", "020075005555", JUSTICE, {}),
    ("giamsat", Role.MONITOR, "Lăng Thị Thu", "020184006666", SCIENCE, {}),
    ("lanhdao.ubnd", Role.PPC_LEADER, "Đinh Văn Hùng", "020070007777", ROOT, {}),
    ("quantri", Role.ADMIN, "Quản trị hệ thống", "020089008888", None, {"is_superuser": True}),
]


@demo_loader(order=15, name="accounts")
def load(*, stdout: Any, scale: float) -> str:
    existing = set(
        User.objects.filter(username__in=[row[0] for row in DEMO_USERS]).values_list("username", flat=True)
    )
    created = 0
    for username, role, full_name, national_id, unit_code, extra in DEMO_USERS:
        if username in existing:
            continue
        common: dict[str, Any] = dict(
            username=username, password=DEMO_PASSWORD, full_name=full_name, national_id=national_id
        )
        if role in (Role.CITIZEN, Role.BUSINESS):
            user_register_citizen(role=role, **common, **extra)
        else:
            user_create_official(role=role, unit_code=unit_code, **common, **extra)
        created += 1
    names = dict(Unit.objects.filter(code__in=[r[4] for r in DEMO_USERS if r[4]]).values_list("code", "name"))
    labels = dict(Role.choices)
    stdout.write(f"Tài khoản demo (mật khẩu chung: {DEMO_PASSWORD}):")
    stdout.write(f"  {'vai trò':<32} {'tên đăng nhập':<18} {'mật khẩu':<16} đơn vị")
    for username, role, _full_name, _nid, unit_code, _extra in DEMO_USERS:
        unit = names.get(unit_code, "") if unit_code else "-"
        stdout.write(f"  {labels[role]!s:<32} {username:<18} {DEMO_PASSWORD:<16} {unit}")
    return f"{created} tài khoản mới, {len(DEMO_USERS)} tài khoản demo (mọi vai trò)"
