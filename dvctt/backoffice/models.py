"""Change history for accounts, kept by the back office's administration.

Users and their roles are administered in the Django admin with change history (django-simple-history). The
historical table lives in this app so that the accounts model stays as it is; the history records who changed
a user's role, unit or status, and when. Password hashes and login times are not copied, and a login (which
saves ``last_login`` only) writes no history row.
"""

from __future__ import annotations

from typing import Any

from simple_history import register
from simple_history.models import HistoricalRecords

from dvctt.accounts.models import User


class UserHistoricalRecords(HistoricalRecords):
    def post_save(self, instance: Any, created: bool, using: str | None = None, **kwargs: Any) -> None:
        fields = kwargs.get("update_fields")
        if fields and set(fields) <= {"last_login"}:
            return
        super().post_save(instance, created, using=using, **kwargs)


register(
    User,
    app="dvctt.backoffice",
    records_class=UserHistoricalRecords,
    excluded_fields=["password", "last_login"],
    m2m_fields=[],
)
