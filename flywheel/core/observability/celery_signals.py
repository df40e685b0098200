"""Celery side: the request id travels in a task header; tasks are counted and timed; a
worker serves its pool's metrics on `CELERY_METRICS_PORT`."""

import logging
import os
import time

from celery import signals

from flywheel.core.observability.context import TASK_HEADER, request_id_var, task_var
from flywheel.core.observability.metrics import (
    TASK_LATENCY,
    TASKS,
    clear_multiprocess_dir,
    multiprocess_dir,
)

logger = logging.getLogger(__name__)
STATES = {"SUCCESS": "succeeded", "FAILURE": "failed", "RETRY": "retried"}
_running: dict[str, tuple[float, object, object]] = {}


def _publish(headers=None, **kwargs) -> None:
    request_id = request_id_var.get()
    if request_id and headers is not None and TASK_HEADER not in headers:
        headers[TASK_HEADER] = request_id


def _prerun(task_id=None, task=None, **kwargs) -> None:
    request_id = getattr(task.request, TASK_HEADER, None) or request_id_var.get()
    _running[task_id] = (
        time.perf_counter(),
        request_id_var.set(request_id),
        task_var.set((task.name, task_id)),
    )


def _postrun(task_id=None, task=None, state=None, **kwargs) -> None:
    started, request_token, task_token = _running.pop(task_id, (None, None, None))
    TASKS.labels(task.name, STATES.get(state, str(state).lower())).inc()
    if started is not None:
        TASK_LATENCY.labels(task.name).observe(time.perf_counter() - started)
        task_var.reset(task_token)
        request_id_var.reset(request_token)


def _worker_init(**kwargs) -> None:
    clear_multiprocess_dir()


def _worker_ready(**kwargs) -> None:
    port = os.environ.get("CELERY_METRICS_PORT")
    if not port:
        return
    from prometheus_client import CollectorRegistry, multiprocess, start_http_server

    registry = None
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    address = os.environ.get("CELERY_METRICS_ADDR", "0.0.0.0")
    if registry is None:
        start_http_server(int(port), addr=address)
    else:
        start_http_server(int(port), addr=address, registry=registry)
    logger.info("Worker metrics on %s:%s/metrics", address, port)


def _process_shutdown(pid=None, **kwargs) -> None:
    if multiprocess_dir():
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid or os.getpid())


def connect() -> None:
    signals.before_task_publish.connect(_publish, weak=False, dispatch_uid="fw-obs-publish")
    signals.task_prerun.connect(_prerun, weak=False, dispatch_uid="fw-obs-prerun")
    signals.task_postrun.connect(_postrun, weak=False, dispatch_uid="fw-obs-postrun")
    signals.worker_init.connect(_worker_init, weak=False, dispatch_uid="fw-obs-init")
    signals.worker_ready.connect(_worker_ready, weak=False, dispatch_uid="fw-obs-ready")
    signals.worker_process_shutdown.connect(
        _process_shutdown, weak=False, dispatch_uid="fw-obs-shutdown"
    )
