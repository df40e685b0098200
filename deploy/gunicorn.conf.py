"""gunicorn settings for production: sync workers, counted by WEB_CONCURRENCY.

The container's share of CPUs is not what `os.cpu_count()` reports (that is the host's), so
the worker count is set, not derived: WEB_CONCURRENCY (default 2) per container, and more
containers to scale (deploy/README.md).
"""

import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = int(os.environ.get("GUNICORN_GRACEFUL_TIMEOUT", "30"))
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "10000"))
max_requests_jitter = 1000
# Access lines come from the application (flywheel.access, JSON, with the request id); the
# server's own lines (start, worker exits, timeouts) use the application's format too.
accesslog = None
errorlog = "-"
if os.environ.get("LOG_FORMAT", "json") == "json":
    from flywheel.core.observability.logs import logging_config

    logconfig_dict = logging_config("json", os.environ.get("LOG_LEVEL", "INFO"))
# A worker process writes its metric values under PROMETHEUS_MULTIPROC_DIR; /metrics adds
# up the files of every worker.


def on_starting(server):
    """Empty the metrics directory of an earlier run before any worker writes to it."""
    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if path:
        os.makedirs(path, exist_ok=True)
        for name in os.listdir(path):
            if name.endswith(".db"):
                os.remove(os.path.join(path, name))


def child_exit(server, worker):
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
