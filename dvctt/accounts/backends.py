"""How a signed-in request finds its account: Django's model backend, the national identity link read with it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import ModelBackend

from dvctt.accounts.models import User
from dvctt.accounts.sessions import account_read_with_session

#: The backend every sign-in records in its session (password, national sign-in, a linked account).
ACCOUNT_BACKEND = "dvctt.accounts.backends.AccountBackend"


class AccountBackend(ModelBackend):
    """Django's ``ModelBackend`` (passwords, permissions, inactive accounts refused), except that the account of a
    signed-in request is read with its national identity link (a LEFT JOIN), in the same query as its session
    (dvctt/accounts/sessions.py) or, for a session that does not name its account, apart: an online
    submission records whether the applicant's account is linked (integrations/identity/dossiers.py) without
    asking the database again."""

    def get_user(self, user_id: Any) -> User | None:
        user = account_read_with_session(
            user_id
        )  # read with the request's session (dvctt/accounts/sessions.py)
        if user is not None:
            return user if self.user_can_authenticate(user) else None
        try:
            user = User._default_manager.select_related("national_identity").get(pk=user_id)
        except User.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
