"""Migrations 0003/0004 (a unit's metrics as one wide row, the digitisation spans at month grains) on a database
that has rollups: back to 0002's shapes and forward again gives back exactly the rows ``kpi_rebuild`` writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from dvctt.common.tests.sample import sample_dir
from dvctt.interchange.importer import interchange_import
from dvctt.monitoring.models import Grain, KpiCount, KpiSpanCount, KpiUnitCount
from dvctt.monitoring.rollups import PAIR_METRICS, rollups_rebuild
from dvctt.monitoring.tests.rows import rollup_rows

BEFORE = [("monitoring", "0002_pair_years")]
AFTER = [("monitoring", "0007_fact_assisted_data")]


def _migrate(targets: list[tuple[str, str]]) -> None:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)


@pytest.mark.django_db(transaction=True)
def test_rollups_survive_the_way_back_and_forth():
    # given the sample imported and its rollups rebuilt in today's shapes
    report = interchange_import(folder=sample_dir() / "interchange")
    assert report.committed and not report.issues
    rollups_rebuild()
    rebuilt = rollup_rows()
    assert rebuilt.units and rebuilt.spans and rebuilt.pairs  # the sample exercises all three tables
    coarse_spans = KpiSpanCount.objects.exclude(r_grain=Grain.DAY, c_grain=Grain.DAY).count()
    assert coarse_spans > 0

    try:
        # when the database goes back to 0002: the unit metrics as KpiCount rows of procedure 0, spans by day only
        _migrate(BEFORE)
        with connection.cursor() as cursor:
            table = KpiCount._meta.db_table
            cursor.execute(f"SELECT count(*) FROM {table} WHERE procedure_id = 0")  # noqa: S608 - model's table
            old_unit_rows = cursor.fetchone()[0]
            cursor.execute(f"SELECT count(*) FROM {KpiSpanCount._meta.db_table}")  # noqa: S608 - model's table
            old_span_rows = cursor.fetchone()[0]
        # then every non-zero unit figure is one old row, and only the day-by-day spans are left
        assert old_unit_rows == sum(1 for values in rebuilt.units.values() for v in values if v)
        assert old_span_rows == sum(1 for key in rebuilt.spans if key[0] == key[2] == Grain.DAY)
    finally:
        # and when it comes forward again (also if the check above failed: the next tests need today's schema)
        _migrate(AFTER)

    # then the rows are those of a rebuild, to the last one
    again = rollup_rows()
    assert again.units == rebuilt.units
    assert again.spans == rebuilt.spans
    assert again.pairs == rebuilt.pairs
    assert not KpiCount.objects.exclude(metric__in=list(PAIR_METRICS)).exists()
    assert KpiUnitCount.objects.count() == len(rebuilt.units)
