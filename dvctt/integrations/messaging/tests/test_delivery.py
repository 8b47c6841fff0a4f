"""SMS and Zalo notifications delivered to a sandbox provider in its own process, over HTTP: delivered, retried
after a provider failure, a bad phone number refused clearly (and never retried), phones masked in the logs."""

from __future__ import annotations

import logging

import pytest

from dvctt.dossiers import services
from dvctt.dossiers.models import Notification
from dvctt.dossiers.tests.conftest import vn
from dvctt.dossiers.watch import dossier_watch
from dvctt.integrations.messaging.errors import DeliveryError, PermanentDeliveryError
from dvctt.integrations.messaging.phones import InvalidPhoneError, phone_to_84
from dvctt.integrations.messaging.sms import SmsClient, SmsConfig
from dvctt.integrations.messaging.zalo import ZaloConfig, ZnsClient


def _receive_with_phone(submitted, one_stop, phone, capture):
    submitted.applicant_phone = phone
    submitted.save(update_fields=["applicant_phone"])
    with capture(execute=True):
        services.dossier_receive(dossier_id=submitted.pk, actor=one_stop, at=vn(2025, 3, 3, 9))
    return Notification.objects.get(event__action="receive")


def test_phone_numbers_are_read_in_the_84_form_and_bad_ones_are_refused():
    assert phone_to_84("0912 345 678") == "84912345678"
    assert phone_to_84("+84 912.345.678") == "84912345678"
    assert phone_to_84("84385550101") == "84385550101"
    for bad in ("12345", "0212345678", "091234567", "+1 650 555 0101", ""):
        with pytest.raises(InvalidPhoneError) as info:
            phone_to_84(bad)
        assert "không phải số di động Việt Nam hợp lệ" in str(info.value)


def test_sms_is_delivered_folded_with_the_link(
    sandbox, settings, submitted, one_stop, django_capture_on_commit_callbacks
):
    settings.DVCTT_NOTIFY_CHANNELS = ["sms"]
    notification = _receive_with_phone(submitted, one_stop, "0912345678", django_capture_on_commit_callbacks)
    assert notification.state == Notification.State.SENT and notification.attempts == 1
    (sms,) = sandbox.state()["sms"]
    assert sms["phone"] == "84912345678" and sms["brandname"] == "DICHVUCONG"
    assert sms["request_id"] == f"dvctt-n{notification.pk}"
    assert sms["unicode"] == 0 and sms["message"].isascii()
    assert submitted.code in sms["message"] and "da duoc tiep nhan" in sms["message"]
    assert "06/03/2025 09:00" in sms["message"]
    assert f"https://dichvucong.langson.example/tra-cuu/?ma={submitted.code}" in sms["message"]
    assert len(sms["message"]) <= settings.DVCTT_SMS_MAX_CHARS


def test_zalo_zns_is_delivered_with_template_data(
    sandbox, settings, submitted, one_stop, django_capture_on_commit_callbacks
):
    settings.DVCTT_NOTIFY_CHANNELS = ["zalo"]
    notification = _receive_with_phone(submitted, one_stop, "0385550101", django_capture_on_commit_callbacks)
    assert notification.state == Notification.State.SENT
    (zns,) = sandbox.state()["zalo"]
    assert zns["phone"] == "84385550101" and zns["template_id"] == "291842"
    assert zns["tracking_id"] == f"dvctt-n{notification.pk}"
    data = zns["template_data"]
    assert data["ma_ho_so"] == submitted.code and data["ngay_hen"] == "06/03/2025 09:00"
    assert data["duong_dan"] == f"https://dichvucong.langson.example/tra-cuu/?ma={submitted.code}"
    assert "đã được tiếp nhận" in data["noi_dung"]


@pytest.mark.parametrize(
    ("channel", "kind"), [("sms", "down"), ("sms", "busy"), ("zalo", "down"), ("zalo", "busy")]
)
def test_a_provider_failure_is_recorded_and_retried_by_the_watch(
    sandbox, settings, submitted, one_stop, django_capture_on_commit_callbacks, channel, kind
):
    settings.DVCTT_NOTIFY_CHANNELS = [channel]
    sandbox.fault(channel, kind, times=1)
    notification = _receive_with_phone(submitted, one_stop, "0912345678", django_capture_on_commit_callbacks)
    assert (notification.state, notification.attempts) == (Notification.State.FAILED, 1)
    assert ("503" if kind == "down" else ("99" if channel == "sms" else "-100")) in notification.last_error
    assert sandbox.state()[channel] == []
    assert dossier_watch(now=vn(2025, 3, 3, 10)).notifications_retried == 1
    notification.refresh_from_db()
    assert (notification.state, notification.attempts) == (Notification.State.SENT, 2)
    state = sandbox.state()
    assert len(state[channel]) == 1 and state["attempts"][channel] == 2


@pytest.mark.parametrize("channel", ["sms", "zalo"])
def test_a_bad_phone_number_is_refused_clearly_and_not_retried(
    sandbox, settings, submitted, one_stop, django_capture_on_commit_callbacks, caplog, channel
):
    settings.DVCTT_NOTIFY_CHANNELS = [channel]
    with caplog.at_level(logging.INFO):
        notification = _receive_with_phone(
            submitted, one_stop, "0212345678", django_capture_on_commit_callbacks
        )
    assert notification.state == Notification.State.SKIPPED
    assert "không phải số di động Việt Nam hợp lệ" in notification.last_error
    assert "021****678" in notification.last_error and "0212345678" not in notification.last_error
    assert "0212345678" not in caplog.text
    assert sandbox.state()["attempts"][channel] == 0  # refused before any request
    assert dossier_watch(now=vn(2025, 3, 3, 10)).notifications_retried == 0


def test_a_number_without_zalo_is_not_retried(
    sandbox, settings, submitted, one_stop, django_capture_on_commit_callbacks
):
    settings.DVCTT_NOTIFY_CHANNELS = ["zalo"]
    sandbox.no_zalo("84912345678")
    notification = _receive_with_phone(submitted, one_stop, "0912345678", django_capture_on_commit_callbacks)
    assert notification.state == Notification.State.SKIPPED and "-118" in notification.last_error


def test_clients_against_the_sandbox(sandbox):
    sms = SmsClient(
        SmsConfig(url=sandbox.url + "/sms/send", username="sandbox", password="wrong", brandname="X")
    )
    with pytest.raises(DeliveryError) as info:
        sms.send(phone="0912345678", text="x", reference="r1")
    assert "04" in str(info.value) and not isinstance(info.value, PermanentDeliveryError)
    good = SmsClient(
        SmsConfig(
            url=sandbox.url + "/sms/send", username="sandbox", password="sandbox", brandname="DICHVUCONG"
        )
    )
    first = good.send(phone="0912345678", text="Hồ sơ", reference="same-id")
    assert (
        good.send(phone="0912345678", text="Hồ sơ", reference="same-id") == first
    )  # a retry is not sent twice
    assert [m["unicode"] for m in sandbox.state()["sms"]] == [1]
    with pytest.raises(PermanentDeliveryError):
        good.send(phone="0912345678", text="x" * 700, reference="long")
    zns = ZnsClient(ZaloConfig(url=sandbox.url + "/zalo/message/template", access_token="expired"))
    with pytest.raises(DeliveryError) as info:
        zns.send(phone="0912345678", template_id="1", template_data={"a": "b"}, tracking_id="t")
    assert "-124" in str(info.value) and not isinstance(info.value, PermanentDeliveryError)
    unconfigured = SmsClient(SmsConfig(url="", username="", password="", brandname=""))
    with pytest.raises(DeliveryError, match="not configured"):
        unconfigured.send(phone="0912345678", text="x", reference="r")
