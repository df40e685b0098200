"""Prometheus metrics: what every process counts, and how `/metrics` exposes them.

Counters and histograms of prometheus-client. Under gunicorn and Celery's prefork pool each
process writes its values to files in `PROMETHEUS_MULTIPROC_DIR` (set it to an empty
directory per host; gunicorn.conf.py and the worker empty it at start) and `/metrics` adds
them up; without it (the demo, tests) the process's own registry is exposed.

Labels stay bounded: routes are URL pattern names, never paths; tenants are never a label.
"""

import os
import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)

LATENCY_BUCKETS = (0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)
TASK_BUCKETS = (0.01, 0.05, 0.1, 0.5, 1, 5, 10, 30, 60, 300, 900)

HTTP_REQUESTS = Counter(
    "flywheel_http_requests_total",
    "HTTP requests answered, by route (URL pattern name), method and status.",
    ["route", "method", "status"],
)
HTTP_LATENCY = Histogram(
    "flywheel_http_request_duration_seconds",
    "Time from the first middleware to the response, by route and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
DB_QUERIES = Counter(
    "flywheel_db_queries_total",
    "SQL statements executed through Django, by database alias and outcome (ok, error).",
    ["alias", "outcome"],
)
DB_LATENCY = Histogram(
    "flywheel_db_query_duration_seconds",
    "Time of one SQL statement executed through Django, by database alias.",
    ["alias"],
    buckets=LATENCY_BUCKETS,
)
TASKS = Counter(
    "flywheel_celery_tasks_total",
    "Celery tasks finished, by task name and state (succeeded, failed, retried).",
    ["task", "state"],
)
TASK_LATENCY = Histogram(
    "flywheel_celery_task_duration_seconds",
    "Run time of one Celery task, by task name.",
    ["task"],
    buckets=TASK_BUCKETS,
)
EVENTS_INGESTED = Counter(
    "flywheel_events_ingested_total",
    "Activity events received by the ingestion API, by outcome (created, duplicate, rejected).",
    ["outcome"],
)
BUS_DELIVERIES = Counter(
    "flywheel_domain_event_deliveries_total",
    "Domain events handed to a subscriber, by subscriber and outcome (done, skipped, failed, "
    "parked).",
    ["subscriber", "outcome"],
)
WEBHOOK_ATTEMPTS = Counter(
    "flywheel_webhook_delivery_attempts_total",
    "Webhook delivery attempts, by resulting status (succeeded, failed, dead).",
    ["status"],
)
EMAILS = Counter(
    "flywheel_emails_total",
    "Customer emails handled, by resulting status (sent, queued for retry, failed, skipped).",
    ["status"],
)
KPI_SNAPSHOTS = Counter(
    "flywheel_kpi_snapshots_computed_total",
    "KPI snapshots computed, by granularity.",
    ["granularity"],
)
KPI_SNAPSHOT_LATENCY = Histogram(
    "flywheel_kpi_snapshot_duration_seconds",
    "Time to compute and store one KPI snapshot, by granularity.",
    ["granularity"],
    buckets=TASK_BUCKETS,
)
HEALTH_RECOMPUTES = Counter(
    "flywheel_health_recomputes_total",
    "Health recomputes run (scope: all customers of a tenant, or some).",
    ["scope"],
)
HEALTH_CUSTOMERS = Counter(
    "flywheel_health_customers_rescored_total",
    "Customers whose health score, band or alerts changed in a recompute.",
)


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def exposition() -> tuple[bytes, str]:
    """The text exposition of every process on this host (or of this process alone)."""
    if multiprocess_dir():
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    return generate_latest(registry), CONTENT_TYPE_LATEST


def clear_multiprocess_dir() -> None:
    """Remove the values of an earlier run (at the start of gunicorn's master or a worker)."""
    path = multiprocess_dir()
    if not path:
        return
    os.makedirs(path, exist_ok=True)
    for name in os.listdir(path):
        if name.endswith(".db"):
            os.remove(os.path.join(path, name))


class QueryTimer:
    """An execute wrapper (Django's `connection.execute_wrappers`) counting and timing SQL."""

    def __init__(self, alias: str):
        self.alias = alias
        self.latency = DB_LATENCY.labels(alias)
        self.ok = DB_QUERIES.labels(alias, "ok")
        self.error = DB_QUERIES.labels(alias, "error")

    def __call__(self, execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            result = execute(sql, params, many, context)
        except Exception:
            self.error.inc()
            raise
        finally:
            self.latency.observe(time.perf_counter() - started)
        self.ok.inc()
        return result


def instrument_connection(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: time this connection's statements (once per wrapper)."""
    if not any(isinstance(w, QueryTimer) for w in connection.execute_wrappers):
        # First in the list: a test's `execute_wrapper()` pops the last one when it ends.
        connection.execute_wrappers.insert(0, QueryTimer(connection.alias))
