"""/healthz: is the database reachable, is the task backend able to take work, how is the outbox doing."""

from __future__ import annotations

import time

from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.views.decorators.cache import never_cache
from django_tasks import task_backends


def _check_database() -> dict:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # the point of the check is to report any failure
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 2)}


def _check_tasks() -> dict:
    backend = task_backends["default"]
    result: dict = {"backend": f"{type(backend).__module__}.{type(backend).__name__}"}
    try:
        # The database backend keeps its queue in a table: reaching it proves the worker can be fed.
        if type(backend).__module__.startswith("django_tasks_db"):
            from django_tasks_db.models import DBTaskResult

            result["queued"] = DBTaskResult.objects.filter(status="READY").count()
        result["ok"] = True
    except Exception as exc:
        result.update(ok=False, error=type(exc).__name__)
    return result


def _check_outbox() -> dict:
    """Each configured outside system's sync figures (backlog, oldest waiting, failures by reason). A remote
    that is unreachable makes the platform *degraded*, never down: dossiers keep being handled and the
    messages wait in the outbox."""
    from dvctt.outbox.registry import adapters
    from dvctt.outbox.selectors import outbox_health

    try:
        systems = {a.system: outbox_health(system=a.system) for a in adapters() if a.enabled()}
    except Exception as exc:
        return {"ok": False, "error": type(exc).__name__}
    degraded = any(figures["status"] == "degraded" for figures in systems.values())
    return {"ok": True, "status": "degraded" if degraded else "ok", "systems": systems}


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "tasks": _check_tasks()}
    ok = all(check["ok"] for check in checks.values())
    if ok:
        checks["outbox"] = _check_outbox()
    status = "ok" if ok else "error"
    if ok and checks["outbox"].get("status") == "degraded":
        status = "degraded"
    return JsonResponse({"status": status, "checks": checks}, status=200 if ok else 503)
