"""Demo guidance (docs/guidance.md): officials of the roster who guided relatives' online dossiers, so that
``official_guidance_rate`` is not 0 % everywhere in the demo and units differ.

Needs the dossiers' loader (order 40: the online dossiers) and the roster's (order 42: ``accounts.Official``), so it
runs after both. Each unit in force gets an engagement drawn from ``ENGAGEMENT`` (some near the plan's 100 %, some
far from it): that share of its officials in post guide, and each of them guides in a month with that chance, one
online dossier of another person submitted that month, from January of last year to today. At most ``MONTH_SHARE``
of a month's eligible dossiers are guided, whatever the scale. An official who guides needs an account (the
indicator joins the account's ID number with the roster): one is made for them when none has their number, with
no usable password (not a demo login; the demo's logins are accounts.demo's). The demo's own staff logins with a
unit guide a few dossiers too, so that their page "Hướng dẫn người thân" shows counts (their ID numbers are not on
the roster: the page says they are not counted yet).

Every record goes through ``services.guidance_record`` (consent, online and filed by the applicant, not the
official's own dossier, one official per dossier), at the dossier's submission moment, by link or by name.
Idempotent: nothing is added once any guidance is recorded (as the dossiers' and the roster's loaders).
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from dvctt.accounts.models import UNIT_ROLES, Official, Role, User
from dvctt.agencies.selectors import units_in_force
from dvctt.common.demo import demo_loader
from dvctt.dossiers.models import ApplicantType, Dossier
from dvctt.dossiers.states import Channel

from .models import Guidance, GuidanceLink, GuidanceSource
from .services import guidance_link_get_or_create, guidance_record

SEED = 165
#: A unit's engagement: the share of its officials in post who guide, and each one's chance to guide in a month.
ENGAGEMENT = (0.95, 0.85, 0.7, 0.5, 0.3, 0.15)
#: At most this share of a month's eligible online dossiers is recorded as guided.
MONTH_SHARE = 0.3
#: Share of the records made through the official's link or QR card (the others: the citizen chose the name).
BY_LINK = 0.6
#: The demo's own staff logins guide in a month with this chance (not counted: not on the roster).
DEMO_LOGIN_ENGAGEMENT = 0.5
ACCOUNT_PREFIX = "cb."
#: The demo's staff logins with a unit (accounts.demo) who guide too.
DEMO_LOGINS = ("motcua.tp", "motcua.dongkinh", "chuyenvien.stp", "lanhdao.stp")


def engagement_of(unit_code: str) -> float:
    """The unit's engagement, the same on every run and whatever other units exist."""
    return random.Random(f"{SEED}:{unit_code}").choice(ENGAGEMENT)


def _window_start(today: date) -> datetime:
    return timezone.make_aware(datetime.combine(date(today.year - 1, 1, 1), time.min))


def _eligible_by_month(*, today: date, officials_ids: set[str]) -> dict[tuple[int, int], list[int]]:
    """Online dossiers a person filed themselves since January of last year, none of whose applicant is one of
    ``officials_ids``, grouped by the month they were submitted (local time). One query."""
    rows = (
        Dossier.objects.filter(
            channel=Channel.ONLINE,
            assisted=False,
            parent__isnull=True,
            is_test=False,
            applicant_type=ApplicantType.CITIZEN,
            submitted_at__gte=_window_start(today),
        )
        .order_by("submitted_at", "pk")
        .values_list("pk", "submitted_at", "applicant_id_number")
    )
    months: dict[tuple[int, int], list[int]] = defaultdict(list)
    for pk, submitted_at, id_number in rows:
        if id_number in officials_ids:
            continue
        day = timezone.localdate(submitted_at)
        months[(day.year, day.month)].append(pk)
    return months


def _accounts_for(posts: list[Official]) -> tuple[dict[str, User], int]:
    """``{national id: account}`` for the guiding officials, making the missing accounts (in bulk: no password to
    hash). The same checks as accounts.services.user_create_official: an official role, a unit in force today (the
    roster's posts read here are), a 12-digit ID number, a free username."""
    wanted = {p.national_id: p for p in posts}
    accounts = {
        u.national_id: u
        for u in User.objects.filter(
            national_id__in=list(wanted), role__in=sorted(r.value for r in UNIT_ROLES)
        )
    }
    taken = set(
        User.objects.filter(username__in=[ACCOUNT_PREFIX + n for n in wanted]).values_list(
            "username", flat=True
        )
    )
    rng = random.Random(SEED)
    new: list[User] = []
    for national_id, post in sorted(wanted.items()):
        if national_id in accounts or ACCOUNT_PREFIX + national_id in taken or not national_id.isdigit():
            continue
        user = User(
            username=ACCOUNT_PREFIX + national_id,
            full_name=post.full_name,
            role=Role.ONE_STOP_OFFICER if rng.random() < 0.25 else Role.SPECIALIST,
            unit_id=post.unit_id,
            national_id=national_id,
        )
        user.set_unusable_password()
        new.append(user)
    User.objects.bulk_create(new, batch_size=1000)
    created = User.objects.filter(username__in=[u.username for u in new])
    accounts.update({u.national_id: u for u in created})
    return accounts, len(new)


@demo_loader(order=44, name="guidance")
def load(*, stdout: Any, scale: float) -> str:
    existing = Guidance.objects.count()
    if existing:
        return f"đã có {existing} hồ sơ được ghi nhận cán bộ hướng dẫn, không tạo thêm"
    today = timezone.localdate()
    in_force = set(units_in_force(on=today).values_list("pk", flat=True))
    posts = [
        p
        for p in Official.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=today), valid_from__lte=today
        )
        .select_related("unit")
        .order_by("unit__code", "national_id", "valid_from")
        if p.unit_id in in_force
    ]
    if not posts:
        return "chưa có danh sách cán bộ, công chức: bỏ qua"
    logins = list(
        User.objects.filter(username__in=DEMO_LOGINS, is_active=True, unit__isnull=False).order_by("username")
    )
    # dossiers of other persons: none of an official of the roster, nor of the demo's logins
    officials_ids = set(Official.objects.values_list("national_id", flat=True)) | {
        u.national_id for u in logins
    }
    months = _eligible_by_month(today=today, officials_ids=officials_ids)
    if not months:
        return "chưa có hồ sơ trực tuyến: bỏ qua"
    rng = random.Random(SEED)
    # who guides: a share of each unit's officials in post (a person once, in the first unit met)
    guiders: dict[str, tuple[float, Official]] = {}
    for post in posts:
        chance = engagement_of(post.unit.code)
        if post.national_id not in guiders and rng.random() < chance:
            guiders[post.national_id] = (chance, post)
    people: list[tuple[str | User, float]] = [(n, chance) for n, (chance, _post) in guiders.items()]
    people += [(user, DEMO_LOGIN_ENGAGEMENT) for user in logins]
    chosen: list[tuple[int, str | User]] = []
    for month in sorted(months):
        pool = months[month][:]
        rng.shuffle(pool)
        room = math.ceil(len(pool) * MONTH_SHARE)
        order = people[:]
        rng.shuffle(order)
        for person, chance in order:
            if room <= 0 or not pool:
                break
            if rng.random() < chance:
                chosen.append((pool.pop(), person))
                room -= 1
    with transaction.atomic():
        # accounts only for the officials who guided
        wanted = {p for _pk, p in chosen if isinstance(p, str)}
        accounts, created = _accounts_for([guiders[n][1] for n in sorted(wanted)])
        records = [
            (pk, p if isinstance(p, User) else accounts[p])
            for pk, p in chosen
            if isinstance(p, User) or p in accounts
        ]
        dossiers = Dossier.objects.in_bulk([pk for pk, _user in records])
        links: dict[int, GuidanceLink] = {}
        for pk, user in records:
            by_link = rng.random() < BY_LINK
            if by_link and user.pk not in links:
                links[user.pk] = guidance_link_get_or_create(official=user)
            dossier = dossiers[pk]
            guidance_record(
                dossier=dossier,
                official=user,
                source=GuidanceSource.LINK if by_link else GuidanceSource.NAMED,
                consent=True,
                link=links[user.pk] if by_link else None,
                at=dossier.submitted_at,
            )
    officials = len({user.pk for _pk, user in records})
    return (
        f"{len(records)} hồ sơ được {officials} cán bộ hướng dẫn người thân nộp trực tuyến "
        f"({created} tài khoản cán bộ mới)"
    )
