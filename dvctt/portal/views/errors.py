"""Turning domain errors into HTTP answers for the portal's pages."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from dvctt.common.errors import AccessDenied, DomainError, NotFoundError


def raise_http(exc: DomainError) -> None:
    """Re-raise a NotFound/AccessDenied as Django's 404/403 (their pages); other errors are the caller's."""
    if isinstance(exc, NotFoundError):
        raise Http404(exc.message) from exc
    if isinstance(exc, AccessDenied):
        raise PermissionDenied(exc.message) from exc
