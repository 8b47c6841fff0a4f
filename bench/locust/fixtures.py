"""Accounts and a procedure for the load test, written into a prepared database (demo data or a test's).

Called in a process where Django is set up. Idempotent: run twice, it finds what the first run wrote. Every
account shares one password (its hash computed once: hashing it per account would take minutes).
"""

from __future__ import annotations

from datetime import date
from typing import Any

PASSWORD = "Bench-Load-2025"
PROCEDURE_CODE = "9.900001"
FORM = {"ho_ten_tre": "Nguyễn Thị Bình An", "ngay_sinh": "01/02/2025"}
#: Portal searches, with and without diacritics (the search folds them: both find the same procedures).
SEARCHES = [
    "đăng ký khai sinh",
    "dang ky khai sinh",
    "chứng thực",
    "chung thuc",
    "hộ tịch",
    "ho tich",
    "đất đai",
]


def prepare(
    *, unit_code: str, citizens: int = 40, officers: int = 6, specialists: int = 3, leaders: int = 4
) -> dict[str, Any]:
    """Accounts (citizens; one-stop officers and specialists of ``unit_code``; province leaders), the load test's
    procedure at that unit, and a few of the unit's dossiers to look up. Returns what the locustfile reads."""
    from django.contrib.auth.hashers import make_password

    from dvctt.accounts.models import Role, User
    from dvctt.agencies.models import Unit
    from dvctt.catalog.models import Procedure
    from dvctt.catalog.services import procedure_version_create
    from dvctt.dossiers.models import Dossier

    unit = Unit.objects.get(code=unit_code)
    if not Procedure.objects.filter(code=PROCEDURE_CODE).exists():
        procedure_version_create(
            code=PROCEDURE_CODE,
            valid_from=date(2020, 1, 1),
            name="Đăng ký khai sinh (thử tải)",
            unit_codes=[unit.code],
            online_level=4,
            eligible_full_process=True,
            time_limit=3,
            time_limit_unit="ngay_lam_viec",
            eform=[
                {"name": "ho_ten_tre", "label": "Họ tên trẻ", "type": "text", "required": True},
                {"name": "ngay_sinh", "label": "Ngày sinh", "type": "date", "required": True},
            ],
            fees=[{"name": "Lệ phí đăng ký khai sinh", "amount": 8000}],
        )
    hashed = make_password(PASSWORD)
    plan = [
        ("bench.cd", citizens, Role.CITIZEN, None),
        ("bench.mc", officers, Role.ONE_STOP_OFFICER, unit),
        ("bench.cv", specialists, Role.SPECIALIST, unit),
        ("bench.ld", leaders, Role.PPC_LEADER, unit),
    ]
    names: dict[str, list[str]] = {}
    existing = set(User.objects.filter(username__startswith="bench.").values_list("username", flat=True))
    new = []
    for n, (prefix, count, role, role_unit) in enumerate(plan):
        names[prefix] = [f"{prefix}{i:03d}" for i in range(count)]
        for i, username in enumerate(names[prefix]):
            if username not in existing:
                new.append(
                    User(
                        username=username,
                        password=hashed,
                        role=role,
                        unit=role_unit,
                        full_name=f"Người thử tải {n}-{i}",
                        national_id=f"0991{n:02d}{i:06d}",
                    )
                )
    User.objects.bulk_create(new)
    codes = list(
        Dossier.objects.filter(unit=unit, is_test=False).order_by("-id").values_list("code", flat=True)[:50]
    )
    return {
        "password": PASSWORD,
        "citizens": names["bench.cd"],
        "officers": names["bench.mc"],
        "specialists": names["bench.cv"],
        "leaders": names["bench.ld"],
        "unit_code": unit.code,
        "procedure_code": PROCEDURE_CODE,
        "form": FORM,
        "searches": SEARCHES,
        "codes": codes,
    }
