"""Keep the objects a process lives with out of the garbage collector's full passes.

A web process holds some 130,000 objects that live as long as it does (modules, the URLconf, compiled templates,
translation catalogues, model metadata). CPython's full collection walks every one of them whenever enough new
objects have piled up, which a view that reads thousands of rows does every few requests: a pause of 50–70 ms on
the dashboards (docs/dashboards.md). ``gc.freeze()`` after the process's first response moves everything alive
then into a permanent generation that collections skip. What a request creates is still collected as before; a
frozen object is still freed when nothing refers to it (only a reference cycle among frozen objects would stay).
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

_lock = threading.Lock()
_frozen = False


def freeze_once() -> bool:
    """Collect what is garbage now, then freeze the rest; only the first call in a process does it. Returns
    whether this call froze."""
    global _frozen
    with _lock:
        if _frozen:
            return False
        gc.collect()
        gc.freeze()
        _frozen = True
        return True


class FreezeAfterFirstResponseMiddleware:
    """Freezes the process's long-lived objects after its first response (setting ``DVCTT_GC_FREEZE``): by then
    the URLconf, the templates and the catalogues that the process keeps are loaded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.enabled = settings.DVCTT_GC_FREEZE

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.enabled and not _frozen:
            freeze_once()
        return response
