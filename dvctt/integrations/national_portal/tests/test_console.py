"""The sync console (administrators and monitors) and the sync figures on /healthz."""

from __future__ import annotations

import pytest

from dvctt.accounts.models import Role, User
from dvctt.dossiers.models import Dossier
from dvctt.integrations.national_portal.adapter import SYSTEM
from dvctt.integrations.national_portal.tests.test_sync import drain
from dvctt.outbox.models import Message, MessageState

S = MessageState
URL = "/dvcqg/dong-bo/"


@pytest.fixture
def monitor(db) -> User:
    return User.objects.create_user(username="theodoi", password="x-Pass-1234", role=Role.MONITOR)


@pytest.fixture
def failed_dossier(adapter_portal, received, processing):
    """A dossier whose create the portal refuses (no applicant name) until it is mended."""
    Dossier.objects.filter(pk=received.pk).update(applicant_name="")
    drain()
    return received


def test_only_administrators_and_monitors_see_the_console(client, monitor, one_stop, citizen):
    assert client.get(URL).status_code == 302  # to the login
    for user in (one_stop, citizen):
        client.force_login(user)
        assert client.get(URL).status_code == 403
    client.force_login(monitor)
    assert client.get(URL).status_code == 200


def test_the_console_shows_failures_and_a_dossiers_history_and_resends(client, monitor, failed_dossier):
    client.force_login(monitor)
    page = client.get(URL).content.decode()
    assert "ChuHoSo: required" in page  # failures by reason, and the failed message with the portal's answer
    history = client.get(URL, {"ma": failed_dossier.code}).content.decode()
    assert history.count("data-history=") == 2  # the create (failed) and the forward (held)
    assert "Tạm giữ sau tin lỗi" in history
    # when the record is mended and the monitor re-sends all
    Dossier.objects.filter(pk=failed_dossier.pk).update(applicant_name="Nguyễn Văn An")
    response = client.post(URL + "gui-lai/", {"all": "1"})
    assert response.status_code == 302
    drain()
    assert set(Message.objects.values_list("state", flat=True)) == {S.SENT}


def test_resend_one_message(client, monitor, failed_dossier):
    client.force_login(monitor)
    Dossier.objects.filter(pk=failed_dossier.pk).update(applicant_name="Nguyễn Văn An")
    head = Message.objects.get(state=S.FAILED)
    client.post(URL + "gui-lai/", {"message": str(head.pk)})
    drain()
    assert set(Message.objects.values_list("state", flat=True)) == {S.SENT}


def test_pause_and_resume_the_transport(client, monitor, adapter_portal, received):
    from dvctt.outbox.services import messages_send

    client.force_login(monitor)
    client.post(URL + "kenh/", {"paused": "1"})
    assert "Đang tạm dừng gửi" in client.get(URL).content.decode()
    assert messages_send(system=SYSTEM).sent == 0
    client.post(URL + "kenh/", {"paused": "0"})
    assert messages_send(system=SYSTEM).sent == 1


def test_healthz_is_degraded_not_down_when_the_portal_is_unreachable(
    client, settings, adapter_portal, received
):
    from dvctt.outbox.services import messages_send

    body = client.get("/healthz").json()
    assert body["checks"]["outbox"]["systems"][SYSTEM]["backlog"] == 1
    # given a portal nobody answers at
    settings.DVCTT_NATIONAL_PORTAL_ADAPTER_URL = "http://127.0.0.1:9/adapter"
    settings.DVCTT_NATIONAL_PORTAL_LOGIN_URL = "http://127.0.0.1:9/adapter/login"
    messages_send(system=SYSTEM)
    response = client.get("/healthz")
    # then the platform is up, and says the sync is degraded with the reason
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    portal = body["checks"]["outbox"]["systems"][SYSTEM]
    assert portal["status"] == "degraded" and "retrying" in portal["reasons"]
    assert "no answer" in portal["last_error"] or "Connection" in portal["last_error"]
    assert portal["backlog"] == 1 and portal["oldest_waiting_seconds"] is not None
