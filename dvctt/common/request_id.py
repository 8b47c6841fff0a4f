"""A request id on every request: in the ``X-Request-ID`` response header and on every log record of the request.

The id is the caller's ``X-Request-ID`` when it is well-formed (8 to 64 letters, digits, ``-``, ``_``, ``.``,
and nothing the masking would hide: a proxy's id then links its log line to ours), otherwise a new uuid4 in hex.
The middleware stands second in MIDDLEWARE so that answers given by the middleware below it (the input guard's
400s, redirects) carry an id too, and it counts each answered request for the metrics (dvctt/common/metrics.py).
"""

from __future__ import annotations

import contextvars
import logging
import re
import time
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

HEADER = "X-Request-ID"
_WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{7,63}")
_LONG_DIGITS = re.compile(r"[0-9]{9,}")

#: The request being answered by this thread (None outside a request: commands, workers).
current_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "dvctt_current_request", default=None
)


def request_id_from(header: str | None) -> str:
    """The caller's id if well-formed, else a new one."""
    if header and _WELL_FORMED.fullmatch(header) and not _LONG_DIGITS.search(header):
        return header
    while True:
        # A hex id can hold a run of 9 or more digits, which looks like (and may be masked as) an identification
        # or phone number: draw again (rare).
        generated = uuid.uuid4().hex
        if not _LONG_DIGITS.search(generated):
            return generated


def current_user_id(request: HttpRequest) -> int | None:
    """The signed-in user's id, read only once authentication has loaded it (a log line never costs a query)."""
    user = request.__dict__.get("user")
    if user is None:
        return None
    if getattr(user, "_wrapped", None) is empty:  # the lazy user of AuthenticationMiddleware, not yet read
        return None
    if not getattr(user, "is_authenticated", False):
        return None
    return getattr(user, "pk", None)


class RequestIdMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from dvctt.common.metrics import request_observe

        started = time.perf_counter()
        request.request_id = request_id_from(request.META.get("HTTP_X_REQUEST_ID"))  # type: ignore[attr-defined]
        token = current_request.set(request)
        try:
            try:
                response = self.get_response(request)
            except BaseException:
                # Only when even the error page failed: the server answers 500 on its own.
                request_observe(request=request, status=500, seconds=time.perf_counter() - started)
                raise
            response[HEADER] = request.request_id  # type: ignore[attr-defined]
            request_observe(
                request=request, status=response.status_code, seconds=time.perf_counter() - started
            )
            return response
        finally:
            current_request.reset(token)


class RequestContextFilter(logging.Filter):
    """Puts ``request_id``, ``user_id`` and ``path`` (never the query string) on every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = current_request.get()
        if request is None:
            # Django logs a 4xx/5xx answer once the middleware chain has returned, with the request attached.
            attached = getattr(record, "request", None)
            request = attached if isinstance(attached, HttpRequest) else None
        if request is None:
            record.request_id = getattr(record, "request_id", None)
            record.user_id = getattr(record, "user_id", None)
            record.path = getattr(record, "path", None)
            return True
        record.request_id = getattr(request, "request_id", None)
        record.user_id = current_user_id(request)
        record.path = request.path
        return True
