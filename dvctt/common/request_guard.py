"""Odd input is refused at the door with a 400 and a clear message, before any view or database sees it.

What used to end in a 500 (PostgreSQL refuses text holding a NUL byte; Python's JSON reader overflows its stack
on deeply nested arrays; date arithmetic overflows past year 9999 or before year 1):

* a NUL byte in the path, the query string, a cookie, Basic-auth credentials or a form field;
* Basic-auth credentials whose user name is longer than any account's (the login throttle would store it);
* a JSON body nested deeper than ``DVCTT_JSON_MAX_DEPTH`` or holding a NUL character;
* a date in the query string (dd/mm/yyyy or yyyy-mm-dd) outside the years ``DVCTT_DATE_MIN_YEAR`` to
  ``DVCTT_DATE_MAX_YEAR``;
* and, as a last resort, an ``OverflowError`` raised by a view (a date computed out of range): 400, not 500.

API requests (``/api/``) and JSON bodies get the API's error shape; pages get a short page in Vietnamese.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

_DATE = re.compile(r"^\s*(?:\d{1,2}/\d{1,2}/(?P<year1>\d{1,6})|(?P<year2>\d{1,6})-\d{1,2}-\d{1,2})\s*$")
_JSON_TYPES = ("application/json",)


class Refused(Exception):
    def __init__(self, code: str, message: str, field: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


def refusal_language(request: HttpRequest) -> str:
    """Before the locale middleware: API clients negotiate, pages are Vietnamese unless the visitor chose English
    (dvctt/common/middleware.py)."""
    if request.path.startswith("/api/"):
        return translation.get_language_from_request(request)
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    return chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


def wants_json(request: HttpRequest) -> bool:
    return request.path.startswith("/api/") or (request.content_type or "").endswith("json")


def refusal_response(
    request: HttpRequest, *, status: int, code: str, message: str, **extra: Any
) -> HttpResponse:
    """The API's error shape for API and JSON clients, a short Vietnamese page for browsers."""
    if wants_json(request):
        body: dict[str, Any] = {"code": code, "message": message}
        if extra.get("field"):
            body["fields"] = {extra["field"]: [message]}
        return JsonResponse({"error": body}, status=status)
    return render(
        request,
        "common/refused.html",
        {"title": extra.get("title") or _("Yêu cầu không hợp lệ"), "message": message},
        status=status,
    )


def _has_nul(values: Iterable[str]) -> bool:
    return any("\x00" in value for value in values)


def _check_nul(request: HttpRequest) -> None:
    message = _("Yêu cầu chứa ký tự không hợp lệ (ký tự NUL).")
    if "\x00" in request.path_info or "\x00" in request.path:
        raise Refused("invalid_characters", message)
    if _has_nul(request.GET.keys()) or _has_nul(v for values in request.GET.lists() for v in values[1]):
        raise Refused("invalid_characters", message)
    if _has_nul(request.COOKIES.keys()) or _has_nul(request.COOKIES.values()):
        raise Refused("invalid_characters", message)


def _check_username_length(username: str) -> None:
    """A user name longer than any account's: the login throttle would try to store it (a 500 on PostgreSQL)."""
    from django.contrib.auth import get_user_model

    user_model = get_user_model()
    longest = getattr(user_model._meta.get_field(user_model.USERNAME_FIELD), "max_length", None) or 150
    if len(username) > longest:
        raise Refused(
            "invalid_credentials",
            _("Tên đăng nhập dài quá %(max)s ký tự.") % {"max": longest},
            field="username",
        )


def _check_basic_auth(request: HttpRequest) -> None:
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _sep, token = header.partition(" ")
    if scheme.lower() != "basic" or not token:
        return
    # Read as DRF's BasicAuthentication reads it (characters outside base64 skipped, UTF-8 else Latin-1): a token
    # this check could not read would still reach django-axes, whose query a NUL breaks on PostgreSQL (a 500).
    try:
        raw = base64.b64decode(token.strip())
    except (binascii.Error, ValueError):
        return  # DRF answers malformed credentials itself
    try:
        decoded = raw.decode("utf-8")
    except UnicodeDecodeError:
        decoded = raw.decode("latin-1")
    username, _sep, password = decoded.partition(":")
    if "\x00" in decoded:
        raise Refused("invalid_credentials", _("Tên đăng nhập hoặc mật khẩu chứa ký tự không hợp lệ."))
    _check_username_length(username)
    if len(password) > 4096:
        raise Refused("invalid_credentials", _("Mật khẩu dài quá 4096 ký tự."))


def _check_dates(request: HttpRequest) -> None:
    low, high = settings.DVCTT_DATE_MIN_YEAR, settings.DVCTT_DATE_MAX_YEAR
    for name, values in request.GET.lists():
        for value in values:
            match = _DATE.match(value)
            if not match:
                continue
            year = int(match.group("year1") or match.group("year2"))
            if not low <= year <= high:
                raise Refused(
                    "date_out_of_range",
                    _(
                        "Ngày “%(value)s” nằm ngoài khoảng cho phép: chọn ngày từ năm %(low)s đến năm %(high)s."
                    )
                    % {"value": value.strip(), "low": low, "high": high},
                    field=name,
                )


def json_problem(data: Any, max_depth: int) -> str | None:
    """Walks the parsed body without recursion: too deep, or a NUL character in a key or a string."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > max_depth:
                return "depth"
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and "\x00" in key:
                    return "nul"
                stack.append((item, depth + 1))
        elif isinstance(value, str) and "\x00" in value:
            return "nul"
    return None


def json_checked(text: str | bytes) -> tuple[Any, str | None]:
    """``text`` read as JSON within the limits: ``(value, None)``, or ``(None, "invalid")`` for text that is not
    JSON, ``(None, "depth")`` for nesting deeper than ``DVCTT_JSON_MAX_DEPTH`` (also when Python's reader runs
    out of stack), ``(value, "nul")`` for a NUL character in a key or a string."""
    try:
        value = json.loads(text)
    except RecursionError:
        return None, "depth"
    except ValueError:
        return None, "invalid"
    return value, json_problem(value, settings.DVCTT_JSON_MAX_DEPTH)


def _check_body(request: HttpRequest) -> None:
    if request.method not in ("POST", "PUT", "PATCH", "DELETE"):
        return
    content_type = request.content_type or ""
    if content_type in _JSON_TYPES or content_type.endswith("+json"):
        _value, problem = json_checked(request.body or b"null")
        if problem == "invalid":
            return  # not JSON: the view's parser answers its own 400
        if problem == "depth":
            raise Refused(
                "too_deep",
                _("Dữ liệu JSON lồng nhau quá %(max)s cấp.") % {"max": settings.DVCTT_JSON_MAX_DEPTH},
            )
        if problem == "nul":
            raise Refused("invalid_characters", _("Dữ liệu chứa ký tự không hợp lệ (ký tự NUL)."))
    elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
        # Django parses the form here rather than in the CSRF check: the same work, done once.
        fields = [(key, value) for key, values in request.POST.lists() for value in values]
        names = [upload.name or "" for uploads in request.FILES.lists() for upload in uploads[1]]
        if _has_nul(key for key, _v in fields) or _has_nul(v for _k, v in fields) or _has_nul(names):
            raise Refused("invalid_characters", _("Dữ liệu gửi lên chứa ký tự không hợp lệ (ký tự NUL)."))
        # Sign-in forms (the portal's, the admin's): Django's form sets its length limit without enforcing it.
        for username in request.POST.getlist("username"):
            _check_username_length(username)


class RequestGuardMiddleware:
    """Place it before the session middleware (which looks the session cookie up in the database)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            with translation.override(refusal_language(request)):
                _check_nul(request)
                _check_basic_auth(request)
                _check_dates(request)
                _check_body(request)
        except Refused as refused:
            logger.warning("Refused odd input (%s) on %r", refused.code, request.path_info)
            with translation.override(refusal_language(request)):
                return refusal_response(
                    request, status=400, code=refused.code, message=refused.message, field=refused.field
                )
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, OverflowError):
            logger.warning("Value out of range on %s: %s", request.path_info, exception)
            return refusal_response(request, status=400, code="out_of_range", message=out_of_range_message())
        return None


def out_of_range_message() -> str:
    return _(
        "Giá trị nằm ngoài khoảng xử lý được (thường là một ngày quá xa): chọn ngày từ năm %(low)s đến năm %(high)s."
    ) % {"low": settings.DVCTT_DATE_MIN_YEAR, "high": settings.DVCTT_DATE_MAX_YEAR}
