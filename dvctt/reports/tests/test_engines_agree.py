"""The database engine equals the reference engine on random data (both forms, both unit modes).

Random units (ended, with successor chains), procedure versions with fields (and versions without one),
dossiers with supplement requests (before and after receipt, waiting or answered), test dossiers, inter-agency
children, times on the period's boundaries and dossiers that end before their receipt: the strategies of the
indicators' own property test (monitoring/tests/test_kpi_engine.py), with a field drawn for each version.
"""

from __future__ import annotations

import json
from dataclasses import replace

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvctt.monitoring.tests.test_kpi_engine import Records, _period, agencies, dossiers, procedures
from dvctt.reports.reference import report_reference
from dvctt.reports.selectors import report_compute
from dvctt.reports.tests.helpers import load_with_fields


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    units=agencies(),
    versions=procedures(),
    field_codes=st.lists(st.sampled_from(["LV01", "LV02", "LV03", None, ""]), min_size=9, max_size=9),
    items=dossiers(),
    periods=st.lists(_period, min_size=1, max_size=3),
)
def test_database_report_equals_reference_report(db, units, versions, field_codes, items, periods):
    with transaction.atomic():
        # given random records, each version with a random field (or none), in the models
        versions = [replace(v, field_code=field_codes[i % len(field_codes)]) for i, v in enumerate(versions)]
        records = Records(units, versions, [], list(items))
        load_with_fields(records)
        for date_from, date_to in periods:
            for form in ("06", "07a"):
                for mode in ("period", "current"):
                    # when both engines compute the report
                    expected = report_reference(
                        records, form=form, date_from=date_from, date_to=date_to, units_mode=mode
                    )
                    got = report_compute(form=form, date_from=date_from, date_to=date_to, units_mode=mode)
                    # then the objects are equal, through JSON as the command prints them, rows in the same order
                    assert json.loads(json.dumps(got)) == json.loads(json.dumps(expected)), (
                        form,
                        mode,
                        date_from,
                        date_to,
                    )
                    assert list(got["rows"]) == list(expected["rows"]) or form == "06"
        transaction.set_rollback(True)
