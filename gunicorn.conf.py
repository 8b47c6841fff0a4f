"""gunicorn's settings read from the project's root (``gunicorn dvctt.wsgi`` run from here finds them).

The access log, when turned on (``--access-logfile``), masks identification and phone numbers
(dvctt/common/access_log.py; docs/configuration.md, "Security").
"""

logger_class = "dvctt.common.access_log.MaskingAccessLogger"


def child_exit(server, worker):  # type: ignore[no-untyped-def]
    """With several workers, /metrics adds up every worker's counters from PROMETHEUS_MULTIPROC_DIR (set it to an
    empty directory before starting gunicorn; docs/operations.md): a dead worker's live gauges are dropped."""
    import os

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
