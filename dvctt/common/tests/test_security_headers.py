"""Headers and logs (issue 18, defect 9): a Content-Security-Policy, HSTS with secure cookies, no identification
number in an access-log line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.test import Client, override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)


def _directives(header: str) -> dict[str, str]:
    return {part.split()[0]: part.strip() for part in header.split(";") if part.strip()}


def test_pages_and_the_api_carry_a_strict_policy():
    client = Client()
    for url in ("/", "/tra-cuu/", "/api/v1/track/X/", "/accounts/dang-nhap/"):
        policy = _directives(client.get(url)["Content-Security-Policy"])
        assert policy["script-src"] == "script-src 'self'"
        assert policy["style-src"] == "style-src 'self'"
        assert policy["frame-ancestors"] == "frame-ancestors 'none'"
        assert policy["object-src"] == "object-src 'none'"
        assert "unsafe-inline" not in client.get(url)["Content-Security-Policy"]


def test_only_the_swagger_page_gets_the_relaxed_policy(django_user_model):
    user = django_user_model.objects.create_user(username="dev", password="x-Pass-1234", role="admin")
    client = Client()
    client.force_login(user)
    docs = client.get("/api/v1/docs/")
    assert docs.status_code == 200
    assert "script-src 'self' 'unsafe-inline'" in docs["Content-Security-Policy"]


@override_settings(DVCTT_CSP_REPORT_ONLY=True)
def test_report_only_is_a_setting():
    response = Client().get("/")
    assert "Content-Security-Policy" not in response
    assert "script-src 'self'" in response["Content-Security-Policy-Report-Only"]


def _settings_in_a_fresh_process(**env: str) -> str:
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'dvctt.settings'; django.setup(); "
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER)"
    )
    result = subprocess.run(  # noqa: S603 - our own interpreter and settings
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    return result.stdout.strip()


def test_hsts_is_on_when_cookies_are_secure_and_off_otherwise():
    assert _settings_in_a_fresh_process(DVCTT_SECURE_COOKIES="1", DVCTT_BEHIND_TLS_PROXY="1") == (
        "True 31536000 ('HTTP_X_FORWARDED_PROTO', 'https')"
    )
    assert _settings_in_a_fresh_process(DVCTT_SECURE_COOKIES="0") == "False 0 None"


@override_settings(SECURE_HSTS_SECONDS=31536000, SESSION_COOKIE_SECURE=True)
def test_an_https_answer_carries_hsts():
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000"


def test_the_gunicorn_access_log_masks_identification_numbers(tmp_path):
    from gunicorn.config import Config

    from dvctt.common.access_log import MaskingAccessLogger

    log_file = tmp_path / "access.log"
    config = Config()
    config.set("accesslog", str(log_file))
    logger = MaskingAccessLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/mot-cua/tim-kiem/?q=001099012345",
        "PATH_INFO": "/mot-cua/tim-kiem/",
        "QUERY_STRING": "q=001099012345",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": "http://127.0.0.1/mot-cua/tim-kiem/?q=0912345678",
        "HTTP_USER_AGENT": "test",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    logger.access(response, request, environ, timedelta(milliseconds=5))
    for handler in logger.access_log.handlers:
        handler.flush()
    line = log_file.read_text()
    assert "/mot-cua/tim-kiem/?q=001******345" in line
    assert "q=091****678" in line
    assert "001099012345" not in line and "0912345678" not in line


def test_gunicorn_uses_the_masking_logger_from_the_projects_root():
    from gunicorn.config import Config

    config = Config()
    namespace: dict[str, object] = {}
    exec((ROOT / "gunicorn.conf.py").read_text(), namespace)  # noqa: S102 - our own configuration file
    config.set("logger_class", namespace["logger_class"])
    assert config.logger_class.__name__ == "MaskingAccessLogger"


def test_runserver_request_lines_are_masked(caplog):
    import logging

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        ("GET /?q=001099012345 HTTP/1.1", 200, 5),
        None,
    )
    handler = logging.getLogger("django.server").handlers[0]
    assert all(f.filter(record) for f in handler.filters)
    assert record.getMessage() == '"GET /?q=001******345 HTTP/1.1" 200 5'
