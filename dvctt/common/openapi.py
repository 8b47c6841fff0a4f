"""The OpenAPI schema's platform-wide truths (drf-spectacular's AutoSchema, set in REST_FRAMEWORK).

Each view documents its own success and the errors of its own rules (409 for an illegal move, 429 for a
throttle, …). What every operation may answer because of the platform around it is added here, once, so the
schema stays true without each view repeating it (checked by schemathesis, dvctt/common/tests/test_api_schema.py):

- 400: the request guard refuses odd input on every path (NUL characters, far dates, deep JSON;
  dvctt/common/request_guard.py), besides the view's own validation;
- 403: not signed in, wrong credentials (also on public operations: DRF authenticates every request), or a role
  without access; a 401 is never sent (session authentication comes first, it asks for no challenge);
- 404: an object named in the path that does not exist or is out of the reader's scope; a page past the end of
  a paginated list;
- 503: the database is unreachable (dvctt/common/db_unavailable.py), with ``Retry-After``.

Every error body has the one shape of dvctt/common/api.py: an error declared by a view without a body gets it.
Query parameters that are dates carry the year range the request guard enforces (DVCTT_DATE_MIN_YEAR–MAX_YEAR).
A model's integer field carries its column's bounds as PostgreSQL has them, whatever database generates the schema.
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connection
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext_lazy as _
from drf_spectacular import openapi
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers
from rest_framework.permissions import AllowAny

ERROR = inline_serializer(
    "Error",
    fields={
        "error": inline_serializer(
            "ErrorBody",
            fields={
                "code": serializers.CharField(
                    help_text=_("Mã lỗi ổn định cho máy đọc (invalid, not_found, …)")
                ),
                "message": serializers.CharField(help_text=_("Thông điệp cho người dùng (tiếng Việt)")),
                "fields": serializers.DictField(
                    child=serializers.ListField(child=serializers.CharField()),
                    required=False,
                    help_text=_("Lỗi theo từng trường, khi có"),
                ),
            },
        )
    },
)


def error(description: Any) -> OpenApiResponse:
    """An error response in the API's one shape, with what it means for this operation."""
    return OpenApiResponse(ERROR, description=description)


def year_pattern(low: int, high: int) -> str:
    """A regular expression for an ISO date (or date-time) whose year lies in [low, high]."""
    parts = []
    for century in range(low // 100, high // 100 + 1):
        first, last = max(low, century * 100), min(high, century * 100 + 99)
        if first == century * 100 and last == century * 100 + 99:
            parts.append(rf"{century}\d{{2}}")
        else:
            parts.extend(str(year) for year in range(first, last + 1))
    return rf"^(?:{'|'.join(parts)})-"


_DATE_FORMATS = {"date", "date-time"}


def _portable_bounds(field: Any, schema: dict[str, Any]) -> None:
    model_field = _model_field_of(field)
    if model_field is None:
        return
    internal = model_field.get_internal_type()
    portable = BaseDatabaseOperations.integer_field_ranges.get(internal)
    if portable is None:
        return
    here = connection.ops.integer_field_range(internal)
    for key, current, wanted in zip(("minimum", "maximum"), here, portable, strict=True):
        if schema.get(key) == current:
            schema[key] = wanted
    if schema.get("format") == "int64" and all(
        -(2**31) <= schema.get(k, 0) < 2**31 for k in ("minimum", "maximum")
    ):
        del schema["format"]


def _model_field_of(field: Any) -> Any:
    """The model field a ModelSerializer's field reads directly, if any."""
    parent = getattr(field, "parent", None)
    source = getattr(field, "source", "")
    if not isinstance(parent, serializers.ModelSerializer) or not source or "." in source or source == "*":
        return None
    try:
        model: Any = parent.Meta.model
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


class AutoSchema(openapi.AutoSchema):
    def _platform_errors(self) -> dict[str, Any]:
        public = all(isinstance(p, AllowAny) for p in self.view.get_permissions())
        found: dict[str, Any] = {
            "400": _("Dữ liệu không hợp lệ"),
            "403": _("Thông tin đăng nhập không đúng")
            if public
            else _("Chưa đăng nhập, hoặc vai trò không được phép"),
        }
        if re.search(r"{\w+}", self.path) or (self.method == "GET" and self._is_paginated_list()):
            found["404"] = _("Không tìm thấy (hoặc ngoài phạm vi người đọc; trang quá cuối danh sách)")
        found["503"] = _("Cơ sở dữ liệu tạm thời không truy cập được; thử lại sau Retry-After giây")
        return found

    def _is_paginated_list(self) -> bool:
        return self._is_list_view() and self._get_paginator() is not None

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = super()._get_response_bodies(direction)
        for code, response in list(responses.items()):
            if code >= "400" and "content" not in response:
                responses[code] = self._error_response(code, response.get("description", ""))
        for code, description in self._platform_errors().items():
            if code not in responses:
                responses[code] = self._error_response(code, description)
        return dict(sorted(responses.items()))

    def _error_response(self, code: str, description: Any) -> dict[str, Any]:
        response = self._get_response_for_code(error(description), code, ["application/json"])
        if code in {"429", "503"}:
            response.setdefault("headers", {})["Retry-After"] = {
                "schema": {"type": "integer"},
                "description": _("Số giây nên chờ trước khi thử lại"),
            }
        return response

    def _insert_min_max(self, field: Any, content: dict[str, Any]) -> None:
        """A model's integer field is bounded by its column; the bounds Django reads from the database in use
        (SQLite: 64 bits for every column) become the portable ones PostgreSQL enforces in production, so that the
        schema is one, whatever database generated it."""
        super()._insert_min_max(field, content)
        _portable_bounds(field, content)

    def _insert_field_validators(self, field: Any, schema: dict[str, Any]) -> None:
        super()._insert_field_validators(field, schema)  # a choice field's bounds come from its validators
        _portable_bounds(field, schema)

    def _get_parameters(self) -> list[dict[str, Any]]:
        parameters = super()._get_parameters()
        pattern = year_pattern(settings.DVCTT_DATE_MIN_YEAR, settings.DVCTT_DATE_MAX_YEAR)
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if parameter.get("in") == "query" and schema.get("format") in _DATE_FORMATS:
                schema.setdefault("pattern", pattern)
        return parameters
