"""After ``migrate``: the calendar of every year the platform knows is there, with no other step."""

from __future__ import annotations

import sys
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.db import DEFAULT_DB_ALIAS
from django.utils.translation import gettext as _

APP_LABEL = "workcalendar"


def _schema_is_current(apps: Apps) -> bool:
    """True when the migrated state has every table and column of the calendar's models.

    ``migrate workcalendar zero`` or a migration back to an older shape also ends with post_migrate: the
    services, which write today's models, must not run then.
    """
    for model in global_apps.get_app_config(APP_LABEL).get_models():
        try:
            state = apps.get_model(APP_LABEL, model._meta.model_name)
        except LookupError:
            return False
        have = {field.column for field in state._meta.concrete_fields}
        if not {field.column for field in model._meta.concrete_fields} <= have:
            return False
    return True


def calendar_seed_after_migrate(
    sender: Any,
    *,
    verbosity: int = 1,
    using: str = DEFAULT_DB_ALIAS,
    apps: Apps = global_apps,
    stdout: Any = None,
    **kwargs: Any,
) -> None:
    """post_migrate: seed the known years that have no calendar year yet (never touching one that has)."""
    if using != DEFAULT_DB_ALIAS or not _schema_is_current(apps):
        return
    from dvctt.calendar.services import calendar_years_seed_missing

    results = calendar_years_seed_missing()
    if results and verbosity >= 1:
        (stdout or sys.stdout).write(
            _("Lịch làm việc: đã khởi tạo năm %(years)s (thêm %(added)s ngày).")
            % {
                "years": ", ".join(str(result.year) for result in results),
                "added": sum(result.added for result in results),
            }
            + "\n"
        )
