"""Sessions that carry their account: one query finds a signed-in request's session and its account.

Django's database sessions keep the signed-in account's id inside the encoded session data, so a request read
the session, then the account (and its national identity link): two queries before any work, a fifth of an
online submission's CPU. Here the account's id is also a column of the session row (``AccountSession.account``,
written whenever the session is saved), the session is read with its account and the link in one query, and
:class:`AuthenticationMiddleware` hands that account to ``django.contrib.auth.get_user``, which still checks
everything it checks (the backend recorded at sign-in, the account is active, the session's password hash).

A session whose column does not name the account its data names (one written before this store, say) is
served as before, by a second query.

Set up in settings: ``SESSION_ENGINE = "dvctt.accounts.sessions"`` and this module's middleware in place of
Django's ``AuthenticationMiddleware``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.contrib import auth
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthenticationMiddleware
from django.contrib.sessions.backends.base import SessionBase
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.core.exceptions import SuspiciousOperation, ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.functional import SimpleLazyObject

from dvctt.accounts.models import AccountSession, User

#: The account read with the request's session, while ``django.contrib.auth.get_user`` runs (None: none read).
_SESSION_ACCOUNT: ContextVar[User | None] = ContextVar("dvctt_session_account", default=None)


class SessionStore(DatabaseSessionStore):
    #: The account the session row named, read with it (None: anonymous, not read yet, or not found).
    account: User | None = None

    @classmethod
    def get_model_class(cls) -> type[AccountSession]:
        return AccountSession

    def _get_session_from_db(self) -> AccountSession | None:
        try:
            row = AccountSession.objects.select_related("account__national_identity").get(
                session_key=self.session_key, expire_date__gt=timezone.now()
            )
        except (AccountSession.DoesNotExist, SuspiciousOperation) as error:
            if isinstance(error, SuspiciousOperation):  # logged and forgotten, as Django's own store does
                logging.getLogger(f"django.security.{error.__class__.__name__}").warning(str(error))
            self._session_key = None
            return None
        self.account = row.account
        return row

    def create_model_instance(self, data: dict[str, Any]) -> AccountSession:
        row = super().create_model_instance(data)
        assert isinstance(row, AccountSession)
        account_id = data.get(SESSION_KEY)
        try:
            row.account_id = User._meta.pk.to_python(account_id) if account_id is not None else None
        except ValidationError:  # not an account id: the row names no account (auth reads the data apart)
            row.account_id = None
        return row


def sessions_clear() -> int:
    """Delete the expired sessions (Django never does it by itself); how many went."""
    deleted, _ = AccountSession.objects.filter(expire_date__lt=timezone.now()).delete()
    return deleted


def account_read_with_session(user_id: Any) -> User | None:
    """The account the session was read with, if it is the one the session's data names (for the backend)."""
    account = _SESSION_ACCOUNT.get()
    if account is not None and str(account.pk) == str(user_id):
        return account
    return None


@contextmanager
def _session_account(session: SessionBase) -> Iterator[None]:
    session.get(SESSION_KEY)  # loads the session, and its account with it, once
    token = _SESSION_ACCOUNT.set(getattr(session, "account", None))
    try:
        yield
    finally:
        _SESSION_ACCOUNT.reset(token)


def request_user(request: HttpRequest) -> Any:
    """Django's ``get_user`` of the authentication middleware, the session's account at hand."""
    if not hasattr(request, "_cached_user"):
        with _session_account(request.session):
            request._cached_user = auth.get_user(request)  # type: ignore[attr-defined]
    return request._cached_user  # type: ignore[attr-defined]


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, the account found with the session (the async ``auser`` stays Django's)."""

    def process_request(self, request: HttpRequest) -> None:
        super().process_request(request)
        request.user = SimpleLazyObject(lambda: request_user(request))  # type: ignore[assignment]
