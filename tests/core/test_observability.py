"""Observability: request ids in and out and into tasks, JSON log lines, /metrics access and
content (HTTP, database, tasks, ingestion), Sentry tagging."""

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings
from prometheus_client import REGISTRY
from pythonjsonlogger.json import JsonFormatter

from flywheel.core.observability import celery_signals
from flywheel.core.observability.context import request_id_var, task_var
from flywheel.core.observability.logs import RequestIdFilter, logging_config
from tests.customers.factories import CustomerFactory

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_every_response_carries_a_request_id(client):
    first = client.get("/healthz")["X-Request-ID"]
    second = client.get("/api/v1/auth/csrf")["X-Request-ID"]
    assert len(first) == 32 and len(second) == 32 and first != second


def test_a_safe_caller_id_is_kept_and_an_unsafe_one_replaced(client):
    kept = client.get("/healthz", HTTP_X_REQUEST_ID="trace-1234abcd")
    assert kept["X-Request-ID"] == "trace-1234abcd"
    for bad in ("short", "x" * 200, "evil\nline-injected", "<script>alert(1)</script>"):
        answered = client.get("/healthz", HTTP_X_REQUEST_ID=bad)["X-Request-ID"]
        assert answered != bad and len(answered) == 32


def test_an_error_answer_names_its_request_id_in_the_header(api_client):
    response = api_client.get("/api/v1/tenants/nope/customers/")
    assert response.status_code in (401, 403, 404)
    assert len(response["X-Request-ID"]) == 32


def test_the_request_id_travels_in_the_task_headers_and_back_into_the_worker():
    token = request_id_var.set("req-abcdef123456")
    try:
        headers: dict = {}
        celery_signals._publish(headers=headers)
    finally:
        request_id_var.reset(token)
    assert headers == {"request_id": "req-abcdef123456"}

    class Request:
        request_id = "req-abcdef123456"

    class Task:
        name = "some.task"
        request = Request()

    celery_signals._prerun(task_id="t-1", task=Task())
    assert request_id_var.get() == "req-abcdef123456"
    assert task_var.get() == ("some.task", "t-1")
    before = sample("flywheel_celery_tasks_total", task="some.task", state="succeeded")
    celery_signals._postrun(task_id="t-1", task=Task(), state="SUCCESS")
    assert request_id_var.get() is None and task_var.get() is None
    assert sample("flywheel_celery_tasks_total", task="some.task", state="succeeded") == before + 1


def test_json_log_lines_carry_the_request_id_and_extra_fields():
    config = logging_config("json", "INFO")["formatters"]["default"]
    formatter = JsonFormatter(**{k: v for k, v in config.items() if k != "()"})
    record = logging.LogRecord("flywheel.test", logging.WARNING, __file__, 1, "hi %s", ("x",), None)
    record.status = 503
    token = request_id_var.set("req-0123456789")
    try:
        RequestIdFilter().filter(record)
    finally:
        request_id_var.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "hi x" and line["level"] == "WARNING"
    assert line["logger"] == "flywheel.test" and line["request_id"] == "req-0123456789"
    assert line["status"] == 503 and "time" in line


def test_an_unknown_log_format_is_refused():
    with pytest.raises(ValueError):
        logging_config("xml", "INFO")


def test_metrics_answer_loopback_and_refuse_other_networks(client):
    assert client.get("/metrics").status_code == 200  # the test client is 127.0.0.1
    refused = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    # X-Forwarded-For never opens it
    assert (
        client.get(
            "/metrics", REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="127.0.0.1"
        ).status_code
        == 403
    )


@override_settings(METRICS_TOKEN="m-" + "k" * 40, METRICS_ALLOWED_NETWORKS=[])
def test_metrics_take_the_bearer_token(client):
    assert client.get("/metrics").status_code == 403
    good = client.get("/metrics", HTTP_AUTHORIZATION="Bearer m-" + "k" * 40)
    assert good.status_code == 200 and good["Content-Type"].startswith("text/plain")
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 403


def test_metrics_show_requests_by_route_and_status_with_latency_and_queries(key_client, tenant):
    client, _ = key_client()
    labels = {"route": "customer-list", "method": "GET", "status": "200"}
    before = sample("flywheel_http_requests_total", **labels)
    queries = sample("flywheel_db_queries_total", alias="default", outcome="ok")
    assert client.get(f"/api/v1/tenants/{tenant.slug}/customers/").status_code == 200
    assert client.get("/r/NOPE1234").status_code in (302, 404)
    assert sample("flywheel_http_requests_total", **labels) == before + 1
    assert sample("flywheel_db_queries_total", alias="default", outcome="ok") > queries
    text = client.get("/metrics").content.decode()
    assert 'flywheel_http_requests_total{method="GET",route="customer-list",status="200"}' in text
    assert (
        'flywheel_http_request_duration_seconds_bucket{le="0.05",method="GET",route="customer-list"}'
        in text
    )
    assert 'route="referral_redirect"' in text
    assert "flywheel_db_query_duration_seconds_count" in text


def test_metrics_count_ingested_events_by_outcome(key_client, tenant):
    client, _ = key_client()
    customer = CustomerFactory(tenant=tenant)
    created = sample("flywheel_events_ingested_total", outcome="created")
    rejected = sample("flywheel_events_ingested_total", outcome="rejected")
    events = [
        {
            "id": "m-1",
            "customer": customer.pk,
            "kind": "login",
            "occurred_at": "2026-11-01T10:00:00Z",
        },
        {"id": "m-2", "customer": customer.pk, "kind": "nps", "value": 99},
    ]
    response = client.post(
        f"/api/v1/tenants/{tenant.slug}/events/bulk/", {"events": events}, format="json"
    )
    assert response.status_code in (200, 201, 207), response.content
    assert sample("flywheel_events_ingested_total", outcome="created") == created + 1
    assert sample("flywheel_events_ingested_total", outcome="rejected") == rejected + 1


def test_a_task_run_is_counted_and_timed(tenant):
    from segments.tasks import health_recompute_task

    name = health_recompute_task.name
    runs = sample("flywheel_celery_tasks_total", task=name, state="succeeded")
    recomputes = sample("flywheel_health_recomputes_total", scope="all")
    health_recompute_task.delay(tenant.pk)
    assert sample("flywheel_celery_tasks_total", task=name, state="succeeded") == runs + 1
    assert sample("flywheel_celery_task_duration_seconds_count", task=name) >= 1
    assert sample("flywheel_health_recomputes_total", scope="all") == recomputes + 1


SENTRY = """
import os, types, json
import django
django.setup()
from django.http import HttpResponse
from django.test import Client, override_settings
from django.urls import path
import sentry_sdk
from sentry_sdk.transport import Transport
from flywheel.core.observability.sentry import init_sentry

events = []
class Capture(Transport):
    def capture_envelope(self, envelope):
        for item in envelope.items:
            if item.type == "event":
                events.append(item.payload.json)

def boom(request):
    raise RuntimeError("boom for sentry")

urls = types.ModuleType("urls")
urls.urlpatterns = [path("boom/", boom)]
init_sentry("https://key@sentry.invalid/1", environment="test", release="r1",
            traces_sample_rate=0.0, transport=Capture)
with override_settings(ROOT_URLCONF=urls, DEBUG_PROPAGATE_EXCEPTIONS=False):
    client = Client(raise_request_exception=False)
    response = client.get("/boom/", HTTP_X_REQUEST_ID="req-sentry-0001")
sentry_sdk.flush()
print(json.dumps({"status": response.status_code, "request_id": response["X-Request-ID"],
                  "events": [{"tags": e.get("tags"), "type": e["exception"]["values"][-1]["type"]}
                             for e in events]}))
"""


def test_errors_reach_sentry_tagged_with_the_request_id():
    result = subprocess.run(
        [sys.executable, "-c", SENTRY],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "DJANGO_SETTINGS_MODULE": "flywheel.settings.test"},
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 500 and answer["request_id"] == "req-sentry-0001"
    assert answer["events"] and answer["events"][0]["type"] == "RuntimeError"
    assert answer["events"][0]["tags"]["request_id"] == "req-sentry-0001"


def _boom(request):
    raise RuntimeError("boom for the log")


def test_a_server_error_carries_its_request_id_in_the_answer_and_the_log(client, caplog):
    import types

    from django.urls import path

    urls = types.ModuleType("boom_urls")
    urls.urlpatterns = [path("boom/", _boom)]
    urls.handler500 = "flywheel.core.errors.server_error_view"  # as flywheel.urls sets it
    client.raise_request_exception = False
    with override_settings(ROOT_URLCONF=urls):
        response = client.get("/boom/", HTTP_X_REQUEST_ID="req-error-000042")
    assert response.status_code == 500 and response["X-Request-ID"] == "req-error-000042"
    assert response["Content-Type"] == "application/problem+json"
    errors = [r for r in caplog.records if r.name == "django.request" and r.levelname == "ERROR"]
    assert errors and all(r.request_id == "req-error-000042" for r in errors)
    assert "boom for the log" in caplog.text
