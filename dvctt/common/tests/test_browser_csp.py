"""The Content-Security-Policy in a real Chromium: the key pages of every face report no violation (a blocked
inline script or style would show here first, as a console error and a ``securitypolicyviolation`` event)."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from dvctt.accounts.models import Role, User
from dvctt.common.tests.browser import sign_in as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WATCH = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', e => {
  window.__cspViolations.push(e.violatedDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' + e.sourceFile);
});
"""


def _violations_on(page: Any, url: str) -> list[str]:
    console: list[str] = []
    page.on("console", lambda m: console.append(m.text) if "Content Security Policy" in m.text else None)
    response = page.goto(url)
    assert response is not None and response.status < 400, url
    page.wait_for_load_state("load")
    assert response.headers.get("content-security-policy"), f"no policy on {url}"
    return console + list(page.evaluate("window.__cspViolations || []"))


def test_key_pages_raise_no_violation(page: Any, live_server: Any, procedure, one_stop, citizen) -> None:
    page.add_init_script(WATCH)
    monitor = User.objects.create_user(username="giamsat", password="x-Pass-1234", role=Role.MONITOR)
    public = [
        reverse("portal:home"),
        reverse("portal:procedure_list"),
        reverse("portal:procedure_detail", args=[procedure.procedure.code]),
        reverse("portal:unit_list"),
        reverse("portal:dossier_lookup"),
        reverse("accounts:login"),
    ]
    found: dict[str, list[str]] = {}
    for url in public:
        found[url] = _violations_on(page, live_server.url + url)
    _sign_in(page, live_server, one_stop)
    for url in (reverse("backoffice:home"), reverse("backoffice:intake"), reverse("backoffice:exports")):
        found[url] = _violations_on(page, live_server.url + url)
    _sign_in(page, live_server, monitor)
    for url in (reverse("dashboards:overview"), "/theo-doi/bao-cao/"):
        found[url] = _violations_on(page, live_server.url + url)
    _sign_in(page, live_server, citizen)
    found["apply"] = _violations_on(page, live_server.url + reverse("portal:apply", args=["1.001193"]))
    assert {url: v for url, v in found.items() if v} == {}


def test_the_watch_catches_an_inline_script(page: Any, live_server: Any) -> None:
    # given the home page served with its policy but with an inline script and style slipped in
    page.add_init_script(WATCH)

    def tamper(route: Any) -> None:
        response = route.fetch()
        body = response.text().replace(
            "</body>", '<script>document.title = "x"</script><p style="color:red">x</p></body>'
        )
        route.fulfill(response=response, body=body)

    page.route(live_server.url + "/", tamper)
    # then both are blocked and reported
    violations = _violations_on(page, live_server.url + "/")
    assert any("script-src" in v for v in violations), violations
    assert any("style-src" in v for v in violations), violations
    assert page.title() != "x"
