"""Sessions that carry their account (accounts/sessions.py): one query for the session and the account, and every
check Django's sign-in makes still made."""

from __future__ import annotations

import importlib
from datetime import timedelta

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DjangoSessionStore
from django.contrib.sessions.models import Session as DjangoSession
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from dvctt.accounts.models import AccountSession, NationalIdentity, User
from dvctt.accounts.tests.test_http import PASSWORD, login


@pytest.fixture
def citizen(db):
    return User.objects.create_user(
        username="an", password=PASSWORD, full_name="Nguyễn Văn An", national_id="020090001111"
    )


def _signed_in(citizen: User) -> Client:
    client = Client()
    assert login(client, "an", PASSWORD).status_code == 302
    return client


def _me(client: Client) -> tuple[int, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        status = client.get("/api/v1/me").status_code
    return status, [q["sql"] for q in queries.captured_queries]


def test_a_password_sign_in_names_the_account_on_its_session_row(citizen):
    client = _signed_in(citizen)

    row = AccountSession.objects.get(session_key=client.session.session_key)
    assert row.account_id == citizen.pk
    assert (
        AccountSession.objects.filter(account=None).count() == 0
    )  # the anonymous session before was replaced


def test_the_session_and_its_account_are_read_in_one_query(citizen):
    NationalIdentity.objects.create(user=citizen, tech_id="T-1", subject="s-1", verified_at=timezone.now())
    client = _signed_in(citizen)

    status, sql = _me(client)

    assert status == 200
    reads = [s for s in sql if "accounts_accountsession" in s or 'FROM "accounts_user"' in s]
    assert len(reads) == 1, sql
    assert "accounts_user" in reads[0] and "accounts_nationalidentity" in reads[0]


def test_a_session_whose_row_names_no_account_is_still_signed_in_by_a_second_read(citizen):
    """A session written before this store (or by another one) keeps working: its data names the account."""
    client = _signed_in(citizen)
    AccountSession.objects.update(account=None)

    status, sql = _me(client)

    assert status == 200
    assert sum('FROM "accounts_user"' in s for s in sql) == 1  # the backend's own read


def test_a_row_naming_another_account_than_its_data_is_not_believed(citizen):
    other = User.objects.create_user(username="binh", password=PASSWORD, full_name="Trần Bình")
    client = _signed_in(citizen)
    AccountSession.objects.update(account=other)

    assert client.get("/api/v1/me").json()["username"] == "an"


def test_a_deactivated_account_is_signed_out(citizen):
    client = _signed_in(citizen)
    User.objects.filter(pk=citizen.pk).update(is_active=False)

    assert client.get("/api/v1/me").status_code == 403


def test_a_password_changed_elsewhere_ends_the_session(citizen):
    client = _signed_in(citizen)
    citizen.set_password("Another-Pass-2026")
    citizen.save()

    assert client.get("/api/v1/me").status_code == 403
    assert not AccountSession.objects.filter(account=citizen).exists()  # flushed, as Django does


def test_an_expired_session_is_anonymous(citizen):
    client = _signed_in(citizen)
    AccountSession.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert client.get("/api/v1/me").status_code == 403


def test_signing_out_and_deleting_an_account_end_its_sessions(citizen):
    first, second = _signed_in(citizen), _signed_in(citizen)
    assert AccountSession.objects.filter(account=citizen).count() == 2

    first.post("/accounts/dang-xuat/")
    assert AccountSession.objects.filter(account=citizen).count() == 1

    citizen.delete()
    assert not AccountSession.objects.exists()
    assert second.get("/api/v1/me").status_code == 403


def test_the_upgrade_moves_live_sessions_with_their_accounts(citizen, monkeypatch):
    """The migration's step: Django's session rows move with the account their data names; expired ones do not;
    the moved session signs its browser in at once."""
    store = DjangoSessionStore()
    signed_in = store.encode({SESSION_KEY: str(citizen.pk), "_auth_user_backend": "x", "lang": "vi"})
    now = timezone.now()
    DjangoSession.objects.bulk_create(
        [
            DjangoSession(session_key="a" * 32, session_data=signed_in, expire_date=now + timedelta(days=1)),
            DjangoSession(
                session_key="b" * 32,
                session_data=store.encode({"lang": "en"}),
                expire_date=now + timedelta(days=1),
            ),
            DjangoSession(session_key="c" * 32, session_data=signed_in, expire_date=now - timedelta(days=1)),
            DjangoSession(
                session_key="d" * 32, session_data="not a session", expire_date=now + timedelta(days=1)
            ),
        ]
    )
    migration = importlib.import_module("dvctt.accounts.migrations.0006_account_session")
    monkeypatch.setattr(migration, "CHUNK", 2)  # several chunks
    from django.apps import apps

    migration.sessions_moved(apps, None)

    moved = {row.session_key[0]: row for row in AccountSession.objects.all()}
    assert set(moved) == {"a", "b", "d"}
    assert moved["a"].account_id == citizen.pk and moved["a"].session_data == signed_in
    assert moved["b"].account_id is None and moved["d"].account_id is None
    assert not DjangoSession.objects.exists()


def test_the_moved_session_of_a_real_sign_in_works(citizen):
    client = _signed_in(citizen)
    key = client.session.session_key
    row = AccountSession.objects.get(session_key=key)
    AccountSession.objects.all().delete()
    DjangoSession.objects.create(session_key=key, session_data=row.session_data, expire_date=row.expire_date)
    from django.apps import apps

    importlib.import_module("dvctt.accounts.migrations.0006_account_session").sessions_moved(apps, None)

    status, sql = _me(client)
    assert status == 200
    assert sum("accounts_user" in s for s in sql) == 1  # the moved row names its account


def test_the_daily_job_deletes_expired_sessions_only(citizen):
    from dvctt.accounts.tasks import sessions_clear_task

    live = _signed_in(citizen)
    _signed_in(citizen)
    AccountSession.objects.exclude(session_key=live.session.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )

    assert sessions_clear_task.call() == 1
    assert list(AccountSession.objects.values_list("session_key", flat=True)) == [live.session.session_key]
    assert live.get("/api/v1/me").status_code == 200
