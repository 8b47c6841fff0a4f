"""Periodic jobs of the national portal for the integrator's scheduler (django-tasks, queue ``sync``).

``national_catalogue_pull_task``: pull the national catalogue and record its differences (nightly is enough);
``national_integration_refresh_task``: write the derived "integrated on DVCQG" flags again (after the portal's
first acknowledgement of a procedure's dossiers, or a change of the transport). Both are idempotent.
"""

from __future__ import annotations

import logging
from typing import Any

from django_tasks import task

from dvctt.integrations.national_portal.catalogue import CatalogueUnavailable
from dvctt.integrations.national_portal.catalogue_review import catalogue_pull
from dvctt.integrations.national_portal.integration import integration_refresh_derived

logger = logging.getLogger(__name__)


@task(queue_name="sync")
def national_catalogue_pull_task(by: str = "") -> dict[str, Any]:
    """The pull; an unreachable portal is logged and answered ``{"ok": False, "error": ...}`` (nothing written)."""
    try:
        outcome = catalogue_pull(by=by or "task")
    except CatalogueUnavailable as exc:
        logger.warning("national catalogue pull failed: %s | %s", exc.message, exc.raw[:300])
        return {"ok": False, "error": exc.message}
    integration_refresh_derived()
    return {
        "ok": True,
        "pull": outcome.pull.pk,
        "listed": outcome.listed,
        "created": outcome.created,
        "updated": outcome.updated,
        "resolved": outcome.resolved,
        "pending": outcome.pending,
    }


@task(queue_name="sync")
def national_integration_refresh_task() -> dict[str, Any]:
    return {"written": integration_refresh_derived()}
