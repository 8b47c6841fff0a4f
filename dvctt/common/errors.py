"""Domain errors: raised by services, turned into a clear message by every adapter."""

from __future__ import annotations


class DomainError(Exception):
    """A refused request. ``message`` is for the user (Vietnamese); ``code`` is stable for API clients."""

    code = "invalid"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None, fields: dict[str, list[str]] | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.fields = fields or {}


class NotFoundError(DomainError):
    code = "not_found"
    http_status = 404


class AccessDenied(DomainError):
    code = "permission_denied"
    http_status = 403


class ConflictError(DomainError):
    """The object moved meanwhile, or the move is not allowed from its current state."""

    code = "conflict"
    http_status = 409


class TooManyRequests(DomainError):
    """Too many requests from one client address in a window; ``retry_after`` is in seconds."""

    code = "throttled"
    http_status = 429

    def __init__(self, message: str, *, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after
