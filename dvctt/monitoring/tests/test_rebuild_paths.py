"""PostgreSQL's set-based rebuild (facts and counts in SQL) writes exactly the rows of the Python rebuild.

The Python path (fact_build per dossier, ``contributions`` counted in Python) is the one SQLite runs and the one
incremental refreshes share; test_kpi_engine.py proves it against the reference engine. Here both paths run
over the same random records and every fact, count and span row must be equal.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from dvctt.interchange.records import Supplement
from dvctt.monitoring.models import DossierFact
from dvctt.monitoring.rollups import _pair_year_masks, rollups_rebuild
from dvctt.monitoring.tests.loader import load_records
from dvctt.monitoring.tests.rows import rollup_rows
from dvctt.monitoring.tests.test_kpi_engine import (
    CODES,
    Records,
    _gaps,
    _times,
    agencies,
    dossier,
    procedures,
)

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the SQL path is PostgreSQL's; SQLite runs the Python path"
)

# Blank in Python's eyes (str.strip) or not: the SQL path must leave the first kind to Python.
_parent_codes = st.sampled_from(["", "", "", " ", "\t", "\u00a0", "\u2003 ", "\u200b", "-", "Ư", "P1", " x "])


@st.composite
def _awkward_supplements(draw):
    # up to three requests, answered on the second, after weeks or never (the database keeps answered ≥ asked)
    out = []
    for _ in range(draw(st.integers(0, 3))):
        asked = draw(_times)
        answered = draw(st.none() | _gaps.map(lambda gap, at=asked: at + gap))
        out.append(Supplement(requested_at=asked, completed_at=answered))
    return tuple(out)


@st.composite
def _dossiers(draw):
    out = []
    for index in range(draw(st.integers(0, 40))):
        record = draw(dossier(f"D{index}"))
        record = replace(record, parent_code=draw(_parent_codes), procedure_code=draw(st.sampled_from(CODES)))
        if draw(st.booleans()):
            record = replace(record, supplements=draw(_awkward_supplements()))
        out.append(record)
    return out


@settings(
    max_examples=40,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # shrinking through the database takes minutes
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(units=agencies(), versions=procedures(), records=_dossiers())
def test_sql_rebuild_writes_the_rows_of_the_python_rebuild(db, units, versions, records):
    with transaction.atomic():
        # given random units, versions and dossiers (blank-looking parent codes, odd supplements)
        load_records(Records(units, versions, [], records))
        # when the rollups are rebuilt in Python, then in SQL
        python_count = rollups_rebuild(in_sql=False)
        python_rows = rollup_rows()
        sql_count = rollups_rebuild(in_sql=True)
        # then every fact, count and span is the same
        assert sql_count == python_count == DossierFact.objects.count()
        sql_rows = rollup_rows()
        assert sql_rows.facts == python_rows.facts
        assert sql_rows.units == python_rows.units
        assert sql_rows.pairs == python_rows.pairs
        assert sql_rows.spans == python_rows.spans
        # and the pairs' bits, built by PostgreSQL's bit_or, are those computed one day row at a time
        assert sql_rows.pair_years == {key: bits for key, bits in _pair_year_masks(None).items() if bits[0]}
        assert sql_rows.pair_years == python_rows.pair_years
        transaction.set_rollback(True)


def test_sql_rebuild_handles_the_edges_of_the_threshold(db):
    # given dossiers whose threshold sits on a local midnight, to the microsecond, with and without pauses
    base = datetime(2025, 1, 10, 0, 0, 0)
    records = [
        replace(
            _plain(f"E{index}"),
            received_at=base - timedelta(days=3),
            due_at=due,
            status=9,
            processing_ended_at=end,
            supplements=supplements,
        )
        for index, (due, end, supplements) in enumerate(
            [
                (base, base, ()),
                (base, base + timedelta(microseconds=1), ()),
                (base - timedelta(microseconds=1), base, ()),
                (
                    base,
                    base + timedelta(hours=5),
                    (
                        Supplement(
                            requested_at=base - timedelta(hours=1), completed_at=base + timedelta(hours=4)
                        ),
                    ),
                ),
                (
                    base,
                    base + timedelta(hours=5),
                    (
                        Supplement(
                            requested_at=base - timedelta(hours=1), completed_at=base - timedelta(hours=1)
                        ),
                    ),
                ),
                (base, None, (Supplement(requested_at=base, completed_at=None),)),
                (base, base, (Supplement(requested_at=base + timedelta(seconds=1), completed_at=None),)),
            ]
        )
    ]
    from dvctt.interchange.records import Agency
    from dvctt.interchange.records import ProcedureVersion as VersionRecord

    with transaction.atomic():
        load_records(
            Records(
                [Agency(code="U1", name="U1", valid_from=base.date() - timedelta(days=900), level="so")],
                [
                    VersionRecord(
                        code="T1",
                        name="T1",
                        units=("U1",),
                        level=3,
                        full_process_eligible=1,
                        national_portal=1,
                        result_is_document=1,
                        valid_from=base.date() - timedelta(days=800),
                    )
                ],
                [],
                records,
            )
        )
        # when both paths rebuild
        rollups_rebuild(in_sql=False)
        python_rows = rollup_rows()
        rollups_rebuild(in_sql=True)
        # then they agree, and the thresholds are the ones late_threshold gives
        assert rollup_rows() == python_rows
        late = [python_rows.facts[pk]["late_at_end"] for pk in sorted(python_rows.facts)]
        assert late == [False, True, True, False, True, False, False]
        transaction.set_rollback(True)


def _plain(code: str):
    from dvctt.interchange.records import Dossier as DossierRecord

    return DossierRecord(code=code, procedure_code="T1", unit_code="U1", channel=2, status=4)
