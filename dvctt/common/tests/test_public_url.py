"""Every address given to people and outside systems is built from ``DVCTT_PUBLIC_BASE_URL`` (issue 17).

Read from the source with ``ast``, like the layers' test: a new ``request.build_absolute_uri()``, ``get_host()``,
``request.scheme`` or ``HTTP_HOST`` in the platform's code — or a second reader of ``PUBLIC_BASE_URL`` beside
``dvctt/common/public_url.py`` — fails here rather than on a citizen's slip. The templates are searched the same
way. The artefacts themselves (slips, QR codes, e-mails, SMS/Zalo, exports, national portal links, payment and
sign-in return addresses, API page links) are rendered under a foreign ``Host`` in
``dvctt/integrations/tests/test_public_addresses.py``; the system checks are tested at the end of this file.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from django.core.checks import Error, Warning

from dvctt.common import checks

PACKAGE = Path(__file__).resolve().parents[2]

#: Where the request's own address may be read: the open-redirect guards compare a ``next`` URL with the host the
#: request came on (``url_has_allowed_host_and_scheme``), which builds nothing.
GUARD_CALLS = {"url_has_allowed_host_and_scheme"}
#: Methods that name the address a server happens to run on (whoever the receiver), and attributes that do when
#: read on a request (``urlsplit(...).scheme`` is fine).
REQUEST_ADDRESS = {"build_absolute_uri", "get_host", "get_raw_uri", "_current_scheme_host"}
REQUEST_ONLY = {"scheme", "get_port"}
META_KEYS = {"HTTP_HOST", "SERVER_NAME", "SERVER_PORT", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PROTO"}
#: The one module that reads the setting (and the settings and checks that define and check it).
SETTING_READERS = {"common/public_url.py", "common/checks.py", "settings.py"}
TEMPLATE_PATTERN = re.compile(
    r"request\.(build_absolute_uri|get_host|scheme|META\.HTTP_HOST)|PUBLIC_BASE_URL"
)


def _guard_arguments(tree: ast.AST) -> set[int]:
    """ids of the nodes inside the arguments of an allowed guard call."""
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            if name in GUARD_CALLS:
                for argument in [*node.args, *(k.value for k in node.keywords)]:
                    inside |= {id(sub) for sub in ast.walk(argument)}
    return inside


def address_uses(source: str, relative: str) -> list[str]:
    """``file:line what`` for each place ``source`` reads the server's own address or the setting directly."""
    tree = ast.parse(source)
    allowed = _guard_arguments(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            on_request = isinstance(node.value, ast.Name) and "request" in node.value.id
            if (node.attr in REQUEST_ADDRESS or (node.attr in REQUEST_ONLY and on_request)) and id(
                node
            ) not in allowed:
                found.append(f"{relative}:{node.lineno} .{node.attr}")
            if node.attr == "PUBLIC_BASE_URL" and relative not in SETTING_READERS:
                found.append(f"{relative}:{node.lineno} settings.PUBLIC_BASE_URL (use common.public_url)")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            if node.value in META_KEYS and relative != "settings.py":  # settings: the proxy's HTTPS header
                found.append(f"{relative}:{node.lineno} {node.value!r}")
            if node.value == "PUBLIC_BASE_URL" and relative not in SETTING_READERS:
                found.append(f"{relative}:{node.lineno} 'PUBLIC_BASE_URL' (use common.public_url)")
    return sorted(found, key=lambda where: int(where.split(":")[1].split()[0]))


def test_no_code_builds_an_address_from_the_request():
    problems = []
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE).as_posix()
        if "/tests/" in f"/{relative}" or "/migrations/" in f"/{relative}":
            continue
        problems += address_uses(path.read_text(encoding="utf-8"), relative)
    assert problems == []


def test_no_template_builds_an_address_from_the_request():
    problems = []
    for path in sorted(PACKAGE.rglob("templates/**/*")):
        if path.is_file() and path.suffix in (".html", ".txt", ".xml", ".md"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if TEMPLATE_PATTERN.search(line):
                    problems.append(f"{path.relative_to(PACKAGE)}:{number}")
    assert problems == []


def test_the_check_sees_each_way_of_reading_the_servers_address():
    probe = (
        "from django.conf import settings\n"
        "def a(request):\n"
        "    return request.build_absolute_uri('/x/')\n"
        "def b(request):\n"
        "    return 'https://' + request.get_host()\n"
        "def c(request):\n"
        "    return request.META['HTTP_HOST']\n"
        "def d():\n"
        "    return settings.PUBLIC_BASE_URL + '/x/'\n"
        "def e(request):\n"
        "    return f'{request.scheme}://x'\n"
        "def f(request, target):\n"
        "    return url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure())\n"
    )
    assert address_uses(probe, "dossiers/probe.py") == [
        "dossiers/probe.py:3 .build_absolute_uri",
        "dossiers/probe.py:5 .get_host",
        "dossiers/probe.py:7 'HTTP_HOST'",
        "dossiers/probe.py:9 settings.PUBLIC_BASE_URL (use common.public_url)",
        "dossiers/probe.py:11 .scheme",
    ]
    assert TEMPLATE_PATTERN.search('<a href="{{ request.build_absolute_uri }}">')
    assert TEMPLATE_PATTERN.search("{{ request.get_host }}/tra-cuu/")


# --- what a production server says when the address is missing or wrong (dvctt/common/checks.py) ---


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.TESTING = False
    return settings


def test_a_production_server_without_the_public_address_is_warned_and_deploy_check_fails(production):
    production.PUBLIC_BASE_URL = "http://127.0.0.1:8000"  # the default when DVCTT_PUBLIC_BASE_URL is unset
    warned = checks.public_base_url_check()
    assert [(type(w), w.id) for w in warned] == [(Warning, "dvctt.W002")]
    assert "DVCTT_PUBLIC_BASE_URL" in warned[0].msg
    assert [(type(e), e.id) for e in checks.public_base_url_deploy_check()] == [(Error, "dvctt.E002")]
    production.PUBLIC_BASE_URL = "http://localhost:8000"
    assert [e.id for e in checks.public_base_url_deploy_check()] == ["dvctt.E002"]


def test_a_plain_http_address_is_a_deploy_warning_and_https_passes(production):
    production.PUBLIC_BASE_URL = "http://dichvucong.langson.gov.vn"
    assert checks.public_base_url_check() == []
    assert [(type(w), w.id) for w in checks.public_base_url_deploy_check()] == [(Warning, "dvctt.W003")]
    production.PUBLIC_BASE_URL = "https://dichvucong.langson.gov.vn/"
    assert checks.public_base_url_check() == [] and checks.public_base_url_deploy_check() == []


def test_development_keeps_the_loopback_default_without_a_warning(settings):
    settings.DEBUG = True
    settings.PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    assert checks.public_base_url_check() == []


@pytest.mark.parametrize(
    "value",
    ["dichvucong.langson.gov.vn", "ftp://dichvucong.langson.gov.vn", "https://x.vn/?a=1", "https://u:p@x.vn"],
)
def test_a_malformed_address_is_an_error_everywhere(settings, value):
    settings.DEBUG = True
    settings.PUBLIC_BASE_URL = value
    assert [(type(e), e.id) for e in checks.public_base_url_check()] == [(Error, "dvctt.E001")]
