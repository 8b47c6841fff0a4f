"""JSON log lines (DVCTT_LOG_FORMAT=json): request id from the caller or generated, user id, no personal data."""

from __future__ import annotations

import copy
import io
import json
import logging
import logging.config
import re
from datetime import datetime

import pytest
from django.conf import settings as django_settings
from django.test import RequestFactory

from dvctt.common.request_id import current_request, request_id_from

DIGIT_RUN = re.compile(r"\d{9,12}")


@pytest.fixture
def json_log():
    """The project's LOGGING with the JSON formatter, its console handler writing into a buffer."""
    stream = io.StringIO()
    config = copy.deepcopy(django_settings.LOGGING)
    config["handlers"]["console"]["formatter"] = "json"
    config["handlers"]["console"]["stream"] = stream
    logging.config.dictConfig(config)

    def lines() -> list[dict]:
        return [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]

    yield lines
    logging.config.dictConfig(django_settings.LOGGING)


def test_the_json_format_is_chosen_by_the_environment():
    import os
    import subprocess
    import sys

    code = "from django.conf import settings; print(settings.LOGGING['handlers']['console']['formatter'])"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "dvctt.settings"}
    for value, expected in [("json", "json"), ("", "plain"), ("text", "plain")]:
        env["DVCTT_LOG_FORMAT"] = value
        out = subprocess.run(  # noqa: S603 - this interpreter, fixed arguments
            [sys.executable, "-c", "import django; django.setup(); " + code],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        assert out.stdout.strip() == expected


@pytest.mark.django_db
def test_request_id_from_the_header_is_kept_and_logged(client, json_log):
    response = client.get("/khong-co-trang-nay/", HTTP_X_REQUEST_ID="proxy-req-7f3a9c")
    assert response.status_code == 404
    assert response["X-Request-ID"] == "proxy-req-7f3a9c"
    [line] = [entry for entry in json_log() if entry["logger"] == "django.request"]
    assert line["request_id"] == "proxy-req-7f3a9c"
    assert line["level"] == "WARNING"
    assert line["path"] == "/khong-co-trang-nay/"
    assert line["message"] == "Not Found: /khong-co-trang-nay/"
    assert line["status"] == 404
    assert line["user_id"] is None
    stamp = datetime.fromisoformat(line["time"])
    assert stamp.utcoffset() is not None and stamp.utcoffset().total_seconds() == 7 * 3600


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    [None, "", "short", "has space inside it", "x" * 65, "id-001099012345", "<script>alert(1)</script>"],
)
def test_a_missing_or_malformed_request_id_is_replaced(client, json_log, header):
    extra = {} if header is None else {"HTTP_X_REQUEST_ID": header}
    response = client.get("/khong-co-trang-nay/", **extra)
    generated = response["X-Request-ID"]
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert generated != header
    [line] = [entry for entry in json_log() if entry["logger"] == "django.request"]
    assert line["request_id"] == generated
    # Each request its own id.
    assert client.get("/khong-co-trang-nay/")["X-Request-ID"] != generated


@pytest.mark.django_db
def test_no_identification_or_phone_number_in_any_line(client, one_stop, json_log):
    client.force_login(one_stop)
    response = client.get("/mot-cua/ho-so/001099012345/?q=0912345678&cccd=020199001234")
    assert response.status_code == 404
    entries = json_log()
    [line] = [entry for entry in entries if entry["logger"] == "django.request"]
    assert line["user_id"] == one_stop.pk
    assert "motcua" not in json.dumps(line)  # the user's id, never the name
    assert line["path"] == "/mot-cua/ho-so/001******345/"
    assert "0912345678" not in json.dumps(entries)
    for entry in entries:
        assert not DIGIT_RUN.search(json.dumps(entry, ensure_ascii=False)), entry


@pytest.mark.django_db
def test_messages_arguments_and_exceptions_are_masked(json_log, one_stop):
    request = RequestFactory().get("/mot-cua/tim-kiem/", {"q": "001099012345"})
    request.user = one_stop
    request.request_id = request_id_from(None)  # type: ignore[attr-defined]
    logger = logging.getLogger("dvctt.test")
    token = current_request.set(request)
    try:
        logger.info("Tìm hồ sơ của CCCD 001099012345, điện thoại %s", "0912345678")
        logger.warning("số %(cccd)s", {"cccd": "020199001234"})
        try:
            raise ValueError("Không tìm thấy 038201009999")
        except ValueError:
            logger.exception("Lỗi khi tìm 0987654321")
    finally:
        current_request.reset(token)
    logger.info("ngoài yêu cầu: 0912345678")

    entries = [e for e in json_log() if e["logger"] == "dvctt.test"]
    assert [e["message"] for e in entries] == [
        "Tìm hồ sơ của CCCD 001******345, điện thoại 091****678",
        "số 020******234",
        "Lỗi khi tìm 098****321",
        "ngoài yêu cầu: 091****678",
    ]
    assert "038******999" in entries[2]["exception"] and "ValueError" in entries[2]["exception"]
    for entry in entries[:3]:
        assert entry["request_id"] == request.request_id  # type: ignore[attr-defined]
        assert entry["user_id"] == one_stop.pk
        assert entry["path"] == "/mot-cua/tim-kiem/"  # no query string
    assert entries[3]["request_id"] is None and entries[3]["path"] is None
    for entry in entries:
        assert not DIGIT_RUN.search(json.dumps(entry, ensure_ascii=False)), entry


def test_generated_ids_survive_the_masking_unchanged():
    from dvctt.common.masking import mask_text

    ids = {request_id_from(None) for _ in range(3000)}
    assert len(ids) == 3000
    assert all(mask_text(i) == i and re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    # no run of 9 digits or more at all: not even one the masking leaves alone (13+ digits) may look like a number
    assert not [i for i in ids if re.search(r"[0-9]{9,}", i)]
    # and an incoming id that holds one is replaced
    assert request_id_from("abc-1234567890123-def") != "abc-1234567890123-def"
