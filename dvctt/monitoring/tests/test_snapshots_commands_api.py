"""Snapshots and restatements, the ``kpi`` commands, and the KPI API, on the shared sample imported with
``dvctt import``'s service."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from dvctt.accounts.models import Role, User
from dvctt.agencies.models import Unit
from dvctt.common.errors import ConflictError
from dvctt.common.tests.sample import sample_dir
from dvctt.dossiers.models import Dossier, SyncState
from dvctt.interchange import read_folder
from dvctt.monitoring.kpi import kpi_compute
from dvctt.monitoring.rollups import facts_refresh, rollups_rebuild
from dvctt.monitoring.snapshots import kpi_compare_with_snapshot, kpi_snapshot_freeze
from dvctt.monitoring.tests.loader import load_records
from dvctt.monitoring.tests.test_reference_sample import expected_files

MARCH = {"date_from": date(2025, 3, 1), "date_to": date(2025, 3, 31)}


@pytest.fixture
def sample(db):
    # The importer's own path is test_kpi_sample.py's; this loader is quicker for many tests.
    load_records(read_folder(sample_dir() / "interchange").data)
    rollups_rebuild()


def _expected(name: str) -> dict:
    return json.loads(next(p for p in expected_files() if p.name == name).read_text(encoding="utf-8"))


# --- snapshots ---------------------------------------------------------------------------------------------


def test_a_frozen_period_shows_a_later_change_as_a_restatement_with_both_figures(sample):
    # given March frozen
    snapshot = kpi_snapshot_freeze(**MARCH, units_mode="period", today=date(2025, 4, 2))
    assert kpi_compare_with_snapshot(snapshot=snapshot) == []
    # when a dossier received in March is later found not synced, and the rollups follow
    dossier = (
        Dossier.objects.filter(
            received_at__month=3, received_at__year=2025, sync_state=SyncState.SYNCED, is_test=False
        )
        .exclude(parent_code__gt="")
        .first()
    )
    Dossier.objects.filter(pk=dossier.pk).update(sync_state=SyncState.FAILED)
    facts_refresh(dossier_ids=[dossier.pk])
    # then the frozen figure stays as it was and the restatement gives both, for the province and the unit
    restated = {(r.unit, r.indicator): r for r in kpi_compare_with_snapshot(snapshot=snapshot)}
    assert set(restated) == {(None, "sync_rate"), (dossier.unit.code, "sync_rate")}
    province = restated[None, "sync_rate"]
    assert province.frozen == snapshot.data["province"]["sync_rate"]
    assert province.current["numerator"] == province.frozen["numerator"] - 1
    assert province.current["denominator"] == province.frozen["denominator"]
    snapshot.refresh_from_db()
    assert snapshot.data["province"]["sync_rate"]["numerator"] == province.frozen["numerator"]


def test_only_a_closed_period_is_frozen_and_only_once(sample):
    with pytest.raises(ConflictError) as raised:
        kpi_snapshot_freeze(**MARCH, today=date(2025, 3, 31))
    assert raised.value.code == "period_open"
    kpi_snapshot_freeze(**MARCH, today=date(2025, 4, 1))
    with pytest.raises(ConflictError) as raised:
        kpi_snapshot_freeze(**MARCH, today=date(2025, 4, 1))
    assert raised.value.code == "already_frozen"
    kpi_snapshot_freeze(**MARCH, units_mode="current", today=date(2025, 4, 1))  # another units mode


# --- commands ----------------------------------------------------------------------------------------------


def test_kpi_command_prints_the_expected_object_as_json_and_a_table(sample):
    # json: exactly the expected file
    out = StringIO()
    call_command(
        "kpi",
        "--from",
        "2025-07-01",
        "--to",
        "2025-09-30",
        "--units",
        "current",
        "--format",
        "json",
        stdout=out,
    )
    assert json.loads(out.getvalue()) == _expected("kpi_2025-07-01_2025-09-30_current.json")

    # table: a title, a header, then one line per scope and indicator
    out = StringIO()
    call_command("kpi", "--from", "2025-03-01", "--to", "2025-03-31", "--format", "table", stdout=out)
    lines = out.getvalue().splitlines()
    expected = _expected("kpi_2025-03-01_2025-03-31_period.json")
    assert lines[0] == "Chỉ số từ 01/03/2025 đến 31/03/2025"
    assert len(lines) == 2 + 12 * (1 + len(expected["units"]))
    rate = expected["province"]["online_dossier_rate"]
    assert lines[2].split() == [
        "Toàn",
        "tỉnh",
        "online_dossier_rate",
        str(rate["numerator"]),
        str(rate["denominator"]),
        str(rate["value"]),
    ]
    assert lines[13].split()[-3:] == ["–", "–", str(expected["province"]["satisfaction_rate"]["value"])]


@pytest.mark.parametrize(
    "args, message",
    [
        (["--from", "2025-13-01", "--to", "2025-12-31"], "YYYY-MM-DD"),
        (["--from", "2025-03-02", "--to", "2025-03-01"], "sau ngày kết thúc"),
    ],
)
def test_kpi_command_refuses_bad_periods_with_a_clear_message(db, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("kpi", *args)


def test_kpi_rebuild_command_is_idempotent(sample):
    before = kpi_compute(**MARCH)
    out = StringIO()
    call_command("kpi_rebuild", stdout=out)
    call_command("kpi_rebuild", stdout=out)
    assert "Đã tính lại số liệu tổng hợp của 2951 hồ sơ" in out.getvalue()
    assert kpi_compute(**MARCH) == before


# --- API ---------------------------------------------------------------------------------------------------

URL = "/api/v1/kpi/"


def _user(role: str, unit_code: str | None = None, **kwargs) -> User:
    unit = Unit.objects.get(code=unit_code) if unit_code else None
    return User.objects.create_user(
        username=f"{role}-{unit_code}", password="x-Pass-1234", role=role, unit=unit, **kwargs
    )


def test_province_roles_read_every_unit(sample, client, django_assert_num_queries):
    for role in (Role.MONITOR, Role.PPC_LEADER, Role.ADMIN):
        client.force_login(_user(role))
        # the session with its user, then the engine's fixed number of queries whatever the volume: rollups, spans,
        # irregular facts, the catalogue per unit and the versions in force (the province's counts and what is
        # offered online), service pairs, officials and their online use, the units; the assisted share's rollup
        # sums and units
        with django_assert_num_queries(12):
            response = client.get(URL, {"from": "2025-03-01", "to": "2025-03-31"})
        assert response.status_code == 200
        body = response.json()
        # the extra field beside the spec's object, which stays exactly the expected file
        assisted = body.pop("assisted")
        assert body == _expected("kpi_2025-03-01_2025-03-31_period.json")
        assert set(assisted["units"]) == set(body["units"])
        assert assisted["province"]["denominator"] == body["province"]["online_dossier_rate"]["numerator"]


def test_a_unit_leader_reads_the_province_and_the_units_of_their_scope(sample, client):
    # given the leader of a unit that took over ended units (000.20.00.H38 carries on others' work)
    leader = _user(Role.UNIT_LEADER, "000.20.00.H38")
    client.force_login(leader)
    response = client.get(URL, {"from": "2025-01-01", "to": "2025-12-31", "units": "current"})
    assert response.status_code == 200
    expected = _expected("kpi_2025-01-01_2025-12-31_current.json")
    body = response.json()
    assert body["province"] == expected["province"]
    assert set(body["units"]) == {"000.20.00.H38"}
    assert set(body["assisted"]["units"]) == {"000.20.00.H38"}
    assert body["units"]["000.20.00.H38"] == expected["units"]["000.20.00.H38"]


@pytest.mark.parametrize("role", [Role.SPECIALIST, Role.ONE_STOP_OFFICER, Role.CITIZEN])
def test_other_roles_are_refused(db, client, role):
    unit = Unit.objects.create(code="000.01.00.H38", name="Sở", level="so", valid_from=date(2020, 1, 1))
    client.force_login(_user(role, unit.code if role != Role.CITIZEN else None))
    response = client.get(URL, {"from": "2025-03-01", "to": "2025-03-31"})
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "permission_denied"


def test_anonymous_is_refused(db, client):
    assert client.get(URL, {"from": "2025-03-01", "to": "2025-03-31"}).status_code in (401, 403)


@pytest.mark.parametrize(
    "params, field",
    [
        ({"from": "2025-03-31", "to": "2025-03-01"}, "from"),
        ({"from": "01/03/2025", "to": "2025-03-31"}, "from"),
        ({"from": "2025-03-01"}, "to"),
        ({"from": "2025-03-01", "to": "2025-03-31", "units": "today"}, "units"),
    ],
)
def test_bad_queries_get_400_in_the_common_shape(db, client, params, field):
    client.force_login(_user(Role.MONITOR))
    response = client.get(URL, params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and error["message"]
    assert field in error["fields"]


def test_restatements_endpoint(sample, client):
    client.force_login(_user(Role.MONITOR))
    params = {"from": "2025-03-01", "to": "2025-03-31"}
    assert client.get(URL + "restatements/", params).status_code == 404
    kpi_snapshot_freeze(**MARCH, today=date(2025, 4, 1))
    dossier = Dossier.objects.filter(
        received_at__month=3, received_at__year=2025, is_test=False, parent_code=""
    ).first()
    Dossier.objects.filter(pk=dossier.pk).update(has_complaint=not dossier.has_complaint)
    facts_refresh(dossier_ids=[dossier.pk])
    body = client.get(URL + "restatements/", params).json()
    assert body["snapshot"]["from"] == "2025-03-01"
    assert {(r["unit"], r["indicator"]) for r in body["restatements"]} == {
        (None, "satisfaction_rate"),
        (dossier.unit.code, "satisfaction_rate"),
    }
