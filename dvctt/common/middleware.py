"""Vietnamese first: pages are in Vietnamese unless the visitor chose English with the language switch.

Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set to English would get an
English portal that officials and the law speak of in Vietnamese. For web pages we ignore that header and let
only the visitor's explicit choice (the language cookie set by /i18n/setlang/) change the language. API clients
still negotiate with Accept-Language: they ask deliberately.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class VietnameseFirstMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)
