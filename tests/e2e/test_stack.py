"""End to end on real processes (issue 16): gunicorn, a Celery worker and beat with the
production settings on PostgreSQL and Redis, driven over HTTP only.

Run with `make e2e` (E2E=1); `.ci/run` runs it. The tenant's history is seeded relative to
the last closed month M (P is the month before), in UTC:

| customer | history | MRR |
|---|---|---|
| A | customer since P+1 | 100 |
| B | customer since P+1 | 200 |
| C | customer since P+2, churned M+10 | 50; 0 at M+10 |
| D | lead M+3, customer M+5 | 80 at M+5 |
| E | lead M+4 | - |

So M has customers_start 3 (A B C), customers_end 3 (A B D), new_leads 2 (D E),
new_customers 1 (D), churned_customers 1 (C), churn_rate 1/3 and mrr_end 380 (100+200+80).
"""

from __future__ import annotations

import json
import os
import re
import signal
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import psycopg
import pytest

from tests.e2e.client import Client
from tests.e2e.flows import register_tenant
from tests.e2e.stack import APP_ROLE, DATABASE, Stack, wait_for
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.skipif(
    os.environ.get("E2E") != "1", reason="end-to-end on real processes: `make e2e` (E2E=1)"
)
WEBHOOK_TYPES = [
    "customer.created",
    "referral.qualified",
    "reward.created",
    "ugc_request.created",
    "ugc_request.submitted",
]


def months(now: datetime) -> tuple[date, date]:
    """(P, M): the first days of the month before last and of the last closed month."""
    m_start = (now.date().replace(day=1) - timedelta(days=1)).replace(day=1)
    p_start = (m_start - timedelta(days=1)).replace(day=1)
    return p_start, m_start


def at(day: date, plus_days: int) -> str:
    """Noon UTC, `plus_days` after `day`."""
    noon = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    return (noon + timedelta(days=plus_days)).isoformat()


@pytest.fixture(scope="module")
def stack():
    with Stack("flow").running() as stack:
        yield stack


def test_the_flywheel_runs_on_real_processes(stack):
    now = datetime.now(UTC)
    p_start, m_start = months(now)

    # -- register, a tenant and an API key, over HTTP ------------------------------------------
    shop = register_tenant(stack)
    api, base = shop.api, shop.base

    with Receiver() as receiver:
        endpoint = api.ok(
            "POST",
            f"{base}/webhook-endpoints/",
            {"url": receiver.url, "event_types": WEBHOOK_TYPES},
        )

        # -- a seeded history ------------------------------------------------------------------
        def customer(external_id, **fields):
            body = {"external_id": external_id, "email": f"{external_id}@e2e.test", **fields}
            return api.ok("POST", f"{base}/customers/", body)

        people = {
            "a": customer(
                "a", stage="customer", created_at=at(p_start, 0), became_customer_at=at(p_start, 0)
            ),
            "b": customer(
                "b", stage="customer", created_at=at(p_start, 0), became_customer_at=at(p_start, 0)
            ),
            "c": customer(
                "c", stage="customer", created_at=at(p_start, 1), became_customer_at=at(p_start, 1)
            ),
            "d": customer(
                "d", stage="customer", created_at=at(m_start, 2), became_customer_at=at(m_start, 4)
            ),
            "e": customer("e", stage="lead", created_at=at(m_start, 3)),
        }
        api.ok(
            "PATCH",
            f"{base}/customers/{people['c']['id']}/",
            {"stage": "churned", "changed_at": at(m_start, 9)},
        )
        history = [
            ("a", at(p_start, 0), "100.00"),
            ("b", at(p_start, 0), "200.00"),
            ("c", at(p_start, 1), "50.00"),
            ("c", at(m_start, 9), "0.00"),
            ("d", at(m_start, 4), "80.00"),
        ]
        events = [
            {
                "id": f"sub-{n}",
                "customer_external_id": who,
                "kind": "subscription",
                "occurred_at": when,
                "value": mrr,
                "properties": {"plan": "pro"},
            }
            for n, (who, when, mrr) in enumerate(history)
        ]
        # recent activity: A logs in daily and is a promoter; B has gone quiet
        events += [
            {
                "id": f"login-a-{d}",
                "customer_external_id": "a",
                "kind": "login",
                "occurred_at": (now - timedelta(days=d, hours=1)).isoformat(),
            }
            for d in range(20)
        ]
        events.append({"id": "nps-a", "customer_external_id": "a", "kind": "nps", "value": 10})
        ingest_id = "e2e-ingest-000001"
        ingested = api.request(
            "POST", f"{base}/events/bulk/", {"events": events}, headers={"X-Request-ID": ingest_id}
        )
        assert ingested.status in (200, 201, 207), ingested.text
        assert ingested.json()["created"] == len(events) and ingested.json()["rejected"] == 0
        assert ingested.headers["X-Request-ID"] == ingest_id

        # -- a referral from click to rewards -------------------------------------------------
        program = api.ok(
            "POST",
            f"{base}/referral-programs/",
            {
                "name": "Friends",
                "landing_url": "https://shop.example/join",
                "is_default": True,
                "referrer_reward_kind": "credit",
                "referrer_reward_amount": "20.00",
                "referee_reward_kind": "discount_percent",
                "referee_reward_amount": "10.00",
                "qualification": "first_payment",
            },
        )
        link = api.ok(
            "POST",
            f"{base}/referral-links/",
            {"customer": people["a"]["id"], "program": program["id"]},
        )
        click = Client(stack.base).get(f"/r/{link['code']}")
        assert click.status == 302 and click.headers["Location"].startswith(
            "https://shop.example/join"
        )
        friend = customer("f", referral_code=link["code"])
        api.ok(
            "POST",
            f"{base}/events/bulk/",
            {
                "events": [
                    {
                        "id": "pay-f",
                        "customer_external_id": "f",
                        "kind": "payment",
                        "value": "49.00",
                        "properties": {"status": "paid"},
                    }
                ]
            },
        )
        rewards = wait_for(
            lambda: (r := api.ok("GET", f"{base}/rewards/")["results"]) and len(r) == 2 and r,
            60,
            what="two rewards",
        )
        assert {r["recipient"] for r in rewards} == {people["a"]["id"], friend["id"]}

        # -- a UGC request answered on the hosted page (A's NPS 10 asked A already, by the
        # tenant's default rule; this one asks B by hand) -------------------------------------
        ugc_id = "e2e-ugc-request-01"
        asked = api.request(
            "POST",
            f"{base}/ugc-requests/",
            {"customer": people["b"]["id"], "kind": "testimonial"},
            headers={"X-Request-ID": ugc_id},
        )
        assert asked.status == 201, asked.text
        mail = wait_for(
            lambda: next((m for m in stack.mails() if "/p/ugc/" in m and "To: b@" in m), None),
            60,
            what="the UGC email",
        )
        page_path = re.search(r"http://127\.0\.0\.1:\d+(/p/ugc/[A-Za-z0-9_\-]+)", mail).group(1)
        visitor = Client(stack.base)
        form = visitor.get(page_path)
        assert form.status == 200
        csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
        thanks = visitor.request(
            "POST",
            page_path,
            form={
                "csrfmiddlewaretoken": csrf,
                "text": "It works end to end.",
                "rating": "5",
                "consent": "1",
                "action": "submit",
            },
        )
        assert thanks.status == 200 and "Thank you" in thanks.text
        submitted = api.ok("GET", f"{base}/ugc-requests/?status=submitted")["results"]
        assert [r["id"] for r in submitted] == [asked.json()["id"]]

        # -- the webhooks arrive, signed, one per event ---------------------------------------
        def received_types():
            return {json.loads(r["body"])["type"] for r in receiver.requests}

        wait_for(lambda: set(WEBHOOK_TYPES) <= received_types(), 90, what="every webhook type")
        ids = [r["headers"].get("webhook-id") for r in receiver.requests]
        assert len(ids) == len(set(ids)), "a webhook was delivered twice"
        assert all(
            r["headers"].get("webhook-signature", "").startswith("v1,") for r in receiver.requests
        )
        deliveries = api.ok(
            "GET", f"{base}/webhook-endpoints/{endpoint['id']}/deliveries/?page_size=200"
        )
        assert {d["status"] for d in deliveries["results"]} == {"succeeded"}

    # -- beat: the closed month's snapshot and health scores --------------------------------
    def month_snapshot():
        rows = api.ok("GET", f"{base}/kpis/snapshots/?granularity=month&page_size=50")["results"]
        snap = next((s for s in rows if s["period_start"] == m_start.isoformat()), None)
        # computed after the seeding, so it saw all of it
        if snap and snap["complete"] and datetime.fromisoformat(snap["computed_at"]) > now:
            return snap
        return None

    snap = wait_for(month_snapshot, 120, interval=1, what="beat's snapshot of the closed month")
    values = snap["values"]
    assert values["customers_start"] == 3
    assert values["customers_end"] == 3
    assert values["new_leads"] == 2
    assert values["new_customers"] == 1
    assert values["churned_customers"] == 1
    assert Decimal(str(values["churn_rate"])).quantize(Decimal("0.0001")) == Decimal("0.3333")
    assert Decimal(str(values["mrr_end"])) == Decimal("380")

    def scored():
        rows = api.ok("GET", f"{base}/customers/?page_size=50")["results"]
        return rows if all(r["health_score"] is not None for r in rows) else None

    customers = wait_for(scored, 120, interval=1, what="beat's health scores")
    by_id = {c["external_id"]: c for c in customers}
    assert set(by_id) == {"a", "b", "c", "d", "e", "f"}
    score = {key: Decimal(row["health_score"]) for key, row in by_id.items()}
    for key, row in by_id.items():
        assert 0 <= score[key] <= 100 and row["health_band"] in ("green", "yellow", "red")
    assert score["a"] > score["b"]  # daily logins and NPS 10 against silence

    # -- the request id reached the worker's log lines ---------------------------------------
    access = [json.loads(line) for line in stack.log("web").splitlines() if line.startswith("{")]
    assert any(
        line.get("request_id") == ingest_id
        and line.get("route") == "event-bulk"
        and line.get("status") in (200, 201, 207)
        for line in access
    )
    worker_lines = [
        json.loads(line) for line in stack.log("worker").splitlines() if line.startswith("{")
    ]
    assert any(line.get("request_id") == ugc_id and line.get("task") for line in worker_lines), (
        "no worker log line carries the UGC request's id"
    )

    # -- /metrics shows the run's traffic; the worker's show its tasks -----------------------
    metrics = Client(stack.base).get("/metrics").text
    assert re.search(
        r'flywheel_http_requests_total\{method="POST",route="event-bulk",status="20\d"\} [1-9]',
        metrics,
    )
    assert re.search(r'flywheel_events_ingested_total\{outcome="created"\} (\d+)', metrics)
    created = float(
        re.search(r'flywheel_events_ingested_total\{outcome="created"\} ([\d.e+]+)', metrics).group(
            1
        )
    )
    assert created == len(events) + 1
    assert "flywheel_http_request_duration_seconds_bucket" in metrics
    assert re.search(r'flywheel_db_queries_total\{alias="default",outcome="ok"\} [1-9]', metrics)
    worker = stack.worker_metrics()
    assert re.search(
        r'flywheel_celery_tasks_total\{state="succeeded",'
        r'task="metrics.tasks.kpi_snapshot_task"\} [1-9]',
        worker,
    )
    assert re.search(r'flywheel_kpi_snapshots_computed_total\{granularity="month"\} [1-9]', worker)
    assert re.search(
        r'flywheel_webhook_delivery_attempts_total\{status="succeeded"\} [1-9]', worker
    )
    assert "flywheel_celery_task_duration_seconds_bucket" in worker

    # -- a worker killed during a snapshot job: the job is redone, nothing doubles ----------
    stack.kill("beat", signal.SIGTERM)  # nothing else queues snapshots meanwhile
    wait_for(
        lambda: (
            not stack.sql(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid()"
            )
        ),
        60,
        what="the worker to go idle",
    )
    days = (m_start, m_start + timedelta(days=9))
    with psycopg.connect(stack.database_url) as blocker:
        blocker.execute("LOCK TABLE metrics_kpisnapshot IN ACCESS EXCLUSIVE MODE")
        job = api.ok(
            "POST",
            f"{base}/kpis/compute/",
            {"granularity": "day", "since": days[0].isoformat(), "until": days[1].isoformat()},
        )
        wait_for(
            lambda: stack.sql(
                "SELECT 1 FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND query ILIKE '%metrics_kpisnapshot%'"
            ),
            60,
            what="the job to block on the snapshot table",
        )
        assert api.ok("GET", f"{base}/kpis/jobs/{job['id']}/")["status"] == "running"
        stack.kill("worker", signal.SIGKILL)
        blocker.rollback()
    stack.start_worker()
    finished = wait_for(
        lambda: (j := api.ok("GET", f"{base}/kpis/jobs/{job['id']}/"))["status"] == "done" and j,
        120,
        interval=1,
        what="the job to be redone",
    )
    assert finished["done"] == finished["total"] == 10
    counts = stack.sql(
        "SELECT period_start, count(*) FROM metrics_kpisnapshot WHERE granularity = 'day' "
        "AND period_start BETWEEN %s AND %s GROUP BY period_start",
        [days[0], days[1]],
    )
    assert len(counts) == 10 and {n for _, n in counts} == {1}
    assert stack.ready()


def test_every_process_connects_as_the_role_the_tenant_floor_holds(stack):
    # web, worker and beat hold connections (after the flow above): all as the app role
    users = stack.sql(
        "SELECT DISTINCT usename FROM pg_stat_activity "
        "WHERE datname = %s AND pid <> pg_backend_pid() AND backend_type = 'client backend'",
        [DATABASE],
    )
    assert users == [(APP_ROLE,)]
    assert stack.sql(
        "SELECT rolsuper, rolbypassrls, EXISTS (SELECT 1 FROM pg_class c "
        "WHERE c.relname = 'customers_customer' AND pg_has_role(%s, c.relowner, 'USAGE')) "
        "FROM pg_roles WHERE rolname = %s",
        [APP_ROLE, APP_ROLE],
    ) == [(False, False, False)]
    # and the migrate run as the owner put the floor under every tenant table
    forced = stack.sql(
        "SELECT count(*) FROM pg_class c JOIN pg_policy p ON p.polrelid = c.oid "
        "WHERE p.polname = 'tenant_floor' AND c.relrowsecurity AND c.relforcerowsecurity"
    )
    assert forced[0][0] >= 33
