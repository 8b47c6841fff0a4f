"""A stored report's path: draft → submitted (unit leader) → received (department) → approved, frozen figures,
restatements when the data changes later, and who did what when."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import transaction

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.errors import AccessDenied, ConflictError
from dvctt.common.tests.sample import sample_dir
from dvctt.dossiers.models import Dossier
from dvctt.interchange import read_folder
from dvctt.reports.models import PeriodicReport, ReportState
from dvctt.reports.selectors import report_compute
from dvctt.reports.tests.helpers import load_with_fields
from dvctt.reports.workflow import (
    moves_for,
    report_create,
    report_current_figures,
    report_move,
    report_restatements,
    reports_visible_to,
)

DISTRICT, OLD_COMMUNE, DEPARTMENT = "000.00.11.H38", "001.01.11.H38", "000.01.00.H38"
Q1 = {"form": "06", "date_from": date(2025, 1, 1), "date_to": date(2025, 3, 31)}


@pytest.fixture(scope="module")
def _sample_loaded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        load_with_fields(read_folder(sample_dir() / "interchange").data)
        yield
        transaction.set_rollback(True)


@pytest.fixture
def people(_sample_loaded, db):
    units = {u.code: u for u in Unit.objects.all()}

    def user(name: str, role: str, unit: Unit | None = None) -> User:
        return User.objects.create_user(username=name, password="x-Pass-12345", role=role, unit=unit)

    return {
        "leader": user("leader", Role.UNIT_LEADER, units[DISTRICT]),
        "other_leader": user("other", Role.UNIT_LEADER, units[DEPARTMENT]),
        "monitor": user("monitor", Role.MONITOR),
        "ppc": user("ppc", Role.PPC_LEADER),
        "units": units,
    }


def test_the_full_path_freezes_the_figures_and_keeps_who_did_what(people):
    leader, monitor, ppc = people["leader"], people["monitor"], people["ppc"]
    # given a draft of the district's leader: no stored figures yet
    report = report_create(actor=leader, **Q1)
    assert report.state == ReportState.DRAFT and report.data is None
    assert report.unit == people["units"][DISTRICT]
    # when the leader submits it, the department receives it and the PPC leader approves it
    report = report_move(report_id=report.pk, actor=leader, action="submit")
    submitted = report_current_figures(report=report)
    assert report.data == submitted
    assert set(report.data["rows"]) <= {DISTRICT, OLD_COMMUNE}
    report = report_move(report_id=report.pk, actor=monitor, action="receive")
    report = report_move(report_id=report.pk, actor=ppc, action="approve", note="Đồng ý")
    # then it is approved with the figures submitted, and the history tells who did what, in order
    assert report.state == ReportState.APPROVED
    events = list(report.events.values_list("action", "from_state", "to_state", "actor__username", "note"))
    assert events == [
        ("create", "", "draft", "leader", ""),
        ("submit", "draft", "submitted", "leader", ""),
        ("receive", "submitted", "received", "monitor", ""),
        ("approve", "received", "approved", "ppc", "Đồng ý"),
    ]
    assert moves_for(actor=monitor, report=report) == []
    # and no restatement while the data has not changed
    assert report_restatements(report=report) == []

    # when a dossier of the district received in the period is later deleted from the count (marked as a test)
    dossier = Dossier.objects.filter(
        unit__code=DISTRICT, received_at__date__gte=date(2025, 1, 2), received_at__date__lte=date(2025, 3, 30)
    ).first()
    assert dossier is not None
    Dossier.objects.filter(pk=dossier.pk).update(is_test=True)
    # then the approved figures have not changed, and the difference shows as restatements beside them
    report.refresh_from_db()
    assert report.data == submitted
    restated = {(r.key, r.column): (r.frozen, r.current) for r in report_restatements(report=report)}
    frozen_total = submitted["province"]["received_total"]
    assert restated[(None, "received_total")] == (frozen_total, frozen_total - 1)
    assert restated[(DISTRICT, "received_total")][1] == submitted["rows"][DISTRICT]["received_total"] - 1


def test_only_the_units_leader_submits_and_only_the_department_receives(people):
    report = report_create(actor=people["leader"], **Q1)
    # another unit's leader may not submit it, nor a PPC leader receive it
    with pytest.raises(AccessDenied):
        report_move(report_id=report.pk, actor=people["other_leader"], action="submit")
    report_move(report_id=report.pk, actor=people["leader"], action="submit")
    with pytest.raises(AccessDenied):
        report_move(report_id=report.pk, actor=people["ppc"], action="receive")
    with pytest.raises(AccessDenied):
        report_move(report_id=report.pk, actor=people["leader"], action="receive")


def test_illegal_moves_are_conflicts(people):
    report = report_create(actor=people["leader"], **Q1)
    # a draft cannot be approved or received
    for action in ("approve", "receive", "return"):
        with pytest.raises(ConflictError):
            report_move(report_id=report.pk, actor=people["monitor"], action=action)
    # an approved report cannot be sent back or submitted again
    report_move(report_id=report.pk, actor=people["leader"], action="submit")
    report_move(report_id=report.pk, actor=people["monitor"], action="receive")
    report_move(report_id=report.pk, actor=people["monitor"], action="approve")
    for action in ("return", "submit", "approve"):
        with pytest.raises((ConflictError, AccessDenied)):
            report_move(report_id=report.pk, actor=people["monitor"], action=action)
    assert PeriodicReport.objects.get(pk=report.pk).state == ReportState.APPROVED


def test_a_returned_report_is_a_draft_again_and_resubmitting_takes_fresh_figures(people):
    report = report_create(actor=people["leader"], **Q1)
    report_move(report_id=report.pk, actor=people["leader"], action="submit")
    report = report_move(report_id=report.pk, actor=people["monitor"], action="return", note="Thiếu số liệu")
    assert report.state == ReportState.DRAFT
    report = report_move(report_id=report.pk, actor=people["leader"], action="submit")
    assert report.state == ReportState.SUBMITTED and report.data == report_current_figures(report=report)


def test_one_report_per_form_period_and_unit_and_the_province_by_the_department(people):
    report_create(actor=people["leader"], **Q1)
    with pytest.raises(ConflictError):
        report_create(actor=people["leader"], **Q1)
    # the province's report is the monitor's, with the province's figures
    province = report_create(actor=people["monitor"], **Q1)
    assert province.unit is None
    province = report_move(report_id=province.pk, actor=people["monitor"], action="submit")
    expected = report_compute(form="06", date_from=Q1["date_from"], date_to=Q1["date_to"])
    assert province.data == expected
    with pytest.raises(AccessDenied):
        report_create(actor=people["ppc"], **Q1)


def test_unit_leaders_see_only_their_scopes_reports(people):
    mine = report_create(actor=people["leader"], **Q1)
    theirs = report_create(actor=people["other_leader"], **Q1)
    assert list(reports_visible_to(people["leader"])) == [mine]
    assert set(reports_visible_to(people["monitor"])) == {mine, theirs}
