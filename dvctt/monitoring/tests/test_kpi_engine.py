"""The database engine equals the reference engine on random data, and incremental rollups equal a rebuild.

Each example writes random units (ended, with successor chains), procedure versions (abolished, with units),
officials and dossiers (supplements, test flags, inter-agency children, times on the period's boundaries,
dossiers that end before their receipt) into the models, rebuilds the rollups and compares
``kpi_compute`` with ``reference.compute_kpis`` over the same records, for a random period and both unit
modes. It then changes random dossiers and the catalogue, refreshes only what changed, and checks that the
rollups are those a full rebuild gives and that the figures still match the reference.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvctt.catalog.models import ProcedureVersion
from dvctt.dossiers.models import Dossier, SupplementRequest
from dvctt.interchange.records import (
    Agency,
    Fee,
    Official,
    ResultDocument,
    Supplement,
)
from dvctt.interchange.records import Dossier as DossierRecord
from dvctt.interchange.records import ProcedureVersion as VersionRecord
from dvctt.monitoring import reference as ref
from dvctt.monitoring.kpi import PROVINCE_KEY, kpi_compute, kpi_counts, kpi_counts_many
from dvctt.monitoring.reference import compute_kpis
from dvctt.monitoring.rollups import facts_refresh, facts_refresh_procedure, rollups_rebuild
from dvctt.monitoring.tests.loader import aware, dossier_model, load_records
from dvctt.monitoring.tests.rows import rollup_rows

UNITS = ["U1", "U2", "U3", "U4"]
CODES = ["T1", "T2", "T3"]
DAY0 = date(2024, 12, 1)

_days = st.integers(0, 150).map(lambda n: DAY0 + timedelta(days=n))
# Times cluster on midnights so that the period's boundaries are hit often.
_times = st.builds(
    lambda day, seconds: datetime.combine(day, time()) + timedelta(seconds=seconds),
    _days,
    st.sampled_from([0, 1, 86399]) | st.integers(0, 86399),
)
_gaps = st.sampled_from([timedelta(0), timedelta(seconds=1)]) | st.timedeltas(
    timedelta(0), timedelta(days=20)
)


@st.composite
def agencies(draw):
    out = []
    for code in UNITS:
        start = draw(st.sampled_from([date(2020, 1, 1), date(2025, 1, 15), date(2025, 3, 1)]))
        end = draw(st.none() | st.sampled_from([date(2025, 1, 31), date(2025, 2, 28), date(2026, 12, 31)]))
        if end is not None and end < start:
            end = None
        successor = draw(st.none() | st.sampled_from([u for u in UNITS if u != code]))
        out.append(
            Agency(code=code, name=code, valid_from=start, level="so", valid_to=end, successor_code=successor)
        )
    return out


@st.composite
def procedures(draw):
    out = []
    for code in CODES:
        starts = sorted(draw(st.sets(_days | st.just(date(2020, 1, 1)), min_size=1, max_size=3)))
        for start in starts:
            abolished = draw(st.none() | st.none() | _days)
            out.append(
                VersionRecord(
                    code=code,
                    name=code,
                    units=tuple(draw(st.lists(st.sampled_from(UNITS), max_size=3))),
                    level=draw(st.sampled_from([2, 3, 4])),
                    full_process_eligible=draw(st.sampled_from([0, 1])),
                    national_portal=draw(st.sampled_from([0, 1])),
                    result_is_document=draw(st.sampled_from([0, 1])),
                    valid_from=start,
                    valid_to=abolished if abolished is not None and abolished >= start else None,
                )
            )
    return out


_officials = st.builds(
    Official,
    national_id=st.sampled_from(["001", "002", "003"]),
    unit_code=st.sampled_from(UNITS),
    valid_from=st.sampled_from([date(2020, 1, 1), date(2025, 2, 1)]),
    valid_to=st.none() | st.sampled_from([date(2025, 2, 1), date(2025, 3, 31)]),
)


@st.composite
def dossier(draw, code: str):
    submitted = draw(st.none() | _times)
    received = draw(st.none() | st.none() | _times)
    if received is not None and submitted is not None and received < submitted:
        submitted, received = received, submitted
    due = draw(st.none() | (st.just(received) if received else st.none()) | _times)
    if due is not None and received is not None and due < received:
        due = received + draw(_gaps)
    supplements = []
    for _ in range(draw(st.sampled_from([0, 0, 1, 1, 2]))):
        asked = draw(_times)
        answered = draw(st.none() | _gaps.map(lambda g, a=asked: a + g))
        supplements.append(Supplement(requested_at=asked, completed_at=answered))
    return DossierRecord(
        code=code,
        procedure_code=draw(st.sampled_from(CODES)),
        unit_code=draw(st.sampled_from(UNITS)),
        channel=draw(st.integers(1, 3)),
        status=draw(st.integers(1, 10)),
        applicant_id=draw(st.sampled_from(["001", "002", "003", "999", None])),
        submitted_at=submitted,
        received_at=received,
        due_at=due,
        processing_ended_at=draw(st.none() | _times),  # may be before the receipt: an irregular dossier
        returned_at=draw(st.none() | _times),
        paid_online=draw(st.sampled_from([0, 1, 2, None])),
        fees=draw(
            st.none() | st.lists(st.builds(Fee, amount=st.none() | st.integers(0, 2)), max_size=2).map(tuple)
        ),
        digitised_components=draw(st.sampled_from([0, 1, None])),
        result_documents=draw(
            st.none()
            | st.lists(st.builds(ResultDocument, link=st.sampled_from(["", " ", "/kq"])), max_size=2).map(
                tuple
            )
        ),
        supplements=tuple(supplements),
        synced_national=draw(st.sampled_from([0, 1, None])),
        complained=draw(st.sampled_from([0, 1, None])),
        parent_code=draw(st.sampled_from([None, None, None, "", " ", "PARENT"])),
        is_test=draw(st.sampled_from([None, None, 0, 1])),
    )


@st.composite
def dossiers(draw):
    count = draw(st.integers(0, 30))
    return [draw(dossier(f"D{i}")) for i in range(count)]


@dataclass
class Records:
    agencies: list = field(default_factory=list)
    procedures: list = field(default_factory=list)
    officials: list = field(default_factory=list)
    dossiers: list = field(default_factory=list)


_period = st.tuples(_days, st.integers(0, 100)).map(lambda p: (p[0], p[0] + timedelta(days=p[1])))


def _assert_same_figures(records: Records, periods) -> None:
    for date_from, date_to in periods:
        for mode in ("period", "current"):
            expected = json.loads(json.dumps(compute_kpis(records, date_from, date_to, mode)))
            got = json.loads(json.dumps(kpi_compute(date_from=date_from, date_to=date_to, units_mode=mode)))
            assert got == expected, (date_from, date_to, mode)
    # and every period computed together (one set of queries) gives each period's own counts: per unit, and
    # for the province alone (the dashboards' trend)
    periods = list(periods)
    together = kpi_counts_many(periods)
    for (date_from, date_to), counts in zip(periods, together, strict=True):
        alone = kpi_counts(date_from=date_from, date_to=date_to)
        assert {u: v for u, v in counts.items() if any(v)} == {u: v for u, v in alone.items() if any(v)}
    province = kpi_counts_many(periods, per_unit=False)
    for (date_from, date_to), counts in zip(periods, province, strict=True):
        expected_province = kpi_compute(date_from=date_from, date_to=date_to)["province"]
        assert json.loads(json.dumps(ref._render(counts[PROVINCE_KEY]))) == json.loads(
            json.dumps(expected_province)
        ), (date_from, date_to)


def _replace_in_db(dossier_row: Dossier, record: DossierRecord, lookups) -> None:
    model = dossier_model(record, lookups["procedures"], lookups["units"])
    names = [
        f.name
        for f in Dossier._meta.concrete_fields
        if f.name not in ("id", "code", "created_at", "updated_at")
    ]
    Dossier.objects.filter(pk=dossier_row.pk).update(**{name: getattr(model, name) for name in names})
    SupplementRequest.objects.filter(dossier=dossier_row).delete()
    SupplementRequest.objects.bulk_create(
        SupplementRequest(
            dossier=dossier_row, requested_at=aware(s.requested_at), answered_at=aware(s.completed_at)
        )
        for s in record.supplements or ()
    )


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    units=agencies(),
    versions=procedures(),
    officials=st.lists(
        _officials, max_size=6, unique_by=lambda o: (o.national_id, o.unit_code, o.valid_from)
    ),
    before=dossiers(),
    changes=st.lists(st.tuples(st.integers(0, 29), dossier("X")), max_size=8),
    periods=st.lists(_period, min_size=1, max_size=3),
    catalogue_change=st.none() | st.tuples(st.sampled_from(CODES), _days, st.sampled_from([2, 3, 4])),
)
def test_database_engine_equals_reference_and_incremental_equals_rebuild(
    db, units, versions, officials, before, changes, periods, catalogue_change
):
    with transaction.atomic():
        # given random records in the models and rebuilt rollups
        records = Records(units, versions, officials, list(before))
        lookups = load_records(records)
        rollups_rebuild()
        # then the figures are the reference's
        _assert_same_figures(records, periods)

        # when random dossiers change and only they are refreshed (twice: a refresh is idempotent)
        rows = {d.code: d for d in lookups["dossiers"]}
        changed = set()
        for index, new in changes:
            if index >= len(records.dossiers):
                continue
            old = records.dossiers[index]
            new = replace(new, code=old.code)
            records.dossiers[index] = new
            _replace_in_db(rows[old.code], new, lookups)
            changed.add(rows[old.code].pk)
        facts_refresh(dossier_ids=changed)
        facts_refresh(dossier_ids=changed)
        # ... and the catalogue gets a new version, refreshed for that procedure only
        if catalogue_change is not None:
            code, start, level = catalogue_change
            if not any(v.code == code and v.valid_from == start for v in records.procedures):
                version = VersionRecord(
                    code=code,
                    name=code,
                    units=(),
                    level=level,
                    full_process_eligible=0,
                    national_portal=0,
                    result_is_document=1,
                    valid_from=start,
                )
                records.procedures.append(version)
                ProcedureVersion.objects.create(
                    procedure=lookups["procedures"][code],
                    valid_from=start,
                    name=code,
                    online_level=level,
                    result_is_document=True,
                )
                facts_refresh_procedure(procedure_id=lookups["procedures"][code].pk)
        incremental = rollup_rows()
        rollups_rebuild()

        # then the rollups are those of a full rebuild, and the figures still the reference's
        assert incremental == rollup_rows()
        _assert_same_figures(records, periods)
        transaction.set_rollback(True)


def test_completed_but_received_after_the_period_counts_in_the_e_result_rate(db):
    # Inconsistent data kept out of the rollups (ended before received) and received after the period:
    # it is still in C for the period it was processed in, as the spec defines C.
    from datetime import date as day
    from datetime import datetime as moment

    from dvctt.interchange.records import Agency, Interchange, ResultDocument

    records = Interchange(
        agencies=[Agency(code="U1", name="U1", valid_from=day(2000, 1, 1))],
        procedures=[
            VersionRecord(
                code="T1",
                name="T1",
                units=("U1",),
                level=4,
                full_process_eligible=1,
                national_portal=1,
                valid_from=day(2000, 1, 1),
                result_is_document=1,
            )
        ],
        dossiers=[
            DossierRecord(
                code="D1",
                procedure_code="T1",
                unit_code="U1",
                channel=2,
                status=9,
                received_at=moment(2025, 2, 3, 9),
                processing_ended_at=moment(2025, 1, 20),
                result_documents=(ResultDocument(name="KQ", link="/kq.pdf"),),
            )
        ],
    )
    load_records(records)
    rollups_rebuild()
    got = kpi_compute(date_from=day(2025, 1, 1), date_to=day(2025, 1, 31), units_mode="period")
    assert got["province"]["e_result_rate"] == {"numerator": 1, "denominator": 1, "value": 1.0}
    assert got == json.loads(json.dumps(compute_kpis(records, day(2025, 1, 1), day(2025, 1, 31), "period")))
