"""Faults on real processes (issue 17, item 2): gunicorn reaches PostgreSQL and Redis through
proxies the test cuts and restores; the worker reaches them directly.

- PostgreSQL gone: `/readyz` 503 naming the database, the API 503 problem+json; back: both
  answer again from the same processes, no restart.
- Redis gone: the API keeps answering (limits fail open), ingestion keeps storing (the
  outbox holds the deliveries), `/readyz` names broker and cache; back: the sweeper delivers
  what was stored meanwhile.
- A webhook receiver that hangs: its attempt times out and is retried later; another
  endpoint's delivery of the same event arrives at once.
"""

from __future__ import annotations

import json
import os
import time

import pytest

from tests.e2e.client import Client
from tests.e2e.flows import register_tenant
from tests.e2e.proxy import Proxy
from tests.e2e.stack import REDIS, Stack, app_database_url, wait_for
from tests.webhooks.receiver import Receiver

pytestmark = pytest.mark.skipif(
    os.environ.get("E2E") != "1", reason="end-to-end on real processes: `make e2e` (E2E=1)"
)


@pytest.fixture(scope="module")
def proxies():
    postgres = Proxy(5432).start()
    redis = Proxy(int(REDIS.rsplit(":", 1)[1])).start()
    yield postgres, redis
    postgres.cut()
    redis.cut()


@pytest.fixture(scope="module")
def stack(proxies):
    postgres, redis = proxies
    via_redis = f"127.0.0.1:{redis.port}"
    stack = Stack(
        "faults",
        DATABASE_URL=app_database_url(postgres.port),
        CELERY_BROKER_URL=f"redis://{via_redis}/5",
        CACHE_URL=f"rediscache://{via_redis}/6",
        DB_CONNECT_TIMEOUT="2",
        CELERY_BROKER_CONNECTION_TIMEOUT="1",
    )
    with stack.running():
        yield stack


def readiness(stack) -> tuple[int, dict]:
    answer = Client(stack.base).get("/readyz")
    return answer.status, answer.json()["checks"]


def test_postgres_lost_and_back(stack, proxies):
    postgres, _ = proxies
    shop = register_tenant(stack)
    customers = f"{shop.base}/customers/"
    assert shop.api.get(customers).status == 200
    web = stack.processes["web"]

    postgres.cut()
    status, checks = readiness(stack)
    assert status == 503 and checks == {
        "database": "unavailable",
        "broker": "ok",
        "cache": "ok",
    }
    down = shop.api.get(customers)
    assert down.status == 503, down.text
    assert down.headers["Content-Type"] == "application/problem+json"
    assert down.json()["code"] == "database_unavailable" and int(down.headers["Retry-After"]) > 0

    postgres.restore()
    wait_for(lambda: readiness(stack)[0] == 200, 30, what="readiness after PostgreSQL is back")
    assert shop.api.get(customers).status == 200
    assert web.poll() is None and stack.processes["web"] is web  # the same server, no restart


def test_redis_lost_and_back(stack, proxies):
    _, redis = proxies
    shop = register_tenant(stack, email="second@e2e.test", slug="e2e-second")
    customers = f"{shop.base}/customers/"
    redis.cut()
    status, checks = readiness(stack)
    assert status == 503
    assert checks["database"] == "ok" and checks["broker"] == checks["cache"] == "unavailable"
    # the API answers (limits fail open) and ingestion stores, with the deliveries kept
    assert shop.api.get(customers).status == 200
    started = time.monotonic()
    created = shop.api.ok(
        "POST", customers, {"external_id": "while-redis-was-down", "email": "down@e2e.test"}
    )
    assert time.monotonic() - started < 10
    pending = stack.sql(
        "SELECT count(*) FROM core_domainevent WHERE tenant_id = "
        "(SELECT id FROM accounts_tenant WHERE slug = %s) AND settled_at IS NULL",
        [shop.slug],
    )[0][0]
    assert pending >= 1

    redis.restore()
    wait_for(lambda: readiness(stack)[0] == 200, 30, what="readiness after Redis is back")
    # the minute sweeper (beat -> worker, both on Redis directly) delivers what waited
    wait_for(
        lambda: (
            stack.sql(
                "SELECT count(*) FROM core_domainevent WHERE tenant_id = "
                "(SELECT id FROM accounts_tenant WHERE slug = %s) AND settled_at IS NULL",
                [shop.slug],
            )[0][0]
            == 0
        ),
        180,
        interval=2,
        what="the sweeper to deliver the events stored while Redis was down",
    )
    assert shop.api.ok("GET", f"{customers}{created['id']}/")["external_id"] == (
        "while-redis-was-down"
    )


def test_a_hanging_receiver_delays_only_itself(stack):
    shop = register_tenant(stack, email="third@e2e.test", slug="e2e-third")
    with Receiver(delay=10) as hanging, Receiver() as healthy:
        for receiver in (hanging, healthy):
            shop.api.ok(
                "POST",
                f"{shop.base}/webhook-endpoints/",
                {"url": receiver.url, "event_types": ["customer.created"]},
            )
        shop.api.ok(
            "POST", f"{shop.base}/customers/", {"external_id": "hook", "email": "h@e2e.test"}
        )
        wait_for(lambda: healthy.requests, 30, what="the healthy endpoint's delivery")
        deliveries = wait_for(
            lambda: (
                (
                    rows := shop.api.ok("GET", f"{shop.base}/webhook-deliveries/?page_size=50")[
                        "results"
                    ]
                )
                and {r["status"] for r in rows} == {"succeeded", "failed"}
                and rows
            ),
            60,
            what="one delivery succeeded and the hanging one failed",
        )
    failed = next(d for d in deliveries if d["status"] == "failed")
    succeeded = next(d for d in deliveries if d["status"] == "succeeded")
    # the hanging one timed out (no status code) and waits for its next attempt
    assert failed["attempts"] >= 1 and failed["next_attempt_at"] is not None
    assert failed["last_status_code"] is None and failed["last_error"]
    assert succeeded["attempts"] == 1 and succeeded["last_status_code"] == 200
    assert json.loads(healthy.requests[0]["body"])["type"] == "customer.created"
