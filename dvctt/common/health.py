"""/healthz: is the database reachable, and is the task backend able to take work."""

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


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    checks = {"database": _check_database(), "tasks": _check_tasks()}
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "error", "checks": checks}, status=200 if ok else 503)
