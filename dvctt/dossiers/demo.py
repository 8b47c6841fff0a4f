"""Demo dossiers from 1/01/2023 to today (see generator.py for how they are made)."""

from __future__ import annotations

from datetime import date
from typing import Any

from dvctt.common.demo import demo_loader
from dvctt.dossiers.models import Dossier

DEFAULT_COUNT = 30_000
START = date(2023, 1, 1)


@demo_loader(order=40, name="dossiers")
def load(*, stdout: Any, scale: float) -> str:
    existing = Dossier.objects.count()
    if existing:
        return f"đã có {existing} hồ sơ, không tạo thêm"
    from dvctt.dossiers.generator import Generator

    written = Generator().run(count=int(DEFAULT_COUNT * scale), start=START)
    _give_the_demo_citizen_some(stdout)
    return f"{written} hồ sơ mẫu từ {START:%d/%m/%Y} đến nay"


def _give_the_demo_citizen_some(stdout: Any) -> None:
    """Attach a few recent online dossiers to the demo citizen, so that 'my dossiers' is not empty."""
    from dvctt.accounts.models import User

    citizen = User.objects.filter(username="congdan").first()
    if citizen is None:
        return
    ids = list(
        Dossier.objects.filter(channel=2, parent__isnull=True, is_test=False, applicant_type=1)
        .order_by("-submitted_at")
        .values_list("pk", flat=True)[:6]
    )
    Dossier.objects.filter(pk__in=ids).update(
        applicant=citizen,
        applicant_name=citizen.full_name or citizen.username,
        applicant_id_number=citizen.national_id,
        applicant_email=citizen.email,
    )
