"""Prometheus metrics at ``/metrics``, for the operator only (docs/operations.md, "Metrics").

Two kinds of figures:

- what the web processes count as they answer (requests by route name, method and status class; latency), kept
  by ``prometheus_client`` in the process, or in ``PROMETHEUS_MULTIPROC_DIR`` when gunicorn runs several workers
  (the directory must be set, and emptied, before gunicorn starts; gunicorn.conf.py's ``child_exit`` drops a dead
  worker's live gauges);
- what the database holds, read at scrape time by :class:`StateCollector` with a handful of cheap aggregate
  queries: the task queue (django-tasks' database backend), the outbox to outside systems, failed notifications.

Labels carry route names (``portal:dossier-detail``), never a path: a path holds dossier codes and IDs, which
would both leak and make the series unbounded.

The endpoint answers 404 to anyone but the operator (not 403: it is not advertised). The operator is a client
whose address is in ``DVCTT_METRICS_ALLOWED_IPS`` or who sends ``Authorization: Bearer <DVCTT_METRICS_TOKEN>``;
with ``DVCTT_METRICS_REQUIRE_BOTH=1`` both are needed.
"""

from __future__ import annotations

import datetime
import hmac
import ipaddress
import logging
import os
import time
from collections.abc import Iterable, Iterator
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db.models import Count, Max, Min, Sum
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from dvctt.common.throttle import client_address

logger = logging.getLogger(__name__)

METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})

REQUESTS = Counter(
    "dvctt_http_requests",
    "HTTP requests answered, by route name, method and status class.",
    ["view", "method", "status"],
)
LATENCY = Histogram(
    "dvctt_http_request_duration_seconds",
    "Time from the first middleware to the response, by route name and method.",
    ["view", "method"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)


def view_label(request: HttpRequest) -> str:
    """The route's name (``namespace:name``), or a fixed word: never anything taken from the path."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name or "unnamed"
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


def request_observe(*, request: HttpRequest, status: int, seconds: float) -> None:
    """Count one answered request (called by the request-id middleware, first in the chain)."""
    view = view_label(request)
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(view=view, method=method, status=f"{status // 100}xx").inc()
    LATENCY.labels(view=view, method=method).observe(seconds)


class StateCollector(Collector):
    """Figures read from the database at scrape time. Each query is an aggregate over an indexed column or a
    small set of rows (waiting tasks, waiting messages, failed notifications)."""

    def describe(self) -> Iterable[Any]:
        return []  # nothing to read at registration

    def collect(self) -> Iterator[GaugeMetricFamily]:
        errors = GaugeMetricFamily(
            "dvctt_metrics_read_error",
            "1 when this scrape could not read a part of the figures (the database is unreachable...).",
            labels=["part"],
        )
        for part, read in (
            ("tasks", self._tasks),
            ("outbox", self._outbox),
            ("notifications", self._notifications),
            ("scheduler", self._scheduler),
        ):
            try:
                # Read a part whole before yielding it: a failure halfway leaves no partial family.
                families = list(read())
            except Exception:  # the request figures and the other parts are still worth serving
                logger.exception("metrics: could not read %s", part)
                errors.add_metric([part], 1)
                continue
            errors.add_metric([part], 0)
            yield from families
        yield errors

    @staticmethod
    def _rq_tasks() -> Iterator[GaugeMetricFamily]:
        """The same two figures read from Redis when the RQ backend is in use (``DVCTT_TASKS=rq``)."""
        import django_rq

        depth = GaugeMetricFamily(
            "dvctt_tasks_queued",
            "Tasks waiting in the queue (Redis, RQ backend), by queue.",
            labels=["queue"],
        )
        age = GaugeMetricFamily(
            "dvctt_tasks_oldest_queued_age_seconds",
            "Age of the oldest task waiting in the queue, by queue (0 when none).",
            labels=["queue"],
        )
        now = timezone.now()
        for name in settings.TASKS.get("default", {}).get("QUEUES", ["default"]):
            queue = django_rq.get_queue(name)
            depth.add_metric([name], queue.count)
            oldest = None
            for job_id in queue.get_job_ids(0, 1):  # the head: the oldest waiting
                job = queue.fetch_job(job_id)
                oldest = job.enqueued_at if job is not None else None
            if oldest is not None and timezone.is_naive(oldest):
                oldest = timezone.make_aware(oldest, datetime.UTC)
            age.add_metric([name], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield depth
        yield age

    @staticmethod
    def _tasks() -> Iterator[GaugeMetricFamily]:
        from dvctt.taskspool.models import SpooledTask

        spooled = GaugeMetricFamily(
            "dvctt_tasks_spooled",
            "Tasks kept in the database while the task queue (Redis) was unreachable, waiting to be queued.",
        )
        spooled.add_metric([], SpooledTask.objects.count())
        yield spooled
        if str(settings.TASKS.get("default", {}).get("BACKEND", "")).endswith("RQBackend"):
            yield from StateCollector._rq_tasks()
            return
        from django_tasks_db.models import DBTaskResult, get_date_max

        depth = GaugeMetricFamily(
            "dvctt_tasks_queued",
            "Tasks waiting in the database queue (due now or scheduled), by queue.",
            labels=["queue"],
        )
        age = GaugeMetricFamily(
            "dvctt_tasks_oldest_queued_age_seconds",
            "Age of the oldest task that is due and not yet started, by queue (0 when none).",
            labels=["queue"],
        )
        now = timezone.now()
        queues: dict[str, tuple[int, Any]] = {
            q: (0, None) for q in settings.TASKS.get("default", {}).get("QUEUES", ["default"])
        }
        waiting = DBTaskResult.objects.filter(status="READY")
        for row in waiting.values("queue_name").annotate(n=Count("id")).order_by():
            queues[row["queue_name"]] = (row["n"], None)
        # A task waits from when it became due: enqueued without a delay (run_after = the largest date, due at
        # once) or enqueued for later (due at run_after).
        undelayed = (
            waiting.filter(run_after=get_date_max()).values("queue_name").annotate(t=Min("enqueued_at"))
        )
        delayed = waiting.filter(run_after__lte=now).values("queue_name").annotate(t=Min("run_after"))
        for row in [*undelayed.order_by(), *delayed.order_by()]:
            n, oldest = queues[row["queue_name"]]
            queues[row["queue_name"]] = (n, row["t"] if oldest is None else min(oldest, row["t"]))
        for queue, (n, oldest) in sorted(queues.items()):
            depth.add_metric([queue], n)
            age.add_metric([queue], max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        yield depth
        yield age

    @staticmethod
    def _outbox() -> Iterator[GaugeMetricFamily]:
        from dvctt.outbox.registry import adapters
        from dvctt.outbox.selectors import outbox_figures

        backlog = GaugeMetricFamily(
            "dvctt_outbox_backlog",
            "Messages waiting for an outside system (pending, sending, held).",
            labels=["system"],
        )
        oldest = GaugeMetricFamily(
            "dvctt_outbox_oldest_waiting_age_seconds",
            "Age of the oldest waiting message (0 when none).",
            labels=["system"],
        )
        failed = GaugeMetricFamily(
            "dvctt_outbox_failed", "Messages that failed their last attempt (to re-send).", labels=["system"]
        )
        paused = GaugeMetricFamily("dvctt_outbox_paused", "1 when sending is paused.", labels=["system"])
        for adapter in sorted(adapters(), key=lambda a: a.system):
            figures = outbox_figures(system=adapter.system)
            backlog.add_metric([adapter.system], figures["backlog"])
            oldest.add_metric([adapter.system], figures["oldest_waiting_seconds"] or 0.0)
            failed.add_metric([adapter.system], figures["failed"])
            paused.add_metric([adapter.system], 1 if figures["paused"] else 0)
        yield from (backlog, oldest, failed, paused)

    @staticmethod
    def _notifications() -> Iterator[GaugeMetricFamily]:
        # Through the app registry: the dossiers app is a layer above common.
        notification = apps.get_model("dossiers", "Notification")
        failed = GaugeMetricFamily(
            "dvctt_notifications_failed",
            "Notifications to applicants that failed after their retries, by channel.",
            labels=["channel"],
        )
        channels = {c: 0 for c in settings.DVCTT_NOTIFY_CHANNELS}
        rows = (
            notification.objects.filter(state="failed").values("channel").annotate(n=Count("id")).order_by()
        )
        for row in rows:
            channels[row["channel"]] = row["n"]
        for channel, n in sorted(channels.items()):
            failed.add_metric([channel], n)
        yield failed

    @staticmethod
    def _scheduler() -> Iterator[GaugeMetricFamily]:
        """Whether ``dvctt scheduler`` is passing: alert when the age grows past a few passes (docs/operations.md)."""
        # Through the app registry: the schedule app is a layer above common.
        beat = apps.get_model("schedule", "SchedulerBeat")
        running = beat.objects.filter(stopped_at=None).aggregate(
            last=Max("last_pass_at"), processes=Count("id"), failed=Sum("failed_passes")
        )
        last = running["last"]
        age = GaugeMetricFamily(
            "dvctt_scheduler_last_pass_age_seconds",
            "Seconds since the last pass of a running scheduler (dvctt scheduler); absent when none has passed.",
        )
        if last is not None:
            age.add_metric([], max(0.0, (timezone.now() - last).total_seconds()))
        processes = GaugeMetricFamily(
            "dvctt_scheduler_processes", "Scheduler processes started and not stopped (a killed one stays)."
        )
        processes.add_metric([], running["processes"])
        failed = GaugeMetricFamily(
            "dvctt_scheduler_failed_passes",
            "Passes of the running schedulers that failed on the database since they started.",
        )
        failed.add_metric([], running["failed"] or 0)
        yield from (age, processes, failed)


class _Forward(Collector):
    """The process's own registry inside the scrape's registry (single-process mode)."""

    def __init__(self, registry: CollectorRegistry):
        self.registry = registry

    def describe(self) -> Iterable[Any]:
        return []

    def collect(self) -> Iterable[Any]:
        return self.registry.collect()


def scrape_registry() -> CollectorRegistry:
    """What one scrape reports: every worker's counters (multi-process) or this process's, plus the database."""
    registry = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)
    else:
        registry.register(_Forward(REGISTRY))
    registry.register(StateCollector())
    return registry


def _address_allowed(address: str) -> bool:
    try:
        client = ipaddress.ip_address(address)
    except ValueError:
        return False
    for allowed in settings.DVCTT_METRICS_ALLOWED_IPS:
        try:
            if client in ipaddress.ip_network(allowed, strict=False):
                return True
        except ValueError:
            continue
    return False


def _token_matches(request: HttpRequest) -> bool:
    expected = settings.DVCTT_METRICS_TOKEN
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if not expected or not header.startswith("Bearer "):
        return False
    return hmac.compare_digest(header[len("Bearer ") :].strip().encode(), expected.encode())


def operator_allowed(request: HttpRequest) -> bool:
    """Whether the request comes from the operator (the address, the token, or both if so configured)."""
    by_address = _address_allowed(client_address(request))
    by_token = _token_matches(request)
    if settings.DVCTT_METRICS_REQUIRE_BOTH:
        return by_address and by_token
    return by_address or by_token


@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not operator_allowed(request):
        raise Http404
    started = time.perf_counter()
    body = generate_latest(scrape_registry())
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["X-Scrape-Seconds"] = f"{time.perf_counter() - started:.4f}"
    return response
