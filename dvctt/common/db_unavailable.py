"""The database is down or restarting: a clear 503, never a bare 500 (docs/operations.md, "Faults").

A request that meets a broken or refused database connection (``OperationalError``, ``InterfaceError``: the
server restarted, its connections were terminated, it refuses new ones) gets:

- API and JSON clients: ``503`` in the API's one error shape, ``{"error": {"code": "database_unavailable",
  "message": "…"}}``, Vietnamese first;
- browsers: the platform's own page (``503.html``, rendered without the database: no context processors);
- both: ``Retry-After`` (``DVCTT_DB_RETRY_AFTER`` seconds) and ``Cache-Control: no-store``.

Nothing is half-written: every write of the platform runs in a transaction, which the database rolls back when
the connection breaks. Django then drops the broken connection at the end of the request
(``close_old_connections``), and with ``CONN_HEALTH_CHECKS`` a persistent connection is checked before reuse,
so the next request opens a fresh one.

Exceptions of the view (and of its template) are answered by :class:`DatabaseUnavailableMiddleware`; those raised
in another middleware (the session saved after the view) reach Django's ``handler500``, which answers the same
way (dvctt/common/error_views.py).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext as _

from dvctt.common.request_guard import refusal_language, wants_json

logger = logging.getLogger("dvctt.database")

DATABASE_ERRORS: tuple[type[Exception], ...] = (OperationalError, InterfaceError)


def is_database_error(exc: BaseException | None) -> bool:
    return isinstance(exc, DATABASE_ERRORS)


def unavailable_response(request: HttpRequest, exc: BaseException | None = None) -> HttpResponse:
    """503 with Retry-After: the API's error shape for API clients, the platform's page for browsers."""
    logger.warning(
        "database unavailable: %s %s answered 503 (%s)",
        request.method,
        request.path,
        type(exc).__name__ if exc is not None else "unknown",
    )
    retry_after = str(settings.DVCTT_DB_RETRY_AFTER)
    with translation.override(refusal_language(request)):
        if wants_json(request):
            response: HttpResponse = JsonResponse(
                {
                    "error": {
                        "code": "database_unavailable",
                        "message": _(
                            "Hệ thống tạm thời không truy cập được cơ sở dữ liệu; yêu cầu chưa được thực hiện "
                            "và không có dữ liệu nào bị ghi dở. Vui lòng thử lại sau %(seconds)s giây."
                        )
                        % {"seconds": retry_after},
                    }
                },
                status=503,
            )
        else:
            # Without the request: the context processors (the signed-in user, the platform's settings) would
            # read the database that is down.
            response = HttpResponse(loader.get_template("503.html").render(), status=503)
    response["Retry-After"] = retry_after
    response["Cache-Control"] = "no-store"
    return response


class DatabaseUnavailableMiddleware:
    """Turns a database error raised by the view into the 503 of :func:`unavailable_response`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if is_database_error(exception):
            return unavailable_response(request, exception)
        return None
