"""Synthetic dossier history for the demo and for benchmarks, made with the rules the services enforce.

Each dossier's life is simulated move by move through the state table (:func:`states.transition_check`, the
same check every service makes), its due time computed by the calendar's ``due_time`` on the seeded calendar,
its code by the same numbering format, its procedure version the one in force on the day and carried out by
its unit. The result is written with bulk inserts (services, one dossier per transaction, would take hours
for millions), events included, and the per-day code counters are stored so that live submissions continue
the numbering.

Proportions: the online share rises from about 40% (January 2023) to about 88% (from October 2025); ~12% of
dossiers finish late, ~7% get a supplement request, ~2% are inter-agency, ~3% are refused at intake.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from dvctt.dossiers.models import (
    ApplicantType,
    Dossier,
    DossierEvent,
    DossierFile,
    DossierSequence,
    Extension,
    Outcome,
    ReturnMethod,
    SupplementRequest,
    SyncState,
)
from dvctt.dossiers.numbering import dossier_code_format
from dvctt.dossiers.states import (
    BEFORE_WITHDRAWAL,
    RESUME,
    SAME,
    Channel,
    PaymentChannel,
    Status,
    transition_check,
)

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Hà", "Lương", "Nông", "Vi", "Triệu", "Lăng", "Đinh", "Vũ"]
MIDDLE = ["Văn", "Thị", "Đức", "Minh", "Thu", "Thanh", "Quốc", "Ngọc", "Hữu", "Xuân"]
GIVEN = [
    "An",
    "Bình",
    "Cường",
    "Dung",
    "Giang",
    "Hà",
    "Hạnh",
    "Hùng",
    "Lan",
    "Linh",
    "Nam",
    "Phương",
    "Quân",
    "Sơn",
    "Thảo",
    "Trang",
    "Tuấn",
    "Việt",
    "Yến",
    "Khánh",
    "Long",
    "Mai",
    "Nga",
    "Oanh",
    "Tâm",
]
COMPANIES = [
    "Công ty TNHH Thương mại Đồng Đăng",
    "Công ty CP Xây dựng Xứ Lạng",
    "HTX Nông nghiệp Bắc Sơn",
    "Công ty TNHH Du lịch Mẫu Sơn",
    "Công ty CP Vận tải Kỳ Lừa",
]


@dataclass(frozen=True)
class VersionInfo:
    pk: int
    procedure_id: int
    valid_from: date
    last_day: date | None
    online_level: int
    time_limit: Any
    time_unit: str
    fees: tuple[tuple[str, int], ...]
    result_is_document: bool
    unit_ids: frozenset[int]


@dataclass(frozen=True)
class UnitInfo:
    pk: int
    code: str
    level: str
    valid_from: date
    valid_to: date | None

    def in_force(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass
class Sim:
    """One dossier being simulated: its row, and what goes with it."""

    dossier: Dossier
    events: list[DossierEvent] = field(default_factory=list)
    supplements: list[SupplementRequest] = field(default_factory=list)
    extensions: list[Extension] = field(default_factory=list)
    files: list[DossierFile] = field(default_factory=list)
    children: list[Sim] = field(default_factory=list)

    def move(self, name: str, at: datetime, **payload: Any) -> None:
        d = self.dossier
        spec = transition_check(move=name, status=None if name == "submit" else d.status)
        before = None if name == "submit" else d.status
        if spec.target == RESUME:
            assert d.resume_status is not None
            d.status, d.resume_status = d.resume_status, None
        elif spec.target == BEFORE_WITHDRAWAL:
            d.status = next(
                int(e.from_status or 0) for e in reversed(self.events) if e.action == "request_withdrawal"
            )
        elif spec.target != SAME:
            d.status = int(spec.target)
        d.version = len(self.events) + 1
        self.events.append(
            DossierEvent(
                seq=len(self.events) + 1,
                action=name,
                from_status=before,
                to_status=d.status,
                at=at,
                actor_name="Dữ liệu mẫu",
                payload=payload,
            )
        )


class Catalogue:
    """The catalogue and units as plain data, with fast 'version of procedure P on day D' lookups."""

    def __init__(self) -> None:
        from dvctt.agencies.models import Unit
        from dvctt.catalog.models import FeeLine, ProcedureVersion

        self.units = {
            u.pk: UnitInfo(u.pk, u.code, u.level, u.valid_from, u.valid_to)
            for u in Unit.objects.only("pk", "code", "level", "valid_from", "valid_to")
        }
        fees: dict[int, list[tuple[str, int]]] = defaultdict(list)
        for version_id, name, amount in FeeLine.objects.values_list("version_id", "name", "amount"):
            fees[version_id].append((name, int(amount)))
        links: dict[int, set[int]] = defaultdict(set)
        through = ProcedureVersion.units.through
        for version_id, unit_id in through.objects.values_list("procedureversion_id", "unit_id"):
            links[version_id].add(unit_id)
        rows = list(
            ProcedureVersion.objects.order_by("procedure_id", "valid_from").values_list(
                "pk",
                "procedure_id",
                "valid_from",
                "abolished_after",
                "online_level",
                "time_limit",
                "time_limit_unit",
                "result_is_document",
            )
        )
        by_procedure: dict[int, list[tuple]] = defaultdict(list)
        for row in rows:
            by_procedure[row[1]].append(row)
        self.versions: dict[int, list[VersionInfo]] = {}
        self.starts: dict[int, list[date]] = {}
        procedures_of_unit: dict[int, set[int]] = defaultdict(set)
        for procedure_id, versions in by_procedure.items():
            abolished = min((v[3] for v in versions if v[3] is not None), default=None)
            infos = []
            for i, v in enumerate(versions):
                following = versions[i + 1][2] - timedelta(days=1) if i + 1 < len(versions) else None
                last = (
                    min(d for d in (following, abolished) if d is not None)
                    if (following or abolished)
                    else None
                )
                infos.append(
                    VersionInfo(
                        v[0],
                        procedure_id,
                        v[2],
                        last,
                        v[4],
                        v[5],
                        v[6],
                        tuple(fees[v[0]]),
                        v[7],
                        frozenset(links[v[0]]),
                    )
                )
                for unit_id in links[v[0]]:
                    procedures_of_unit[unit_id].add(procedure_id)
            self.versions[procedure_id] = infos
            self.starts[procedure_id] = [i.valid_from for i in infos]
        # Popular procedures first: lower procedure ids are the real, common ones in the demo catalogue.
        self.unit_procedures: dict[int, tuple[list[int], list[float]]] = {}
        for unit_id, procedure_ids in procedures_of_unit.items():
            ordered = sorted(procedure_ids)
            weights = [1.0 / (rank + 1) ** 1.15 for rank in range(len(ordered))]
            cumulative, total = [], 0.0
            for w in weights:
                total += w
                cumulative.append(total)
            self.unit_procedures[unit_id] = (ordered, cumulative)

    def version_on(self, procedure_id: int, day: date) -> VersionInfo | None:
        starts = self.starts[procedure_id]
        i = bisect.bisect_right(starts, day) - 1
        if i < 0:
            return None
        version = self.versions[procedure_id][i]
        if version.last_day is not None and day > version.last_day:
            return None
        return version


def _local(day: date, seconds: float) -> datetime:
    return datetime.combine(day, time(0), tzinfo=VN) + timedelta(seconds=seconds)


def online_share(day: date) -> float:
    start, full = date(2023, 1, 1), date(2025, 10, 1)
    if day >= full:
        return 0.88
    return 0.40 + 0.48 * max(0, (day - start).days) / (full - start).days


class Generator:
    def __init__(self, *, seed: int = 20230101, now: datetime | None = None) -> None:
        from dvctt.calendar.selectors import working_calendar

        self.rng = random.Random(seed)
        self.calendar = working_calendar()
        self.catalogue = Catalogue()
        self.now = now or datetime.now(tz=VN)
        self.counters: dict[tuple[str, date], int] = defaultdict(int)
        weights = {"tinh": 1.0, "so": 3.0, "huyen": 5.0, "xa": 1.6}
        self.unit_weight = {pk: weights.get(u.level, 1.0) for pk, u in self.catalogue.units.items()}

    # --- time helpers, all on the same calendar the services use -------------------------------------------
    def _due(self, received: datetime, version: VersionInfo) -> datetime | None:
        from dvctt.calendar import deadlines

        if version.time_limit is None:
            return None
        return deadlines.due_time(received, version.time_limit, version.time_unit, self.calendar)

    def _after_working(self, moment: datetime, hours: float) -> datetime:
        from dvctt.calendar import deadlines

        return deadlines.add_working_seconds(moment, int(hours * 3600), self.calendar)

    def _working_between(self, start: datetime, end: datetime) -> float:
        from dvctt.calendar import deadlines

        return deadlines.working_seconds_between(start, end, self.calendar)

    def _next_code(self, unit_code: str, at: datetime) -> str:
        day = at.astimezone(VN).date()
        self.counters[(unit_code, day)] += 1
        return dossier_code_format(unit_code=unit_code, day=day, number=self.counters[(unit_code, day)])

    def _applicant(self, sim: Dossier) -> None:
        rng = self.rng
        if rng.random() < 0.18:
            sim.applicant_type = ApplicantType.ORGANISATION
            sim.applicant_name = rng.choice(COMPANIES)
            sim.applicant_id_number = f"{rng.randrange(10**9, 10**10)}"
        else:
            sim.applicant_type = ApplicantType.CITIZEN
            sim.applicant_name = f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"
            sim.applicant_id_number = f"020{rng.choice('0123')}{rng.randrange(10**8):08d}"
        sim.applicant_phone = f"09{rng.randrange(10**8):08d}"

    # --- one dossier ---------------------------------------------------------------------------------------
    def _pick(self, day: date) -> tuple[UnitInfo, VersionInfo] | None:
        units = [
            u
            for u in self.catalogue.units.values()
            if u.in_force(day) and u.pk in self.catalogue.unit_procedures
        ]
        if not units:
            return None
        unit = self.rng.choices(units, weights=[self.unit_weight[u.pk] for u in units])[0]
        procedures, cumulative = self.catalogue.unit_procedures[unit.pk]
        for _ in range(12):
            procedure_id = procedures[bisect.bisect_left(cumulative, self.rng.random() * cumulative[-1])]
            version = self.catalogue.version_on(procedure_id, day)
            if version is not None and unit.pk in version.unit_ids:
                return unit, version
        return None

    def dossier(self, day: date) -> Sim | None:
        """Simulate one dossier submitted on ``day``, up to ``now``."""
        from dvctt.calendar import deadlines

        rng = self.rng
        picked = self._pick(day)
        if picked is None:
            return None
        unit, version = picked
        working_day = self.calendar.is_working_day(day)
        online = version.online_level >= 3 and rng.random() < online_share(day)
        if not online and not working_day:
            return None
        channel = Channel.ONLINE if online else (Channel.POSTAL if rng.random() < 0.04 else Channel.IN_PERSON)
        if online:
            submitted = _local(day, rng.uniform(6 * 3600, 23 * 3600))
        else:
            submitted = _local(
                day, rng.choice([7.2, 8, 8.5, 9, 9.5, 10, 10.5, 14, 14.5, 15, 15.5, 16]) * 3600
            )
            if not deadlines.is_working_moment(submitted, self.calendar):
                return None
        if submitted > self.now:
            return None
        fees = [{"TenPhiLePhi": n, "Gia": a} for n, a in version.fees]
        d = Dossier(
            code=self._next_code(unit.code, submitted),
            procedure_id=version.procedure_id,
            procedure_version_id=version.pk,
            unit_id=unit.pk,
            receiving_unit_id=unit.pk,
            channel=channel,
            submitted_at=submitted,
            fees=fees,
            fee_total=sum(f["Gia"] for f in fees),
            digitised=rng.random() < (0.85 if online else 0.35),
            is_test=rng.random() < 0.004,
            sync_state=SyncState.PENDING,
            imported=False,
        )
        self._applicant(d)
        sim = Sim(d)
        sim.move("submit", submitted, channel=int(channel))
        self._live(sim, unit, version)
        if d.status != Status.NEW and not d.is_test:
            roll = rng.random()
            d.sync_state = (
                SyncState.SYNCED if roll < 0.96 else SyncState.FAILED if roll < 0.975 else SyncState.PENDING
            )
        return sim

    def _live(self, sim: Sim, unit: UnitInfo, version: VersionInfo) -> None:
        rng, d, now = self.rng, sim.dossier, self.now
        # Receipt: at the counter at once; online within a few working hours.
        submitted = d.submitted_at
        assert submitted is not None  # set by dossier()
        received = (
            submitted if d.channel != Channel.ONLINE else self._after_working(submitted, rng.uniform(0.2, 6))
        )
        if received > now:
            return
        if rng.random() < 0.03:
            sim.move("refuse_acceptance", received, reasons="Hồ sơ không thuộc thẩm quyền giải quyết")
            d.ended_at = received
            return
        due = self._due(received, version)
        d.received_at, d.due_at, d.first_due_at, d.effective_due_at = received, due, due, due
        d.due_calendar_revision = self.calendar.revision
        sim.move("receive", received, due_at=due.isoformat() if due else None)
        at = self._after_working(received, rng.uniform(0.2, 2))
        if at > now:
            return
        sim.move("forward", at, note="Chuyển chuyên viên xử lý")
        limit = self._working_between(received, due) if due else 5 * 8 * 3600
        # How long the work takes, as a share of the legal limit: most early, some late.
        r = rng.random()
        share = rng.uniform(0.15, 0.95) if r < 0.86 else rng.uniform(1.02, 1.8)
        paused = timedelta()
        if rng.random() < 0.07:  # supplement requested during processing
            asked = self._after_working(at, rng.uniform(0.05, 0.4) * limit / 3600)
            if asked > now:
                return
            deadline = asked + timedelta(days=15)
            request = SupplementRequest(
                requested_at=asked, deadline=deadline, content="Bổ sung giấy tờ còn thiếu"
            )
            sim.supplements.append(request)
            d.resume_status = d.status
            sim.move("request_supplement", asked, content=request.content, deadline=deadline.isoformat())
            if rng.random() < 0.06:  # never answered: cancelled when the deadline passes
                if deadline <= now:
                    request.expired_at = deadline
                    d.resume_status = Status.STOPPED
                    sim.move("expire_supplement", deadline)
                    d.ended_at = deadline
                return
            answered = asked + timedelta(hours=rng.uniform(4, 24 * 7))
            if answered > now:
                return
            request.answered_at = answered
            sim.move("answer_supplement", answered)
            paused = answered - asked
            if d.effective_due_at is not None:
                d.effective_due_at += paused
        if version.fees and rng.random() < 0.05:  # a financial obligation (tax, charge) before the result
            asked = self._after_working(at, rng.uniform(0.3, 0.6) * limit / 3600) + paused
            paid = asked + timedelta(hours=rng.uniform(2, 72))
            if asked > now:
                return
            d.resume_status = d.status
            sim.move("request_financial_obligation", asked, amount=version.fees[0][1], content="Nộp lệ phí")
            if paid > now:
                return
            sim.move("record_payment", paid, amount=version.fees[0][1])
            paused += paid - asked
        if rng.random() < 0.02:
            self._inter_agency(sim, at)
        end = self._after_working(received, share * limit / 3600) + paused
        if due is not None and end > due + paused and rng.random() < 0.3:
            apology_at = due - timedelta(hours=2)
            if apology_at > at and apology_at <= now:
                new_due = self._after_working(due, rng.uniform(8, 40))
                sim.extensions.append(
                    Extension(
                        at=apology_at, previous_due_at=due, new_due_at=new_due, reason="Cần xác minh thêm"
                    )
                )
                sim.move("apologise", apology_at, new_due_at=new_due.isoformat())
                d.due_at = new_due
                d.effective_due_at = new_due + sum(
                    (r.answered_at - r.requested_at for r in sim.supplements if r.answered_at), timedelta()
                )
        if rng.random() < 0.01:
            asked = self._after_working(at, 1)
            if asked <= now and asked < end:
                sim.move("request_withdrawal", asked, reason="Không còn nhu cầu")
                accepted = self._after_working(asked, 2)
                if accepted <= now:
                    sim.move("accept_withdrawal", accepted)
                    d.ended_at = accepted
                return
        if end > now:
            return
        for child in sim.children:
            child.move("approve", end - timedelta(minutes=30))
            child.dossier.ended_at = end - timedelta(minutes=30)
            child.dossier.outcome = Outcome.APPROVED
        roll = rng.random()
        if roll < 0.01:
            sim.move("stop", end, reasons="Dừng theo đề nghị của cơ quan có thẩm quyền")
            d.ended_at = end
            return
        d.ended_at = end
        if roll < 0.04:
            sim.move("refuse", end, reasons="Không đủ điều kiện theo quy định")
            d.outcome = Outcome.REFUSED
        else:
            electronic = (d.channel == Channel.ONLINE and rng.random() < 0.8) or rng.random() < 0.3
            sim.move("approve", end, electronic=int(electronic))
            d.outcome = Outcome.APPROVED
            name = "Kết quả giải quyết thủ tục hành chính"
            sim.files.append(
                DossierFile(
                    kind=DossierFile.Kind.RESULT,
                    name=name,
                    electronic=electronic,
                    url=f"/ket-qua/{d.code}.pdf" if electronic else "",
                )
            )
            d.has_e_result = electronic
        if d.fee_total and d.channel == Channel.ONLINE and rng.random() < 0.6:
            d.paid_online = (
                PaymentChannel.PROVINCIAL_GATEWAY if rng.random() < 0.7 else PaymentChannel.NATIONAL_PORTAL
            )
        returned = self._after_working(end, rng.uniform(0.5, 24))
        if returned <= now and rng.random() < 0.93:
            method = (
                ReturnMethod.ONLINE
                if d.channel == Channel.ONLINE and d.has_e_result
                else ReturnMethod.COUNTER
            )
            sim.move("return_result", returned, method=method)
            d.returned_at, d.return_method = returned, method
            if rng.random() < 0.3:
                draw = rng.random()  # one draw, as before: the levels split it (6% not satisfied)
                d.rating = 1 if draw < 0.06 else (3 if draw >= 0.55 else 2)
            d.has_complaint = d.rating == 1 or rng.random() < 0.01

    def _inter_agency(self, sim: Sim, at: datetime) -> None:
        d = sim.dossier
        day = at.astimezone(VN).date()
        others = [
            u
            for u in self.catalogue.units.values()
            if u.level == "so" and u.in_force(day) and u.pk != d.unit_id
        ]
        if not others:
            return
        other = self.rng.choice(others)
        child = Dossier(
            code=self._next_code(other.code, at),
            procedure_id=d.procedure_id,
            procedure_version_id=d.procedure_version_id,
            unit_id=other.pk,
            receiving_unit_id=d.receiving_unit_id,
            channel=d.channel,
            status=Status.PROCESSING,
            applicant_type=d.applicant_type,
            applicant_name=d.applicant_name,
            applicant_id_number=d.applicant_id_number,
            submitted_at=d.submitted_at,
            received_at=at,
            due_at=d.due_at,
            first_due_at=d.due_at,
            effective_due_at=d.effective_due_at,
            parent_code=d.code,
            is_test=d.is_test,
            sync_state=SyncState.NOT_REQUIRED,
        )
        child_sim = Sim(child)
        child_sim.events.append(
            DossierEvent(
                seq=1,
                action="forward",
                from_status=None,
                to_status=Status.PROCESSING,
                at=at,
                actor_name="Dữ liệu mẫu",
                payload={"parent": d.code},
            )
        )
        sim.children.append(child_sim)
        sim.move("forward", at, units=[other.code], children=[child.code])

    # --- many dossiers -------------------------------------------------------------------------------------
    def days(self, start: date, end: date) -> Iterator[date]:
        day = start
        while day <= end:
            yield day
            day += timedelta(days=1)

    def run(
        self, *, count: int, start: date, end: date | None = None, batch: int = 2000, progress=None
    ) -> int:
        end = end or self.now.astimezone(VN).date()
        all_days = list(self.days(start, end))
        per_day = count / max(1, len(all_days))
        written = 0
        pending: list[Sim] = []
        for day in all_days:
            wanted = int(per_day * (1.35 if day.weekday() < 5 else 0.12) + self.rng.random())
            for _ in range(wanted):
                sim = self.dossier(day)
                if sim is not None:
                    pending.append(sim)
            if len(pending) >= batch:
                written += self._write(pending)
                pending = []
                if progress:
                    progress(written)
        written += self._write(pending)
        self._write_counters()
        return written

    def _write(self, sims: list[Sim]) -> int:
        if not sims:
            return 0
        with transaction.atomic():
            parents = Dossier.objects.bulk_create([s.dossier for s in sims])
            children_sims = [c for s in sims for c in s.children]
            for s in sims:
                for c in s.children:
                    c.dossier.parent_id = s.dossier.pk
            Dossier.objects.bulk_create([c.dossier for c in children_sims])
            events, supplements, extensions, files = [], [], [], []
            for s in [*sims, *children_sims]:
                for e in s.events:
                    e.dossier_id = s.dossier.pk
                    events.append(e)
                for r in s.supplements:
                    r.dossier_id = s.dossier.pk
                    supplements.append(r)
                for x in s.extensions:
                    x.dossier_id = s.dossier.pk
                    extensions.append(x)
                for f in s.files:
                    f.dossier_id = s.dossier.pk
                    files.append(f)
            DossierEvent.objects.bulk_create(events, batch_size=5000)
            SupplementRequest.objects.bulk_create(supplements, batch_size=5000)
            Extension.objects.bulk_create(extensions, batch_size=5000)
            DossierFile.objects.bulk_create(files, batch_size=5000)
        return len(parents) + len(children_sims)

    def _write_counters(self) -> None:
        """Store the last number per unit and day, so that live submissions continue without a clash."""
        existing = {
            (c.unit_code, c.day): c
            for c in DossierSequence.objects.filter(unit_code__in={k[0] for k in self.counters})
        }
        new, changed = [], []
        for (unit_code, day), last in self.counters.items():
            row = existing.get((unit_code, day))
            if row is None:
                new.append(DossierSequence(unit_code=unit_code, day=day, last=last))
            elif row.last < last:
                row.last = last
                changed.append(row)
        DossierSequence.objects.bulk_create(new, batch_size=5000)
        DossierSequence.objects.bulk_update(changed, ["last"], batch_size=5000)
