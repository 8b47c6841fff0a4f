"""The API's shared pieces: one error shape, pagination, serializers whose fields are worked out once.

Every error the API returns has the shape
``{"error": {"code": "...", "message": "...", "fields": {...}}}`` with a Vietnamese message.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer, Field
from rest_framework.utils.formatting import lazy_format
from rest_framework.utils.urls import remove_query_param, replace_query_param
from rest_framework.views import exception_handler as drf_exception_handler

from dvctt.common.errors import DomainError, TooManyRequests
from dvctt.common.public_url import public_url
from dvctt.common.request_guard import out_of_range_message


class Pagination(PageNumberPagination):
    """Page links on the platform's public address (``DVCTT_PUBLIC_BASE_URL``): a client paging through the
    register or the catalogue follows them, so they never name the address this server answers on."""

    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_page_message = gettext_lazy("Trang không tồn tại.")  # type: ignore[assignment]  # DRF formats it per request

    def _here(self) -> str:
        return public_url(self.request.get_full_path())  # type: ignore[union-attr]

    def get_next_link(self) -> str | None:
        if not self.page.has_next():  # type: ignore[union-attr]
            return None
        return replace_query_param(self._here(), self.page_query_param, self.page.next_page_number())  # type: ignore[union-attr]

    def get_previous_link(self) -> str | None:
        if not self.page.has_previous():  # type: ignore[union-attr]
            return None
        number = self.page.previous_page_number()  # type: ignore[union-attr]
        if number == 1:
            return remove_query_param(self._here(), self.page_query_param)
        return replace_query_param(self._here(), self.page_query_param, number)


# For a serializer (plain or model) on a busy path: its fields are worked out once per class, not at every
# use. DRF deep-copies the declared fields at every use (labels, help texts, choices and all) and, for a model
# serializer, reads the model's field options and validators again: the fields of a dossier's answer, made
# afresh, were a tenth of an online submission's CPU. Each use still gets fields of its own:
#
# * most fields: a shallow copy of the one first built (its attributes in a dictionary of its own, so that
#   binding it to this use, its name, parent and source, touches nothing shared; what it shares, its choices,
#   error messages and validators, no field changes after it is made);
# * a field with a validator whose message DRF formats once and keeps (``lazy_format``: a length or a bound,
#   whose message would stay in the language of its first use): made again from its arguments, as DRF's own
#   copy does but without deep-copying them;
# * a nested serializer, or a field with a child (a list's, a dict's): DRF's own deep copy.
#
# Only for serializers whose fields do not depend on the instance or the context (put it first among the
# bases). An answer-only model serializer gains most by marking its fields read-only (no validators).
# (A comment, not a docstring: the API schema takes a serializer's description from its first documented class.)
class FieldsBuiltOnce:
    _built: ClassVar[dict[type, list[tuple[str, Field, Callable[[Field], Field]]]]] = {}

    def get_fields(self) -> dict[str, Field]:
        built = FieldsBuiltOnce._built.get(type(self))
        if built is None:
            fields = super().get_fields()  # type: ignore[misc]
            built = FieldsBuiltOnce._built[type(self)] = [(n, f, _field_copier(f)) for n, f in fields.items()]
        return {name: copier(field) for name, field, copier in built}


def _field_copier(field: Field) -> Callable[[Field], Field]:
    kwargs: dict[str, Any] = field._kwargs  # type: ignore[attr-defined]
    if isinstance(field, BaseSerializer) or any(isinstance(value, Field) for value in kwargs.values()):
        return copy.deepcopy
    validators = field.__dict__.get("_validators") or ()
    if any(isinstance(getattr(validator, "message", None), lazy_format) for validator in validators):
        return _field_made_again
    return _field_shallow_copy


def _field_made_again(field: Field) -> Field:
    return type(field)(*field._args, **field._kwargs)  # type: ignore[attr-defined]


def _field_shallow_copy(field: Field) -> Field:
    clone = object.__new__(type(field))
    clone.__dict__.update(field.__dict__)
    return clone


def _fields_from_detail(detail: Any) -> dict[str, list[str]]:
    if isinstance(detail, dict):
        return {
            str(key): [str(item) for item in (value if isinstance(value, list) else [value])]
            for key, value in detail.items()
        }
    return {}


def error_response(code: str, message: str, http_status: int, fields: dict | None = None) -> Response:
    body: dict[str, Any] = {"error": {"code": code, "message": message}}
    if fields:
        body["error"]["fields"] = fields
    return Response(body, status=http_status)


def exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, DomainError):
        refused = error_response(exc.code, exc.message, exc.http_status, exc.fields or None)
        if isinstance(exc, TooManyRequests):
            refused["Retry-After"] = str(exc.retry_after)
        return refused
    if isinstance(exc, OverflowError):
        # A date computed out of range (31/12/9999 + one day): odd input, not a server fault.
        return error_response("out_of_range", out_of_range_message(), status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, DjangoValidationError):
        fields = exc.message_dict if hasattr(exc, "error_dict") else {}
        message = "; ".join(exc.messages)
        return error_response("invalid", message, status.HTTP_400_BAD_REQUEST, fields or None)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields_from_detail(exc.detail)
        message = _("Dữ liệu không hợp lệ.")
        if isinstance(exc.detail, list) and exc.detail:
            message = " ".join(str(item) for item in exc.detail)
        response.data = {"error": {"code": "invalid", "message": message}}
        if fields:
            response.data["error"]["fields"] = fields
        return response
    code = getattr(exc, "default_code", "error")
    detail = getattr(exc, "detail", str(exc))
    response.data = {"error": {"code": str(code), "message": str(detail)}}
    return response
