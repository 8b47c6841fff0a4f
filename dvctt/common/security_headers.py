"""The Content-Security-Policy header on every response (HSTS and the others come from Django's SecurityMiddleware).

The pages load scripts and styles only from the platform's own static files: no inline script, no inline style, no
CDN (the provincial network is closed). ``DVCTT_CSP`` is the policy; paths listed in ``DVCTT_CSP_RELAXED_PATHS``
(the API's Swagger page, whose third-party template has an inline script and style) get
``DVCTT_CSP_RELAXED``. ``DVCTT_CSP_REPORT_ONLY`` sends the policy as report-only (to try a change in production).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

#: Same origin only; images may be inline data (QR codes, SVG icons); no plug-ins; no framing; forms may post to
#: the payment gateways' pages through a redirect, so ``form-action`` stays open.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; frame-ancestors 'none'"
)
RELAXED_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.policy = getattr(settings, "DVCTT_CSP", "") or DEFAULT_POLICY
        self.relaxed = getattr(settings, "DVCTT_CSP_RELAXED", "") or RELAXED_POLICY
        self.relaxed_paths = tuple(getattr(settings, "DVCTT_CSP_RELAXED_PATHS", ()))
        self.header = (
            "Content-Security-Policy-Report-Only"
            if getattr(settings, "DVCTT_CSP_REPORT_ONLY", False)
            else "Content-Security-Policy"
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header not in response:
            relaxed = self.relaxed_paths and request.path.startswith(self.relaxed_paths)
            response[self.header] = self.relaxed if relaxed else self.policy
        return response
