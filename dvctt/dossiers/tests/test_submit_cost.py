"""What one submission costs (issue 18), and that the cheaper path keeps every guarantee.

Pinned: the statements of an API submission, session cookie and CSRF token as a browser sends them, through every
middleware, the commit and the tasks queued after it (the database task backend, as in production). Kept: the
catalogue read from the process's copy still follows every change; a full day is refused without using a number;
numbers a rolled-back submission took are given back, under real concurrency on PostgreSQL.
"""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dvctt.catalog.services import procedure_abolish, procedure_version_update
from dvctt.common.errors import DomainError
from dvctt.dossiers import services
from dvctt.dossiers.models import Dossier, DossierEvent, DossierSequence
from dvctt.dossiers.numbering import MAX_PER_DAY
from dvctt.dossiers.tests.conftest import GOOD_FORM, submission, vn

BODY = {
    "procedure_code": "1.001193",
    "unit_code": "000.00.12.H38",
    "channel": 2,
    "applicant_name": "Nguyễn Văn An",
    "form_data": GOOD_FORM,
}
#: The session with its account and the account's national identity link (one query, accounts/sessions.py);
#: BEGIN, the code (one upsert), the dossier, the event, the two tasks (notification, rollups) in one INSERT,
#: COMMIT. It was 18, with the catalogue read four times, the counter twice, the last event number, a task an
#: INSERT and a commit each, and the dossier read back for the answer; then 11, with the link read apart and the
#: tasks in a second transaction after the commit; then 8, with the session and the account read apart.
STATEMENTS = 7


@pytest.fixture
def database_tasks(settings):
    """The database task backend, as in production (the tests' default runs tasks at once)."""
    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "notifications", "sync", "rollups"],
        }
    }


def _signed_in(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/accounts/dang-nhap/")
    return client, client.cookies["csrftoken"].value


def _post(client: Client, token: str, body: dict | None = None):
    return client.post(
        "/api/v1/dossiers/",
        json.dumps(body or BODY),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )


@pytest.mark.django_db(transaction=True)
def test_an_api_submission_costs_a_pinned_number_of_statements(procedure, citizen, database_tasks):
    from django_tasks_db.models import DBTaskResult

    client, token = _signed_in(citizen)
    assert _post(client, token).status_code == 201  # the first one reads the catalogue into the process

    with CaptureQueriesContext(connection) as statements:
        response = _post(client, token)

    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in statements.captured_queries]
    assert len(sql) == STATEMENTS, "\n".join(sql)
    assert not [s for s in sql if "catalog_" in s or "agencies_" in s], "the catalogue is read from the copy"
    assert sum("INSERT" in s and "dbtaskresult" in s for s in sql) == 1  # both tasks in one statement
    assert sql.count("COMMIT") == 1  # ... committed with the dossier, in its transaction
    assert sql.index("COMMIT") > max(i for i, s in enumerate(sql) if "dbtaskresult" in s)
    # the answer is the full dossier, as a fresh read would give it
    body = response.json()
    dossier = Dossier.objects.get(code=body["code"])
    assert body["code"].endswith("-0002")
    assert [e["action"] for e in body["events"]] == ["submit"]
    assert (
        body["form_data"] == dossier.form_data == {"ho_ten_tre": "Nguyễn Văn Bình", "ngay_sinh": "2025-02-01"}
    )
    assert body["fees"] == dossier.fees == [{"TenPhiLePhi": "Lệ phí đăng ký khai sinh", "Gia": 8000}]
    assert body["results"] == []
    assert "request_withdrawal" in body["allowed_actions"]
    event = DossierEvent.objects.get(dossier=dossier)
    assert event.seq == 1
    tasks = {(t.task_path, t.args_kwargs["args"][0]) for t in DBTaskResult.objects.all()}
    assert len(tasks) == DBTaskResult.objects.count() == 4  # two a submission
    assert {
        ("dvctt.dossiers.notifications.tasks.notify_event", event.pk),
        ("dvctt.monitoring.tasks.refresh_dossier", dossier.pk),
    } <= tasks


@pytest.mark.django_db(transaction=True)
def test_a_linked_account_is_marked_with_no_statement_more(procedure, citizen, database_tasks):
    """The account of the signed-in request comes with its national identity link (accounts/backends.py): the
    dossier carries the national account's keys, and the submission costs the same statements."""
    from django.utils import timezone

    from dvctt.accounts.models import NationalIdentity

    NationalIdentity.objects.create(
        user=citizen,
        tech_id="TECH-0042",
        subject="sub-42",
        id_number="020199001234",
        verified_at=timezone.now(),
    )
    client, token = _signed_in(citizen)
    assert _post(client, token).status_code == 201

    with CaptureQueriesContext(connection) as statements:
        response = _post(client, token)

    assert response.status_code == 201, response.content
    assert len(statements.captured_queries) == STATEMENTS
    assert Dossier.objects.get(code=response.json()["code"]).extra == {
        "TaiKhoanDuocXacThucVoiVNeID": 1,
        "MaDoiTuong": "TECH-0042",
    }


@pytest.mark.django_db(transaction=True)
def test_the_tasks_of_a_rolled_back_submission_are_never_written(procedure, unit, citizen, database_tasks):
    """On the database task backend the tasks are rows of the submission's own transaction: a rollback after the
    dossier was written (here the caller's own transaction fails) leaves neither the dossier nor its tasks."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3))
        assert DBTaskResult.objects.count() == 2  # written, not yet committed
        raise RuntimeError("the caller fails after the submission")

    assert Dossier.objects.count() == DBTaskResult.objects.count() == DossierEvent.objects.count() == 0
    services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3))
    assert DBTaskResult.objects.count() == 2


@pytest.mark.django_db
def test_a_catalogue_change_reaches_the_next_submission(procedure, unit, citizen, other_unit):
    first = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3))
    assert first.fee_total == 8000

    procedure_version_update(version=procedure, fees=[{"name": "Lệ phí mới", "amount": 5000}])
    assert (
        services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3)).fee_total
        == 5000
    )

    procedure_version_update(version=procedure, unit_codes=[other_unit.code])
    with pytest.raises(DomainError) as refused:
        services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3))
    assert refused.value.code == "unknown_unit"

    procedure_version_update(version=procedure, unit_codes=[unit.code])
    procedure_abolish(code="1.001193", last_day=date(2025, 3, 2))
    with pytest.raises(DomainError) as refused:
        services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3))
    assert refused.value.code == "unknown_procedure"
    assert Dossier.objects.count() == 2


@pytest.mark.django_db
def test_a_full_day_is_refused_and_uses_no_number(procedure, unit, citizen):
    DossierSequence.objects.create(unit_code=unit.code, day=date(2025, 3, 3), last=MAX_PER_DAY - 1)
    last = services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3))
    assert last.code == f"{unit.code}-250303-{MAX_PER_DAY}"

    with pytest.raises(DomainError):
        services.dossier_submit(actor=citizen, submission=submission(unit), at=vn(2025, 3, 3, 10))

    assert DossierSequence.objects.get(unit_code=unit.code, day=date(2025, 3, 3)).last == MAX_PER_DAY
    assert Dossier.objects.count() == 1
    # the next day starts again at 1
    assert services.dossier_submit(
        actor=citizen, submission=submission(unit), at=vn(2025, 3, 4)
    ).code.endswith("-0001")


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row-lock races need PostgreSQL")
def test_parallel_retries_give_back_the_numbers_they_took(procedure, unit, citizen):
    """Twelve submissions at once, two by two with one client key: six dossiers, numbered 1 to 6 with no gap
    (the six that lost the race to the same key rolled back the number they had taken)."""
    barrier = threading.Barrier(12)

    def submit(i: int) -> str:
        try:
            barrier.wait()
            return services.dossier_submit(
                actor=citizen, submission=submission(unit, client_key=f"k{i // 2}"), at=vn(2025, 3, 3, 9, i)
            ).code
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=12) as pool:
        codes = list(pool.map(submit, range(12)))

    assert len(set(codes)) == 6
    assert [codes[i] == codes[i + 1] for i in range(0, 12, 2)] == [True] * 6
    assert sorted(int(c.rsplit("-", 1)[1]) for c in set(codes)) == [1, 2, 3, 4, 5, 6]
    assert DossierSequence.objects.get(unit_code=unit.code).last == 6
