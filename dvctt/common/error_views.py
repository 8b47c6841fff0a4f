"""Django's error handlers (``handler404``, ``handler500`` in dvctt/urls.py): the API answers in its one error shape
(dvctt/common/api.py), pages with the platform's own templates, a database fault with a 503."""

from __future__ import annotations

import sys

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views import defaults

from dvctt.common.db_unavailable import is_database_error, unavailable_response
from dvctt.common.request_guard import refusal_language


def server_error(request: HttpRequest) -> HttpResponse:
    """Django's ``handler500``: a 503 when the fault is the database's, the API's error shape for API clients,
    the platform's own page otherwise."""
    exc = sys.exc_info()[1]
    if is_database_error(exc):
        return unavailable_response(request, exc)
    if request.path.startswith("/api/"):
        with translation.override(refusal_language(request)):
            return JsonResponse(
                {
                    "error": {
                        "code": "server_error",
                        "message": _("Hệ thống đang gặp sự cố; vui lòng thử lại sau."),
                    }
                },
                status=500,
            )
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's ``handler404``: an address under /api/ that names no operation gets the API's error shape (a
    client parsing JSON must not receive the portal's page); every other address gets the platform's page."""
    if request.path.startswith("/api/"):
        with translation.override(refusal_language(request)):
            return JsonResponse(
                {"error": {"code": "not_found", "message": _("Không có địa chỉ này trong API.")}}, status=404
            )
    return defaults.page_not_found(request, exception)
