"""/metrics over HTTP: counters by route name, the task queue, the outbox, failed notifications, operator-only."""

from __future__ import annotations

import re
import urllib.error
import urllib.request
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import path
from django.utils import timezone
from django_tasks import task
from prometheus_client.parser import text_string_to_metric_families

from dvctt.common.metrics import metrics_view
from dvctt.outbox.registry import Delivery, adapter_register, adapter_unregister

PROCEDURE_CODE = "1.001193"
pytestmark = pytest.mark.django_db(transaction=True)


@task(queue_name="notifications")
def metrics_probe_task(n: int) -> int:
    return n


def scrape(base_url: str, token: str = "") -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of one scrape, keyed by (name, sorted labels)."""
    request = urllib.request.Request(base_url + "/metrics")  # noqa: S310 - the live server on loopback
    if token:
        request.add_header("Authorization", f"Bearer {token}")
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - the live server on loopback
        assert response.status == 200
        assert response.headers["Content-Type"].startswith("text/plain")
        text = response.read().decode()
    samples = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


def value(samples: dict, name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def get(url: str, headers: dict[str, str] | None = None) -> int:
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10) as r:  # noqa: S310
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def test_requests_are_counted_by_route_name_never_by_path(live_server, procedure, unit):
    before = scrape(live_server.url)
    for _ in range(3):
        assert get(f"{live_server.url}/thu-tuc/{PROCEDURE_CODE}/") == 200
    assert get(f"{live_server.url}/don-vi/{unit.code}/") == 200
    assert get(f"{live_server.url}/khong-co-trang-nay/001099012345/") == 404

    after = scrape(live_server.url)
    detail = {"view": "portal:procedure_detail", "method": "GET", "status": "2xx"}
    assert value(after, "dvctt_http_requests_total", **detail) - value(
        before, "dvctt_http_requests_total", **detail
    ) == pytest.approx(3)
    unmatched = {"view": "unmatched", "method": "GET", "status": "4xx"}
    assert value(after, "dvctt_http_requests_total", **unmatched) - value(
        before, "dvctt_http_requests_total", **unmatched
    ) == pytest.approx(1)
    latency = {"view": "portal:procedure_detail", "method": "GET"}
    assert value(after, "dvctt_http_request_duration_seconds_count", **latency) - value(
        before, "dvctt_http_request_duration_seconds_count", **latency
    ) == pytest.approx(3)
    assert value(after, "dvctt_http_request_duration_seconds_sum", **latency) > value(
        before, "dvctt_http_request_duration_seconds_sum", **latency
    )
    label_values = {v for (_, labels) in after for (_, v) in labels}
    assert "portal:unit_detail" in label_values
    for secret in (PROCEDURE_CODE, unit.code, "001099012345", "khong-co-trang-nay"):
        assert not any(secret in v for v in label_values), secret


def test_queue_depth_and_age_of_the_oldest_task(live_server, settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {
            "BACKEND": "django_tasks_db.DatabaseBackend",
            "QUEUES": ["default", "notifications", "sync", "rollups"],
        }
    }
    samples = scrape(live_server.url)
    assert value(samples, "dvctt_tasks_queued", queue="notifications") == 0
    assert value(samples, "dvctt_tasks_oldest_queued_age_seconds", queue="notifications") == 0

    for n in range(3):
        metrics_probe_task.enqueue(n)
    DBTaskResult.objects.filter(queue_name="notifications").update(
        enqueued_at=timezone.now() - timedelta(minutes=10)
    )
    # A task for later waits in the queue but is not late yet.
    metrics_probe_task.using(queue_name="sync", run_after=timezone.now() + timedelta(hours=1)).enqueue(9)

    samples = scrape(live_server.url)
    assert value(samples, "dvctt_tasks_queued", queue="notifications") == 3
    assert 600 <= value(samples, "dvctt_tasks_oldest_queued_age_seconds", queue="notifications") < 700
    assert value(samples, "dvctt_tasks_queued", queue="sync") == 1
    assert value(samples, "dvctt_tasks_oldest_queued_age_seconds", queue="sync") == 0
    assert value(samples, "dvctt_tasks_queued", queue="default") == 0

    DBTaskResult.objects.filter(queue_name="notifications").update(status="SUCCESSFUL")
    assert value(scrape(live_server.url), "dvctt_tasks_queued", queue="notifications") == 0


class _Probe:
    system = "probe"
    topics = frozenset({"probe"})

    def enabled(self) -> bool:
        return True

    def send(self, message) -> Delivery:
        return Delivery(ok=True)

    def on_failed(self, message) -> None:
        pass


@pytest.fixture
def probe():
    adapter_register(_Probe())
    yield
    adapter_unregister("probe")


def test_outbox_backlog_oldest_and_failed_per_system(live_server, probe):
    from dvctt.outbox.models import Message
    from dvctt.outbox.services import message_publish

    for n in range(4):
        message_publish(topic="probe", key=f"K{n}", operation="update", payload={"n": n})
    Message.objects.filter(system="probe", key="K0").update(state="failed")
    Message.objects.filter(system="probe", key="K1").update(created_at=timezone.now() - timedelta(minutes=30))

    samples = scrape(live_server.url)
    assert value(samples, "dvctt_outbox_backlog", system="probe") == 3
    assert value(samples, "dvctt_outbox_failed", system="probe") == 1
    assert 1800 <= value(samples, "dvctt_outbox_oldest_waiting_age_seconds", system="probe") < 1900
    assert value(samples, "dvctt_outbox_paused", system="probe") == 0


def test_failed_notifications_by_channel(live_server, submitted, settings):
    from dvctt.dossiers.models import Notification

    settings.DVCTT_NOTIFY_CHANNELS = ["email", "sms"]
    event = submitted.events.first()
    Notification.objects.filter(dossier=submitted).delete()
    for channel, recipient, state in [
        ("email", "a@example.vn", "failed"),
        ("email", "b@example.vn", "failed"),
        ("email", "c@example.vn", "sent"),
        ("zalo", "0912345678", "failed"),
    ]:
        Notification.objects.create(
            dossier=submitted,
            event=event,
            channel=channel,
            recipient=recipient,
            subject="s",
            body="b",
            state=state,
        )

    samples = scrape(live_server.url)
    assert value(samples, "dvctt_notifications_failed", channel="email") == 2
    assert value(samples, "dvctt_notifications_failed", channel="zalo") == 1
    # A configured channel with no failure is reported as 0, so an alert rule sees the series.
    assert ("dvctt_notifications_failed", (("channel", "sms"),)) in samples


def test_anyone_but_the_operator_gets_404(client, settings):
    settings.DVCTT_METRICS_TOKEN = "s3cret-token-for-the-scraper"
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7").status_code == 404
    # Without trusted proxies a forged X-Forwarded-For changes nothing.
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_X_FORWARDED_FOR="127.0.0.1").status_code == 404
    )
    assert (
        client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer wrong").status_code
        == 404
    )
    response = client.get(
        "/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer s3cret-token-for-the-scraper"
    )
    assert response.status_code == 200
    assert b"dvctt_http_requests_total" in response.content

    settings.DVCTT_METRICS_ALLOWED_IPS = ["10.20.0.0/16"]
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404

    settings.DVCTT_METRICS_REQUIRE_BOTH = True
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 404
    token = "Bearer s3cret-token-for-the-scraper"
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4", HTTP_AUTHORIZATION=token).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION=token).status_code == 404


def test_no_token_configured_means_no_token_access(client, settings):
    settings.DVCTT_METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.7", HTTP_AUTHORIZATION="Bearer ").status_code == 404


def test_token_over_http(live_server, settings):
    settings.DVCTT_METRICS_ALLOWED_IPS = []
    settings.DVCTT_METRICS_TOKEN = "another-long-token"
    assert get(live_server.url + "/metrics") == 404
    assert get(live_server.url + "/metrics", {"Authorization": "Bearer nope"}) == 404
    assert value(scrape(live_server.url, token="another-long-token"), "dvctt_outbox_paused", system="x") == 0


def _boom(request, code):
    raise RuntimeError("hỏng")


urlpatterns = [path("boom/<str:code>/", _boom, name="boom"), path("metrics", metrics_view, name="metrics")]


@pytest.mark.urls(__name__)
def test_a_failing_view_counts_as_5xx_under_its_route_name(settings):
    from prometheus_client import REGISTRY

    labels = {"view": "boom", "method": "POST", "status": "5xx"}
    before = REGISTRY.get_sample_value("dvctt_http_requests_total", labels) or 0
    client = Client(raise_request_exception=False)
    response = client.post("/boom/001099012345/")
    assert response.status_code == 500
    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-ID"])
    assert REGISTRY.get_sample_value("dvctt_http_requests_total", labels) == before + 1


def test_a_scrape_costs_a_fixed_number_of_queries(client, probe, django_assert_num_queries):
    from dvctt.outbox.registry import adapters

    # 1 for the spooled tasks, 3 for the task queue, 4 per outside system (outbox_figures), 1 for the notifications,
    # 1 for the schedulers' beats.
    with django_assert_num_queries(1 + 3 + 4 * len(adapters()) + 1 + 1):
        assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 200


def test_a_part_that_cannot_be_read_is_flagged_and_the_rest_still_served(client, monkeypatch):
    import dvctt.outbox.selectors

    def unreachable(*, system: str) -> dict:
        raise ConnectionError("database unreachable")

    monkeypatch.setattr(dvctt.outbox.selectors, "outbox_figures", unreachable)
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1")
    assert response.status_code == 200
    text = response.content.decode()
    assert 'dvctt_metrics_read_error{part="outbox"} 1.0' in text
    assert 'dvctt_metrics_read_error{part="tasks"} 0.0' in text
    assert "dvctt_outbox_backlog" not in text
    assert 'dvctt_tasks_queued{queue="default"}' in text
    assert "dvctt_http_requests_total" in text
