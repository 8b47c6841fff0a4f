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


@demo_loader(order=42, name="officials")
def load_officials(*, stdout: Any, scale: float) -> str:
    """The roster of officials the plan counts (cán bộ, công chức, viên chức) for the units in force today, and,
    as in real life, some of them applicants of online dossiers (the official-usage indicator's numerator)."""
    from django.utils import timezone

    from dvctt.accounts.models import Official

    if Official.objects.exists():
        return f"đã có {Official.objects.count()} cán bộ, không tạo thêm"
    return officials_seed(today=timezone.localdate())


def officials_seed(*, today: date) -> str:
    import random

    from dvctt.accounts.models import Official
    from dvctt.agencies.selectors import units_in_force
    from dvctt.dossiers.generator import FAMILY, GIVEN, MIDDLE

    rng = random.Random(165)
    officials = []
    for unit in units_in_force(on=today).order_by("code"):
        for _i in range(12 if unit.level in ("so", "tinh") else 6):
            officials.append(
                Official(
                    national_id=f"0201{rng.randrange(10**8):08d}",
                    full_name=f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}",
                    unit=unit,
                    valid_from=date(2020, 1, 1),
                )
            )
    Official.objects.bulk_create(officials)
    # About three in four have used online services this year, each as the applicant of one online dossier.
    users = [o for o in officials if rng.random() < 0.75]
    candidates = list(
        Dossier.objects.filter(
            channel=2,
            parent__isnull=True,
            is_test=False,
            applicant_type=1,
            applicant__isnull=True,
            submitted_at__year=today.year,
        )
        .order_by("?")
        .only("pk")[: len(users)]
    )
    for dossier, official in zip(candidates, users, strict=False):
        dossier.applicant_id_number = official.national_id
        dossier.applicant_name = official.full_name
    Dossier.objects.bulk_update(candidates, ["applicant_id_number", "applicant_name"], batch_size=2000)
    return (
        f"{len(officials)} cán bộ trong danh sách, {len(candidates)} đã nộp hồ sơ trực tuyến năm {today.year}"
    )
